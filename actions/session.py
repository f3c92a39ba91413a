"""action_session_start: a new session carries over what Lantern keeps, and resets the turn state.

Like Rasa's default (domain/core.yml: carry_over_slots_to_new_session), every slot
with a value is carried over (crisis, referral and all), except:
- the turn state of the old session (a ruler waiting for a number, an offer waiting
  for a yes: lantern/memory.py TRANSIENT_SLOTS), which would make no sense hours later;
- the memory (lantern/memory.py MEMORY_SLOTS) once it is older than LANTERN_RETENTION_DAYS.
It sets `memory_from_before` when there is something the greeting can pick up.
"""

from __future__ import annotations

import time
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.phrases import one_wording
from lantern.memory import carried_slots


class ActionSessionStart(Action):
    max_messages = 0

    def name(self) -> Text:
        return "action_session_start"

    @one_wording
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        from lantern import settings

        values = carried_slots(dict(tracker.slots or {}), time.time(), settings.load().retention_days)
        return [
            SessionStarted(),
            *[SlotSet(name, value) for name, value in values.items()],
            ActionExecuted("action_listen"),
        ]
