"""Hand the NLU what the bot said last, as labels: `lantern_context` in the user message's metadata.

Rasa NLU components see one Message (text and metadata), never the tracker. The talk-type
component needs to know what a short answer answers ("yeah" to a reflection of change talk
is change talk), so before a user message is parsed this hook looks at the tracker's last
bot message of the current turn and puts into `UserMessage.metadata`:

    "lantern_context": {"prev_mi": "complex_reflection",  # the bot message's MI code (metadata.mi)
                        "prev_talk": "change",            # the side it was about (metadata.talk)
                        "prev_negative": false,           # its last sentence has a negation
                        "topic": "methadone"}             # the conversation's topic (the `topic` slot)

Only labels go in: no user text and no bot text. `metadata.mi` and `metadata.talk` are set by
the custom actions on every message they send (actions/phrases.py, TALK_OF_LINE); a domain
response may carry them too (`metadata: {mi: ..., talk: ...}`). A bot message without a side
gives `prev_talk: null`.

Where: `MessageProcessor.parse_message(message, tracker)` is what Rasa 3.6 calls for every
user message that arrives on a channel (REST, socket.io, SMS: `handle_message` ->
`log_message` -> `_handle_message_with_tracker`), and it is the only caller that passes a
tracker. `POST /model/parse`, `rasa test` and training pass none, so they stay text-only.
Whatever a client put under `lantern_context` itself is replaced (or removed). The stored
user event does not keep it: the transcript scrubber drops user metadata at rest.

`context_parse_message` is installed by rasa_plugins/patches.py with the other patches.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional, Sequence, Tuple

from lantern.knowledge.entries import TOPICS
from lantern.nlu.talk_context import CONTEXT_KEY, TALKS, TurnContext, is_negative

logger = logging.getLogger(__name__)

# Events after which the previous bot message no longer frames the user's next one.
_TURN_BOUNDARIES = {"user", "session_started", "restart"}


def _kind_text_metadata(event: Any) -> Tuple[Optional[str], Any, Any]:
    """(event type, text, metadata) of a Rasa Event object or an event dict (`as_dict()` shape)."""
    if isinstance(event, Mapping):
        return event.get("event"), event.get("text"), event.get("metadata")
    return getattr(event, "type_name", None), getattr(event, "text", None), getattr(event, "metadata", None)


def _label(metadata: Any, key: str) -> Any:
    """`metadata[key]`, or one level down: an action server message arrives as {'metadata': {...}, ...}."""
    if not isinstance(metadata, Mapping):
        return None
    value = metadata.get(key)
    if value is None and isinstance(metadata.get("metadata"), Mapping):
        value = metadata["metadata"].get(key)
    return value


def context_from_events(events: Sequence[Any]) -> Optional[TurnContext]:
    """Labels of the last bot message since the person last wrote (None: no bot message, or no labels)."""
    try:
        newest_first = reversed(events)  # a tracker's deque of events, or a list
    except TypeError:
        newest_first = reversed(list(events))
    for event in newest_first:
        kind, text, metadata = _kind_text_metadata(event)
        if kind in _TURN_BOUNDARIES:
            return None
        if kind != "bot":
            continue
        mi = _label(metadata, "mi")
        talk = _label(metadata, "talk")
        context = TurnContext(
            prev_talk=talk if talk in TALKS else None,
            prev_mi=mi if isinstance(mi, str) else None,
            prev_negative=is_negative(text),
        )
        return TurnContext.from_metadata({CONTEXT_KEY: context.as_dict()})  # the same checks as the NLU side
    return None


def add_context(message: Any, events: Sequence[Any], topic: Any = None) -> None:
    """Set (or clear) `lantern_context` in `message.metadata` from the tracker events and the conversation's
    topic (the `topic` slot: a knowledge topic label, never text); never raises."""
    try:
        context = context_from_events(events)
    except Exception as exc:
        logger.warning("Turn context not computed (%s); the talk type uses the text alone.", type(exc).__name__)
        context = None
    labels: Dict[str, Any] = context.as_dict() if context is not None else {}
    if isinstance(topic, str) and topic in TOPICS:
        labels["topic"] = topic
    metadata = message.metadata if isinstance(message.metadata, Mapping) else None
    if labels:
        message.metadata = {**(metadata or {}), CONTEXT_KEY: labels}
    elif metadata and CONTEXT_KEY in metadata:  # only the server says what the bot said
        message.metadata = {k: v for k, v in metadata.items() if k != CONTEXT_KEY}


def _slot(tracker: Any, name: str) -> Any:
    try:
        return tracker.get_slot(name)
    except Exception:  # a tracker without the slot (an older domain) has no topic
        return None


def context_parse_message(original: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """`MessageProcessor.parse_message`, wrapped so a message parsed with a tracker carries the turn context."""

    @functools.wraps(original)
    async def parse_message(self: Any, message: Any, tracker: Any = None, only_output_properties: bool = True) -> Any:
        if tracker is not None:
            add_context(message, tracker.events, _slot(tracker, "topic"))
        return await original(self, message, tracker, only_output_properties)

    return parse_message
