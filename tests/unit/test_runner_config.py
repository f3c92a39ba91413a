"""`make run` refuses to start with SMS on and no support contact (carriers expect HELP to name one)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import make_settings
from tools.processes import PROJECT_ROOT
from tools.runner import config_problems, sms_configured

SMS = {
    "LANTERN_TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
    "LANTERN_TWILIO_AUTH_TOKEN": "twilio-secret",
    "LANTERN_SMS_FROM": "+15550000000",
}


def test_sms_without_a_support_contact_is_a_problem(tmp_path):
    assert sms_configured(make_settings(tmp_path, **SMS))
    [problem] = config_problems(make_settings(tmp_path, **SMS))
    assert "LANTERN_SUPPORT_CONTACT" in problem and "docs/channels.md" in problem
    assert config_problems(make_settings(tmp_path, **SMS, LANTERN_SUPPORT_CONTACT="1-800-555-0199")) == []
    assert config_problems(make_settings(tmp_path)) == []  # SMS off: nothing to name
    partial = {k: v for k, v in SMS.items() if k != "LANTERN_SMS_FROM"}
    assert (
        not sms_configured(make_settings(tmp_path, **partial))
        and config_problems(make_settings(tmp_path, **partial)) == []
    )


def run_runner(tmp_path, **settings: str) -> subprocess.CompletedProcess:
    env_file = tmp_path / "test.env"
    env_file.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LANTERN_", "RASA_"))}
    env.update(settings, LANTERN_ENV_FILE=str(env_file), LANTERN_DATA_DIR=str(tmp_path / "data"))
    return subprocess.run(
        [sys.executable, "-m", "tools.runner"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_make_run_refuses_to_start_before_starting_anything(tmp_path):
    done = run_runner(tmp_path, **SMS, LANTERN_SUPPORT_CONTACT="  ")
    env_file = tmp_path / "test.env"
    assert done.returncode == 2
    assert "Lantern did not start" in done.stderr and "set LANTERN_SUPPORT_CONTACT" in done.stderr
    assert "Starting" not in done.stdout
    assert not (tmp_path / "data").exists()  # nothing created, no server started
    assert env_file.read_text() == ""  # not even secrets generated


def test_a_malformed_supervision_setting_is_refused_the_same_way(tmp_path):
    done = run_runner(tmp_path, LANTERN_HEALTH_TIMEOUT="soon")
    assert done.returncode == 2 and "LANTERN_HEALTH_TIMEOUT must be a number of seconds" in done.stderr
    assert not (tmp_path / "data").exists()
