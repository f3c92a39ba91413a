from pathlib import Path
from types import SimpleNamespace

import pytest

from lantern import settings


def test_defaults_put_everything_under_the_data_folder():
    s = settings.load({})
    assert s.data_dir == settings.PROJECT_ROOT / "var"
    assert s.db_url == f"sqlite:///{settings.PROJECT_ROOT / 'var' / 'lantern.db'}"
    assert (s.rasa_port, s.actions_port) == (5005, 5055)
    assert s.rasa_api_token == ""


def test_values_override_defaults(tmp_path: Path):
    s = settings.load(
        {"LANTERN_DATA_DIR": str(tmp_path), "RASA_PORT": "6000", "LANTERN_DB_URL": "postgresql://u:p@db/lantern"}
    )
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
    assert (
        env["LANTERN_LOCK_STORE_TYPE"],
        env["LANTERN_REDIS_HOST"],
        env["LANTERN_REDIS_PORT"],
        env["LANTERN_REDIS_DB"],
        env["LANTERN_REDIS_PASSWORD"],
    ) == ("redis", "cache", "6380", "2", "pw")
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


# ----- read once per process ------------------------------------------------------------------------
@pytest.fixture
def env_file(tmp_path: Path, monkeypatch) -> SimpleNamespace:
    """A private `.env` (`.path`), and how often it was read (`.reads`)."""
    path = tmp_path / ".env"
    path.write_text("LANTERN_ORG_NAME=First\n")
    monkeypatch.setattr(settings, "ENV_FILE", path)
    monkeypatch.delenv("LANTERN_ORG_NAME", raising=False)
    reads = []
    real = settings.dotenv_values
    monkeypatch.setattr(settings, "dotenv_values", lambda *args, **kwargs: reads.append(1) or real(*args, **kwargs))
    return SimpleNamespace(path=path, reads=reads)


def test_load_reads_the_environment_and_env_file_once(env_file: SimpleNamespace):
    first = settings.load()
    assert first.org_name == "First"
    assert all(settings.load() is first for _ in range(20))
    assert len(env_file.reads) == 1


def test_reload_reads_again_and_is_what_load_returns_next(env_file: SimpleNamespace, monkeypatch):
    assert settings.load().org_name == "First"
    env_file.path.write_text("LANTERN_ORG_NAME=Second\n")
    assert settings.load().org_name == "First"  # cached: a running process keeps its settings
    reloaded = settings.reload()
    assert reloaded.org_name == "Second" and settings.load() is reloaded
    monkeypatch.setenv("LANTERN_ORG_NAME", "From the environment")  # a test changes a setting
    assert settings.reload().org_name == "From the environment" == settings.load().org_name


def test_load_with_values_is_neither_cached_nor_reading_env_file(env_file: SimpleNamespace):
    cached = settings.load()
    given = settings.load({"LANTERN_ORG_NAME": "Given"})
    assert given.org_name == "Given" and settings.load({"LANTERN_ORG_NAME": "Given"}) is not given
    assert settings.load() is cached
    assert len(env_file.reads) == 1


def test_secrets_generated_after_load_are_seen(env_file: SimpleNamespace, monkeypatch):
    for name in settings.SECRET_NAMES:
        monkeypatch.delenv(name, raising=False)
    assert settings.load().rasa_api_token == ""
    settings.ensure_secrets(env_file.path)
    assert settings.load().rasa_api_token != "" and settings.load().pseudonym_key != ""


def test_threads_share_one_load(env_file: SimpleNamespace):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        loaded = list(pool.map(lambda _: settings.load(), range(64)))
    assert all(s is loaded[0] for s in loaded)
    assert len(env_file.reads) == 1


def test_a_changed_lantern_variable_is_seen_without_reload(monkeypatch, tmp_path):
    """A test's setenv after settings were loaded must not leave code reading the old value (the referral
    tests once passed only because the stale default pointed at a directory the developer had imported)."""
    from lantern import settings

    first = settings.load()
    assert settings.load() is first  # nothing changed: the same object, no new read
    monkeypatch.setenv("LANTERN_DIRECTORY_DB_URL", f"sqlite:///{tmp_path / 'other.db'}")
    assert settings.load().directory_db_url.endswith("other.db")
    monkeypatch.setenv("UNRELATED_VARIABLE", "x")
    again = settings.load()
    assert settings.load() is again
