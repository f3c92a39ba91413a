"""Development mode (LANTERN_DEV=on): `make run` loads a newly trained model into the running Rasa server.

A thread of the runner looks at models/lantern.tar.gz once a second (one stat). When its size or
modification time changes (`make train` in another terminal wrote it) and then stays the same for
one more look (the file is complete), it asks the Rasa server to load it through Rasa's HTTP API:
`PUT /model` with `{"model_file": <absolute path>}` and the `RASA_API_TOKEN` as a Bearer token
(rasa/server.py `load_model`; it answers 204 once the new model is in use). It prints one line when
done, or one line saying why not; the server keeps the model it had on failure. While the Rasa
server loads a model (2 s here when idle) it answers nothing else: development only.

Off by default: in production a model changes with a deployment, not a file appearing.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable, Optional, Tuple

from lantern import settings as settings_mod
from tools.client import bearer
from tools.processes import http_json

LOAD_TIMEOUT = 600.0  # seconds a model load may take on a busy machine

Stamp = Optional[Tuple[int, int]]  # (mtime in ns, size), None when there is no file


def stamp_of(path: Path) -> Stamp:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size)


def load_model(s: settings_mod.Settings, model: Path, timeout: float = LOAD_TIMEOUT) -> Tuple[int, object]:
    """Ask the running Rasa server to replace its model with `model`: (HTTP status, body); 204 is success."""
    return http_json(
        f"{s.rasa_url}/model",
        {"model_file": str(model.resolve())},
        timeout=timeout,
        headers=bearer(s.rasa_api_token),
        method="PUT",
    )


class ModelWatcher:
    """Watches one model file and loads it into the Rasa server when it has changed and settled."""

    def __init__(
        self,
        s: settings_mod.Settings,
        model: Optional[Path] = None,
        interval: float = 1.0,
        say: Callable[[str], None] = print,
    ) -> None:
        self.settings = s
        self.model = model or settings_mod.PROJECT_ROOT / "models" / "lantern.tar.gz"
        self.interval = interval
        self.say = say
        self._loaded = stamp_of(self.model)  # what the server started with
        self._pending: Stamp = None  # a changed file seen once, loaded when the next look finds it the same
        self._stop = threading.Event()

    def check(self) -> Optional[bool]:
        """One look: None when there is nothing to do (yet), True when loaded, False when the load failed."""
        stamp = stamp_of(self.model)
        if stamp is None or stamp == self._loaded:
            self._pending = None
            return None
        if stamp != self._pending:  # new, or still being written: look again next time
            self._pending = stamp
            return None
        self._pending, self._loaded = None, stamp
        started = time.monotonic()
        try:
            status, body = load_model(self.settings, self.model)
        except OSError as err:  # no answer in time, connection refused...
            self.say(f"New model {self.model.name} not loaded: the Rasa server did not answer ({err}).")
            return False
        took = time.monotonic() - started
        if status == 204:
            self.say(f"New model {self.model.name} loaded into the running Rasa server in {took:.0f} s.")
            return True
        detail = body.get("message") if isinstance(body, dict) else str(body)[:200]
        self.say(f"New model {self.model.name} not loaded (HTTP {status}): {detail}. The old model stays.")
        return False

    def run(self) -> None:
        while not self._stop.wait(self.interval):
            self.check()

    def start(self) -> "ModelWatcher":
        threading.Thread(target=self.run, name="model-watcher", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
