"""The referral conversation: a form that asks what kind of help and where, then local options.

Flow (domain/referral.yml, data/rules/referral.yml):
  referral_request -> referral_form (validate_referral_form reads every answer;
  action_ask_referral_need / action_ask_referral_place word the questions)
  -> action_referral_search (2-3 options, 'which fits?')
  -> action_referral_more | action_referral_choose | action_referral_decline.

Like every MI flow, each action's decision is a pure `*_turn(context, ...) -> Turn` function
(actions.base): reading answers is in actions/referral_parse.py, the wording in
actions/phrases/referral.yml (through actions/referral_text.py), and the directory is reached
only through `lantern.directory`'s API, behind the small `Directory` and `PlaceLookup`
interfaces so the turns can be tested without a database. Nothing happens at import: the
directory (migrations, ZIP and town tables) is opened on first use, or by `warm_up()`.
When the directory is empty, broken or has nothing near, the person gets an honest reply and
national options. Raw user text and phone numbers are never logged.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Protocol, Sequence, Text, TypedDict

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import referral_text as rt
from actions.base import Context, MIAction, Turn, send, stamp_memory
from actions.cues import parse_ruler
from actions.rulers import reply_turn

logger = logging.getLogger(__name__)

SEARCH_LIMIT = rt.PAGE_SIZE + 1  # one extra tells whether there are more
CITY_CACHE_SECONDS = 300.0
EMPTY_CACHE_SECONDS = 5.0  # an empty directory is probably being imported: look again soon


# ---------------------------------------------------------------- the context


@dataclass
class ReferralContext(Context):
    """The MI context plus what the form reads: the entities of the latest message."""

    entities: List[Dict[str, Any]] = field(default_factory=list)

    @classmethod
    def of(cls, tracker: Tracker, rng: Any = None) -> "ReferralContext":
        base = Context.of(tracker, rng)
        return cls(**vars(base), entities=list((tracker.latest_message or {}).get("entities") or []))

    @classmethod
    def plain(
        cls,
        text: str = "",
        slots: Optional[Dict[str, Any]] = None,
        talk: Optional[Dict[str, Any]] = None,
        codes: Optional[List[str]] = None,
        seed: int = 0,
        knowledge: Optional[Dict[str, Any]] = None,
        intent: Optional[str] = None,
        entities: Optional[List[Dict[str, Any]]] = None,
        *,
        sender_id: str = "",
    ) -> "ReferralContext":
        """A context for tests, without a tracker."""
        base = Context.plain(text, slots, talk, codes, seed, knowledge, intent, sender_id=sender_id)
        return cls(**vars(base), entities=list(entities or []))


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
        return list(self._directory_cities().get(town_key(city), []))

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
                from lantern.directory import listed_towns

                for city, code in listed_towns(self.engine_url):
                    key = town_key(city)
                    if key and code not in cities.setdefault(key, []):
                        cities[key].append(code)
            except Exception as exc:
                logger.warning("referral: could not read directory towns (%s)", type(exc).__name__)
            self._directory, self._loaded_at = cities, now
            return cities


def town_key(city: str) -> str:
    """How a town name is compared: normalised, 'saint' as 'st'."""
    return rt.normalise(city).replace("saint ", "st ")


_places: Optional[DirectoryPlaces] = None


def places() -> DirectoryPlaces:
    global _places
    if _places is None:
        _places = DirectoryPlaces()
    return _places


def warm_up() -> None:
    """Open the directory (runs migrations) and build the ZIP and town tables before the first person asks.

    Not called at import: without it the same work happens on the first referral (about 2 s).
    """
    started = time.monotonic()
    try:
        from lantern.directory import get_engine, zipgeo

        get_engine()
        zipgeo.warm_up()
        places().city_states("dayton")  # builds every state's town table once
        logger.info("referral: directory ready in %.1f s", time.monotonic() - started)
    except Exception as exc:
        logger.warning("referral: warm-up failed (%s); searches will retry", type(exc).__name__)


# ---------------------------------------------------------------- directory


class Directory(Protocol):
    """What a search turn needs from the directory (the real one is `LanternDirectory`)."""

    def search(self, needs: Sequence[str], place: str, offset: int, limit: int) -> Any:
        """A `lantern.directory.Results` page; raises only if the database cannot be read."""

    def national(self, needs: Sequence[str]) -> List[rt.National]:
        """National options for these needs, most relevant first."""


class PlaceArgs(TypedDict, total=False):
    """The place keyword arguments of `lantern.directory.search`."""

    zip_code: str
    city: str
    state: Optional[str]


def split_place(value: str) -> PlaceArgs:
    """Slot value ('45402' or 'Dayton, OH') -> search keyword arguments."""
    value = (value or "").strip()
    if value.isdigit():
        return {"zip_code": value}
    city, _, state = value.rpartition(",")
    return {"city": city.strip() or value, "state": state.strip() or None}


def to_option(result: Any) -> rt.Option:
    """A directory Result as the small Option the messages are built from."""
    return rt.Option(
        name=result.name,
        organization=result.organization or "",
        address=result.address,
        phone=result.phone,
        miles=result.distance_miles,
        approximate=bool(result.approximate_location),
        open_now=result.open_now,
        hours=tuple(result.hours or ()),
        free=bool(result.free),
        walk_in=bool(result.walk_in),
        no_insurance=bool(result.no_insurance),
        about=result.description or "",
        types=tuple(result.service_types or ()),
    )


def run_search(
    needs: Sequence[str], place: str, offset: int, limit: int = SEARCH_LIMIT, engine_url: Optional[str] = None
) -> Any:
    """`lantern.directory.search` for the slots; raises only if the database cannot be read."""
    from lantern.directory import search, session_scope

    types = [c for c in needs if c != rt.ANY_NEED]
    with session_scope(engine_url) as session:
        return search(session, service_types=types, limit=limit, offset=offset, **split_place(place))


class LanternDirectory:
    """`Directory` through lantern.directory's API (setting LANTERN_DIRECTORY_DB_URL, or `engine_url`)."""

    def __init__(self, engine_url: Optional[str] = None) -> None:
        self.engine_url = engine_url

    def search(self, needs: Sequence[str], place: str, offset: int, limit: int = SEARCH_LIMIT) -> Any:
        return run_search(needs, place, offset, limit, self.engine_url)

    def national(self, needs: Sequence[str]) -> List[rt.National]:
        """National options for these needs (for 'anything': the national helpline and mail-order supplies)."""
        from lantern.directory import national_resources

        codes = [c for c in needs if c != rt.ANY_NEED]
        found = (
            national_resources(codes)
            if codes
            else [r for r in national_resources() if r.key in ("samhsa", "nextdistro")]
        )
        return [rt.National(r.name, r.what, r.phone, r.text, r.url) for r in found]


def national_for(needs: Sequence[str]) -> List[rt.National]:
    return LanternDirectory().national(needs)


def place_label(place: Optional[str], origin: Any = None) -> str:
    if origin is not None and getattr(origin, "label", None):
        return origin.label
    return place or "there"


def page_turn(needs: Sequence[str], place: str, offset: int, directory: Directory, more_page: bool = False) -> Turn:
    """One page of options (or the honest fallback to national options), and the slots to remember it."""
    needs = list(needs) or [rt.ANY_NEED]

    def national(lead: Any, **slots: Any) -> Turn:
        return Turn(
            rt.national_messages(lead, directory.national(needs), rt.AFTER_NATIONAL), {"referral_shown": None, **slots}
        )

    if place == rt.ANYWHERE:
        return national(rt.ANYWHERE_LEAD)
    try:
        results = directory.search(needs, place, offset, SEARCH_LIMIT)
    except Exception as exc:
        logger.error("referral: directory search failed (%s)", type(exc).__name__)
        return national(rt.ERROR_LEAD)
    label = place_label(place, results.origin)
    if results.status in ("unknown_zip", "unknown_city", "no_place"):
        return national(rt.unknown_place_lead(results.status, place), referral_place=None)
    page = [to_option(r) for r in list(results)[: rt.PAGE_SIZE]]
    if not page:
        return national(rt.NO_MORE_LEAD if offset else rt.no_results_lead(needs, label, results.searched_miles))
    has_more = len(results) > len(page)
    messages = rt.options_messages(page, label, needs, has_more, start_number=offset + 1, more_page=more_page)
    shown = [o.remember() for o in page]
    return Turn(messages, {"referral_shown": shown, "referral_offset": float(offset + len(page))})


# ---------------------------------------------------------------- the turns


def validate_turn(
    context: ReferralContext, lookup: rt.PlaceLookup, normalise_type: Optional[Callable[[str], Optional[str]]] = None
) -> Optional[Turn]:
    """Slot updates for one answer while the form runs, or None to let the other rules answer it."""
    decided = rt.decide_form_turn(
        text=context.text,
        intent=context.intent,
        entities=context.entities,
        slots=context.slots,
        requested=context.slots.get("requested_slot"),
        lookup=lookup,
        normalise_type=normalise_type,
    )
    if decided is None:
        return None
    slots = dict(decided.slots)
    if decided.done:
        slots["requested_slot"] = None
    return Turn([], slots)


def ask_need_turn(context: Context) -> Turn:
    place = context.slots.get("referral_place")
    label = None if place in (None, rt.ANYWHERE) else place_label(place, None)
    return Turn([rt.ask_need(context.slots.get("referral_retry"), label)])


def ask_place_turn(context: Context) -> Turn:
    return Turn([rt.ask_place(context.slots.get("referral_retry"), context.slots.get("referral_need") or [])])


def finished_form_slots(needs: Optional[List[str]]) -> Dict[str, Any]:
    """After a search: the need moves to `referral_last_need` (for 'more'), the place is kept."""
    return {"referral_need": None, "referral_last_need": needs, "referral_retry": None, "referral_exit": None}


def search_turn(context: Context, directory: Directory) -> Turn:
    """When the form is done: the first page of options, or the decline respected."""
    slots = context.slots
    exit_reason = slots.get("referral_exit")
    if exit_reason in ("declined", "unclear"):
        message = rt.declined_message() if exit_reason == "declined" else rt.gave_up_message()
        return Turn([message], {**finished_form_slots(slots.get("referral_last_need")), "referral_shown": None})
    needs = rt.canonical_needs(slots.get("referral_need") or []) or [rt.ANY_NEED]
    place = slots.get("referral_place") or rt.ANYWHERE
    page = page_turn(needs, place, 0, directory)
    return Turn(page.messages, {"referral_offset": 0.0, **page.slots, **finished_form_slots(needs)})


def more_turn(context: Context, directory: Directory) -> Turn:
    """'More': the next page of the last search; when the local list runs out, national options."""
    slots = context.slots
    needs, place = slots.get("referral_last_need"), slots.get("referral_place")
    if not needs or not place:
        return Turn([rt.nothing_to_show_message()])
    if not slots.get("referral_shown"):
        # The last reply already ended with national options (or a decline): no page to turn.
        return Turn([rt.look_again_message()])
    return page_turn(needs, place, int(slots.get("referral_offset") or 0), directory, more_page=True)


def choose_turn(context: Context) -> Turn:
    """'The second one': that option again, an affirmation, an open question about next steps."""
    shown = context.slots.get("referral_shown") or []
    if not shown and context.slots.get("ruler_pending"):
        # "3" right after "how important, 0 to 10?" is a ruler answer, not a pick from a list
        return reply_turn(parse_ruler(context.text), context)
    if not shown:
        return Turn([rt.nothing_to_show_message()])
    index = rt.parse_choice(context.text, shown)
    if index is None:
        return Turn([rt.which_one_message(len(shown))])
    return Turn(rt.chosen_messages(shown[index]))


def decline_turn(context: Context) -> Turn:
    """'None of these' / 'no thanks': respected warmly, nothing pushed."""
    shown = bool(context.slots.get("referral_shown"))
    return Turn([rt.declined_message() if shown else rt.no_thanks_message()], {"referral_shown": None})


# ---------------------------------------------------------------- actions


class ReferralAction(MIAction):
    """An MI action whose context also carries the latest intent and entities."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Any]:
        context = ReferralContext.of(tracker)
        return send(dispatcher, stamp_memory(context.slots, self.decide(context), time.time()))


class ValidateReferralForm(ReferralAction):
    """Reads every answer while the referral form runs (and the message that started it).

    Returning no events rejects the form for this turn, so the rules for crisis, stop,
    goodbye and 'are you a bot' answer instead; any slot event keeps the form going.
    """

    action_name = "validate_referral_form"
    max_messages = 0

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Any]:
        from lantern.directory import normalise_type

        turn = validate_turn(ReferralContext.of(tracker), places(), normalise_type)
        return [] if turn is None else send(dispatcher, turn)


class ActionAskReferralNeed(ReferralAction):
    action_name = "action_ask_referral_need"
    max_messages = 1

    def decide(self, context: Context) -> Turn:
        return ask_need_turn(context)


class ActionAskReferralPlace(ReferralAction):
    action_name = "action_ask_referral_place"
    max_messages = 1

    def decide(self, context: Context) -> Turn:
        return ask_place_turn(context)


class ActionReferralSearch(ReferralAction):
    """Runs when the referral form is done: the first page of options, or respects a decline."""

    action_name = "action_referral_search"
    max_messages = 3

    def decide(self, context: Context) -> Turn:
        return search_turn(context, LanternDirectory())


class ActionReferralMore(ReferralAction):
    """'More': the next page for the last search; when the local list runs out, national options."""

    action_name = "action_referral_more"
    max_messages = 3

    def decide(self, context: Context) -> Turn:
        return more_turn(context, LanternDirectory())


class ActionReferralChoose(ReferralAction):
    """'The second one': the chosen option again, an affirmation, and an open question about next steps."""

    action_name = "action_referral_choose"
    max_messages = 2

    def decide(self, context: Context) -> Turn:
        return choose_turn(context)


class ActionReferralDecline(ReferralAction):
    """'None of these' / 'no thanks': respected warmly, nothing pushed."""

    action_name = "action_referral_decline"
    max_messages = 1

    def decide(self, context: Context) -> Turn:
        return decline_turn(context)


def sample_texts() -> List[str]:
    """Every kind of text the referral actions produce, for the language lint (tests/unit/test_response_lint.py)."""
    texts: List[str] = []
    for retry in (None, "idk_need", "unclear_need"):
        texts += [rt.ask_need(retry, None).text, rt.ask_need(retry, "45402 (Dayton, OH)").text]
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
        for needs in ([], ["naloxone"], ["food", "housing"], [rt.ANY_NEED]):
            texts.append(rt.ask_place(retry, needs).text)
    texts += [
        m().text
        for m in (
            rt.declined_message,
            rt.no_thanks_message,
            rt.gave_up_message,
            rt.nothing_to_show_message,
            rt.look_again_message,
        )
    ]
    option = rt.Option(
        name="Same-Day Buprenorphine Starts",
        organization="Sample Recovery Clinic",
        address="2200 Sample Road, Dayton, OH 45405",
        phone="937-555-0105",
        miles=2.6,
        open_now=False,
        hours=("MO,TU,WE,TH,FR 08:00-17:00",),
        walk_in=True,
        no_insurance=True,
        about="Buprenorphine started the same day for most people.",
        types=("buprenorphine",),
    )
    for code in rt.need_codes():
        for n in (1, 2, 3):
            for more in (True, False):
                texts += [
                    m.text
                    for m in rt.options_messages([option] * n, "45402 (Dayton, OH)", [code], more, more_page=not more)
                ]
        lead = rt.no_results_lead([code], "45402 (Dayton, OH)", 100)
        for first in (
            lead,
            rt.ANYWHERE_LEAD,
            rt.NO_MORE_LEAD,
            rt.ERROR_LEAD,
            rt.unknown_place_lead("unknown_zip", "00000"),
            rt.unknown_place_lead("unknown_city", "x"),
        ):
            texts += [m.text for m in rt.national_messages(first, national_for([code]), rt.AFTER_NATIONAL)]
    item = option.remember()
    texts += [m.text for m in rt.chosen_messages(item)] + [rt.which_one_message(n).text for n in (1, 2, 3)]
    return texts
