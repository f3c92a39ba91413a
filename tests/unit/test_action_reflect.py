"""action_reflect: change talk, sustain talk, ambivalence, neutral talk; questions only with room for them."""

from actions import mi
from actions.base import Context
from actions.reflect import PRIORITY_CHANGE, ActionReflect, choose, reflect_turn
from tests.unit.mi_helpers import AMBIVALENT, CHANGE, NEUTRAL, SUSTAIN, bot_event, codes, make_tracker, run

ACTION = ActionReflect()


def test_change_talk_is_said_back_in_the_persons_words_and_its_themes_kept():
    messages, slots = run(ACTION, make_tracker("i want to quit for my kids", talk=CHANGE))
    assert codes(messages)[0] == "simple_reflection"
    assert messages[0]["text"] == "You want to quit for your kids."
    assert slots["change_themes"] == ["stop", "family"]
    assert slots["who"] == "your kids"
    assert "quit" not in str(slots["change_themes"])  # theme keys, never the raw text


def test_sustain_talk_is_reflected_without_arguing():
    messages, slots = run(ACTION, make_tracker("it helps me get through the day", talk=SUSTAIN))
    assert codes(messages) == ["simple_reflection"]
    text = messages[0]["text"].lower()
    assert "but" not in text and "should" not in text
    assert slots["sustain_themes"] == ["coping"]
    assert "change_themes" not in slots


def test_ambivalence_is_said_back_with_both_sides_as_the_person_said_them():
    messages, _ = run(ACTION, make_tracker("i want to quit but i dont want to be sick", talk=AMBIVALENT))
    assert messages[0]["text"] == "You want to quit but you don't want to be sick."


def test_without_words_to_say_back_ambivalence_gets_a_double_sided_reflection():
    messages, _ = run(ACTION, make_tracker("wanna quit?? dont wanna be sick??", talk=AMBIVALENT))
    assert "part of you" in messages[0]["text"].lower()
    assert "sick" in messages[0]["text"]


def test_ambivalence_from_the_words_when_the_talk_type_is_missing():
    messages, _ = run(ACTION, make_tracker("i love it but its costing me everything"))
    assert messages[0]["text"] == "You love it but it's costing you everything."


def test_neutral_talk_reflects_feeling_or_substance():
    messages, _ = run(ACTION, make_tracker("ashamed", talk=NEUTRAL))
    assert "shame" in messages[0]["text"] or "hard on yourself" in messages[0]["text"]
    messages, _ = run(ACTION, make_tracker("fent. 5 yrs?", talk=NEUTRAL))
    assert "fentanyl" in messages[0]["text"] and codes(messages)[0] == "simple_reflection"
    messages, _ = run(ACTION, make_tracker("been on fent for 5 years", talk=NEUTRAL))
    assert messages[0]["text"] == "You've been on fent for 5 years."


def test_no_question_right_after_a_question():
    events = [bot_event("structure"), bot_event("open_question")]
    messages, _ = run(ACTION, make_tracker("im so tired of this", events=events, talk=CHANGE))
    assert len(messages) == 1 and codes(messages)[0].endswith("reflection")


def test_an_invitation_after_enough_reflections():
    events = [bot_event("complex_reflection")] * 3
    messages, slots = run(ACTION, make_tracker("i want to feel better", events=events, talk=CHANGE))
    assert codes(messages) == ["simple_reflection", "open_question"]
    assert slots["last_prompt"] == "invite"


def test_importance_ruler_once_there_is_enough_change_talk():
    events = [bot_event("complex_reflection")]
    slots = {"change_themes": ["tired"], "ruler_asked": [], "summary_at": 3}
    messages, set_slots = run(
        ACTION, make_tracker("i want to stop for my health", slots=slots, events=events, talk=CHANGE)
    )
    assert codes(messages) == ["simple_reflection", "closed_question"]
    assert "0 to 10" in messages[1]["text"] and "important" in messages[1]["text"]
    assert set_slots["ruler_pending"] == "importance"
    assert set_slots["ruler_asked"] == ["importance"]


def test_summary_after_three_new_change_themes():
    slots = {"change_themes": ["family", "money"], "who": "your kids", "summary_at": 0}
    messages, set_slots = run(
        ACTION, make_tracker("my health is going downhill and i want to feel better", slots=slots, talk=CHANGE)
    )
    assert codes(messages) == ["simple_reflection", "summary", "open_question"]
    assert "your kids" in messages[1]["text"]
    assert set_slots["summary_at"] == 3.0


def test_the_answer_to_why_not_lower_counts_as_change_talk():
    slots = {"last_prompt": "why_not_lower"}
    messages, set_slots = run(ACTION, make_tracker("cause my daughter needs me", slots=slots, talk=NEUTRAL))
    assert "your daughter" in messages[0]["text"]
    assert set_slots["change_themes"] == ["family"]
    assert set_slots["last_prompt"] is None


def test_a_number_while_a_ruler_is_pending_is_a_ruler_answer():
    messages, set_slots = run(ACTION, make_tracker("prob a 7 honestly", slots={"ruler_pending": "importance"}))
    assert messages[0]["text"].startswith(("A 7", "7 out of 10"))
    assert set_slots["importance"] == 7.0


def test_dont_know_how_gets_a_permission_question_not_advice():
    messages, set_slots = run(ACTION, make_tracker("i want to quit but idk how", talk=CHANGE))
    assert codes(messages)[0].endswith("reflection") and codes(messages)[1] == "permission"
    assert set_slots["pending_offer"] == "recovery_menu"


def test_choose_prefers_a_theme_not_reflected_before():
    assert choose(["stop", "family"], PRIORITY_CHANGE) == "family"
    assert choose(["stop", "family"], PRIORITY_CHANGE, known=["family"]) == "stop"
    assert choose([], PRIORITY_CHANGE) is None


def test_polarity_uses_the_talk_type_and_the_words():
    assert mi.polarity(None, ["stop"], []) == "change"
    assert mi.polarity(None, [], ["coping"]) == "sustain"
    assert mi.polarity(None, ["stop"], ["withdrawal"]) == "ambivalent"
    assert mi.polarity(CHANGE, [], []) == "change"
    assert mi.polarity(SUSTAIN, [], []) == "sustain"
    assert mi.polarity(AMBIVALENT, [], []) == "ambivalent"
    assert mi.polarity({"name": "neutral", "confidence": 0.6}, ["family"], []) == "change"


def test_reflect_turn_never_sends_more_than_three_messages():
    for text in ["i want to quit for my kids and my health and money", "idk", "it helps", "i relapsed"]:
        for talk in (None, CHANGE, SUSTAIN, AMBIVALENT):
            turn = reflect_turn(
                Context.plain(text, {"change_themes": ["a", "b", "c"]}, talk, ["complex_reflection"] * 5)
            )
            assert 1 <= len(turn.messages) <= ACTION.max_messages


def test_family_role_gets_family_reflections_but_own_use_drops_it():
    slots = {"role": "family", "who": "your son"}
    messages, set_slots = run(ACTION, make_tracker("he gets so angry when i bring it up", slots=slots, talk=SUSTAIN))
    assert "role" not in set_slots and "change_themes" not in set_slots
    messages, set_slots = run(ACTION, make_tracker("honestly i use alone a lot too", slots=slots, talk=SUSTAIN))
    assert set_slots["role"] is None and set_slots["who"] is None


def test_a_topic_is_reflected_only_when_the_person_is_weighing_it_up():
    messages, _ = run(ACTION, make_tracker("subs??? might work", talk=CHANGE))
    assert "buprenorphine" in messages[0]["text"]
    messages, _ = run(ACTION, make_tracker("i think subs might work for me", talk=CHANGE))
    assert messages[0]["text"] == "You think subs might work for you."
    messages, _ = run(ACTION, make_tracker("my sponsor doesnt even know yet", talk=CHANGE))
    assert "group" not in messages[0]["text"]
