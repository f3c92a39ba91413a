from pathlib import Path

import pytest

from lantern import settings


def test_defaults_put_everything_under_the_data_folder():
    s = settings.load({})
    assert s.data_dir == settings.PROJECT_ROOT / "var"
    assert s.db_url == f"sqlite:///{settings.PROJECT_ROOT / 'var' / 'lantern.db'}"
    assert (s.rasa_port, s.actions_port) == (5005, 5055)
    assert s.rasa_api_token == ""


def test_values_override_defaults(tmp_path: Path):
    s = settings.load({"LANTERN_DATA_DIR": str(tmp_path), "RASA_PORT": "6000",
                       "LANTERN_DB_URL": "postgresql://u:p@db/lantern"})
    assert s.data_dir == tmp_path
    assert s.rasa_port == 6000
    assert s.db_url == "postgresql://u:p@db/lantern"
    assert s.rasa_env()["LANTERN_DB_URL"] == "postgresql://u:p@db/lantern"


def test_bad_port_is_a_clear_error():
    with pytest.raises(ValueError, match="RASA_PORT"):
        settings.load({"RASA_PORT": "five"})


def test_lock_store_from_url():
    assert settings.load({}).rasa_env()["LANTERN_LOCK_STORE_TYPE"] == "in_memory"
    env = settings.load({"LANTERN_LOCK_STORE_URL": "redis://:pw@cache:6380/2"}).rasa_env()
    assert (env["LANTERN_LOCK_STORE_TYPE"], env["LANTERN_REDIS_HOST"], env["LANTERN_REDIS_PORT"],
            env["LANTERN_REDIS_DB"], env["LANTERN_REDIS_PASSWORD"]) == ("redis", "cache", "6380", "2", "pw")
    with pytest.raises(ValueError):
        settings.load({"LANTERN_LOCK_STORE_URL": "memcached://x"}).rasa_env()


def test_missing_secrets_are_generated_once(tmp_path: Path, monkeypatch):
    for name in settings.SECRET_NAMES:
        monkeypatch.delenv(name, raising=False)
    env_file = tmp_path / ".env"
    env_file.write_text("LANTERN_ORG_NAME=Somewhere")
    generated = settings.ensure_secrets(env_file)
    assert generated == settings.SECRET_NAMES
    text = env_file.read_text()
    assert "LANTERN_ORG_NAME=Somewhere\n" in text
    assert all(f"{name}=" in text for name in settings.SECRET_NAMES)
    assert settings.ensure_secrets(env_file) == []
    assert env_file.read_text() == text
    assert oct(env_file.stat().st_mode)[-3:] == "600"
