"""tools/processes.py: private files and folders, children that die with their parent, loopback-only actions."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import psutil

from lantern.db.sqlite import database_files
from tests.conftest import make_settings
from tools import processes
from tools.processes import PROJECT_ROOT, child_env, secure_data, start_action_server


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def gone(pid: int, within: float) -> bool:
    """True once `pid` has exited (a zombie waiting for init to reap it counts as gone)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.1)
    return False


def test_an_older_data_folder_is_made_private(tmp_path):
    data = tmp_path / "var"
    (data / "logs").mkdir(parents=True)
    files = [data / "lantern.db", data / "lantern.db-wal", data / "logs" / "rasa.log", data / "directory.db"]
    for path in files:
        path.write_text("x")
        path.chmod(0o644)
    for folder in (data, data / "logs"):
        folder.chmod(0o755)
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("not Lantern's")
    outside.chmod(0o644)
    (data / "link").symlink_to(outside)

    changed = secure_data(make_settings(data))

    assert all(mode(p) == 0o600 for p in files)
    assert mode(data) == mode(data / "logs") == 0o700
    assert mode(outside) == 0o644  # symbolic links are not followed
    assert set(changed) == set(files) | {data, data / "logs"}
    assert secure_data(make_settings(data)) == []  # nothing left to fix


def test_a_database_outside_the_data_folder_is_made_private_but_not_its_folder(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    db = shared / "lantern.db"
    for path in database_files(f"sqlite:///{db}")[:2]:  # the database and its -wal
        path.write_text("x")
        path.chmod(0o644)
    secure_data(make_settings(tmp_path / "var", LANTERN_DB_URL=f"sqlite:///{db}?timeout=1"))
    assert mode(db) == mode(shared / "lantern.db-wal") == 0o600
    assert mode(shared) == 0o755


def test_a_data_folder_holding_the_project_is_not_walked(tmp_path, monkeypatch):
    """LANTERN_DATA_DIR=. by mistake must not strip the code and the virtualenv of their modes."""
    project = tmp_path / "project"
    project.mkdir()
    code = project / "tool.py"
    code.write_text("print()")
    code.chmod(0o755)
    monkeypatch.setattr(processes, "PROJECT_ROOT", project)
    secure_data(make_settings(tmp_path))
    assert mode(code) == 0o755


def test_database_files_of_a_url():
    assert database_files("sqlite:////srv/l/lantern.db?timeout=1") == [
        Path("/srv/l/lantern.db"),
        Path("/srv/l/lantern.db-wal"),
        Path("/srv/l/lantern.db-shm"),
        Path("/srv/l/lantern.db-journal"),
    ]
    assert database_files("sqlite://") == []
    assert database_files("postgresql://u:p@db/lantern") == []


PARENT = r"""
import os, sys, time
from pathlib import Path
from tools.processes import _spawn
child = _spawn("sleeper", [sys.executable, "-c",
                           "import sys, time; open(sys.argv[1], 'w').write('x'); time.sleep(600)", sys.argv[2]],
               dict(os.environ), Path(sys.argv[1]), "http://127.0.0.1:9/")
print(child.process.pid, flush=True)
time.sleep(600)
"""


def test_children_die_with_their_parent_and_write_private_files(tmp_path):
    """`kill -9` of `make run` must not leave servers behind; what they write is 0600."""
    written = tmp_path / "written-by-child"
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(tmp_path / "logs"), str(written)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        child_pid = int(parent.stdout.readline())
        deadline = time.monotonic() + 20
        while not (written.exists() and written.stat().st_size) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert mode(written) == 0o600
        assert mode(tmp_path / "logs" / "sleeper.log") == 0o600 and mode(tmp_path / "logs") == 0o700
        assert os.getpgid(child_pid) == child_pid  # its own process group
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        assert gone(child_pid, within=10)
    finally:
        parent.kill()
        parent.wait()


def test_the_action_server_is_told_to_listen_on_lantern_host_only(tmp_path, monkeypatch):
    """rasa_sdk's CLI has no interface option; its run() binds SANIC_HOST (default 0.0.0.0)."""
    import inspect

    import rasa_sdk.endpoint

    assert 'os.environ.get("SANIC_HOST"' in inspect.getsource(rasa_sdk.endpoint.run)
    spawned = {}
    monkeypatch.setattr(processes, "_spawn", lambda name, argv, env, *a, **k: spawned.update(env=env))
    s = make_settings(tmp_path, LANTERN_HOST="127.0.0.1")
    start_action_server(s, child_env(s, {"SANIC_HOST": "0.0.0.0"}), tmp_path)
    assert spawned["env"]["SANIC_HOST"] == "127.0.0.1"
