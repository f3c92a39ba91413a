"""Referral conversation: what the form understands, what Lantern says, and every custom action.

Pure helpers (actions/referral_text.py) are tested with a small fake place table; the
actions (actions/referral.py) run against the FICTIONAL Dayton sample imported into a
temporary directory database.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import referral as ref
from actions import referral_text as rt
from lantern.directory import db
from lantern.directory.importer import import_path
from tests.conftest import tracker_dict
from tools import lint

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "directory" / "sample-dayton"


class FakePlaces:
    """A tiny world: Dayton is in OH and KY (the directory only has OH), Springfield in IL and MO."""

    zips = {"45402": "45402 (Dayton, OH)", "45405": "45405 (Dayton, OH)", "43215": "43215 (Columbus, OH)"}
    cities = {
        ("dayton", "OH"),
        ("dayton", "KY"),
        ("springfield", "IL"),
        ("springfield", "MO"),
        ("columbus", "OH"),
        ("new york", "NY"),
        ("gotham", "WI"),
    }
    directory = {"dayton": ["OH"]}

    def zip_label(self, zip5: str) -> Optional[str]:
        return self.zips.get(zip5)

    def city_label(self, city: str, state: str) -> Optional[str]:
        key = rt.normalise(city)
        return f"{key.title()}, {state}" if (key, state) in self.cities else None

    def city_states(self, city: str) -> List[str]:
        key = rt.normalise(city)
        found = sorted(st for c, st in self.cities if c == key)
        first = self.directory_states(city)
        return first + [s for s in found if s not in first]

    def directory_states(self, city: str) -> List[str]:
        return list(self.directory.get(rt.normalise(city), []))


PLACES = FakePlaces()


# ---------------------------------------------------------------- what kind of help


@pytest.mark.parametrize(
    "text, code",
    [
        ("narcan", "naloxone"),
        ("narcam", "naloxone"),
        ("nalox kit", "naloxone"),
        ("Naloxone", "naloxone"),
        ("subs", "buprenorphine"),
        ("bupe", "buprenorphine"),
        ("suboxone", "buprenorphine"),
        ("done clinic", "methadone"),
        ("methadone clinic", "methadone"),
        ("the done", "methadone"),
        ("rehab", "treatment"),
        ("treatment", "treatment"),
        ("detox", "detox"),
        ("needle exchange", "syringe_services"),
        ("syringes", "syringe_services"),
        ("clean works", "syringe_services"),
        ("works", "syringe_services"),
        ("fent strips", "test_strips"),
        ("test strips", "test_strips"),
        ("NA", "mutual_help"),
        ("aa", "mutual_help"),
        ("meetings", "mutual_help"),
        ("na meetings", "mutual_help"),
        ("shelter", "housing"),
        ("housing", "housing"),
        ("a bed for tonight", "housing"),
        ("food", "food"),
        ("something to eat", "food"),
        ("hiv test", "testing"),
        ("a doctor", "medical"),
    ],
)
def test_slang_maps_to_lantern_types(text, code):
    assert rt.parse_needs(text) == [code]


def test_methadone_clinic_is_not_also_a_clinic():
    assert rt.parse_needs("a methadone clinic near me") == ["methadone"]


def test_not_a_need():
    for text in ("that works for me", "na", "hi", "idk", "", None):
        assert rt.parse_needs(text) == []


def test_changes_of_mind_and_negation():
    assert rt.parse_needs("not narcan, subs") == ["buprenorphine"]
    assert rt.parse_needs("actually i dont need narcan i need subs") == ["buprenorphine"]
    assert rt.parse_needs("narcan and test strips") == ["naloxone", "test_strips"]
    assert rt.parse_needs("anything close") == [rt.ANY_NEED]


def test_canonical_needs_from_entities():
    assert rt.canonical_needs(["narcam", "subs", "naloxone", None]) == ["naloxone", "buprenorphine"]
    assert rt.canonical_needs(["bogus"]) == []


# ---------------------------------------------------------------- where


@pytest.mark.parametrize(
    "text, kind, value",
    [
        ("narcan near 45402", "zip", "45402"),
        ("45402-1234", "zip", "45402"),
        ("narcan near 99999", "unknown_zip", None),
        ("where can i get narcan in dayton oh", "city", "Dayton, OH"),
        ("subs in Dayton, Ohio", "city", "Dayton, OH"),
        ("shelter tonight in dayton", "city", "Dayton, OH"),  # the directory has Dayton, OH
        ("narcan dayton", "city", "Dayton, OH"),
        ("treatment in new york ny", "city", "New York, NY"),
        ("meetings in springfield", "ambiguous_city", None),
        ("food in ohio", "state_only", None),
        ("needle exchange near me", "near_me", None),
        ("anywhere is fine", "anywhere", rt.ANYWHERE),
        ("id rather not say", "anywhere", rt.ANYWHERE),
        ("narcan", "none", None),
        ("call me at 937-555-0103", "none", None),
    ],
)
def test_parse_place(text, kind, value):
    guess = rt.parse_place(text, PLACES)
    assert (guess.kind, guess.value) == (kind, value)


def test_bare_town_counts_only_when_asked_where():
    assert rt.parse_place("gotham", PLACES, place_context=True).value == "Gotham, WI"
    assert rt.parse_place("gotham", PLACES).kind == "none"
    assert rt.parse_place("atlantis", PLACES, place_context=True).kind == "unknown_city"
    assert rt.parse_place("455", PLACES, place_context=True).kind == "unknown_zip"
    assert rt.parse_place("idk", PLACES, place_context=True).kind == "none"


def test_state_answer():
    assert rt.state_answer("OH") == "OH"
    assert rt.state_answer("its in illinois") == "IL"
    assert rt.state_answer("dunno") is None


# ---------------------------------------------------------------- the form's decisions


def turn(
    text: str,
    requested: Optional[str] = None,
    intent: str = "referral_request",
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
):
    return rt.decide_form_turn(text, intent, entities or [], slots or {}, requested, PLACES)


def test_everything_up_front_fills_both():
    t = turn("narcan near 45402")
    assert t.slots["referral_need"] == ["naloxone"] and t.slots["referral_place"] == "45402" and not t.done


def test_entities_alone_fill_the_need():
    t = turn("gimme one of those", entities=[{"entity": "service_type", "value": "narcam"}])
    assert t.slots["referral_need"] == ["naloxone"]


def test_idk_need_gets_an_example_based_reask():
    t = turn("idk", requested="referral_need", intent="nlu_fallback")
    assert t.slots["referral_retry"] == "idk_need" and "referral_need" not in t.slots
    msg = rt.ask_need("idk_need", None)
    assert "naloxone" in msg.text and "leave it" in msg.text


def test_idk_place_twice_means_anywhere():
    first = turn("idk", requested="referral_place", intent="nlu_fallback", slots={"referral_need": ["food"]})
    assert first.slots["referral_retry"] == "idk_place"
    second = turn(
        "no idea",
        requested="referral_place",
        intent="nlu_fallback",
        slots={"referral_need": ["food"], "referral_retry": "idk_place"},
    )
    assert second.slots["referral_place"] == rt.ANYWHERE


def test_change_of_mind_is_accepted_at_any_question():
    t = turn("actually not narcan, subs in dayton", requested="referral_place", slots={"referral_need": ["naloxone"]})
    assert t.slots["referral_need"] == ["buprenorphine"] and t.slots["referral_place"] == "Dayton, OH"


def test_a_question_about_something_else_is_handed_back_to_be_answered():
    """Blind conversation: "how do you use them if its all fent" and "can the strips catch tranq here" were
    taken for unclear places, and the person never got an answer."""
    slots = {"referral_need": ["test_strips"]}
    assert turn("can the strips catch tranq here", "referral_place", "ask_info", slots) is None
    assert turn("how do you even use them with fent", "referral_place", "ask_info", slots) is None
    kept = turn("is there one in dayton?", "referral_place", "ask_info", slots)
    assert kept is not None and kept.slots["referral_place"] == "Dayton, OH"  # a place is still an answer


def test_decline_ends_the_form_respectfully():
    for text in ("no thanks", "nah forget it", "never mind"):
        t = turn(text, requested="referral_place", intent="nlu_fallback")
        assert t.done and t.slots["referral_exit"] == "declined"
    assert turn("meh", requested="referral_need", intent="referral_decline").done


def test_crisis_stop_goodbye_and_bot_questions_are_left_to_their_rules():
    for intent in rt.PASS_THROUGH_INTENTS:
        assert turn("anything", requested="referral_need", intent=intent) is None


def test_unknown_zip_and_town_are_said_honestly():
    t = turn("99999", requested="referral_place")
    assert t.slots["referral_retry"] == "unknown_zip:99999" and t.slots["referral_place"] is None
    assert "99999" in rt.ask_place(t.slots["referral_retry"], ["food"]).text
    t = turn("atlantis", requested="referral_place", intent="nlu_fallback")
    assert t.slots["referral_retry"].startswith("unknown_city")


def test_ambiguous_town_then_the_state():
    t = turn("springfield", requested="referral_place")
    assert t.slots["referral_retry"] == "ambiguous_city:Springfield"
    assert "Which state" in rt.ask_place(t.slots["referral_retry"], []).text
    t2 = turn("IL", requested="referral_place", slots={"referral_retry": "ambiguous_city:Springfield"})
    assert t2.slots["referral_place"] == "Springfield, IL"


def test_unclear_twice_ends_kindly():
    first = turn("purple banana", requested="referral_need", intent="out_of_scope")
    assert first.slots["referral_retry"] == "unclear_need" and not first.done
    second = turn(
        "purple banana", requested="referral_need", intent="out_of_scope", slots={"referral_retry": "unclear_need"}
    )
    assert second.done and second.slots["referral_exit"] == "unclear"


def test_new_place_reuses_the_last_need_but_a_bare_request_asks_again():
    slots = {"referral_last_need": ["detox"], "referral_place": "45402"}
    assert turn("what about in columbus oh", slots=slots).slots["referral_need"] == ["detox"]
    fresh = turn("can you find me somewhere", slots=slots)
    assert fresh.slots["referral_need"] is None and "referral_place" not in fresh.slots  # place kept


# ---------------------------------------------------------------- what Lantern says


def _check(messages: List[rt.Message]) -> None:
    assert 1 <= len(messages) <= rt.MAX_MESSAGES
    for m in messages:
        assert lint.check_text(m.text, m.mi) == [], m.text
        assert len(m.text) <= rt.SMS_LIMIT, (len(m.text), m.text)
        assert m.mi and all(ord(ch) < 0x2000 for ch in m.text), m.text  # no emoji
        assert "you should" not in m.text.lower() and "you need to" not in m.text.lower()


def test_every_question_is_sms_sized():
    for retry in (None, "idk_need", "unclear_need"):
        _check([rt.ask_need(retry, None), rt.ask_need(retry, "45402 (Dayton, OH)")])
    for retry in (
        None,
        "unknown_zip:99999",
        "unknown_city:",
        "ambiguous_city:Springfield",
        "state_only:OH",
        "idk_place",
        "near_me",
        "unclear_place",
    ):
        _check([rt.ask_place(retry, ["naloxone", "test_strips"])])
    for message in (
        rt.declined_message(),
        rt.gave_up_message(),
        rt.nothing_to_show_message(),
        rt.no_thanks_message(),
        rt.look_again_message(),
    ):
        _check([message])


LONG = rt.Option(
    name="A Very Long Service Name For Same-Day Buprenorphine Starts And Follow Up " * 2,
    organization="An Even Longer Organisation Name For Testing Purposes Only",
    address="1 " + "Long Road " * 10,
    phone="937-555-0100",
    miles=2.34,
    open_now=True,
    hours=("MO,TU,WE,TH,FR 08:00-17:00", "SA 10:00-12:30"),
    free=True,
    walk_in=True,
    about="Words " * 80,
    types=("buprenorphine",),
)


@pytest.mark.parametrize("count", [1, 2, 3])
def test_options_fit_sms_whatever_the_data(count):
    messages = rt.options_messages([LONG] * count, "45402 (Dayton, OH)", ["buprenorphine"], has_more=True)
    _check(messages)
    assert messages[-1].text.rstrip().endswith("leave it there.")


def test_option_shows_name_address_phone_hours_and_one_line():
    option = rt.Option(
        name="Naloxone Kits",
        organization="Gem City",
        address="100 Example Ave, Dayton, OH",
        phone="937-555-0103",
        miles=0.2,
        open_now=False,
        hours=("MO,TU,WE,TH,FR 10:00-18:00",),
        free=True,
        walk_in=True,
        about="Free kits with a how-to. Not a real service.",
    )
    text = rt.render_option(option, 1)
    for part in (
        "1) Naloxone Kits, Gem City",
        "100 Example Ave",
        "0.2 mi",
        "937-555-0103",
        "Closed now; Mon-Fri 10am-6pm",
        "Free, walk-ins OK",
        "Free kits with a how-to.",
    ):
        assert part in text
    assert "Not a real service" not in text


@pytest.mark.parametrize(
    "lines, text",
    [
        (("MO,TU,WE,TH,FR 08:00-17:00",), "Mon-Fri 8am-5pm"),
        (("MO,TU,WE,TH,FR,SA,SU 00:00-24:00",), "open 24/7"),
        (("MO,TU,WE,TH,FR,SA,SU 19:00-07:00",), "daily 7pm-7am"),
        (("TU,TH 11:00-14:00", "2SA 11:00-13:00"), "Tue, Thu 11am-2pm; 2nd Sat of the month 11am-1pm"),
        (("MO,WE,FR 19:00-20:30",), "Mon, Wed, Fri 7pm-8:30pm"),
        (("SA 12:00-16:00",), "Sat noon-4pm"),
        (("closed 2026-12-25–2026-12-25",), ""),
    ],
)
def test_human_hours(lines, text):
    assert rt.human_hours(lines) == text


def test_national_messages_fit():
    nat = [
        rt.National(
            "SAMHSA National Helpline",
            "Free, confidential treatment referral.",
            phone="1-800-662-4357",
            url="https://www.samhsa.gov/find-help/helplines/national-helpline",
        ),
        rt.National("988 Suicide & Crisis Lifeline", "Call or text 988.", phone="988", text="988"),
    ]
    messages = rt.national_messages(rt.no_results_lead(["detox"], "Dayton, OH", 100), nat, rt.AFTER_NATIONAL)
    _check(messages)
    joined = "\n".join(m.text for m in messages)
    assert "1-800-662-4357" in messages[0].text and "(call or text 988)." in joined
    assert messages[-1].mi == "open_question" and messages[-1].text.endswith("here too.")
    _check(rt.national_messages(rt.ANYWHERE_LEAD, [], rt.AFTER_NATIONAL))


@pytest.mark.parametrize(
    "text, index",
    [
        ("the first one", 0),
        ("1", 0),
        ("#2", 1),
        ("number 2", 1),
        ("option three", 2),
        ("the last one", 2),
        ("the second one sounds good", 1),
        ("the methadone one", 1),
        ("riverbend", 1),
        ("that one", None),
        ("hmm", None),
        ("4", None),
    ],
)
def test_parse_choice(text, index):
    shown = [
        {"title": "Same-Day Buprenorphine Starts, Miami Valley", "types": ["buprenorphine", "treatment"]},
        {"title": "Methadone Treatment, Riverbend", "types": ["methadone", "treatment"]},
        {"title": "Detox, Five Rivers", "types": ["detox"]},
    ]
    assert rt.parse_choice(text, shown) == index


# ---------------------------------------------------------------- the actions, on the sample directory


@pytest.fixture
def directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'directory.db'}"
    with db.session_scope(url) as s:
        import_path(SAMPLE, s)
    monkeypatch.setenv("LANTERN_DIRECTORY_DB_URL", url)
    monkeypatch.setattr(ref, "_places", None)
    yield url
    db.dispose(url)


@pytest.fixture
def empty_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    monkeypatch.setenv("LANTERN_DIRECTORY_DB_URL", url)
    monkeypatch.setattr(ref, "_places", None)
    yield url
    db.dispose(url)


def run(
    action: Any,
    text: str = "hi",
    intent: str = "referral_request",
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
):
    data = tracker_dict(slots=slots or {}, text=text, intent=intent)
    data["latest_message"]["entities"] = entities or []
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, Tracker.from_dict(data), {}))
    for m in dispatcher.messages:
        assert len(m["text"]) <= rt.SMS_LIMIT and m["metadata"]["mi"]
    assert len(dispatcher.messages) <= rt.MAX_MESSAGES
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(messages) -> str:
    return "\n".join(m["text"] for m in messages)


def test_validate_fills_up_front_and_stays_quiet(directory):
    messages, slots = run(
        ref.ValidateReferralForm(), "where can i get narcan in dayton oh", slots={"requested_slot": None}
    )
    assert messages == []
    assert slots["referral_need"] == ["naloxone"] and slots["referral_place"] == "Dayton, OH"


def test_validate_ends_the_form_on_no_thanks(directory):
    _, slots = run(
        ref.ValidateReferralForm(),
        "no thanks",
        intent="referral_decline",
        slots={"requested_slot": "referral_place", "referral_need": ["food"]},
    )
    assert slots["requested_slot"] is None and slots["referral_exit"] == "declined"


def test_validate_rejects_what_other_rules_answer(directory):
    messages, slots = run(
        ref.ValidateReferralForm(), "are you a bot", intent="bot_challenge", slots={"requested_slot": "referral_need"}
    )
    assert messages == [] and slots == {}


def test_ask_actions_word_the_question(directory):
    messages, _ = run(ref.ActionAskReferralNeed(), slots={"referral_place": "45402", "referral_retry": None})
    assert "45402" in texts(messages) and messages[0]["metadata"]["mi"] == "open_question"
    messages, _ = run(ref.ActionAskReferralNeed(), slots={"referral_retry": "idk_need"})
    assert "don't have to know" in texts(messages)
    messages, _ = run(ref.ActionAskReferralPlace(), slots={"referral_need": ["naloxone"]})
    assert "naloxone" in texts(messages) and "ZIP" in texts(messages)
    messages, _ = run(ref.ActionAskReferralPlace(), slots={"referral_retry": "unknown_zip:99999"})
    assert "99999" in texts(messages)


def test_search_offers_options_and_asks_which_fits(directory):
    messages, slots = run(ref.ActionReferralSearch(), slots={"referral_need": ["treatment"], "referral_place": "45402"})
    body = texts(messages)
    assert len(messages) == 3
    assert "1) FICTIONAL Same-Day Buprenorphine Starts" in body and "937-555-0105" in body
    assert "Sample Road" in body and "one of these fit" in body and "leave it there" in body
    assert slots["referral_last_need"] == ["treatment"] and slots["referral_need"] is None
    assert len(slots["referral_shown"]) == 3 and slots["referral_offset"] == 3.0


def test_single_result_then_more_gives_national_options(directory):
    messages, slots = run(ref.ActionReferralSearch(), slots={"referral_need": ["naloxone"], "referral_place": "45402"})
    assert "Gem City" in texts(messages) and messages[-1]["metadata"]["mi"] == "closed_question"
    assert "options that work from anywhere" in messages[-1]["text"]
    more, more_slots = run(
        ref.ActionReferralMore(),
        intent="referral_more",
        slots={
            "referral_last_need": ["naloxone"],
            "referral_place": "45402",
            "referral_offset": slots["referral_offset"],
            "referral_shown": slots["referral_shown"],
        },
    )
    assert "everything close by" in texts(more) and "nextdistro.org" in texts(more)
    assert more_slots["referral_shown"] is None


def test_more_pages_through_everything_nearby(directory):
    _, slots = run(ref.ActionReferralSearch(), slots={"referral_need": [rt.ANY_NEED], "referral_place": "45402"})
    more, more_slots = run(
        ref.ActionReferralMore(),
        intent="referral_more",
        slots={
            "referral_last_need": [rt.ANY_NEED],
            "referral_place": "45402",
            "referral_offset": slots["referral_offset"],
            "referral_shown": slots["referral_shown"],
        },
    )
    assert texts(more).startswith("More, nearest first") and "4) " in texts(more)
    assert more_slots["referral_offset"] == 6.0
    assert not {s["title"] for s in slots["referral_shown"]} & {s["title"] for s in more_slots["referral_shown"]}


def test_city_search_and_place_label(directory):
    messages, _ = run(
        ref.ActionReferralSearch(), slots={"referral_need": ["mutual_help"], "referral_place": "Dayton, OH"}
    )
    assert "near Dayton, OH" in texts(messages) and "NA and SMART" in texts(messages)


def test_no_results_is_honest_with_national_options(directory):
    messages, _ = run(ref.ActionReferralSearch(), slots={"referral_need": ["detox"], "referral_place": "99501"})
    body = texts(messages)
    assert "couldn't find detox" in body and "gap in my list" in body and "1-800-662-4357" in body


def test_unknown_place_is_honest_with_national_options(directory):
    messages, slots = run(ref.ActionReferralSearch(), slots={"referral_need": ["naloxone"], "referral_place": "00000"})
    assert "don't know the ZIP code 00000" in texts(messages) and "nextdistro.org" in texts(messages)
    assert slots["referral_place"] is None


def test_empty_directory_still_helps(empty_directory):
    messages, _ = run(ref.ActionReferralSearch(), slots={"referral_need": ["buprenorphine"], "referral_place": "45402"})
    assert "couldn't find" in texts(messages) and "findtreatment.gov" in texts(messages)


def test_broken_directory_still_helps(directory, monkeypatch):
    def boom(*_a, **_k):
        raise RuntimeError("database is gone")

    monkeypatch.setattr(ref, "run_search", boom)
    messages, _ = run(ref.ActionReferralSearch(), slots={"referral_need": ["naloxone"], "referral_place": "45402"})
    assert "can't search my local list" in texts(messages) and "nextdistro.org" in texts(messages)


def test_anywhere_gives_national_options(directory):
    messages, _ = run(ref.ActionReferralSearch(), slots={"referral_need": ["treatment"], "referral_place": "anywhere"})
    assert "no need to say where" in texts(messages) and "1-800-662-4357" in texts(messages)


def test_search_respects_a_decline_and_a_muddle(directory):
    messages, slots = run(ref.ActionReferralSearch(), slots={"referral_exit": "declined", "referral_need": None})
    assert "your call" in texts(messages) and slots["referral_exit"] is None
    assert messages[0]["metadata"]["mi"] == "structure"
    messages, _ = run(ref.ActionReferralSearch(), slots={"referral_exit": "unclear"})
    assert "leave the search for now" in texts(messages)


def test_more_with_nothing_searched(directory):
    messages, slots = run(ref.ActionReferralMore(), "more", intent="referral_more")
    assert "haven't looked anything up" in texts(messages) and slots == {}


def test_more_after_national_options_asks_again(directory):
    messages, slots = run(
        ref.ActionReferralMore(),
        "yes",
        intent="affirm",
        slots={"referral_last_need": ["detox"], "referral_place": "99501", "referral_shown": None},
    )
    assert "what to look for and where" in texts(messages) and slots == {}


def test_plain_no_while_the_form_asks_declines_but_something_else_does_not():
    assert turn("no", requested="referral_need", intent="deny").done
    t = turn("nah something else", requested="referral_need", intent="deny")
    assert not t.done and t.slots["referral_retry"] == "unclear_need"


def test_choose_repeats_the_details_and_asks_about_next_steps(directory):
    _, slots = run(ref.ActionReferralSearch(), slots={"referral_need": ["treatment"], "referral_place": "45402"})
    messages, _ = run(
        ref.ActionReferralChoose(),
        "the second one",
        intent="referral_choose",
        slots={"referral_shown": slots["referral_shown"]},
    )
    assert "Methadone" in messages[0]["text"] and "937-555-0108" in messages[0]["text"]
    assert messages[1]["metadata"]["mi"] == "open_question" and "your call" in messages[1]["text"]
    messages, _ = run(
        ref.ActionReferralChoose(), "hmm", intent="referral_choose", slots={"referral_shown": slots["referral_shown"]}
    )
    assert "1, 2 or 3" in texts(messages)
    messages, _ = run(ref.ActionReferralChoose(), "the first one", intent="referral_choose")
    assert "haven't looked anything up" in texts(messages)


def test_a_number_while_a_ruler_is_pending_is_a_ruler_answer(directory):
    messages, slots = run(
        ref.ActionReferralChoose(), "hmm 3", intent="referral_choose", slots={"ruler_pending": "confidence"}
    )
    assert "3" in messages[0]["text"] and "haven't looked anything up" not in texts(messages)
    assert messages[0]["metadata"]["mi"].endswith("reflection") and slots.get("ruler_pending") is None
    # with a list on screen, the number is still a choice
    _, found = run(ref.ActionReferralSearch(), slots={"referral_need": ["treatment"], "referral_place": "45402"})
    messages, _ = run(
        ref.ActionReferralChoose(),
        "2",
        intent="referral_choose",
        slots={"referral_shown": found["referral_shown"], "ruler_pending": "importance"},
    )
    assert "937-555-0108" in messages[0]["text"]


def test_decline_after_options_and_out_of_the_blue(directory):
    messages, slots = run(
        ref.ActionReferralDecline(),
        "none of these",
        intent="referral_decline",
        slots={"referral_shown": [{"title": "x"}]},
    )
    assert "your call" in texts(messages) and "look for something later" in texts(messages)
    assert slots == {"referral_shown": None}
    messages, _ = run(ref.ActionReferralDecline(), "no thanks", intent="referral_decline")
    assert "look for" not in texts(messages) and "your call" in texts(messages)


def test_sample_texts_cover_every_kind_of_message_and_pass_the_lint():
    texts = ref.sample_texts()
    assert len(texts) > 50
    assert [t for t in texts if lint.check_text(t, None, check_mi=False)] == []
    assert {cls().name(): cls.max_messages for cls in (ref.ValidateReferralForm, ref.ActionReferralSearch)} == {
        "validate_referral_form": 0,
        "action_referral_search": 3,
    }


def test_a_story_about_something_else_is_handed_back_but_answers_stay_in_the_form():
    """Blind conversation: "The VA had me on a waiting list for 4 months last time" got "I didn't catch a place"."""
    slots = {"referral_need": ["naloxone"]}
    assert turn("The VA had me on a waiting list for 4 months", "referral_place", "report_step", slots) is None
    assert turn("ok fair dying of embarrassment is better than dying", "referral_place", "nlu_fallback", slots) is None
    assert turn("any near me?", "referral_place", "ask_info", slots).slots["referral_retry"] == "near_me"
    assert turn("idk", "referral_place", "nlu_fallback", slots).slots["referral_retry"] == "idk_place"
    assert turn("no thanks not right now man", "referral_place", "nlu_fallback", slots).done
    assert turn("somewhere near 5th and main", "referral_place", "nlu_fallback", slots) is not None


def test_every_message_the_form_hands_back_has_a_rule_that_answers_it():
    """decide_form_turn returns None for these intents; without a rule of their own in data/rules/referral.yml
    the form would be rejected and nothing would answer."""
    import yaml

    from actions import referral_parse

    rules = yaml.safe_load((Path(__file__).resolve().parents[2] / "data/rules/referral.yml").read_text())["rules"]
    in_form = {
        step["intent"]
        for rule in rules
        if {"active_loop": "referral_form"} in (rule.get("condition") or [])
        for step in rule["steps"]
        if "intent" in step
    }
    assert set(referral_parse.HAND_BACK_INTENTS) | {referral_parse.QUESTION_INTENT} <= in_form
