"""Custom actions inside the Rasa server: a deadline for each, and a session start that needs none.

Rasa calls the action server for every custom action with a five-minute
timeout, and when the call fails it logs and goes on with no reply: the turn
is stored and the person gets `200 []`, nobody told. A hung action server also
held up a first-time sender's crisis message, because a new session begins with
`action_session_start`, a custom action. `guarded_action_lookup` (installed over Rasa's
`action_for_name_or_text` by rasa_plugins/patches.py before Rasa starts) changes two things:

- `action_session_start` runs in this process (`LocalSessionStart`, the same
  rule as actions/session.py: carry slots over except the turn state, forget
  memory past the retention period), so a first message never waits on the
  action server;
- every other custom action runs with `LANTERN_ACTION_TIMEOUT` (default 5 s);
  when it times out or fails, the person gets `DEGRADED_TEXT` (saved with the
  turn, marked `custom.degraded`), never silence.

The crisis script itself uses only domain responses and the crisis policy
(rasa_plugins/policies/crisis.py), so it never reaches this code.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Callable, List, Optional

from rasa.core.actions import action as rasa_action
from rasa.core.actions.action import Action, ActionSessionStart, RemoteAction
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet

logger = logging.getLogger(__name__)

DEGRADED_TEXT = (
    "Sorry, part of me isn't working right now, so I can't answer that properly. "
    "Please try again in a few minutes. If you or someone with you is in danger, call {emergency} now."
)


class LocalSessionStart(ActionSessionStart):
    """The session start of actions/session.py, run here instead of on the action server."""

    async def run(self, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Event]:
        from lantern import settings
        from lantern.memory import carried_slots

        slots = {name: value for name, value in tracker.current_slot_values().items()}
        values = carried_slots(slots, time.time(), settings.load().retention_days)
        return [
            SessionStarted(),
            *[SlotSet(name, value) for name, value in values.items()],
            ActionExecuted(ACTION_LISTEN_NAME),
        ]


class GuardedRemoteAction(Action):
    """A custom action with a deadline and a degraded reply instead of silence."""

    def __init__(self, remote: RemoteAction, timeout: float) -> None:
        self.remote = remote
        self.timeout = timeout

    def name(self) -> str:
        return self.remote.name()

    async def run(self, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> List[Event]:
        try:
            return await asyncio.wait_for(self.remote.run(output_channel, nlg, tracker, domain), self.timeout)
        except rasa_action.ActionExecutionRejection:
            raise  # a form's "not me", which Rasa handles itself
        except asyncio.TimeoutError:
            logger.error("custom action %s timed out after %.1f s; degraded reply sent", self.name(), self.timeout)
        except Exception as error:
            logger.error("custom action %s failed (%s); degraded reply sent", self.name(), type(error).__name__)
        return [degraded_utterance()]

    def __str__(self) -> str:
        return f"GuardedRemoteAction('{self.name()}')"


def degraded_utterance() -> BotUttered:
    from lantern.crisis.resources import load_locale

    try:
        emergency = load_locale().emergency_number
    except Exception:
        emergency = "911"
    text = DEGRADED_TEXT.format(emergency=emergency)
    return BotUttered(
        text,
        {"custom": {"degraded": True, "emergency_number": emergency}},
        metadata={"utter_action": "lantern_degraded"},
    )


def guarded_action_lookup(
    original: Callable[[str, Any, Any], Action], timeout: Optional[float] = None
) -> Callable[[str, Any, Any], Action]:
    """Rasa's `action_for_name_or_text`, giving `LocalSessionStart` and guarded custom actions.

    Installed by rasa_plugins/patches.py; every caller in Rasa looks the function up on its module.
    """
    from lantern import settings

    seconds = timeout if timeout is not None else settings.load().action_timeout

    def action_for_name_or_text(action_name_or_text: str, domain: Any, action_endpoint: Any) -> Action:
        if action_name_or_text == ACTION_SESSION_START_NAME:
            return LocalSessionStart()
        found = original(action_name_or_text, domain, action_endpoint)
        if isinstance(found, RemoteAction):
            return GuardedRemoteAction(found, seconds)
        return found

    return action_for_name_or_text
