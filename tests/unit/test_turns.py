"""The channel's turn runner: deadlines, a decided save, never an empty answer (rasa_plugins/channels/turns.py)."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, List

import pytest

from rasa_plugins.channels import handoff_relay
from rasa_plugins.channels.rest import json_depth, parse_body
from rasa_plugins.channels.turns import CURRENT_TICKET, TurnTicket, run_turn


class StubHandoffs:
    """The hand-off service as the turn runner sees it: a fixed status, and what the turn opened."""

    def __init__(self, status: Any) -> None:
        self._status = status
        self.after: List[Any] = []

    async def status(self, sender_id: str) -> Any:
        return self._status

    async def after_turn(self, sender_id: str, channel: str, messages: Any, contact: Any = None) -> None:
        self.after.append((sender_id, channel, [m.get("text") for m in messages], contact))


@pytest.fixture(autouse=True)
def no_handoff_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    """These turns run without a database: no hand-off service (the tests below put in a stub)."""

    async def none() -> None:
        return None

    monkeypatch.setattr(handoff_relay, "service", none)


def with_handoffs(monkeypatch: pytest.MonkeyPatch, status: Any) -> StubHandoffs:
    stub = StubHandoffs(status)

    async def service() -> StubHandoffs:
        return stub

    monkeypatch.setattr(handoff_relay, "service", service)
    return stub


def test_the_ticket_lets_exactly_one_side_win():
    ticket = TurnTicket()
    assert ticket.begin_commit() and not ticket.abandon()  # committing: cannot be called lost
    ticket.end_commit(True)
    assert ticket.state == "committed" and not ticket.abandon()
    late = TurnTicket()
    assert late.abandon() and not late.begin_commit()  # abandoned: the store must not commit


def test_the_ticket_is_decided_once_under_races():
    for _ in range(200):
        ticket, results = TurnTicket(), []
        threads = [
            threading.Thread(target=lambda t=ticket, r=results: r.append(("commit", t.begin_commit()))),
            threading.Thread(target=lambda t=ticket, r=results: r.append(("abandon", t.abandon()))),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(ok for _, ok in results) == [False, True]


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def turn_that(behaviour: str, seen: List[Any]):
    async def on_new_message(message: Any) -> None:
        seen.append(CURRENT_TICKET.get())
        if behaviour == "reply":
            await message.output_channel.send_text_message(message.sender_id, "hello")
        elif behaviour == "hang":
            await asyncio.sleep(30)
        elif behaviour == "raise":
            raise RuntimeError("database is locked")

    return on_new_message


def test_a_turn_sees_its_ticket_and_its_reply_comes_back():
    seen: List[Any] = []
    outcome = run(run_turn(turn_that("reply", seen), "hi", "rest:a", "rest"))
    assert outcome.status == "ok" and outcome.saved and outcome.messages[0]["text"] == "hello"
    assert isinstance(seen[0], TurnTicket)


def metadata_seen(seen: List[Any], reply: bool = True):
    async def on_new_message(message: Any) -> None:
        seen.append(message.metadata)
        if reply:
            await message.output_channel.send_text_message(message.sender_id, "hello")

    return on_new_message


def test_a_client_cannot_say_staff_have_the_conversation(monkeypatch):
    seen: List[Any] = []
    outcome = run(run_turn(metadata_seen(seen), "hi", "rest:a", "rest", metadata={"lantern_handoff": "taken", "x": 1}))
    assert seen == [{"lantern_handoff": None, "x": 1}] and outcome.messages[0]["text"] == "hello"
    stub = with_handoffs(monkeypatch, "waiting")
    run(run_turn(metadata_seen(seen), "hi", "sms:p_x", "sms", metadata={"lantern_handoff": "taken"}, contact="+1555"))
    assert seen[-1] == {"lantern_handoff": "waiting"}
    assert stub.after == [("sms:p_x", "sms", ["hello"], "+1555")]  # the reply is looked at for a request


def test_while_staff_have_the_conversation_silence_is_the_answer(monkeypatch):
    stub = with_handoffs(monkeypatch, "taken")
    seen: List[Any] = []
    outcome = run(run_turn(metadata_seen(seen, reply=False), "are you there", "sms:p_x", "sms"))
    assert seen == [{"lantern_handoff": "taken"}]
    assert (outcome.status, outcome.saved, outcome.messages, outcome.reason) == ("ok", True, [], "handoff")
    assert stub.after == []


def test_a_turn_with_no_reply_is_never_answered_with_nothing():
    outcome = run(run_turn(turn_that("silent", []), "hi", "rest:a", "rest"))
    assert outcome.status == "ok" and outcome.messages and "911" in outcome.messages[0]["text"]


def test_a_failed_turn_is_not_saved_and_still_names_the_emergency_number():
    outcome = run(run_turn(turn_that("raise", []), "hi", "rest:a", "rest"))
    assert outcome.status == "failed" and not outcome.saved and "911" in outcome.messages[0]["text"]


def test_a_hung_crisis_turn_is_answered_with_the_script_at_the_crisis_deadline():
    seen: List[Any] = []
    started = asyncio.run(
        _timed(
            run_turn(
                turn_that("hang", seen), "he isnt breathing", "rest:a", "rest", crisis_deadline=0.2, turn_deadline=5
            )
        )
    )
    outcome, elapsed = started
    assert outcome.status == "abandoned" and not outcome.saved and elapsed < 1.0
    assert any((m.get("custom") or {}).get("crisis") for m in outcome.messages)
    assert seen[0].state == "abandoned"


def test_a_hung_ordinary_turn_waits_for_the_turn_deadline_then_says_not_saved():
    outcome, elapsed = asyncio.run(
        _timed(
            run_turn(
                turn_that("hang", []), "what is methadone", "rest:a", "rest", crisis_deadline=0.1, turn_deadline=0.6
            )
        )
    )
    assert outcome.status == "abandoned" and 0.5 < elapsed < 2.0
    assert "not saved" in outcome.messages[0]["text"]


async def _timed(coro: Any) -> Any:
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await coro
    return result, loop.time() - started


def test_json_nesting_is_measured_without_parsing():
    assert json_depth('{"a": [1, {"b": "[[[[["}]}') == 3
    deep = b"[" * 100_000 + b"]" * 100_000
    payload, error = parse_body(deep)
    assert payload is None and "nests too deeply" in error
