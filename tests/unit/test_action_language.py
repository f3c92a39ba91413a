"""A message in Spanish: read as Spanish, answered honestly in Spanish with a line that speaks it."""

import pytest

from actions.base import Context
from actions.language import language_text, language_turn
from lantern.crisis.resources import LocaleError, parse_locale
from lantern.nlu.language import language_of


@pytest.mark.parametrize(
    "text",
    [
        "hola necesito ayuda",
        "¿Dónde puedo conseguir metadona?",
        "mi hijo usa drogas, que hago",
        "hablas español?",
        "Tengo miedo",
        "es la primera vez que pido ayuda",
    ],
)
def test_spanish_is_read_as_spanish(text):
    assert language_of(text) == "es"


@pytest.mark.parametrize(
    "text",
    ["gracias, that helps", "i want to stop using", "la la land", "no", "", None, "ok", "son of a gun, this is hard"],
)
def test_english_and_too_little_to_tell_are_not(text):
    assert language_of(text) is None


@pytest.mark.parametrize("locale", ["en-US", "en-CA"])
def test_each_locale_answers_spanish_in_spanish_with_the_emergency_number(monkeypatch, locale):
    monkeypatch.setenv("LANTERN_LOCALE", locale)
    text = language_text("es")
    assert text and "inglés" in text and "911" in text and "988" in text
    assert len(text) <= 320


def test_the_us_text_names_a_helpline_that_speaks_spanish(monkeypatch):
    monkeypatch.setenv("LANTERN_LOCALE", "en-US")
    assert "1-800-662-4357" in language_text("es")


def test_a_language_without_a_text_gets_the_english_line():
    turn = language_turn(Context.plain("bonjour"), None)
    assert "only understand English" in turn.messages[0].text
    assert language_text(None) is None


def test_a_bad_other_language_entry_stops_the_locale_with_a_clear_error(tmp_path):
    data = {
        "locale": "en-US",
        "country": "United States",
        "emergency": {"number": "911"},
        "crisis_line": {"name": "988", "number": "988", "call": True, "text": True},
        "good_samaritan": {"applies": False},
        "other_languages": {"spanish": {"text": "hola"}},
    }
    with pytest.raises(LocaleError, match="two-letter"):
        parse_locale(data, tmp_path / "en-US.yml")
