"""Check-ins in the conversation (actions/checkins.py): offered after a plan, a clear yes, the zone, the time
said back from the parsed result, quiet hours, booking as an effect; cancel, move, and the answer to the text."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from actions import checkins
from actions.base import Context, Turn
from actions.offers import accept_turn, decline_turn
from actions.plans import plan_step_turn
from actions.reflect import reflect_turn

SMS = "sms:p_abcdefghijklmnopqrst"
WEB = "3f2a9c1b7d5e4f60a1b2c3d4e5f60718"
# Wednesday Dec 9 2026, 3 pm in Chicago.
NOW = datetime(2026, 12, 9, 21, 0, tzinfo=timezone.utc)


def ctx(text: str, slots=None, sender: str = SMS, intent=None, seed: int = 0) -> Context:
    return Context.plain(text, slots or {}, sender_id=sender, intent=intent, seed=seed)


def test_a_plan_thought_through_ends_with_the_offer_over_sms_and_the_sms_fact_once_on_the_web():
    sms = plan_step_turn(ctx("my sister could help", {"last_prompt": "plan_support"}))
    assert [m.mi for m in sms.messages] == ["affirm", "permission"] and sms.slots["pending_offer"] == "checkin"
    assert [p for _, p in sms.messages[-1].buttons] == ["/affirm", "/deny"]
    web = plan_step_turn(ctx("my sister could help", {"last_prompt": "plan_support"}, sender=WEB))
    assert "pending_offer" not in web.slots and "SMS" in web.messages[-1].text
    told = Context.plain("x", {"last_prompt": "plan_support", "said": []}, sender_id=WEB)
    told.recent.append(web.messages[-1].text)  # said earlier in this conversation: not again
    assert len(plan_step_turn(told).messages) == 1


def test_the_plan_offer_keeps_a_step_label_never_the_words():
    turn = reflect_turn(ctx("gonna go to a meeting friday"))
    assert turn.slots["plan_step"] == "meeting"
    assert reflect_turn(ctx("ill get narcan from the van tomorrow")).slots["plan_step"] == "naloxone"
    assert reflect_turn(ctx("im gonna ask my sister to drive me")).slots["plan_step"] == "plan"


def test_yes_asks_the_zone_when_unknown_then_when():
    first = accept_turn(ctx("yes", {"pending_offer": "checkin"}))
    assert first.slots["last_prompt"] == "checkin_tz" and first.slots["pending_offer"] is None
    known = accept_turn(ctx("yes", {"pending_offer": "checkin", "timezone": "America/Chicago"}))
    assert known.slots["last_prompt"] == "checkin_when"
    from_zip = accept_turn(ctx("yes", {"pending_offer": "checkin", "referral_place": "60614"}))
    assert from_zip.slots["last_prompt"] == "checkin_when"


@pytest.mark.parametrize("answer, zone", [("central", "America/Chicago"), ("im in 98101", "America/Los_Angeles")])
def test_the_zone_answer_is_kept_and_when_is_asked(answer, zone):
    turn = checkins.answer_turn(ctx(answer, {"last_prompt": "checkin_tz"}), NOW)
    assert turn is not None and turn.slots["timezone"] == zone and turn.slots["last_prompt"] == "checkin_when"


def test_the_time_is_said_back_from_the_parsed_result_and_waits_for_a_clear_yes():
    turn = checkins.answer_turn(ctx("fri eve", {"last_prompt": "checkin_when", "timezone": "America/Chicago"}), NOW)
    assert turn is not None and turn.slots["pending_offer"] == "checkin_confirm"
    assert "Friday Dec 11 in the evening (around 6 pm)" in turn.messages[0].text
    assert "fri eve" not in turn.messages[0].text and "nothing about what we talked about" in turn.messages[0].text
    draft = turn.slots["checkin_draft"]
    assert draft["tz"] == "America/Chicago" and datetime.fromtimestamp(draft["at"], timezone.utc).hour == 0  # 6 pm CST
    assert not turn.effects  # nothing is booked before the yes


def test_a_time_in_quiet_hours_is_moved_and_the_reason_said():
    turn = checkins.answer_turn(
        ctx("tonight at 11", {"last_prompt": "checkin_when", "timezone": "America/Chicago"}), NOW
    )
    assert turn is not None
    text = turn.messages[0].text
    assert "between 9 pm and 9 am" in text and "tomorrow at 9 am" in text


def test_yes_books_it_as_an_effect_and_no_asks_for_another_time():
    draft = {"at": 1765497600.0, "tz": "America/Chicago", "described": "Friday Dec 11 at 6 pm"}
    slots = {"pending_offer": "checkin_confirm", "checkin_draft": draft, "plan_step": "clinic"}
    booked = accept_turn(ctx("yes", slots))
    assert booked.effects == {"schedule": {"at": 1765497600.0, "tz": "America/Chicago", "step": "clinic"}}
    assert "Friday Dec 11 at 6 pm" in booked.messages[0].text and booked.slots["checkin_draft"] is None
    other = decline_turn(ctx("no", slots))
    assert other.slots["last_prompt"] == "checkin_when" and not other.effects


def test_a_new_time_while_confirming_is_said_back_again():
    draft = {"at": 1765497600.0, "tz": "America/Chicago", "described": "Friday Dec 11 at 6 pm"}
    slots = {"pending_offer": "checkin_confirm", "checkin_draft": draft, "timezone": "America/Chicago"}
    turn = checkins.answer_turn(ctx("make it saturday morning", slots, intent="share"), NOW)
    assert turn is not None and "Saturday Dec 12" in turn.messages[0].text


def test_an_answer_not_understood_is_asked_once_more_then_dropped_kindly():
    slots = {"last_prompt": "checkin_when", "timezone": "America/Chicago"}
    again = checkins.answer_turn(ctx("whenever lol", slots), NOW)
    assert again is not None and again.slots["last_prompt"] == "checkin_when"
    dropped = checkins.answer_turn(ctx("idk later", {**slots, **again.slots}), NOW)
    assert dropped is not None and dropped.slots["last_prompt"] is None and "leave the text" in dropped.messages[0].text
    refused = checkins.answer_turn(ctx("nah forget it", slots), NOW)
    assert refused is not None and refused.slots["last_prompt"] is None


def test_answers_reach_the_question_whatever_action_the_nlu_picked():
    from actions.offers import ActionAcceptOffer
    from actions.unsure import ActionUnsure

    slots = {"last_prompt": "checkin_when", "timezone": "America/Chicago"}
    for action in (ActionAcceptOffer(), ActionUnsure()):
        turn = action.decide_turn(ctx("ok friday at 6", slots, intent="affirm"))
        assert turn.slots.get("pending_offer") == "checkin_confirm", type(action).__name__


def test_the_web_chat_says_plainly_that_check_ins_need_sms():
    turn = checkins.request_turn(ctx("can you check in on me friday", sender=WEB), NOW)
    assert "SMS" in turn.messages[0].text and not turn.effects


def test_a_request_with_a_time_goes_straight_to_the_confirmation():
    turn = checkins.request_turn(ctx("can you check in on me friday", {"timezone": "America/New_York"}), NOW)
    assert turn.slots["pending_offer"] == "checkin_confirm" and "Friday Dec 11" in turn.messages[0].text


def test_cancel_and_move():
    assert "cancelled" in checkins.cancel_turn(ctx("cancel my check-in"), 1).messages[0].text
    assert "no check-in set" in checkins.cancel_turn(ctx("cancel my check-in"), 0).messages[0].text
    slots = {"timezone": "America/Chicago"}
    moved = checkins.move_request_turn(ctx("move it to monday", slots), True, NOW)
    assert "Monday Dec 14" in moved.messages[0].text and moved.effects["move"]["tz"] == "America/Chicago"
    asked = checkins.move_request_turn(ctx("can we change the time", slots), True, NOW)
    assert asked.slots["last_prompt"] == "checkin_move_when" and not asked.effects
    none = checkins.move_request_turn(ctx("move it to monday", slots), False, NOW)
    assert "no check-in set" in none.messages[0].text and not none.effects


def test_the_answer_to_the_check_in_text_is_read_in_its_light():
    taken = checkins.answer_turn(ctx("i called them and got an intake friday", {"last_prompt": "checkin_followup"}))
    assert taken is not None and taken.messages[0].mi == "affirm"
    not_yet = checkins.answer_turn(ctx("nah i didnt do it yet", {"last_prompt": "checkin_followup"}))
    assert not_yet is not None and not_yet.slots["last_prompt"] == "plan_obstacle"
    assert [m.mi for m in not_yet.messages] == ["complex_reflection", "open_question"]
    assert checkins.answer_turn(ctx("its been a rough week", {"last_prompt": "checkin_followup"})) is None


def test_carry_out_books_and_tells_a_failure(monkeypatch):
    calls = []

    class Store:
        def schedule(self, *args, **kwargs):
            calls.append((args, kwargs))
            return 1

    monkeypatch.setattr(checkins, "_STORE", Store())
    turn = Turn(effects={"schedule": {"at": 1.0e9, "tz": "America/Chicago", "step": "plan"}})
    done = checkins.carry_out(turn, ctx("yes"))
    assert calls and calls[0][0][:4] == ("p_abcdefghijklmnopqrst", 1.0e9, "America/Chicago", "plan")
    assert done.effects == {}

    class Broken:
        def schedule(self, *args, **kwargs):
            raise RuntimeError("database is locked")

    monkeypatch.setattr(checkins, "_STORE", Broken())
    failed = checkins.carry_out(Turn(effects={"schedule": {"at": 1.0, "tz": "UTC", "step": "plan"}}), ctx("yes"))
    assert "couldn't save" in failed.messages[0].text
