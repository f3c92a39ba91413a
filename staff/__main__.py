"""`python -m staff serve | add-user`: run the console, or create an account (the first admin, say).

.venv/bin/python -m staff add-user --username ana --role admin        # asks for the password
echo "$PASSWORD" | .venv/bin/python -m staff add-user --username ana --role admin --password-stdin
.venv/bin/python -m staff serve                                         # LANTERN_STAFF_PORT (5010)
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from typing import List, Optional

from lantern import settings as settings_mod
from lantern.db import staff_tables as t
from lantern.logs import install_privacy_filter


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m staff", description="Lantern's staff console")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the console (waitress)")
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--threads", type=int, default=8)
    add = sub.add_parser("add-user", help="create an account")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=t.ROLES)
    add.add_argument("--display-name", default=None)
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    args = parser.parse_args(argv)
    settings_mod.ensure_secrets()
    s = settings_mod.reload()
    if args.command == "add-user":
        return add_user(s, args.username, args.role, args.display_name, args.password_stdin)
    return run_server(s, args.port or s.staff_port, args.threads)


def add_user(s: settings_mod.Settings, username: str, role: str, display: Optional[str], stdin: bool) -> int:
    from staff.auth import AccountError, create_user
    from staff.db import open_engine

    password = sys.stdin.readline().rstrip("\n") if stdin else getpass.getpass("Password (12+ characters): ")
    engine = open_engine(s.db_url)
    try:
        with engine.begin() as conn:
            create_user(conn, username, password, role, display)
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"added {username.strip().lower()} ({role})")
    return 0


def run_server(s: settings_mod.Settings, port: int, threads: int) -> int:
    from waitress import serve

    from staff.app import create_app

    logging.basicConfig(level=s.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_privacy_filter()
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    app = create_app(s)
    print(f"staff console on http://{s.host}:{port}/", flush=True)
    serve(app, host=s.host, port=port, threads=threads, ident="lantern-staff", max_request_body_size=1 << 20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
