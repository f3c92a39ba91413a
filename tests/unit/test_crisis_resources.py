"""Locale files for crisis resources: the shipped ones are right, bad ones fail loudly with file and field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Dict

import pytest
import yaml

from lantern import settings
from lantern.crisis import resources
from lantern.crisis.resources import LocaleError, load_locale, load_locale_file, parse_locale, validate_all

VALID: Dict[str, Any] = {
    "locale": "xx-TS",
    "country": "Testland",
    "emergency": {"number": "112"},
    "crisis_line": {"name": "Test Crisis Line", "number": "0800 111 222", "call": True, "text": False},
    "helplines": {"never_use_alone": {"name": "Spotting line", "number": "+44 (20) 7946-0000", "note": "24/7"}},
    "good_samaritan": {"applies": False},
}


def write(tmp_path: Path, data: Any, name: str = "xx-TS") -> Path:
    path = tmp_path / f"{name}.yml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return path


def test_shipped_locales_are_valid():
    locales = validate_all()
    assert {"en-US", "en-CA"} <= set(locales)


def test_us_numbers():
    us = load_locale("en-US")
    assert (us.emergency_number, us.crisis_line_number, us.crisis_line_how) == ("911", "988", "call or text")
    assert us.helpline("substance_use").number == "1-800-662-4357"
    assert us.helpline("poison_control").number == "1-800-222-1222"
    assert us.helpline("never_use_alone").number == "1-800-484-3731"
    assert us.good_samaritan and "Good Samaritan" in us.good_samaritan


def test_second_locale_differs_where_it_should():
    ca = load_locale("en-CA")
    assert ca.emergency_number == "911" and ca.crisis_line_number == "988"
    assert ca.helpline("never_use_alone").number != load_locale("en-US").helpline("never_use_alone").number


def test_setting_picks_the_locale(monkeypatch):
    assert settings.load({}).locale == "en-US"
    assert settings.load({"LANTERN_LOCALE": "en-CA"}).locale == "en-CA"
    monkeypatch.setenv("LANTERN_LOCALE", "en-CA")
    assert load_locale().name == "en-CA"
    monkeypatch.setenv("LANTERN_LOCALE", "en-US")
    settings.reload()  # settings are read once per process
    assert load_locale().name == "en-US"


def test_a_valid_custom_locale_loads(tmp_path):
    loc = load_locale_file(write(tmp_path, VALID), expected_name="xx-TS")
    assert loc.crisis_line_how == "call" and loc.good_samaritan is None
    assert loc.helpline("never_use_alone").number == "+44 (20) 7946-0000"
    assert loc.helpline("poison_control") is None


def test_unquoted_number_is_accepted(tmp_path):
    text = write(tmp_path, VALID).read_text().replace("'112'", "112")
    assert "number: 112" in text
    assert load_locale_file(write(tmp_path, text)).emergency_number == "112"


def _mutate(path: str, value: Any) -> Dict[str, Any]:
    data = copy.deepcopy(VALID)
    node = data
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[key]
    if value is KeyError:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value
    return data


@pytest.mark.parametrize(
    "path, value, field",
    [
        ("emergency", KeyError, "emergency"),
        ("emergency.number", KeyError, "emergency.number"),
        ("emergency.number", "call the cops", "emergency.number"),
        ("emergency.number", "12", "emergency.number"),
        ("emergency.number", "1234567890123456789", "emergency.number"),
        ("emergency.number", True, "emergency.number"),
        ("emergency.number", "911; rm -rf /", "emergency.number"),
        ("crisis_line.number", "", "crisis_line.number"),
        ("crisis_line.name", KeyError, "crisis_line.name"),
        ("crisis_line.call", "yes", "crisis_line.call"),
        ("crisis_line.text", KeyError, "crisis_line.text"),
        ("crisis_line.call", False, "crisis_line"),
        ("helplines.never_use_alone.number", "ask at the desk", "helplines.never_use_alone.number"),
        ("helplines.never_use_alone.name", 5, "helplines.never_use_alone.name"),
        ("helplines.never_use_alone.url", "http://x", "helplines.never_use_alone.url"),
        ("helplines.never_use_alone", "1-800-484-3731", "helplines.never_use_alone"),
        ("helplines", ["a", "b"], "helplines"),
        ("good_samaritan.applies", "sometimes", "good_samaritan.applies"),
        ("good_samaritan.applies", True, "good_samaritan.text"),
        ("good_samaritan", KeyError, "good_samaritan"),
        ("locale", "xx-OTHER", "locale"),
        ("locale", "../../etc", "locale"),
        ("country", None, "country"),
        ("extra_section", {"a": 1}, "extra_section"),
    ],
)
def test_bad_fields_are_named(tmp_path, path, value, field):
    path_on_disk = write(tmp_path, _mutate(path, value))
    with pytest.raises(LocaleError) as info:
        load_locale_file(path_on_disk, expected_name="xx-TS")
    assert info.value.field == field
    assert str(path_on_disk) in str(info.value) and f"'{field}'" in str(info.value)


def test_overlong_texts_are_refused_because_replies_go_by_sms(tmp_path):
    data = _mutate("good_samaritan", {"applies": True, "text": "word " * 40})
    with pytest.raises(LocaleError, match="good_samaritan.text"):
        load_locale_file(write(tmp_path, data))


@pytest.mark.parametrize(
    "content, problem",
    [
        ("locale: [unclosed", "not valid YAML at line"),
        ("", "(top level)"),
        ("- just\n- a list\n", "(top level)"),
    ],
)
def test_unreadable_files(tmp_path, content, problem):
    with pytest.raises(LocaleError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        load_locale_file(write(tmp_path, content))


def test_missing_file_and_bad_names(tmp_path):
    with pytest.raises(LocaleError, match="not found"):
        load_locale("zz-ZZ", directory=tmp_path)
    for name in ("../en-US", "en US", "", "en-US/../../x"):
        with pytest.raises(LocaleError, match="LANTERN_LOCALE"):
            load_locale(name)


def test_validate_all_and_cli(tmp_path, capsys):
    write(tmp_path, VALID)
    assert set(validate_all(tmp_path)) == {"xx-TS"}
    assert resources.main([str(tmp_path)]) == 0
    write(tmp_path, _mutate("emergency.number", "none"), name="xx-BAD")
    bad = _mutate("emergency.number", "none")
    bad["locale"] = "xx-BAD"
    write(tmp_path, bad, name="xx-BAD")
    with pytest.raises(LocaleError, match="xx-BAD.yml"):
        validate_all(tmp_path)
    assert resources.main([str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "xx-BAD.yml" in err and "emergency.number" in err
    with pytest.raises(LocaleError, match="no locale files"):
        validate_all(tmp_path / "empty")


def test_parse_without_a_file():
    assert parse_locale(VALID, "inline").emergency_number == "112"
