"""action_accept_offer / action_decline_offer: permission respected both ways."""

from actions.offers import ActionAcceptOffer, ActionDeclineOffer
from tests.unit.mi_helpers import bot_event, codes, make_tracker, run

ACCEPT, DECLINE = ActionAcceptOffer(), ActionDeclineOffer()


def test_yes_to_recovery_paths_gives_the_paths():
    messages, slots = run(ACCEPT, make_tracker("yeah ok", "affirm", slots={"pending_offer": "recovery_menu"}))
    assert codes(messages) == ["information", "open_question"]
    assert "buprenorphine" in messages[0]["text"] or "buprenorphine" in messages[0]["text"].lower()
    assert slots["pending_offer"] is None


def test_yes_to_the_family_offer():
    messages, _ = run(
        ACCEPT, make_tracker("yes please", "affirm", slots={"pending_offer": "family_menu", "who": "your son"})
    )
    assert "your son" in messages[0]["text"] and "Al-Anon" in messages[0]["text"]


def test_yes_to_pick_up_from_last_time():
    slots = {"pending_offer": "resume", "change_themes": ["family"], "who": "your kids"}
    messages, set_slots = run(ACCEPT, make_tracker("yes", "affirm", slots=slots))
    assert codes(messages) == ["summary", "open_question"]
    assert "your kids" in messages[0]["text"]
    assert set_slots["last_prompt"] == "resume"


def test_yes_with_nothing_offered_leaves_room_not_a_bare_okay():
    messages, _ = run(ACCEPT, make_tracker("ok", "affirm", events=[bot_event("open_question")]))
    assert codes(messages) == ["structure"]
    assert messages[0]["text"] not in ("Okay.", "Got it.")


def test_yes_right_after_a_question_reflects_the_change_talk_kept():
    tracker = make_tracker(
        "yeah", "affirm", events=[bot_event("open_question")], slots={"change_themes": ["family"], "who": "your kids"}
    )
    messages, _ = run(ACCEPT, tracker)
    assert codes(messages) == ["complex_reflection"]
    assert "your kids" in messages[0]["text"]


def test_no_is_respected_without_a_second_try():
    messages, slots = run(DECLINE, make_tracker("nah", "deny", slots={"pending_offer": "recovery_menu"}))
    assert codes(messages) == ["structure"]
    assert slots["pending_offer"] is None
    assert "?" not in messages[0]["text"]


def test_no_to_picking_up_starts_from_today():
    messages, _ = run(DECLINE, make_tracker("no", "deny", slots={"pending_offer": "resume"}))
    assert codes(messages) == ["structure", "open_question"]


def test_no_next_step_for_now_is_reflected():
    messages, _ = run(DECLINE, make_tracker("nah", "deny", slots={"last_prompt": "next_step"}))
    assert codes(messages) == ["complex_reflection"]


def test_no_to_a_ruler_drops_the_numbers():
    messages, slots = run(DECLINE, make_tracker("no", "deny", slots={"ruler_pending": "importance"}))
    assert slots["ruler_pending"] is None and codes(messages) == ["structure"]
