"""crisis_turn: what the crisis layer says, given what it read and where the conversation stands."""

from dataclasses import replace

import pytest

from lantern.crisis.dialogue import (
    CHECK_AGAIN,
    CHECK_NO,
    MULTI_SUM,
    NO_EMERGENCY,
    SAFE,
    YES_UNKNOWN,
    CrisisContext,
    crisis_turn,
    risks_since_reply,
)

IN_OVERDOSE = CrisisContext(
    intent="share", crisis_active=True, crisis_type="overdose", last_bot_action="utter_crisis_good_samaritan", words=4
)


def test_a_crisis_reading_gets_its_script_and_starts_crisis_mode():
    turn = crisis_turn(CrisisContext(intent="crisis_overdose", level="crisis", category="overdose"))
    assert turn.actions == ("utter_crisis_overdose_call", "utter_crisis_overdose_steps", "utter_crisis_good_samaritan")
    assert dict(turn.events) == {"crisis_active": True, "crisis_type": "overdose"}
    assert (
        "utter_crisis_good_samaritan"
        not in crisis_turn(CrisisContext(intent="crisis_overdose", good_samaritan=False)).actions
    )


def test_a_form_is_ended_before_listening():
    turn = crisis_turn(CrisisContext(intent="crisis_suicide"))
    assert turn.sequence(loop_active=True)[-2:] == ["action_deactivate_loop", "action_listen"]


def test_nothing_to_say_outside_a_crisis():
    assert crisis_turn(CrisisContext(intent="greet")) is None
    assert crisis_turn(CrisisContext(intent="share", risk=0.2)) is None


@pytest.mark.parametrize(
    "update,reply",
    [
        ("called", "utter_crisis_called_overdose"),
        ("help_here", "utter_crisis_help_here_overdose"),
        ("improving", "utter_crisis_improving_overdose"),
        ("worse", "utter_crisis_worse_overdose"),
    ],
)
def test_crisis_mode_answers_what_the_update_says(update, reply):
    turn = crisis_turn(replace(IN_OVERDOSE, update=update, update_confidence=0.8))
    assert turn.actions == (reply,)
    assert dict(turn.events) == {"crisis_active": True, "crisis_type": "overdose"}  # still in crisis mode


def test_a_question_in_an_emergency_gets_the_step_it_asks_for():
    turn = crisis_turn(
        replace(
            IN_OVERDOSE, update="question", update_confidence=0.7, question="naloxone_more", question_confidence=0.6
        )
    )
    assert turn.actions == ("utter_crisis_answer_naloxone_more",)
    unsure = crisis_turn(
        replace(IN_OVERDOSE, update="question", update_confidence=0.7, question="seizure", question_confidence=0.1)
    )
    assert unsure.actions == ("utter_crisis_worse_overdose",)


def test_no_emergency_ends_crisis_mode():
    bare = crisis_turn(replace(IN_OVERDOSE, intent="deny", update="no_emergency", update_confidence=0.9, words=3))
    assert bare.actions == (NO_EMERGENCY,) and dict(bare.events) == {"crisis_active": False}
    with_question = crisis_turn(
        replace(IN_OVERDOSE, intent="ask_info", update="no_emergency", update_confidence=0.9, words=14)
    )
    assert with_question.handoff and dict(with_question.events) == {"crisis_active": False}


def test_everyday_messages_do_not_lock_the_conversation_in_crisis_mode():
    first = crisis_turn(replace(IN_OVERDOSE, intent="referral_request", update="other", update_confidence=0.9))
    assert first.actions == ("utter_crisis_still_here_overdose",)
    second = crisis_turn(
        replace(
            IN_OVERDOSE,
            intent="referral_request",
            update="other",
            update_confidence=0.9,
            last_bot_action="utter_crisis_still_here_overdose",
        )
    )
    assert second.handoff and dict(second.events) == {"crisis_active": False}


def test_a_bare_yes_or_no_to_are_you_safe():
    asked = replace(IN_OVERDOSE, crisis_type="suicide", last_bot_action="utter_crisis_suicide_stay", words=1)
    yes = crisis_turn(replace(asked, literal="yes", answer="yes", answer_confidence=0.9))
    assert yes.actions == (SAFE,) and dict(yes.events) == {"crisis_active": False}
    no = crisis_turn(replace(asked, literal="no", answer="no", answer_confidence=0.9))
    assert no.actions == ("utter_crisis_worse_suicide",)


def test_stop_and_safe_in_crisis_mode():
    assert crisis_turn(replace(IN_OVERDOSE, intent="stop")).actions == ("utter_crisis_goodbye",)
    assert crisis_turn(replace(IN_OVERDOSE, intent="crisis_safe")).actions == (SAFE,)


def test_a_new_kind_of_crisis_in_crisis_mode_gets_its_own_script():
    turn = crisis_turn(replace(IN_OVERDOSE, intent="crisis_suicide", level="crisis", category="suicide"))
    assert turn.actions[0] == "utter_crisis_suicide_call"
    same = crisis_turn(replace(IN_OVERDOSE, intent="crisis_overdose", level="crisis", category="overdose"))
    assert same.actions == ("utter_crisis_worse_overdose",)


CHECKED = CrisisContext(intent="share", last_bot_action="utter_crisis_check_suicide", check_in_kind="suicide", words=2)


def test_yes_to_a_check_in_gets_the_script_of_its_kind():
    turn = crisis_turn(replace(CHECKED, answer="yes", answer_confidence=0.8))
    assert turn.actions[0] == "utter_crisis_suicide_call"
    unknown = crisis_turn(
        replace(CHECKED, check_in_kind=None, last_bot_action="utter_crisis_check", answer="yes", answer_confidence=0.8)
    )
    assert unknown.actions == (YES_UNKNOWN,) and dict(unknown.events) == {"crisis_active": True}


def test_no_to_a_check_in_is_acknowledged_or_handed_back_with_its_content():
    assert crisis_turn(replace(CHECKED, intent="deny", answer="no", answer_confidence=0.9)).actions == (CHECK_NO,)
    more = crisis_turn(replace(CHECKED, intent="ask_info", answer="no", answer_confidence=0.9, words=12))
    assert more.handoff and not more.events


def test_an_unclear_answer_is_asked_once_more_then_left():
    assert crisis_turn(replace(CHECKED, answer="unclear", answer_confidence=0.9)).actions == (CHECK_AGAIN,)
    assert crisis_turn(replace(CHECKED, answer="no", answer_confidence=0.3)).actions == (CHECK_AGAIN,)
    assert crisis_turn(replace(CHECKED, last_bot_action=CHECK_AGAIN, answer="unclear")) is None


def test_a_long_message_about_something_else_is_not_a_yes():
    """Blind conversation: "ok im gonna ask her to slow it back down" after a check-in got the suicide script."""
    other = replace(CHECKED, answer="yes", answer_confidence=0.9, words=16, risk=0.02)
    assert crisis_turn(other).actions == (CHECK_AGAIN,)
    assert crisis_turn(replace(other, literal="yes")).actions[0] == "utter_crisis_suicide_call"
    assert crisis_turn(replace(other, words=3)).actions[0] == "utter_crisis_suicide_call"  # "yeah i am"


def test_a_second_warning_sign_after_a_check_in_is_a_yes():
    """Safety first: "i have enough here to do it" after a check-in read only risk 0.46 on its own."""
    second = replace(CHECKED, intent="crisis_check", level="check_in", category="suicide", words=7, risk=0.46)
    assert crisis_turn(second).actions[0] == "utter_crisis_suicide_call"
    assert crisis_turn(replace(second, answer="no", answer_confidence=0.9)).actions != ("utter_crisis_suicide_call",)


def test_a_weak_second_sign_from_the_meaning_model_alone_asks_again_and_a_second_one_gets_the_script():
    """Blind conversations: ordinary lines after a needless check-in ("is there places that let you stay after a
    slip?") got the full suicide script, because the meaning model alone read some risk into them."""
    weak = replace(
        CHECKED, intent="crisis_check", level="check_in", category="suicide", words=12, risk=0.6, signal_only=True
    )
    assert crisis_turn(weak).actions == (CHECK_AGAIN,)
    assert crisis_turn(replace(weak, last_bot_action=CHECK_AGAIN)).actions[0] == "utter_crisis_suicide_call"
    assert crisis_turn(replace(weak, risk=0.85)).actions[0] == "utter_crisis_suicide_call"  # a strong reading
    assert crisis_turn(replace(weak, signal_only=False)).actions[0] == "utter_crisis_suicide_call"  # patterns or intent
    assert crisis_turn(replace(weak, answer="yes", answer_confidence=0.9)).actions == (CHECK_AGAIN,)  # a long "yes"
    assert crisis_turn(replace(weak, answer="yes", answer_confidence=0.9, words=3)).actions[0] == (
        "utter_crisis_suicide_call"
    )


def test_the_meaning_model_alone_does_not_ask_again_soon_after_a_check_in_unless_it_reads_strongly():
    """Blind conversations: a person who had just answered a check-in was asked the same question again and again."""
    soon = CrisisContext(
        intent="crisis_check", level="check_in", category="suicide", risk=0.7, recent_check_in=True, signal_only=True
    )
    assert crisis_turn(soon).actions == ("action_reflect",)
    assert crisis_turn(replace(soon, asks=True, knowledge_score=0.9)).actions == ("action_info",)
    assert crisis_turn(replace(soon, risk=0.85)).actions == ("utter_crisis_check_suicide",)
    assert crisis_turn(replace(soon, signal_only=False)).actions == ("utter_crisis_check_suicide",)
    assert crisis_turn(replace(soon, recent_check_in=False)).actions == ("utter_crisis_check_suicide",)


def test_weak_signals_adding_up_do_not_ask_again_soon_after_a_check_in_but_a_check_in_reading_does():
    """Blind conversation bench: ordinary talk was asked about every few messages."""
    adding_up = CrisisContext(intent="share", risk=0.3, signal_category="suicide", previous_risks=(0.25, 0.3))
    assert crisis_turn(adding_up).actions == ("utter_crisis_check_suicide",)
    assert crisis_turn(replace(adding_up, recent_check_in=True)) is None
    reading = CrisisContext(intent="crisis_check", level="check_in", category="suicide", risk=0.7, recent_check_in=True)
    assert crisis_turn(reading).actions == ("utter_crisis_check_suicide",)  # safety first: asked again


def test_back_to_the_conversation_a_check_in_intent_gets_a_reply_not_the_rule():
    """After the second ask, a message the intent model read as crisis_check (with no sign left) would get the
    check-in a third time from the rules: it gets the conversation's reply."""
    twice = replace(CHECKED, intent="crisis_check", level="none", last_bot_action=CHECK_AGAIN, risk=0.2, words=9)
    assert crisis_turn(twice).actions == ("action_reflect",)
    assert crisis_turn(replace(twice, asks=True, knowledge_score=0.8)).actions == ("action_info",)
    assert crisis_turn(replace(twice, intent="share")) is None


def test_signals_across_turns_reach_a_check_in():
    ctx = CrisisContext(intent="share", risk=0.3, signal_category="suicide", previous_risks=(0.25, 0.3))
    assert sum((0.3, 0.25, 0.3)) >= MULTI_SUM
    assert crisis_turn(ctx).actions == ("utter_crisis_check_suicide",)
    assert crisis_turn(replace(ctx, previous_risks=(0.05, 0.05))) is None
    assert crisis_turn(replace(ctx, risk=0.05)) is None  # an ordinary message now does not look back


def test_risks_since_reply_stop_at_the_last_crisis_reply():
    assert risks_since_reply([(0.2, False), (0.4, True), (0.9, False)]) == (0.2,)
    assert risks_since_reply([(0.2, False), (0.3, False)]) == (0.2, 0.3)


def test_help_arriving_is_not_the_end_of_the_emergency():
    """The intent model reads "ambulance is here" as safe; the update model's reading wins when it is sure."""
    turn = crisis_turn(replace(IN_OVERDOSE, intent="crisis_safe", update="help_here", update_confidence=0.8))
    assert turn.actions == ("utter_crisis_help_here_overdose",)
    assert dict(turn.events)["crisis_active"] is True  # the mapping cleared it for crisis_safe: set again
    safe = crisis_turn(replace(IN_OVERDOSE, intent="crisis_safe", update="safe", update_confidence=0.8))
    assert safe.actions == (SAFE,)


def test_a_safety_question_that_says_there_is_no_emergency_is_answered_and_ends_crisis_mode():
    turn = crisis_turn(
        replace(
            IN_OVERDOSE,
            intent="crisis_check",
            level="check_in",
            update="no_emergency",
            update_confidence=0.6,
            question="no_naloxone",
            question_confidence=0.6,
            asks=True,
            general_question="use_safer",
            general_question_confidence=0.9,
            words=18,
        )
    )
    assert turn.actions == ("utter_crisis_answer_use_safer",) and dict(turn.events) == {"crisis_active": False}


def test_a_no_after_a_check_in_wins_over_a_weak_sign_in_it():
    turn = crisis_turn(replace(CHECKED, intent="deny", level="check_in", answer="no", answer_confidence=0.9))
    assert turn.actions == (CHECK_NO,)
    crisis = crisis_turn(replace(CHECKED, intent="crisis_suicide", level="crisis", answer="no", answer_confidence=0.9))
    assert crisis.actions[0] == "utter_crisis_suicide_call"


def test_a_message_with_its_own_sign_never_ends_crisis_mode():
    """Blind conversation: "i just dont wanna be here" in crisis mode was read as 'no emergency'."""
    misread = crisis_turn(
        replace(
            IN_OVERDOSE,
            crisis_type="suicide",
            update="no_emergency",
            update_confidence=0.8,
            level="crisis",
            category="suicide",
            risk=0.8,
            signal_category="suicide",
            words=5,
        )
    )
    assert misread.actions == ("utter_crisis_worse_suicide",)
    assert dict(misread.events)["crisis_active"] is True


def test_a_sign_of_another_kind_in_crisis_mode_gets_its_script():
    other = replace(IN_OVERDOSE, update="other", update_confidence=0.8, signal_category="suicide")
    turn = crisis_turn(replace(other, risk=0.99))
    assert turn.actions[0] == "utter_crisis_suicide_call"
    # A weak reading of another kind does not switch scripts.
    weaker = crisis_turn(replace(other, risk=0.3))
    assert not weaker.actions[0].startswith("utter_crisis_suicide")
    quiet = crisis_turn(replace(IN_OVERDOSE, update="safe", update_confidence=0.9, risk=0.1, signal_category="suicide"))
    assert quiet.actions == (SAFE,)


def test_a_question_with_a_sign_gets_its_answer_then_the_check_in():
    question = CrisisContext(intent="crisis_check", level="check_in", category="overdose", asks=True)
    answered = crisis_turn(replace(question, knowledge_score=0.8))
    assert answered.actions == ("action_info", "utter_crisis_check_overdose")
    # no entry close enough, or not a question: the check-in alone
    assert crisis_turn(replace(question, knowledge_score=0.1)).actions == ("utter_crisis_check_overdose",)
    assert crisis_turn(replace(question, asks=False, knowledge_score=0.9)).actions == ("utter_crisis_check_overdose",)
    # a crisis reading is never traded for an answer
    crisis = CrisisContext(intent="crisis_overdose", level="crisis", category="overdose", asks=True, knowledge_score=1)
    assert "action_info" not in crisis_turn(crisis).actions


def test_in_crisis_mode_the_second_everyday_message_goes_back_to_the_conversation():
    ordinary = replace(IN_OVERDOSE, intent="crisis_check", level="none", risk=0.2, words=14)
    assert crisis_turn(ordinary).actions == ("utter_crisis_still_here_overdose",)
    second = replace(ordinary, last_bot_action="utter_crisis_still_here_overdose")
    back = crisis_turn(second)  # the rules would ask the check-in again: the conversation's reply, crisis mode over
    assert back.actions == ("action_reflect",) and dict(back.events) == {"crisis_active": False}
    plain = crisis_turn(replace(second, intent="share"))
    assert plain.handoff and dict(plain.events) == {"crisis_active": False}
    assert crisis_turn(replace(ordinary, level="check_in", risk=0.8)).actions == ("utter_crisis_worse_overdose",)


@pytest.mark.parametrize("update", ["safe", "no_emergency"])
def test_in_a_suicide_crisis_a_message_that_reads_as_danger_does_not_end_it(update):
    """Blind conversations: "nobody would really notice" and "im not being dramatic" (a gun in reach) ended crisis
    mode as safe. Where the person in danger writes, a message the meaning model reads as danger keeps it on;
    beside an overdose, "he's breathing normal now" uses the danger's words and still ends it."""
    base = replace(IN_OVERDOSE, update=update, update_confidence=0.8, words=5, risk=0.7, signal_category="suicide")
    in_suicide = crisis_turn(replace(base, crisis_type="suicide", last_bot_action="utter_crisis_worse_suicide"))
    assert in_suicide.actions == ("utter_crisis_worse_suicide",)
    assert dict(in_suicide.events)["crisis_active"] is True
    calm = crisis_turn(replace(base, crisis_type="suicide", risk=0.1, last_bot_action="utter_crisis_worse_suicide"))
    assert dict(calm.events).get("crisis_active") is False
    beside = crisis_turn(replace(base, signal_category="overdose", risk=0.9))
    assert dict(beside.events).get("crisis_active") is False
