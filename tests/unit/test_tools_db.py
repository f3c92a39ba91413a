"""`python -m tools db status|upgrade` against real SQLite files in a fresh data folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "LANTERN_DATA_DIR": str(data_dir),
        "LANTERN_DB_URL": "",
        "LANTERN_DIRECTORY_DB_URL": "",
        "LANTERN_ENV_FILE": str(data_dir / "none.env"),
    }
    return subprocess.run(
        [sys.executable, "-m", "tools", "db", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_status_is_behind_until_upgrade_then_at_head(tmp_path: Path) -> None:
    before = run(tmp_path, "status")
    assert before.returncode == 1, before.stderr
    assert "not created" in before.stdout
    up = run(tmp_path, "upgrade")
    assert up.returncode == 0, up.stderr
    after = run(tmp_path, "status")
    assert after.returncode == 0, after.stdout + after.stderr
    lines = after.stdout.strip().splitlines()
    # transcripts, sms, staff, checkins, handoffs (the conversations database) and directory
    assert len(lines) == 6 and all(line.endswith("at head") for line in lines)
    assert run(tmp_path, "upgrade").returncode == 0  # idempotent
