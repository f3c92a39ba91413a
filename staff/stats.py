"""The dashboard's numbers (issue 19 item 5): a few queries over the period, grouped in the database.

Fast on 100,000 conversations / 2,000,000 messages without a new index:

- Most charts come from the conversations' summary columns (record.py keeps them as messages
  arrive: turns, change / sustain talk, highest crisis level and its category, referral flags), in
  one GROUP BY over the period's conversations, found through the `last_message_at` index (every
  conversation started in the period ended in it too). They count on the day the conversation
  started (`started_at`, UTC; conversations are sessions that end after 4 hours of silence).
  Crisis events are therefore conversations with a check-in or crisis, by the highest level
  reached and its category, not single messages.
- "Not understood" is message level: a user message the bot answered with a fallback action
  (`action_fallback`, `action_default_fallback`, `utter_default`: found through an index on
  `action` if the database has one, else through the conversations that counted a fallback) or
  whose intent is `nlu_fallback` (through the intent index). Its share per day is over the user
  turns of that day's conversations. Their texts (anonymized) are lowercased, whitespace
  collapsed and grouped: the most common are the questions trainers should teach the bot.

The day is computed by the database with a dialect switch (`_day`): SQLite stores a DateTime as
text (`YYYY-MM-DD HH:MM:SS.ffffff`) and takes its first ten characters, PostgreSQL casts to DATE.
Weeks (Monday to Sunday) are folded from the days in Python.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from lantern.records.transcripts.models import Conversation, Message
from lantern.records.transcripts.record import FALLBACK_ACTIONS
from staff import try_conversations

PERIODS = (7, 30, 90)
DEFAULT_DAYS = 30
TOP_QUESTIONS = 20
TOP_CATEGORIES = 6  # crisis categories shown on their own; the rest are summed as "other"
LEVELS = ("check_in", "crisis")
LEVEL_NAMES = {"check_in": "Check-in", "crisis": "Crisis"}
NO_CHANNEL = "(none)"
NO_CATEGORY = "(none)"
FALLBACK_INTENT = "nlu_fallback"

C = Conversation.__table__.c
M = Message.__table__.c


@dataclass
class Series:
    name: str
    values: List[Optional[float]]  # None: nothing to show (a share of nothing)


@dataclass
class Chart:
    """One chart's data: the SVG and the data table beside it are both drawn from this."""

    key: str  # an id for the page (letters, digits, '-')
    title: str
    description: str
    x_label: str
    y_label: str
    labels: List[str]  # one per bucket (day or week), as shown
    series: List[Series]
    kind: str = "stacked"  # stacked | grouped | line
    percent: bool = False  # values are shares in 0..100

    def rows(self) -> List[Tuple[str, List[Optional[float]]]]:
        """The data table's rows: a bucket's label and each series' value."""
        return [(label, [s.values[i] for s in self.series]) for i, label in enumerate(self.labels)]

    def totals(self) -> List[float]:
        return [sum(v for v in s.values if v is not None) for s in self.series]


@dataclass
class Question:
    text: str  # normalised: lowercased, whitespace collapsed
    count: int
    conversation_id: str  # one example: the latest conversation it came from


@dataclass
class Dashboard:
    days: int
    start: date
    end: date  # inclusive
    conversations: int = 0
    user_messages: int = 0
    not_understood: int = 0
    charts: List[Chart] = field(default_factory=list)
    questions: List[Question] = field(default_factory=list)


def period(days: Any) -> int:
    """A valid period in days from a query parameter; anything else is the default."""
    try:
        value = int(str(days))
    except (TypeError, ValueError):
        return DEFAULT_DAYS
    return value if value in PERIODS else DEFAULT_DAYS


def _day(column: Any, dialect: str) -> Any:
    """The UTC day of a naive-UTC DateTime column, computed by the database."""
    if dialect == "sqlite":
        return sa.func.substr(column, 1, 10)
    return sa.cast(column, sa.Date)


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _week(day: date) -> date:
    return day - timedelta(days=day.weekday())


def normalise(text: Optional[str]) -> str:
    """How unanswered questions are grouped: lowercased, runs of whitespace as one space."""
    return " ".join((text or "").lower().split())


def _share(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _share_or_none(part: float, whole: float) -> Optional[float]:
    """A percentage for a chart: None (a gap, "no data") when there is nothing to divide."""
    return min(100.0, _share(part, whole)) if whole else None


class _Buckets:
    """Days of the period (or the weeks they fall in) and how to label them."""

    def __init__(self, start: date, end: date, weekly: bool) -> None:
        self.weekly = weekly
        days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
        keys = sorted({_week(d) for d in days}) if weekly else days
        self.index = {k: i for i, k in enumerate(keys)}
        self.labels = [k.isoformat() for k in keys]  # a week by its Monday

    def of(self, day: date) -> Optional[int]:
        return self.index.get(_week(day) if self.weekly else day)

    def zeros(self) -> List[float]:
        return [0.0] * len(self.labels)


def _fill(buckets: _Buckets, counts: Iterable[Tuple[date, str, float]], names: Sequence[str]) -> List[Series]:
    by_name: Dict[str, List[float]] = {name: buckets.zeros() for name in names}
    for day, name, value in counts:
        i = buckets.of(day)
        if i is not None and name in by_name:
            by_name[name][i] += value
    return [Series(name, list(values)) for name, values in by_name.items()]


def _sum(values: Sequence[Optional[float]]) -> int:
    return int(sum(v or 0 for v in values))


def build(conn: Connection, days: int = DEFAULT_DAYS, today: Optional[date] = None) -> Dashboard:
    """Every chart and the unanswered questions for the `days` days up to and including `today` (UTC)."""
    days = period(days)
    end = today or datetime.utcnow().date()
    start = end - timedelta(days=days - 1)
    since = datetime.combine(start, datetime.min.time())
    until = datetime.combine(end + timedelta(days=1), datetime.min.time())
    dash = Dashboard(days=days, start=start, end=end)
    daily = _Buckets(start, end, weekly=False)
    weekly = _Buckets(start, end, weekly=True)
    talk_buckets = weekly if days > 30 else daily
    step = "week" if talk_buckets.weekly else "day"
    step_label = "Week starting (UTC)" if talk_buckets.weekly else "Day (UTC)"

    # One GROUP BY over the period's conversations (found by the last_message_at index).
    cday = _day(C.started_at, conn.dialect.name)
    rows = conn.execute(
        sa.select(
            cday.label("day"),
            C.channel,
            C.crisis_level,
            C.crisis_category,
            sa.func.count().label("n"),
            sa.func.sum(sa.case((C.referral_offered == sa.true(), 1), else_=0)).label("offered"),
            sa.func.sum(sa.case((C.referral_accepted == sa.true(), 1), else_=0)).label("accepted"),
            sa.func.sum(C.turns).label("turns"),
            sa.func.sum(C.change_talk).label("change"),
            sa.func.sum(C.sustain_talk).label("sustain"),
        )
        .where(C.last_message_at >= since, C.started_at >= since, C.started_at < until)
        .where(try_conversations.not_try_it(C.sender_pseudonym))
        .group_by(cday, C.channel, C.crisis_level, C.crisis_category)
    ).all()
    per_channel: List[Tuple[date, str, float]] = []
    referrals: List[Tuple[date, str, float]] = []
    levels: List[Tuple[date, str, float]] = []
    categories: List[Tuple[date, str, float]] = []
    talk: List[Tuple[date, str, float]] = []
    turns: Dict[date, int] = defaultdict(int)
    channel_totals: Counter[str] = Counter()
    category_totals: Counter[str] = Counter()
    for r in rows:
        day, channel = _as_date(r.day), r.channel or NO_CHANNEL
        per_channel.append((day, channel, r.n))
        channel_totals[channel] += r.n
        referrals += [(day, "Offered", r.offered or 0), (day, "Accepted", r.accepted or 0)]
        talk += [(day, "Change talk", r.change or 0), (day, "Sustain talk", r.sustain or 0)]
        turns[day] += r.turns or 0
        if r.crisis_level in LEVELS:
            levels.append((day, LEVEL_NAMES[r.crisis_level], r.n))
            category = r.crisis_category or NO_CATEGORY
            categories.append((day, category, r.n))
            category_totals[category] += r.n
    dash.conversations = sum(channel_totals.values())
    dash.user_messages = sum(turns.values())
    channels = sorted(channel_totals, key=lambda ch: (-channel_totals[ch], ch))
    dash.charts.append(
        Chart(
            "conversations", "Conversations per day, by channel",
            f"New conversations each day (UTC) from {start} to {end}, stacked by channel. "
            f"{dash.conversations} in all.",
            "Day (UTC)", "Conversations", daily.labels, _fill(daily, per_channel, channels),
        )
    )  # fmt: skip

    level_series = _fill(daily, levels, [LEVEL_NAMES[level] for level in LEVELS])
    dash.charts.append(
        Chart(
            "crisis-levels", "Crisis events per day, by level",
            "Conversations started each day (UTC) in which the crisis detector rated a message as a gentle "
            "check-in or as a crisis, by the highest level reached. "
            f"{_sum(level_series[0].values)} check-ins and {_sum(level_series[1].values)} crises.",
            "Day (UTC)", "Conversations", daily.labels, level_series,
        )
    )  # fmt: skip
    ranked = sorted(category_totals, key=lambda k: (-category_totals[k], k))
    shown = ranked if len(ranked) <= TOP_CATEGORIES + 1 else ranked[:TOP_CATEGORIES]
    folded = [(d, name if name in shown else "other", n) for d, name, n in categories]
    names = shown + (["other"] if len(ranked) > len(shown) else [])
    dash.charts.append(
        Chart(
            "crisis-categories", "Crisis events per day, by category",
            "The same conversations with a check-in or crisis, stacked by the category of the highest level. "
            + (", ".join(f"{name}: {category_totals[name]}" for name in ranked) or "None") + ".",
            "Day (UTC)", "Conversations", daily.labels, _fill(daily, folded, names),
        )
    )  # fmt: skip

    talk_series = _fill(talk_buckets, talk, ["Change talk", "Sustain talk"])
    change, sustain = talk_series[0].values, talk_series[1].values
    shares = [_share_or_none(c or 0, (c or 0) + (s or 0)) for c, s in zip(change, sustain, strict=True)]
    dash.charts.append(
        Chart(
            "talk", f"Change and sustain talk per {step}",
            "User messages classified as change talk (toward change) or sustain talk (for things as they are), "
            f"in the conversations started each {step} (UTC). {_sum(change)} change, {_sum(sustain)} sustain.",
            step_label, "User messages", talk_buckets.labels, talk_series, kind="grouped",
        )
    )  # fmt: skip
    dash.charts.append(
        Chart(
            "talk-share", f"Share of change talk per {step}",
            f"Change talk as a percentage of change plus sustain talk, per {step} (UTC); no data where there was none.",
            step_label, "Percent of change + sustain talk", talk_buckets.labels,
            [Series("Change talk share (%)", shares)],
            kind="line", percent=True,
        )
    )  # fmt: skip

    referral_series = _fill(weekly, referrals, ["Offered", "Accepted"])
    dash.charts.append(
        Chart(
            "referrals", "Referrals offered and accepted per week",
            "Conversations (by the week they started, UTC) in which the bot offered to find services, "
            "and those in which the person went on to search for or choose one (the first and last weeks may be "
            "partial). "
            f"{_sum(referral_series[0].values)} offered, {_sum(referral_series[1].values)} accepted.",
            "Week starting Monday (UTC)", "Conversations", weekly.labels, referral_series, kind="grouped",
        )
    )  # fmt: skip

    found = _not_understood(conn, since, until)
    tries = try_conversations.conversation_ids(conn)  # the console's own try-it chats are not people's questions
    found = {k: v for k, v in found.items() if v[0] not in tries}
    missed: Dict[date, int] = defaultdict(int)
    for _conversation, _text, created_at in found.values():
        missed[created_at.date()] += 1
    dash.not_understood = len(found)
    period_days = [start + timedelta(days=i) for i in range(days)]
    dash.charts.append(
        Chart(
            "not-understood", "Share of user turns not understood per day",
            "User messages the bot answered with a fallback or could not classify (nlu_fallback), as a "
            f"percentage of the user turns of the conversations started that day (UTC). {dash.not_understood} "
            f"of {dash.user_messages} in the period ({_share(dash.not_understood, dash.user_messages)}%).",
            "Day (UTC)", "Percent of user turns", daily.labels,
            [Series("Not understood (%)", [_share_or_none(missed[d], turns[d]) for d in period_days])],
            kind="line", percent=True,
        )
    )  # fmt: skip
    dash.questions = top_questions(found)
    return dash


def top_questions(found: Dict[int, Tuple[str, str, Any]], size: int = TOP_QUESTIONS) -> List[Question]:
    """The most common texts (normalised) among not-understood messages, each with its latest conversation."""
    groups: Dict[str, List[Any]] = {}
    for conversation_id, text, created_at in found.values():
        key = normalise(text)
        if not key:
            continue
        group = groups.get(key)
        if group is None:
            groups[key] = [1, created_at, conversation_id]
        else:
            group[0] += 1
            if created_at > group[1]:
                group[1], group[2] = created_at, conversation_id
    top = sorted(groups.items(), key=lambda kv: (-kv[1][0], kv[0]))[:size]
    return [Question(text, count, conversation_id) for text, (count, _, conversation_id) in top]


# Each fallback reply of the period, with the user message of its turn when that is one of the
# WINDOW messages before it (nearly always: it comes first in its turn, the replies after it; the
# others are looked up by turn afterwards) through the (conversation_id, seq) key.
#
# The replies are found through the index on transcript_messages (action, created_at) (t0003):
# 0.07 s for 30 days of the 2,000,000-message benchmark, against 0.3-0.8 s without it.
WINDOW = 4
_USER_OF_TURN = f"""
    LEFT JOIN transcript_messages u
      ON u.conversation_id = b.conversation_id AND u.seq >= b.seq - {WINDOW} AND u.seq < b.seq
      AND u.turn = b.turn AND u.sender = 'user'
"""
_BY_ACTION = sa.text(
    f"""
    SELECT b.conversation_id, b.turn, u.id, u.text, u.created_at
    FROM transcript_messages b
    {_USER_OF_TURN}
    WHERE b.action IN :actions AND b.created_at >= :since AND b.sender = 'bot'
    """
).bindparams(sa.bindparam("actions", expanding=True), sa.bindparam("since", type_=sa.DateTime()))


def _not_understood(conn: Connection, since: datetime, until: datetime) -> Dict[int, Tuple[str, str, Any]]:
    """User messages of the period that were not understood: id -> (conversation id, text, created_at).

    Those answered by a fallback action (see _BY_ACTION), and those whose
    intent is `nlu_fallback` (through the intent index). The user message's time is compared in
    Python, not in SQL, so the planner has no reason to reach for the created_at index instead.
    """
    found: Dict[int, Tuple[str, str, Any]] = {}
    far: Dict[str, Set[int]] = defaultdict(set)  # conversation -> turns whose user message is further back
    for r in conn.execute(_BY_ACTION, {"since": since, "actions": sorted(FALLBACK_ACTIONS)}):
        if r.id is None:
            far[r.conversation_id].add(r.turn)
            continue
        created_at = _as_datetime(r.created_at)
        if since <= created_at < until:
            found[r.id] = (r.conversation_id, r.text, created_at)
    ids = sorted(far)
    for i in range(0, len(ids), 500):
        rows = conn.execute(
            sa.select(M.id, M.conversation_id, M.turn, M.text, M.created_at).where(
                M.conversation_id.in_(ids[i : i + 500]), M.sender == "user"
            )
        )
        for r in rows:
            created_at = _as_datetime(r.created_at)
            if r.turn in far[r.conversation_id] and since <= created_at < until:
                found[r.id] = (r.conversation_id, r.text, created_at)
    unclassified = conn.execute(
        sa.select(M.id, M.conversation_id, M.text, M.created_at).where(
            M.intent == FALLBACK_INTENT, M.sender == "user", M.created_at >= since, M.created_at < until
        )
    )
    for r in unclassified:
        found[r.id] = (r.conversation_id, r.text, _as_datetime(r.created_at))
    return found


def _as_datetime(value: Any) -> datetime:
    """A DateTime from a text query: SQLite gives the stored string, PostgreSQL a datetime."""
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
