"""Sending check-ins (rasa_plugins/channels/checkin_sender.py) through the local fake Twilio, on a real SQLite file.

A fake clock drives the store; Twilio's API is tests/integration/fake_twilio.py over real HTTP. Two
senders with their own stores on one file stand for two Rasa replicas. No Rasa server is started.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Awaitable, Callable, Iterator, List, Optional, Tuple
from zoneinfo import ZoneInfo

import pytest

from lantern.checkins.store import CheckinStore
from lantern.checkins.when import parse_quiet_hours
from rasa_plugins.channels.checkin_sender import CheckinSender, TickReport, worker_id
from rasa_plugins.channels.sms_state import SmsState
from rasa_plugins.channels.twilio_api import TWILIO_OPTED_OUT, TwilioSender
from tests.integration.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, SMS_FROM, FakeTwilio

KEY = "contact-key-for-tests"
TEXT = "Hi, it's Lantern, checking in like you asked. How did it go? Reply any time, or STOP to end texts."
ZONE = "America/Chicago"
QUIET = parse_quiet_hours("21:00-09:00")
T = datetime(2026, 12, 10, 14, 0, tzinfo=ZoneInfo(ZONE)).timestamp()  # a Thursday afternoon in Chicago


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTwilio]:
    server = FakeTwilio().start()
    yield server
    server.stop()


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'lantern.db'}"


def number() -> str:
    """A number no other test of the module uses (the fake Twilio is shared): seven random digits."""
    return f"+1614{uuid.uuid4().int % 10**7:07d}"


def pseudonym() -> str:
    return "pseudo-" + uuid.uuid4().hex[:12]


class Replica:
    """One Rasa replica's share: its own store (engine), SMS state, Twilio client and sender."""

    def __init__(self, url: str, fake: FakeTwilio, on_sent: Optional[Callable[..., Awaitable[None]]] = None) -> None:
        self.store = CheckinStore(url)
        self.sms_state = SmsState(url)
        self.twilio = TwilioSender(fake.url, ACCOUNT_SID, AUTH_TOKEN, SMS_FROM, retry_delays=(0.01, 0.01))
        self.sender = CheckinSender(
            store=self.store,
            sms_state=self.sms_state,
            twilio=self.twilio,
            contact_key=KEY,
            quiet_hours=QUIET,
            text=TEXT,
            worker=worker_id(),
            on_sent=on_sent,
        )

    async def close(self) -> None:
        await self.twilio.close()
        self.store.dispose()
        self.sms_state.engine.dispose()


def plan(
    store: CheckinStore, due_at: float = T, step: Optional[str] = "clinic", tz: str = ZONE
) -> Tuple[str, str, int]:
    """A consented check-in with its number attached: (pseudonym, number, id)."""
    who, phone = pseudonym(), number()
    checkin_id = store.schedule(who, due_at, tz, step, consent_at=due_at - 3600, now=due_at - 3600)
    assert store.attach_phone(who, phone, KEY, now=due_at - 3600) == 1
    return who, phone, checkin_id


def run(body: Callable[..., Awaitable[Any]], *replicas: Replica) -> Any:
    async def main() -> Any:
        try:
            return await body()
        finally:
            for replica in replicas:
                await replica.close()

    return asyncio.run(main())


def test_sent_when_due_not_before_and_only_once(url: str, fake: FakeTwilio, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    replica = Replica(url, fake)
    who, phone, checkin_id = plan(replica.store)

    async def body() -> List[TickReport]:
        return [await replica.sender.tick(now) for now in (T - 1, T, T + 1, T + 3600)]

    early, due, *later = run(body, replica)
    assert early == TickReport() and due.sent == 1 and all(r == TickReport() for r in later)
    assert fake.to(phone) == [TEXT]
    row = replica.store.get(checkin_id)
    assert row is not None and (row["status"], row["sent_at"], row["attempts"]) == ("sent", T, 1)
    assert not replica.store.has_phone(checkin_id)  # the number is gone once sent
    assert phone not in caplog.text and phone[2:] not in caplog.text and TEXT not in caplog.text
    assert who in caplog.text  # the pseudonym is what the logs name


def test_two_replicas_ticking_together_send_each_once(url: str, fake: FakeTwilio):
    one, two = Replica(url, fake), Replica(url, fake)
    planned = [plan(one.store, due_at=T - n) for n in range(24)]

    async def body() -> List[TickReport]:
        reports: List[TickReport] = []
        for now in (T, T + 1, T + 2):
            reports += await asyncio.gather(one.sender.tick(now), two.sender.tick(now))
        return reports

    reports = run(body, one, two)
    assert sum(r.sent for r in reports) == 24
    for _, phone, _ in planned:
        assert fake.to(phone) == [TEXT]
    assert one.store.counts()["sent"] == 24
    workers = {one.store.get(checkin_id)["claimed_by"] for _, _, checkin_id in planned}  # type: ignore[index]
    assert workers <= {one.sender.worker, two.sender.worker}


def test_not_sent_to_someone_who_opted_out(url: str, fake: FakeTwilio):
    replica = Replica(url, fake)
    who, phone, checkin_id = plan(replica.store)
    replica.sms_state.set_opted_out(who, True)

    report = run(lambda: replica.sender.tick(T), replica)
    assert (report.opted_out, report.sent) == (1, 0)
    assert fake.attempts.get(phone, 0) == 0
    row = replica.store.get(checkin_id)
    assert row is not None and (row["status"], row["reason"]) == ("failed", "opted_out")
    assert not replica.store.has_phone(checkin_id)


def test_twilio_saying_opted_out_is_an_opt_out(url: str, fake: FakeTwilio):
    replica = Replica(url, fake)
    _, phone, checkin_id = plan(replica.store)
    fake.fail(phone, [400], code=TWILIO_OPTED_OUT)

    report = run(lambda: replica.sender.tick(T), replica)
    assert (report.opted_out, report.sent, report.failed) == (1, 0, 0)
    assert fake.attempts[phone] == 1  # a 4xx is not retried
    assert replica.store.get(checkin_id)["reason"] == "opted_out"  # type: ignore[index]


def test_due_in_quiet_hours_waits_for_the_end_of_them_in_the_persons_zone(url: str, fake: FakeTwilio):
    replica = Replica(url, fake)
    chicago = ZoneInfo(ZONE)
    due = datetime(2026, 12, 10, 22, 30, tzinfo=chicago).timestamp()  # 10:30 pm in Chicago
    morning = datetime(2026, 12, 11, 9, 0, tzinfo=chicago).timestamp()
    _, phone, checkin_id = plan(replica.store, due_at=due)

    async def body() -> List[TickReport]:
        return [await replica.sender.tick(now) for now in (due, due + 3600, morning - 1, morning)]

    at_due, night, before, at_nine = run(body, replica)
    assert at_due.postponed == 1 and at_due.sent == 0
    assert night == TickReport() and before == TickReport()
    assert at_nine.sent == 1 and fake.to(phone) == [TEXT]
    assert fake.sent[-1].at > 0 and replica.store.get(checkin_id)["sent_at"] == morning  # type: ignore[index]


def test_quiet_hours_follow_the_persons_zone_not_the_servers(url: str, fake: FakeTwilio):
    """10:30 pm in New York is 9:30 pm in Chicago (quiet) and 7:30 pm in Los Angeles (not quiet)."""
    replica = Replica(url, fake)
    now = datetime(2026, 12, 10, 22, 30, tzinfo=ZoneInfo("America/New_York")).timestamp()
    _, west, _ = plan(replica.store, due_at=now, tz="America/Los_Angeles")
    _, central, _ = plan(replica.store, due_at=now, tz=ZONE)

    report = run(lambda: replica.sender.tick(now), replica)
    assert (report.sent, report.postponed) == (1, 1)
    assert fake.to(west) == [TEXT] and fake.to(central) == []


def test_twilio_failing_every_retry_is_recorded_as_failed(url: str, fake: FakeTwilio):
    replica = Replica(url, fake)
    _, phone, checkin_id = plan(replica.store)
    fake.fail(phone, [500, 500, 500])

    first = run(lambda: replica.sender.tick(T), replica)
    assert (first.failed, first.sent) == (1, 0)
    assert fake.attempts[phone] == 3 and fake.to(phone) == []
    row = replica.store.get(checkin_id)
    assert row is not None and (row["status"], row["reason"]) == ("failed", "HTTP 500")
    assert not replica.store.has_phone(checkin_id)
    again = Replica(url, fake)
    assert run(lambda: again.sender.tick(T + 60), again) == TickReport()  # failed is final
    assert fake.attempts[phone] == 3


def test_a_transient_twilio_error_is_retried_and_sent(url: str, fake: FakeTwilio):
    replica = Replica(url, fake)
    _, phone, _ = plan(replica.store)
    fake.fail(phone, [500])

    report = run(lambda: replica.sender.tick(T), replica)
    assert report.sent == 1 and fake.attempts[phone] == 2 and fake.to(phone) == [TEXT]


def test_a_restart_between_scheduling_and_sending_loses_nothing(url: str, fake: FakeTwilio):
    before = CheckinStore(url)
    _, phone, checkin_id = plan(before)
    before.dispose()  # the process stops

    after = Replica(url, fake)  # a new process, a new worker name, the same file
    report = run(lambda: after.sender.tick(T + 120), after)
    assert report.sent == 1 and fake.to(phone) == [TEXT]
    assert after.store.get(checkin_id)["status"] == "sent"  # type: ignore[index]


def test_a_claim_left_by_a_dead_worker_is_released_after_300_s_and_sent(url: str, fake: FakeTwilio):
    replica = Replica(url, fake)
    _, phone, checkin_id = plan(replica.store)
    assert [r["id"] for r in replica.store.claim_due(T, "dead-host:1:abc")] == [checkin_id]

    async def body() -> List[TickReport]:
        return [await replica.sender.tick(now) for now in (T + 10, T + 299, T + 301)]

    soon, almost, after = run(body, replica)
    assert soon == TickReport() and almost == TickReport()
    assert (after.released, after.sent) == (1, 1)
    assert fake.to(phone) == [TEXT]
    row = replica.store.get(checkin_id)
    assert row is not None and row["claimed_by"] == replica.sender.worker and row["attempts"] == 2


def test_a_number_that_cannot_be_read_fails_as_no_phone(url: str, fake: FakeTwilio):
    replica = Replica(url, fake)
    who = pseudonym()
    unattached = replica.store.schedule(who, T, ZONE, "plan", consent_at=T, now=T)  # the channel never attached one
    other = CheckinStore(url)
    _, phone, old_key = plan(other)
    other.dispose()
    with replica.store.engine.begin() as conn:  # as if LANTERN_CONTACT_KEY had changed since
        from lantern.checkins.contact import encrypt_number
        from lantern.db.checkin_tables import checkins

        conn.execute(checkins.update().where(checkins.c.id == old_key).values(phone_enc=encrypt_number(phone, "old")))

    report = run(lambda: replica.sender.tick(T), replica)
    assert (report.failed, report.sent) == (2, 0)
    for checkin_id in (unattached, old_key):
        assert replica.store.get(checkin_id)["reason"] == "no_phone"  # type: ignore[index]
    assert fake.attempts.get(phone, 0) == 0


def test_on_sent_gets_the_text_and_step_and_its_failure_never_undoes_the_send(
    url: str, fake: FakeTwilio, caplog: pytest.LogCaptureFixture
):
    calls: List[Tuple[str, str, Optional[str]]] = []

    async def on_sent(sender: str, text: str, step: Optional[str]) -> None:
        calls.append((sender, text, step))
        if step is None:
            raise RuntimeError("tracker store down: " + text)

    replica = Replica(url, fake, on_sent=on_sent)
    who, phone, first = plan(replica.store, step="clinic")
    other, other_phone, second = plan(replica.store, due_at=T + 1, step=None)

    report = run(lambda: replica.sender.tick(T + 1), replica)
    assert report.sent == 2
    assert calls == [(who, TEXT, "clinic"), (other, TEXT, None)]
    assert fake.to(phone) == [TEXT] and fake.to(other_phone) == [TEXT]
    assert [replica.store.get(i)["status"] for i in (first, second)] == ["sent", "sent"]  # type: ignore[index]
    assert "RuntimeError" in caplog.text and "tracker store down" not in caplog.text


def test_run_forever_keeps_going_after_a_failing_tick(url: str, fake: FakeTwilio, caplog: pytest.LogCaptureFixture):
    replica = Replica(url, fake)
    _, phone, _ = plan(replica.store)
    real_tick = replica.sender.tick
    ticks: List[float] = []

    async def flaky_tick(now: float) -> TickReport:
        ticks.append(now)
        if len(ticks) == 1:
            raise ConnectionError("database went away")
        return await real_tick(now)

    replica.sender.tick = flaky_tick  # type: ignore[method-assign]

    async def body() -> None:
        loop = asyncio.create_task(replica.sender.run_forever(0.01, clock=lambda: T))
        for _ in range(500):
            await asyncio.sleep(0.01)
            if fake.to(phone):
                break
        loop.cancel()
        with pytest.raises(asyncio.CancelledError):
            await loop

    run(body, replica)
    assert len(ticks) >= 2 and fake.to(phone) == [TEXT]
    assert "ConnectionError" in caplog.text and "database went away" not in caplog.text


def test_an_error_on_one_row_leaves_it_claimed_and_the_others_go_out(url: str, fake: FakeTwilio):
    replica = Replica(url, fake)
    broken, broken_phone, broken_id = plan(replica.store, due_at=T - 1)
    _, phone, _ = plan(replica.store)
    real = replica.sms_state.is_opted_out

    def is_opted_out(sender: str) -> bool:
        if sender == broken and not fake.to(phone):
            raise TimeoutError("database busy")
        return real(sender)

    replica.sender.sms_state = SimpleNamespace(is_opted_out=is_opted_out)

    statuses: List[str] = []

    async def body() -> List[TickReport]:
        reports = []
        for now in (T, T + 60, T + 301):
            reports.append(await replica.sender.tick(now))
            statuses.append(replica.store.get(broken_id)["status"])  # type: ignore[index]
        return reports

    first, minute, later = run(body, replica)
    assert (first.errors, first.sent) == (1, 1) and fake.to(phone) == [TEXT]
    assert minute == TickReport() and statuses == ["claimed", "claimed", "sent"]
    assert (later.released, later.sent) == (1, 1) and fake.to(broken_phone) == [TEXT]


def test_a_tick_that_runs_long_gives_its_other_claims_back_unsent(url: str, fake: FakeTwilio):
    async def slow_on_sent(sender: str, text: str, step: Optional[str]) -> None:
        await asyncio.sleep(0.15)  # past half the (shortened) stale limit

    replica = Replica(url, fake, on_sent=slow_on_sent)
    replica.sender.stale_after_s = 0.2
    planned = [plan(replica.store, due_at=T - n) for n in range(3)]

    async def body() -> List[TickReport]:
        return [await replica.sender.tick(T) for _ in range(3)]

    reports = run(body, replica)
    assert [(r.sent, r.returned) for r in reports] == [(1, 2), (1, 1), (1, 0)]
    assert all(fake.to(phone) == [TEXT] for _, phone, _ in planned)
    assert [replica.store.get(i)["due_at"] for _, _, i in planned] == [T, T - 1, T - 2]  # type: ignore[index]
