"""Start the Rasa server the Lantern way: `python -m rasa_plugins.server [--model PATH]`.

Why not plain `rasa run`: settings come from `.env` (lantern/settings.py) and are
handed to endpoints.yml as environment variables; the tracker store is made
strict (see rasa_plugins/tracker_store.py); every user message is parsed knowing the bot's
previous message, as labels (rasa_plugins/turn_context.py); telemetry is off; and the
HTTP API is enabled only with the token from `.env`. The token is passed inside
this process, so it never shows in the process list. Every change to Rasa's own
code is installed by `rasa_plugins.patches.install()`, which first checks the Rasa version.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, List, Optional

from lantern import settings as settings_mod
from lantern.logs import install_privacy_filter

PROJECT_ROOT = settings_mod.PROJECT_ROOT
RESPONSE_TIMEOUT = (
    30  # seconds; every channel answers before this itself (rasa_plugins/channels/turns.py TURN_DEADLINE)
)
MAX_REQUEST_BYTES = 1024 * 1024  # Sanic refuses bigger bodies (413) before reading them; SMS/REST need ~1-64 kB


def bearer_requires_auth(original: Callable[..., Any]) -> Callable[..., Any]:
    """Rasa's `requires_auth`, taking `Authorization: Bearer <token>` and refusing a token in the URL.

    Rasa 3.6 reads the API token only from `?token=`, which lands in proxy and
    access logs. Installed by rasa_plugins/patches.py.
    """
    import hmac
    from functools import wraps

    from sanic import response as sanic_response

    def requires_auth(app: Any, token: Optional[str] = None) -> Any:
        rasa_check = original(app, token)

        def decorator(handler: Any) -> Any:
            checked = rasa_check(handler)

            @wraps(handler)
            async def bearer_first(request: Any, *args: Any, **kwargs: Any) -> Any:
                if "token" in request.args:
                    return sanic_response.json(
                        {
                            "error": "tokens in the URL are refused (they end up in logs): "
                            "send the header Authorization: Bearer <RASA_API_TOKEN>"
                        },
                        status=401,
                    )
                scheme, _, given = request.headers.get("Authorization", "").partition(" ")
                if (
                    token
                    and scheme.lower() == "bearer"
                    and hmac.compare_digest(given.strip().encode("utf-8", "replace"), token.encode("utf-8"))
                ):
                    result = handler(request, *args, **kwargs)
                    return await result if hasattr(result, "__await__") else result
                return await checked(request, *args, **kwargs)

            return bearer_first

        return decorator

    return requires_auth


def freeze_startup_heap(app: Any, loop: Any) -> None:
    """Move everything alive after the model loaded out of the garbage collector's reach (`gc.freeze`).

    Why: the loaded model is about half a million objects, and every full collection walked them all,
    a pause of 0.25 s on an idle machine and more under load, on the event loop. One landing in a
    crisis turn's wait pushed the reply past its deadline (rasa_plugins/channels/turns.py): 1.08 s
    instead of 0.8 s. These objects live as long as the process, so there is nothing to collect in
    them; a full collection now walks only what turns create (bench/README.md, bench.gc_pause).
    A model loaded later (PUT /model) stays collectable, which is correct and only slower.
    """
    import gc
    import logging

    gc.collect()
    gc.freeze()
    logging.getLogger(__name__).info(
        "start-up heap frozen: %d objects out of the collector's walk", gc.get_freeze_count()
    )


def lantern_configure_app(original: Callable[..., Any]) -> Callable[..., Any]:
    """Rasa's `configure_app`, with a body limit, JSON nesting that cannot crash a handler, and a frozen heap.

    - Sanic reads bodies up to 100 MB by default; here 1 MB, refused from the
      Content-Length before the body is read.
    - `request.json` on 100,000 nested brackets raises RecursionError (a 500);
      here a 400 with a clear error.
    - Once the model is loaded (Rasa loads it `before_server_start`), `freeze_startup_heap`.
    Installed by rasa_plugins/patches.py.
    """
    from sanic import response as sanic_response

    def configure_app(*args: Any, **kwargs: Any) -> Any:
        app = original(*args, **kwargs)
        app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES

        async def too_deep(request: Any, exception: Exception) -> Any:
            return sanic_response.json({"error": "request JSON nests too deeply"}, status=400)

        app.error_handler.add(RecursionError, too_deep)
        app.register_listener(freeze_startup_heap, "after_server_start")
        return app

    return configure_app


def rasa_argv(s: settings_mod.Settings, model: Optional[str] = None) -> List[str]:
    """Arguments for `rasa run` built from settings."""
    argv = [
        "rasa",
        "run",
        "--model",
        model or str(s.model_dir),
        "--endpoints",
        str(PROJECT_ROOT / "endpoints.yml"),
        "--credentials",
        str(PROJECT_ROOT / "credentials.yml"),
        "--interface",
        s.host,
        "--port",
        str(s.rasa_port),
        "--response-timeout",
        str(RESPONSE_TIMEOUT),
    ]
    if s.cors_origins:  # none by default. The widget talks socket.io, open to every site that embeds it
        # (rasa_plugins/channels/widget.py): it carries no cookie or token, and a session is server-issued.
        argv += ["--cors", *s.cors_origins]
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
    os.umask(0o077)  # files 0600, folders 0700, even when started without make run
    args = list(sys.argv[1:] if args is None else args)
    model = None
    if "--model" in args:
        model = args[args.index("--model") + 1]
    s = settings_mod.load()
    prepare_environment(s)
    os.chdir(PROJECT_ROOT)

    from rasa_plugins import patches

    try:
        patches.install()  # every change to Rasa's own code, after checking the Rasa version (patches.py)
    except patches.RasaPatchError as error:
        raise SystemExit(f"Lantern's Rasa server did not start: {error}") from error
    install_privacy_filter()
    sys.argv = rasa_argv(s, model)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
