"""action_concerned_other: support for family and friends."""

from actions.cues import relation
from actions.family import ActionConcernedOther
from tests.unit.mi_helpers import codes, make_tracker, run

ACTION = ActionConcernedOther()


def test_relation():
    assert relation("my son is using") == "your son"
    assert relation("worried about my bf") == "your boyfriend"
    assert relation("someone i love") is None


def test_worry_is_reflected_then_an_offer_with_permission():
    messages, slots = run(ACTION, make_tracker("my son is using fent and im scared", "concerned_other"))
    assert codes(messages) == ["complex_reflection", "permission"]
    assert "your son" in messages[1]["text"]
    assert slots["role"] == "family" and slots["who"] == "your son"
    assert slots["pending_offer"] == "family_menu"


def test_a_specific_question_is_answered():
    messages, slots = run(ACTION, make_tracker("how do i talk to my daughter about it", "concerned_other"))
    assert codes(messages) == ["complex_reflection", "information", "open_question"]
    assert "listen" in messages[1]["text"]


def test_naloxone_for_a_brother():
    messages, _ = run(ACTION, make_tracker("should i get narcan for my brother", "concerned_other"))
    assert "Naloxone" in messages[1]["text"]


def test_support_for_themselves():
    messages, _ = run(ACTION, make_tracker("is there support for me, my husband drinks", "concerned_other"))
    assert "Al-Anon" in messages[1]["text"]
