"""action_privacy and action_human: honest answers that match what the software does."""

import pytest

from actions.base import Context
from actions.cues import privacy_kinds
from actions.human import ActionHuman, human_turn
from actions.privacy import ActionPrivacy, privacy_messages, sms_pieces
from tests.unit.mi_helpers import codes, make_tracker, run


@pytest.mark.parametrize(
    "text,kinds",
    [
        ("will you tell the cops", ["report"]),
        ("can cps see this", ["report", "who_reads"]),
        ("delete my messages", ["delete"]),
        ("how long do you keep this", ["retention"]),
        ("who reads this", ["who_reads"]),
        ("is this private", ["who_reads"]),
        ("privacy?", ["who_reads"]),
    ],
)
def test_kinds(text, kinds):
    assert privacy_kinds(text) == kinds


def test_reporting(monkeypatch):
    monkeypatch.setenv("LANTERN_ORG_NAME", "Harbor Health")
    messages, _ = run(ActionPrivacy(), make_tracker("are you gonna tell my PO", "ask_privacy"))
    assert messages[0]["text"].startswith("No. Lantern doesn't report")
    assert "Harbor Health" in messages[1]["text"]
    assert all(c == "information" for c in codes(messages))


def test_who_reads_includes_the_retention_setting_and_policy(monkeypatch):
    monkeypatch.setenv("LANTERN_RETENTION_DAYS", "30")
    monkeypatch.setenv("LANTERN_PRIVACY_TEXT", "Our policy: staff read chats to follow up.")
    messages, _ = run(ActionPrivacy(), make_tracker("who can see this", "ask_privacy"))
    assert "no one reads along live" in messages[0]["text"]
    assert "30 days" in messages[1]["text"]
    assert messages[2]["text"] == "Our policy: staff read chats to follow up."


def test_deletion_in_the_chat_and_by_staff_said_honestly(monkeypatch):
    monkeypatch.setenv("LANTERN_SUPPORT_CONTACT", "privacy@example.org")
    monkeypatch.setenv("LANTERN_RETENTION_DAYS", "0")
    messages, _ = run(ActionPrivacy(), make_tracker("can i delete this", "ask_privacy"))
    assert "say 'delete my chat'" in messages[0]["text"] and "privacy@example.org" in messages[0]["text"]
    assert "until staff" in messages[1]["text"]
    assert "doesn't delete the record" in messages[2]["text"] and "'Delete my chat' does." in messages[2]["text"]


def test_at_most_three_messages_and_long_policy_split():
    long_policy = "This is a sentence about privacy. " * 20
    messages = privacy_messages(
        ["report", "delete", "retention", "who_reads"], "Org", long_policy, 90, "", Context.plain()
    )
    assert len(messages) == 3
    pieces = sms_pieces(long_policy)
    assert all(len(p) <= 320 for p in pieces) and len(pieces) >= 2


def test_a_person_to_talk_to(monkeypatch):
    monkeypatch.setenv("LANTERN_LOCALE", "en-US")
    monkeypatch.setenv("LANTERN_SUPPORT_CONTACT", "")
    messages, _ = run(ActionHuman(), make_tracker("can i talk to a real person", "ask_human"))
    assert "I'm a bot" in messages[0]["text"] and "1-800-662-4357" in messages[0]["text"]


def test_a_person_without_a_helpline_file():
    turn = human_turn(Context.plain(), None, "Harbor Health", "555-0100")
    assert "Harbor Health" in turn.messages[0].text and "555-0100" in turn.messages[0].text
