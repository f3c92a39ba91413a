"""Fault injection with the real processes: what the person gets, what is stored, what health says.

One private Lantern (its own data folder, a 2-second custom-action timeout)
is put through each fault in turn: the database locked and unavailable, the
action server hung and killed, the Rasa server restarted mid-conversation.
The promises (issue 15): a crisis message is answered with the crisis script
within a second whatever fails; an ordinary turn gets a clear degraded reply
or a 503 with `saved: false`, never `200 []`; nothing is lost silently; health
says what is wrong and turns green by itself within 5 s of the fault clearing.
(SIGTERM to `make run`'s process group: tests/integration/test_supervision.py.)
"""

from __future__ import annotations

import threading
import uuid
from typing import Any, Dict, Iterator

import pytest

from tests.conftest import MODEL, make_settings
from tests.integration.faults import (
    action_server_hung,
    action_server_killed,
    answers_ok,
    database_locked,
    database_unavailable,
    health,
    is_crisis_reply,
    messages_of,
    seconds_until_healthy,
    stored_user_texts,
    timed_send,
    wait_for,
)
from tools.processes import Stack, start_stack, wait_healthy

ACTION_TIMEOUT = 2.0
OVERDOSE = "my friend isnt breathing after a shot"
SUICIDE = "i want to kill myself tonight"
ORDINARY = "i want to cut down on my drinking"  # answered by a custom action (actions/)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train`")
    overrides = {"LANTERN_ACTION_TIMEOUT": str(ACTION_TIMEOUT)}
    s = make_settings(tmp_path_factory.mktemp("faults"), **overrides)
    stack = start_stack(s, model=MODEL, env_overrides=overrides)
    yield stack
    stack.stop()


def new_person() -> str:
    return "fault-" + uuid.uuid4().hex[:10]


def assert_not_silent(status: int, body: Any) -> None:
    """Never `200 []`: either a reply, or a 503 that says the turn was not saved."""
    assert messages_of(body), (status, body)
    if status != 200:
        assert status == 503 and body["saved"] is False, (status, body)


def test_startup_heap_is_frozen(stack):
    """The loaded model is out of the garbage collector's walk: a full collection no longer pauses the
    event loop for a quarter second (rasa_plugins/server.py freeze_startup_heap), which once pushed a
    crisis reply with a locked database past its deadline."""
    log = stack.child("rasa").log_path

    def frozen() -> bool:
        text = log.read_text(errors="replace")
        return "start-up heap frozen:" in text

    assert wait_for(frozen, limit=10), "the Rasa server never froze its start-up heap"
    count = int(log.read_text(errors="replace").split("start-up heap frozen:")[1].split()[0])
    assert count > 100_000, count  # the model, spaCy and the anonymizer: hundreds of thousands of objects


def test_database_locked(stack):
    known = new_person()
    assert timed_send(stack, known, "hi")[0] == 200
    with database_locked(stack):
        # A first-time sender in an overdose: the script within a second, told it was not saved.
        status, body, elapsed = timed_send(stack, new_person(), OVERDOSE)
        assert is_crisis_reply(body) and elapsed < 1.0, (status, body, elapsed)
        assert status == 503 and body["saved"] is False

        # An ordinary turn: a clear 503 with saved: false (the database never took it).
        status, body, elapsed = timed_send(stack, known, ORDINARY)
        assert status == 503 and body["saved"] is False and "not saved" in body["messages"][0]["text"]

        # While one turn waits on the lock, another person's crisis reply does not wait behind it.
        results: Dict[str, Any] = {}
        slow = threading.Thread(target=lambda: results.update(slow=timed_send(stack, known, "thanks")))
        slow.start()
        results["crisis"] = timed_send(stack, new_person(), SUICIDE)
        slow.join(30)
        assert is_crisis_reply(results["crisis"][1]) and results["crisis"][2] < 1.0, results["crisis"]
        assert_not_silent(*results["slow"][:2])

        status, report = health(stack)
        assert status == 503 and report["tracker_store"] != "ok"

    recovered = seconds_until_healthy(stack, limit=15)
    assert recovered is not None and recovered <= 5.0, recovered
    # Nothing of the refused turns was stored, and no in-memory copy took over.
    assert stored_user_texts(stack, known) == ["hi"]
    assert timed_send(stack, known, "ok im back")[0] == 200
    assert stored_user_texts(stack, known) == ["hi", "ok im back"]


def test_database_unavailable(stack):
    known = new_person()
    assert timed_send(stack, known, "hi")[0] == 200
    with database_unavailable(stack):
        status, body, elapsed = timed_send(stack, known, OVERDOSE)
        assert is_crisis_reply(body) and elapsed < 1.0 and status == 503 and body["saved"] is False
        status, body, _ = timed_send(stack, new_person(), ORDINARY)
        assert status == 503 and body["saved"] is False and "911" in body["messages"][0]["text"]
        assert health(stack)[0] == 503
    recovered = seconds_until_healthy(stack, limit=15)
    assert recovered is not None and recovered <= 5.0, recovered
    assert stored_user_texts(stack, known) == ["hi"]


def test_action_server_hung(stack):
    who = new_person()
    with action_server_hung(stack):
        # A first message starts a session: that no longer needs the action server.
        status, body, elapsed = timed_send(stack, who, OVERDOSE)
        assert status == 200 and is_crisis_reply(body) and elapsed < 1.0, (status, body, elapsed)
        # Someone else's turn that needs a custom action: a degraded reply after the action timeout, saved.
        other = new_person()
        status, body, elapsed = timed_send(stack, other, ORDINARY)
        assert status == 200 and body and elapsed < ACTION_TIMEOUT + 3, (status, body, elapsed)
        assert any((m.get("custom") or {}).get("degraded") for m in body), body
        status, report = health(stack)
        assert status == 503 and report["action_server"] != "ok", report
    recovered = seconds_until_healthy(stack, limit=15)
    assert recovered is not None and recovered <= 5.0, recovered
    assert stored_user_texts(stack, who) == [OVERDOSE]  # both turns kept, nothing silent
    assert stored_user_texts(stack, other) == [ORDINARY]


def test_action_server_killed(stack):
    who = new_person()
    with action_server_killed(stack):
        status, body, elapsed = timed_send(stack, who, SUICIDE)
        assert status == 200 and is_crisis_reply(body) and elapsed < 1.0, (status, body, elapsed)
        other = new_person()
        status, body, _ = timed_send(stack, other, ORDINARY)
        assert status == 200 and any((m.get("custom") or {}).get("degraded") for m in body), body
        status, report = health(stack)
        assert status == 503 and report["action_server"].startswith("unreachable"), report
    # The action server is starting again; once it answers, health follows within 5 s.
    actions = stack.child("actions")
    assert wait_for(lambda: answers_ok(actions.health_url), limit=120)
    recovered = seconds_until_healthy(stack, limit=15)
    assert recovered is not None and recovered <= 5.0, recovered
    assert stored_user_texts(stack, other) == [ORDINARY]
    status, body, _ = timed_send(stack, other, "thanks")
    assert status == 200 and not any((m.get("custom") or {}).get("degraded") for m in body)


def test_rasa_restarted_mid_conversation(stack):
    who = new_person()
    for text in ("hi", ORDINARY):
        assert timed_send(stack, who, text)[0] == 200
    rasa = stack.child("rasa")
    rasa.process.terminate()
    rasa.process.wait(timeout=60)
    rasa.respawn()
    wait_healthy(rasa, timeout=240)
    status, body, _ = timed_send(stack, who, "sorry i got cut off")
    assert status == 200 and body
    assert stored_user_texts(stack, who) == ["hi", ORDINARY, "sorry i got cut off"]
