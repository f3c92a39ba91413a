"""action_summarize: change talk gathered from slots, in the bot's words, then the key question."""

from actions.summary import ActionSummarize, join_phrases, summary_text
from tests.unit.mi_helpers import codes, make_tracker, run

ACTION = ActionSummarize()
SLOTS = {
    "change_themes": ["family", "money", "tired"],
    "who": "your kids",
    "sustain_themes": ["withdrawal"],
    "steps_taken": ["naloxone"],
    "importance": 7.0,
}


def test_summary_gathers_change_talk_then_asks_what_next():
    messages, slots = run(ACTION, make_tracker("so what now", "what_next", slots=SLOTS))
    assert codes(messages) == ["summary", "open_question"]
    text = messages[0]["text"]
    assert "want to be there for your kids" in text
    assert "your own life" in text and "worn out" in text
    assert "dread getting sick" in text or "dreads getting sick" in text  # the other side, acknowledged
    assert "picked up naloxone" in text and "7 out of 10" in text
    assert len(text) <= 320
    assert slots["last_prompt"] == "next_step"


def test_nothing_gathered_yet_is_said_honestly():
    messages, slots = run(ACTION, make_tracker("what do i do", "what_next"))
    assert codes(messages) == ["structure", "open_question"]
    assert slots["last_prompt"] is None


def test_summary_shrinks_to_fit_one_sms():
    slots = {
        "change_themes": ["family", "money", "tired", "control", "legal", "health"],
        "who": "the people you love the most in this world",
        "sustain_themes": ["social"],
        "steps_taken": ["safer_route", "called_clinic"],
        "importance": 7.5,
    }
    for _ in range(5):
        text = summary_text("Let me put together what you've said.", slots)
        assert text is not None and len(text) <= 320


def test_summary_for_family_does_not_put_the_loved_one_in_the_persons_mouth():
    text = summary_text("Here's what I'm hearing.", {"change_themes": ["family"], "who": "your son", "role": "family"})
    assert "your son" not in text


def test_join_phrases():
    assert join_phrases(["a"]) == "a"
    assert join_phrases(["a", "b"]) == "a and b"
    assert join_phrases(["a", "b", "c"]) == "a, b, and c"
