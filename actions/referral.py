"""The referral conversation: a form that asks what kind of help and where, then local options.

Flow (domain/referral.yml, data/rules/referral.yml):
  referral_request -> referral_form (validate_referral_form reads every answer;
  action_ask_referral_need / action_ask_referral_place word the questions)
  -> action_referral_search (2-3 options, 'which fits?')
  -> action_referral_more | action_referral_choose | action_referral_decline.

The decisions and the wording are pure functions in actions/referral_text.py; this
module connects them to Rasa and to the directory (lantern.directory). The directory
database is opened with `lantern.directory.get_engine()` (setting
LANTERN_DIRECTORY_DB_URL, default sqlite under the data dir). When the directory is
empty, broken or has nothing near, the person gets an honest reply and national
options. Raw user text and phone numbers are never logged.
"""
from __future__ import annotations

import logging
import sys
import threading
import time
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import referral_text as rt
from actions.rulers import ActionRulerReply

logger = logging.getLogger(__name__)

SEARCH_LIMIT = rt.PAGE_SIZE + 1  # one extra tells whether there are more
CITY_CACHE_SECONDS = 300.0
EMPTY_CACHE_SECONDS = 5.0  # an empty directory is probably being imported: look again soon


# ---------------------------------------------------------------- places

class DirectoryPlaces:
    """PlaceLookup backed by the ZIP table (zipcodes package) and the directory's own towns."""

    def __init__(self, engine_url: Optional[str] = None) -> None:
        self.engine_url = engine_url
        self._directory: Dict[str, List[str]] = {}
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def zip_label(self, zip5: str) -> Optional[str]:
        from lantern.directory import zipgeo

        place = zipgeo.lookup_zip(zip5)
        return place.label if place else None

    def city_label(self, city: str, state: str) -> Optional[str]:
        from lantern.directory import zipgeo

        place = zipgeo.lookup_city(city, state)
        return place.label if place else None

    def city_states(self, city: str) -> List[str]:
        from lantern.directory import zipgeo

        preferred = self.directory_states(city)
        found = [st for st in sorted(set(zipgeo.STATE_NAMES.values())) if zipgeo.lookup_city(city, st)]
        return [st for st in preferred if st in found] + [st for st in found if st not in preferred]

    def directory_states(self, city: str) -> List[str]:
        return list(self._directory_cities().get(rt.normalise(city).replace("saint ", "st "), []))

    def _directory_cities(self) -> Dict[str, List[str]]:
        """Town -> states with listings, re-read every few minutes (staff import while the bot runs)."""
        now = time.monotonic()
        ttl = CITY_CACHE_SECONDS if self._directory else EMPTY_CACHE_SECONDS
        if now - self._loaded_at < ttl:
            return self._directory
        with self._lock:
            if now - self._loaded_at < ttl:
                return self._directory
            cities: Dict[str, List[str]] = {}
            try:
                import sqlalchemy as sa

                from lantern.directory import get_engine, models
                from lantern.directory.zipgeo import normalise_state

                table = models.Address.__table__
                with get_engine(self.engine_url).connect() as conn:
                    rows = conn.execute(sa.select(table.c.city, table.c.state_province).distinct()).all()
                for city, state in rows:
                    code = normalise_state(state)
                    key = rt.normalise(city).replace("saint ", "st ")
                    if key and code and code not in cities.setdefault(key, []):
                        cities[key].append(code)
            except Exception as exc:  # noqa: BLE001 - a broken directory must not break the conversation
                logger.warning("referral: could not read directory towns (%s)", type(exc).__name__)
            self._directory, self._loaded_at = cities, now
            return cities


_places: Optional[DirectoryPlaces] = None


def places() -> DirectoryPlaces:
    global _places
    if _places is None:
        _places = DirectoryPlaces()
    return _places


def warm_up() -> None:
    """Open the directory (runs migrations) and build the ZIP and town tables before the first person asks."""
    started = time.monotonic()
    try:
        from lantern.directory import get_engine, zipgeo

        get_engine()
        zipgeo.warm_up()
        places().city_states("dayton")  # builds every state's town table once
        logger.info("referral: directory ready in %.1f s", time.monotonic() - started)
    except Exception as exc:  # noqa: BLE001
        logger.warning("referral: warm-up failed (%s); searches will retry", type(exc).__name__)


def _in_action_server() -> bool:
    """True inside `python -m rasa_sdk` (not when tests import this module)."""
    return getattr(sys.modules.get("__main__"), "__package__", None) == "rasa_sdk"


if _in_action_server():
    # In the main thread, before the server starts (about 2 s): the directory engine pools SQLite
    # connections, which may only be used by the thread that opened them.
    warm_up()


# ---------------------------------------------------------------- directory

def to_option(result: Any) -> rt.Option:
    """A directory Result as the small Option the messages are built from."""
    return rt.Option(
        name=result.name, organization=result.organization or "", address=result.address, phone=result.phone,
        miles=result.distance_miles, approximate=bool(result.approximate_location), open_now=result.open_now,
        hours=tuple(result.hours or ()), free=bool(result.free), walk_in=bool(result.walk_in),
        no_insurance=bool(result.no_insurance), about=result.description or "",
        types=tuple(result.service_types or ()))


def national_for(needs: Sequence[str]) -> List[rt.National]:
    """National options for these needs (all of them for 'anything'), most relevant first."""
    from lantern.directory import national_resources

    codes = [c for c in needs if c != rt.ANY_NEED]
    found = national_resources(codes) if codes else [r for r in national_resources() if r.key in ("samhsa", "nextdistro")]
    return [rt.National(r.name, r.what, r.phone, r.text, r.url) for r in found]


def split_place(value: str) -> Dict[str, Optional[str]]:
    """Slot value ('45402' or 'Dayton, OH') -> search keyword arguments."""
    value = (value or "").strip()
    if value.isdigit():
        return {"zip_code": value}
    city, _, state = value.rpartition(",")
    return {"city": city.strip() or value, "state": state.strip() or None}


def run_search(needs: Sequence[str], place: str, offset: int, limit: int = SEARCH_LIMIT,
               engine_url: Optional[str] = None) -> Any:
    """`lantern.directory.search` for the slots; raises only if the database cannot be read."""
    from sqlalchemy.orm import Session

    from lantern.directory import get_engine, search

    types = [c for c in needs if c != rt.ANY_NEED]
    with Session(get_engine(engine_url), future=True) as session:
        return search(session, service_types=types, limit=limit, offset=offset, **split_place(place))


def place_label(place: Optional[str], origin: Any = None) -> str:
    if origin is not None and getattr(origin, "label", None):
        return origin.label
    return place or "there"


def search_turn(needs: Sequence[str], place: str, offset: int, more_page: bool = False,
                engine_url: Optional[str] = None) -> Tuple[List[rt.Message], Dict[str, Any]]:
    """Messages and slot updates for one page of options (or the honest fallback)."""
    needs = list(needs) or [rt.ANY_NEED]
    if place == rt.ANYWHERE:
        return rt.national_messages(rt.ANYWHERE_LEAD, national_for(needs), rt.AFTER_NATIONAL), {"referral_shown": None}
    try:
        results = run_search(needs, place, offset, engine_url=engine_url)
    except Exception as exc:  # noqa: BLE001 - no directory is no reason to leave the person with nothing
        logger.error("referral: directory search failed (%s)", type(exc).__name__)
        return rt.national_messages(rt.ERROR_LEAD, national_for(needs), rt.AFTER_NATIONAL), {"referral_shown": None}
    label = place_label(place, results.origin)
    if results.status in ("unknown_zip", "unknown_city", "no_place"):
        lead = rt.unknown_place_lead(results.status, place)
        return rt.national_messages(lead, national_for(needs), rt.AFTER_NATIONAL), {"referral_shown": None,
                                                                                   "referral_place": None}
    page = [to_option(r) for r in list(results)[: rt.PAGE_SIZE]]
    if not page:
        lead = rt.NO_MORE_LEAD if offset else rt.no_results_lead(needs, label, results.searched_miles)
        return rt.national_messages(lead, national_for(needs), rt.AFTER_NATIONAL), {"referral_shown": None}
    has_more = len(results) > len(page)
    messages = rt.options_messages(page, label, needs, has_more, start_number=offset + 1, more_page=more_page)
    return messages, {"referral_shown": [o.remember() for o in page], "referral_offset": float(offset + len(page))}


def utter(dispatcher: CollectingDispatcher, messages: Sequence[rt.Message]) -> None:
    for message in list(messages)[: rt.MAX_MESSAGES]:
        dispatcher.utter_message(text=message.text, metadata={"mi": message.mi})


def slot_events(values: Dict[str, Any]) -> List[EventType]:
    return [SlotSet(name, value) for name, value in values.items()]


# ---------------------------------------------------------------- actions

class ValidateReferralForm(Action):
    """Reads every answer while the referral form runs (and the message that started it).

    Returning no events rejects the form for this turn, so the rules for crisis, stop,
    goodbye and 'are you a bot' answer instead; any slot event keeps the form going.
    """

    max_messages = 0

    def name(self) -> Text:
        return "validate_referral_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        from lantern.directory.taxonomy import normalise_type

        message = tracker.latest_message or {}
        turn = rt.decide_form_turn(
            text=message.get("text"), intent=(message.get("intent") or {}).get("name"),
            entities=message.get("entities") or [], slots=tracker.slots,
            requested=tracker.get_slot("requested_slot"), lookup=places(), normalise_type=normalise_type)
        if turn is None:
            return []
        events = slot_events(turn.slots)
        if turn.done:
            events.append(SlotSet("requested_slot", None))
        return events


class ActionAskReferralNeed(Action):
    max_messages = 1

    def name(self) -> Text:
        return "action_ask_referral_need"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        place = tracker.get_slot("referral_place")
        label = None if place in (None, rt.ANYWHERE) else place_label(place, None)
        utter(dispatcher, [rt.ask_need(tracker.get_slot("referral_retry"), label)])
        return []


class ActionAskReferralPlace(Action):
    max_messages = 1

    def name(self) -> Text:
        return "action_ask_referral_place"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        needs = tracker.get_slot("referral_need") or []
        utter(dispatcher, [rt.ask_place(tracker.get_slot("referral_retry"), needs)])
        return []


def finished_form_slots(needs: Optional[List[str]]) -> Dict[str, Any]:
    """After a search: the need moves to `referral_last_need` (for 'more'), the place is kept."""
    return {"referral_need": None, "referral_last_need": needs, "referral_retry": None, "referral_exit": None}


class ActionReferralSearch(Action):
    """Runs when the referral form is done: the first page of options, or respects a decline."""

    max_messages = 3

    def name(self) -> Text:
        return "action_referral_search"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        exit_reason = tracker.get_slot("referral_exit")
        if exit_reason in ("declined", "unclear"):
            utter(dispatcher, [rt.declined_message() if exit_reason == "declined" else rt.gave_up_message()])
            return slot_events({**finished_form_slots(tracker.get_slot("referral_last_need")),
                                "referral_shown": None})
        needs = rt.canonical_needs(tracker.get_slot("referral_need") or []) or [rt.ANY_NEED]
        place = tracker.get_slot("referral_place") or rt.ANYWHERE
        messages, updates = search_turn(needs, place, offset=0)
        utter(dispatcher, messages)
        return slot_events({"referral_offset": 0.0, **updates, **finished_form_slots(needs)})


class ActionReferralMore(Action):
    """'More': the next page for the last search; when the local list runs out, national options."""

    max_messages = 3

    def name(self) -> Text:
        return "action_referral_more"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        needs = tracker.get_slot("referral_last_need")
        place = tracker.get_slot("referral_place")
        if not needs or not place:
            utter(dispatcher, [rt.nothing_to_show_message()])
            return []
        offset = int(tracker.get_slot("referral_offset") or 0)
        if not tracker.get_slot("referral_shown"):
            # The last reply already ended with national options (or a decline): no page to turn.
            utter(dispatcher, [rt.look_again_message()])
            return []
        messages, updates = search_turn(needs, place, offset=offset, more_page=True)
        utter(dispatcher, messages)
        return slot_events(updates)


class ActionReferralChoose(Action):
    """'The second one': the chosen option again, an affirmation, and an open question about next steps."""

    max_messages = 2

    def name(self) -> Text:
        return "action_referral_choose"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        shown = tracker.get_slot("referral_shown") or []
        if not shown and tracker.get_slot("ruler_pending"):
            # "3" right after "how important, 0 to 10?" is a ruler answer, not a pick from a list
            return await ActionRulerReply().run(dispatcher, tracker, domain)
        if not shown:
            utter(dispatcher, [rt.nothing_to_show_message()])
            return []
        index = rt.parse_choice((tracker.latest_message or {}).get("text"), shown)
        if index is None:
            utter(dispatcher, [rt.which_one_message(len(shown))])
            return []
        utter(dispatcher, rt.chosen_messages(shown[index]))
        return []


class ActionReferralDecline(Action):
    """'None of these' / 'no thanks': respected warmly, nothing pushed."""

    max_messages = 1

    def name(self) -> Text:
        return "action_referral_decline"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        shown = bool(tracker.get_slot("referral_shown"))
        utter(dispatcher, [rt.declined_message() if shown else rt.no_thanks_message()])
        return [SlotSet("referral_shown", None)]


def sample_texts() -> List[str]:
    """Every kind of text the referral actions produce, for the language lint (tests/unit/test_response_lint.py)."""
    texts: List[str] = []
    for retry in (None, "idk_need", "unclear_need"):
        texts += [rt.ask_need(retry, None).text, rt.ask_need(retry, "45402 (Dayton, OH)").text]
    for retry in (None, "unknown_zip:99999", "unknown_city:", "ambiguous_city:Springfield", "state_only:OH",
                  "idk_place", "near_me", "unclear_place"):
        for needs in ([], ["naloxone"], ["food", "housing"], [rt.ANY_NEED]):
            texts.append(rt.ask_place(retry, needs).text)
    texts += [m().text for m in (rt.declined_message, rt.no_thanks_message, rt.gave_up_message,
                                 rt.nothing_to_show_message, rt.look_again_message)]
    option = rt.Option(name="Same-Day Buprenorphine Starts", organization="Sample Recovery Clinic",
                       address="2200 Sample Road, Dayton, OH 45405", phone="937-555-0105", miles=2.6, open_now=False,
                       hours=("MO,TU,WE,TH,FR 08:00-17:00",), walk_in=True, no_insurance=True,
                       about="Buprenorphine started the same day for most people.", types=("buprenorphine",))
    for code in list(rt.LABELS):
        for n in (1, 2, 3):
            for more in (True, False):
                texts += [m.text for m in rt.options_messages([option] * n, "45402 (Dayton, OH)", [code], more,
                                                              more_page=not more)]
        lead = rt.no_results_lead([code], "45402 (Dayton, OH)", 100)
        for first in (lead, rt.ANYWHERE_LEAD, rt.NO_MORE_LEAD, rt.ERROR_LEAD, rt.unknown_place_lead("unknown_zip", "00000"),
                      rt.unknown_place_lead("unknown_city", "x")):
            texts += [m.text for m in rt.national_messages(first, national_for([code]), rt.AFTER_NATIONAL)]
    item = option.remember()
    texts += [m.text for m in rt.chosen_messages(item)] + [rt.which_one_message(n).text for n in (1, 2, 3)]
    return texts
