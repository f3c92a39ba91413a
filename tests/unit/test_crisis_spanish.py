"""Spanish signs of danger now (lantern/crisis/spanish.py, data/crisis/spanish.yml) in the detector."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lantern.crisis import spanish
from lantern.crisis.detector import detect
from lantern.nlu.language import language_of

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    "text, category, level",
    [
        ("mi novio no respira y tiene los labios azules", "overdose", "crisis"),
        ("se puso morada y no se despierta, que hago", "overdose", "crisis"),
        ("use el doble de lo normal y me siento raro", "overdose", "check_in"),
        ("me duele el pecho y el corazón me late rapidísimo", "stimulant", "crisis"),
        ("está convulsionando en el piso", "stimulant", "crisis"),
        ("me quiero morir, ya no puedo más", "suicide", "crisis"),
        ("mis hijos estarían mejor sin mí", "suicide", "crisis"),
        ("ya no aguanto más", "suicide", "check_in"),
        ("mi esposo tiene una pistola y dice que me va a matar", "danger", "crisis"),
        ("me tienen encerrada y no me dejan salir", "danger", "crisis"),
    ],
)
def test_a_sign_of_danger_in_spanish_gets_its_level_and_category(text, category, level):
    result = detect(text)
    assert (result.category, result.level) == (category, level), result.matched
    assert any(name.startswith("es.") for name in result.matched)


@pytest.mark.parametrize(
    "text",
    [
        "hola necesito ayuda para dejar las drogas",
        "¿dónde consigo narcan gratis?",
        "mi hijo usa drogas y estoy preocupada",
        "tengo miedo de recaer este fin de semana",
        "quiero dejar de usar, hablas español?",
    ],
)
def test_ordinary_spanish_messages_raise_nothing(text):
    assert detect(text).level == "none"


def test_no_english_message_of_the_crisis_set_reads_as_a_spanish_sign():
    """The signs must not fire on English: every message of the hand-written set stays as the patterns read it."""
    data = yaml.safe_load((DATA / "crisis_messages.yml").read_text(encoding="utf-8"))
    texts = [item["text"] for group in data.values() if isinstance(group, list) for item in group if "text" in item]
    assert len(texts) > 300
    english = [t for t in texts if language_of(t) is None]
    assert [t for t in english if spanish.signs().read(t)] == []


def test_a_broken_signs_file_is_refused_naming_the_key():
    with pytest.raises(ValueError, match="not a crisis category"):
        spanish.parse({"overdosis": {"crisis": ["no respira"]}})
    with pytest.raises(ValueError, match="suicide.crisis"):
        spanish.parse({"suicide": {"crisis": ["quiero (morir"]}})
    with pytest.raises(ValueError, match="crisis` and/or `check_in"):
        spanish.parse({"danger": {"urgent": ["me pega"]}})
    assert spanish.signs().rules  # the shipped file loads
