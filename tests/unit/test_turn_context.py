"""The server-side hook (rasa_plugins/turn_context.py): the bot's previous message, as labels, into the user
message's metadata before NLU; and the actions' labels it reads (actions/phrases.py)."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional

import pytest
from rasa.core.actions.action import create_bot_utterance
from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from actions import phrases
from actions.reflect import ActionReflect
from lantern.nlu.talk_context import CONTEXT_KEY, TurnContext
from rasa_plugins import patches, turn_context
from tests.unit.mi_helpers import CHANGE, SUSTAIN, make_tracker, run
from tests.unit.patch_helpers import install_patches


def bot(text: str, mi: Optional[str] = None, talk: Optional[str] = None, nested: bool = True) -> BotUttered:
    """A bot event as the Rasa server keeps it: action server messages nest their metadata once more."""
    labels = {key: value for key, value in (("mi", mi), ("talk", talk)) if value is not None}
    metadata: Dict[str, Any] = {"metadata": labels, "utter_action": "utter_x"} if nested else labels
    return BotUttered(text, metadata=metadata)


def tracker(*events: Any) -> DialogueStateTracker:
    base = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("hi", {"name": "greet"}),
    ]
    return DialogueStateTracker.from_events("test-sender", base + list(events))


def test_the_last_bot_message_of_the_turn_gives_the_context() -> None:
    t = tracker(
        ActionExecuted("action_reflect"),
        bot("Some of this is really scary for you.", "complex_reflection"),
        bot("Being there for your kids matters a lot to you.", "complex_reflection", "change"),
        SlotSet("change_themes", ["family"]),
        ActionExecuted("action_listen"),
    )
    assert turn_context.context_from_events(t.events) == TurnContext("change", "complex_reflection", False)


@pytest.mark.parametrize(
    "event, expected",
    [
        (
            bot("You're not ready to change it right now.", "complex_reflection", "sustain"),
            TurnContext("sustain", "complex_reflection", True),
        ),
        (
            bot("What else makes this matter to you?", "open_question", "change", nested=False),
            TurnContext("change", "open_question", False),
        ),
        (bot("Okay.", "structure"), TurnContext(None, "structure", False)),
        (bot("You're pulled two ways.", "complex_reflection", "ambivalent"), TurnContext(None, "complex_reflection")),
        (bot("Hello there"), None),  # no labels at all
        (BotUttered(None, metadata=None), None),
    ],
)
def test_labels_are_read_from_the_bot_event(event: BotUttered, expected: Optional[TurnContext]) -> None:
    t = tracker(ActionExecuted("action_x"), event, ActionExecuted("action_listen"))
    assert turn_context.context_from_events(t.events) == expected


@pytest.mark.parametrize(
    "after",
    [
        [UserUttered("another message")],  # the person wrote twice in a row
        [SessionStarted(), ActionExecuted("action_listen")],  # a new session
        [Restarted(), ActionExecuted("action_listen")],
    ],
)
def test_no_context_across_a_user_message_or_a_new_session(after: List[Any]) -> None:
    t = tracker(bot("Being there for your kids matters a lot to you.", "complex_reflection", "change"), *after)
    assert turn_context.context_from_events(t.events) is None


def test_no_bot_message_yet_means_no_context() -> None:
    assert turn_context.context_from_events(tracker().events) is None
    assert turn_context.context_from_events([]) is None


def test_event_dicts_work_too() -> None:
    events = [
        {"event": "user", "text": "hi"},
        {
            "event": "bot",
            "text": "You want your life back in your own hands.",
            "metadata": {"metadata": {"mi": "complex_reflection", "talk": "change"}},
        },
        {"event": "action", "name": "action_listen"},
    ]
    assert turn_context.context_from_events(iter(events)) == TurnContext("change", "complex_reflection", False)


def test_add_context_puts_only_labels_into_the_metadata() -> None:
    t = tracker(bot("Being there for your kids matters a lot to you.", "complex_reflection", "change"))
    message = UserMessage("yeah", sender_id="test-sender", metadata={"channel": "rest"})
    turn_context.add_context(message, t.events)
    assert message.metadata == {
        "channel": "rest",
        CONTEXT_KEY: {"prev_talk": "change", "prev_mi": "complex_reflection", "prev_negative": False},
    }
    assert "kids" not in str(message.metadata)  # no bot text, and never the person's


def test_a_client_cannot_supply_its_own_context() -> None:
    spoofed = {CONTEXT_KEY: {"prev_talk": "sustain", "prev_mi": "closed_question"}, "x": 1}
    message = UserMessage("yeah", metadata=dict(spoofed))
    turn_context.add_context(message, tracker(bot("Okay.", "structure")).events)
    assert message.metadata[CONTEXT_KEY] == {"prev_talk": None, "prev_mi": "structure", "prev_negative": False}
    message = UserMessage("yeah", metadata=dict(spoofed))
    turn_context.add_context(message, tracker().events)
    assert message.metadata == {"x": 1}
    message = UserMessage("yeah")  # no metadata and no context: left as it was
    turn_context.add_context(message, tracker().events)
    assert message.metadata is None


def test_a_broken_tracker_never_breaks_the_turn() -> None:
    class Broken:
        def __reversed__(self) -> Any:
            raise RuntimeError("boom")

    message = UserMessage("yeah", metadata={"x": 1})
    turn_context.add_context(message, Broken())
    assert message.metadata == {"x": 1}


def test_install_wraps_parse_message_once(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: List[Any] = []

    async def original(
        self: Any, message: UserMessage, tracker: Any = None, only_output_properties: bool = True
    ) -> Dict[str, Any]:
        seen.append(message.metadata)
        return {"text": message.text}

    monkeypatch.setattr(MessageProcessor, "parse_message", original)
    install_patches(monkeypatch)  # rasa_plugins/patches.py installs the wrapper
    patches.install()  # idempotent
    wrapped = MessageProcessor.parse_message
    assert wrapped is not original and wrapped.__wrapped__ is original
    t = tracker(bot("You want to cut back, on your own terms.", "complex_reflection", "change"))
    assert asyncio.run(wrapped(object(), UserMessage("yeah"), t)) == {"text": "yeah"}
    assert seen[-1][CONTEXT_KEY]["prev_talk"] == "change"
    asyncio.run(wrapped(object(), UserMessage("yeah")))  # POST /model/parse: no tracker, no context
    assert seen[-1] is None


# ----- the labels the actions send are the ones the hook reads -------------------------------------
def as_rasa_events(messages: List[Dict[str, Any]]) -> List[BotUttered]:
    """The dispatcher's messages as the Rasa server stores them (RemoteAction -> create_bot_utterance)."""
    return [create_bot_utterance(dict(message)) for message in messages]


@pytest.mark.parametrize(
    "text, talk, expected",
    [
        ("i want to quit for my kids", CHANGE, "change"),
        ("it helps me get through the day", SUSTAIN, "sustain"),
    ],
)
def test_a_reflection_from_action_reflect_frames_the_answer(text: str, talk: Dict[str, Any], expected: str) -> None:
    messages, _ = run(ActionReflect(), make_tracker(text, talk=talk))
    assert len(messages) == 1 and messages[0]["metadata"] == {"mi": "simple_reflection", "talk": expected}
    t = tracker(
        UserUttered(text), ActionExecuted("action_reflect"), *as_rasa_events(messages), ActionExecuted("action_listen")
    )
    context = turn_context.context_from_events(t.events)
    assert context is not None and context.prev_talk == expected and context.prev_mi == "simple_reflection"


@pytest.mark.parametrize(
    "key, talk",
    [
        ("reflect.change.family", "change"),
        ("reflect.change.general", "change"),
        ("reflect.sustain.coping", "sustain"),
        ("reflect.sustain.not_ready", "sustain"),
        ("reflect.next_step", "change"),
        ("reflect.next_step.none", "sustain"),
        ("invite.change", "change"),
        ("invite.sustain", "sustain"),
        ("discord.no_problem", "sustain"),
        ("ruler.importance.high", "change"),
        ("ruler.importance.low", "sustain"),
        ("returning.recap.both", "change"),
        ("returning.recap.family", None),
        ("step.reflect.less", "change"),
        ("reflect.double", None),
        ("reflect.feeling.scared", None),
        ("reflect.neutral", None),
        ("invite.neutral", None),
        ("ruler.importance.mid", None),
        ("info.naloxone", None),
    ],
)
def test_lines_say_which_side_they_are_about(key: str, talk: Optional[str]) -> None:
    assert phrases.talk_of(key) == talk
    fill: Dict[str, str] = {}
    for line in phrases.variants(key):
        fill.update(next(phrases.sample_fills(line.text)))
    kwargs = phrases.say(key, **fill).as_kwargs()
    assert kwargs["metadata"].get("talk") == talk


def test_every_talk_entry_names_existing_lines() -> None:
    keys = list(phrases.catalogue())
    for entry, side in phrases.TALK_OF_LINE.items():
        assert side in ("change", "sustain", None)
        assert any(k == entry or k.startswith(entry + ".") for k in keys), entry
    # every change or sustain reflection is labelled, whichever new theme is added
    for key in keys:
        if key.startswith(("reflect.change.", "reflect.sustain.")):
            assert phrases.talk_of(key) == key.split(".")[1]
