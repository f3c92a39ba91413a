"""Start the Rasa server the Lantern way: `python -m bot.server [--model PATH]`.

Why not plain `rasa run`: settings come from `.env` (bot/settings.py) and are
handed to endpoints.yml as environment variables; the tracker store is made
strict (see bot/stores.py); every user message is parsed knowing the bot's
previous message, as labels (bot/turn_context.py); telemetry is off; and the
HTTP API is enabled only with the token from `.env`. The token is passed inside
this process, so it never shows in the process list.
"""
from __future__ import annotations

import os
import sys
from typing import List, Optional

from bot import settings as settings_mod
from bot.logs import install_privacy_filter

PROJECT_ROOT = settings_mod.PROJECT_ROOT


def rasa_argv(s: settings_mod.Settings, model: Optional[str] = None) -> List[str]:
    """Arguments for `rasa run` built from settings."""
    argv = [
        "rasa", "run",
        "--model", model or str(s.model_dir),
        "--endpoints", str(PROJECT_ROOT / "endpoints.yml"),
        "--credentials", str(PROJECT_ROOT / "credentials.yml"),
        "--interface", s.host,
        "--port", str(s.rasa_port),
        "--cors", "*",
        "--response-timeout", "30",
    ]
    if s.rasa_api_token:
        argv += ["--enable-api", "--auth-token", s.rasa_api_token]
    if s.log_level == "DEBUG":
        argv.append("--debug")
    return argv


def prepare_environment(s: settings_mod.Settings) -> None:
    """Environment Rasa reads: endpoint values, no telemetry, quiet TensorFlow."""
    os.environ.update(s.rasa_env())
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("LOG_LEVEL", s.log_level)
    s.data_dir.mkdir(parents=True, exist_ok=True)


def main(args: Optional[List[str]] = None) -> None:
    args = list(sys.argv[1:] if args is None else args)
    model = None
    if "--model" in args:
        model = args[args.index("--model") + 1]
    s = settings_mod.load()
    prepare_environment(s)
    os.chdir(PROJECT_ROOT)

    from bot import speedups, turn_context
    from bot.stores import make_tracker_store_strict

    make_tracker_store_strict()
    speedups.apply()
    turn_context.apply()
    install_privacy_filter()
    sys.argv = rasa_argv(s, model)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
