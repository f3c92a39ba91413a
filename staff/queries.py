"""The conversation list's filters and queries, the transcript's pages, tags, notes and reviews.

Reads `transcript_conversations` (with its summary columns, t0002) and the staff tables; message
rows are read only for the conversations shown (50 a page), the transcript (100 messages a page),
the intent filter (through the (intent, conversation_id) index) and full-text search:

- SQLite: the FTS5 table `fts_transcript_messages`, queried with the person's words each put in
  double quotes (`"word"`), so no FTS syntax (`OR`, `NEAR(`, `*`, `"`, `:`, `^`) is ever passed
  through; PostgreSQL: `plainto_tsquery('english', ...)` on the GIN index.
- A search looks at the SEARCH_CAP most recent matching messages (newest ids first, which FTS5 and
  the index read in order), so a very common word costs the same as a rare one; the page says so
  when the cap is reached.

No COUNT over everything: a page asks for PAGE_SIZE + 1 rows to know whether there is a next one,
and the crisis queue's count stops at QUEUE_COUNT_CAP.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.engine import Connection, Engine

from lantern.crisis import registry
from lantern.db import staff_tables as st
from lantern.records.transcripts.models import Conversation, Message
from staff import try_conversations

C = Conversation.__table__
M = Message.__table__
FTS = "fts_transcript_messages"

PAGE_SIZE = 50
MAX_PAGE = 1000  # offset paging up to 50,000 rows in; narrower filters past that
MESSAGES_PAGE = 100  # transcript messages rendered per page
SEARCH_CAP = 10_000  # most recent matching messages a search looks at
MAX_QUERY = 1000  # characters of a search
MAX_TERMS = 20  # words of a search used
MAX_TERM = 64  # characters of one word
MAX_VALUE = 128  # characters of any other filter value
INTENT_LIST = 2000  # conversations of an intent listed outright; above, probed through the index
QUEUE_SIZE = 10
QUEUE_COUNT_CAP = 50
CACHE_SECONDS = 300.0

ACTIVITY = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
LEVELS = ("crisis", "check_in", "none")
QUEUE_LEVELS = ("crisis", "check_in")
CATEGORIES: Tuple[str, ...] = tuple(c.stored for c in registry.CATEGORIES)
REFERRAL = ("offered", "accepted", "not_offered")
YES_NO = ("yes", "no")
STATUSES = st.REVIEW_STATUSES
SORTS = {"last": "last activity", "started": "started", "turns": "turns", "crisis": "crisis level"}
FILTER_KEYS = (
    "q", "activity", "date_from", "date_to", "channel", "crisis_level", "crisis_category", "change_min",
    "intent", "referral", "fallbacks", "status", "tag", "assignee", "queue", "sort", "tries",
)  # fmt: skip
TAG_MAX = 64


class BadRequest(ValueError):
    """A filter or form value that cannot be used (the message says which and why)."""


@dataclass
class Filters:
    q: str = ""
    activity: str = ""
    date_from: Optional[date] = None
    date_to: Optional[date] = None
    channel: str = ""
    crisis_level: str = ""
    crisis_category: str = ""
    change_min: Optional[int] = None  # percent of change talk among change + sustain talk
    intent: str = ""
    referral: str = ""
    fallbacks: str = ""
    status: str = ""
    tag: str = ""
    assignee: str = ""  # "mine", "unassigned" or a user id
    queue: str = ""  # "crisis"
    sort: str = "last"
    tries: str = ""  # "include": also the console's try-it chats (staff/try_conversations.py), left out by default
    page: int = 1
    user_id: Optional[int] = None  # whose "mine"
    terms: List[str] = field(default_factory=list)

    def used(self) -> Dict[str, Any]:
        """The filters in use (for the audit log and links): no empty values, no page."""
        values = asdict(self)
        for key in ("terms", "user_id", "page"):
            values.pop(key)
        if values.get("sort") == "last":
            values.pop("sort")
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items() if v not in ("", None)}


def _text(args: Mapping[str, str], key: str, limit: int = MAX_VALUE) -> str:
    value = args.get(key, "") or ""
    if len(value) > limit:
        raise BadRequest(f"{key} is too long (at most {limit} characters)")
    return value.strip()


def _choice(args: Mapping[str, str], key: str, choices: Sequence[str]) -> str:
    value = _text(args, key)
    if value and value not in choices:
        raise BadRequest(f"{key} must be one of: {', '.join(choices)}")
    return value


def _day(args: Mapping[str, str], key: str) -> Optional[date]:
    value = _text(args, key, 32)
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{key} must be a date, YYYY-MM-DD") from None
    if not 2000 <= day.year <= 2200:
        raise BadRequest(f"{key} must be a date between the years 2000 and 2200")
    return day


def _int(args: Mapping[str, str], key: str, low: int, high: int) -> Optional[int]:
    value = _text(args, key, 16)
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
        raise BadRequest(f"{key} must be a whole number from {low} to {high}")
    return int(value)


def search_terms(q: str) -> List[str]:
    """The words of a search, as the FTS5 unicode61 tokenizer would split them (letters and digits)."""
    words = re.findall(r"[^\W_]+", unicodedata.normalize("NFC", q))
    return [w[:MAX_TERM] for w in words][:MAX_TERMS]


def fts_query(terms: Sequence[str]) -> str:
    """An FTS5 query that finds messages holding every term: each one a quoted string, never syntax."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def parse_filters(args: Mapping[str, str], user_id: Optional[int] = None) -> Filters:
    """Filters from the list's query string; BadRequest for values that make no sense."""
    f = Filters(user_id=user_id)
    f.q = _text(args, "q", MAX_QUERY)
    f.terms = search_terms(f.q)
    f.activity = _choice(args, "activity", tuple(ACTIVITY))
    f.date_from, f.date_to = _day(args, "date_from"), _day(args, "date_to")
    f.channel = _text(args, "channel")
    f.crisis_level = _choice(args, "crisis_level", LEVELS + ("any",))
    f.crisis_category = _text(args, "crisis_category", 64)
    f.change_min = _int(args, "change_min", 0, 100)
    f.intent = _text(args, "intent")
    f.referral = _choice(args, "referral", REFERRAL)
    f.fallbacks = _choice(args, "fallbacks", YES_NO)
    f.status = _choice(args, "status", STATUSES)
    f.tag = _text(args, "tag", TAG_MAX)
    assignee = _text(args, "assignee", 16)
    if assignee and assignee not in ("mine", "unassigned") and not (assignee.isascii() and assignee.isdigit()):
        raise BadRequest("assignee must be mine, unassigned or a user's id")
    f.assignee = assignee
    f.queue = _choice(args, "queue", ("crisis",))
    f.sort = _choice(args, "sort", tuple(SORTS)) or "last"
    f.tries = _choice(args, "tries", ("include",))
    f.page = _int(args, "page", 1, MAX_PAGE) or 1
    return f


# --- the list -------------------------------------------------------------------------------


def _crisis_rank(column: Any) -> Any:
    return sa.case((column == "crisis", 3), (column == "check_in", 2), (column == "none", 1), else_=0)


def _hits(conn: Connection, terms: Sequence[str]) -> Any:
    """A subquery (cid, mid, n): conversations with messages matching every term, their newest
    matching message and how many, among the SEARCH_CAP newest matches."""
    if conn.dialect.name == "sqlite":
        inner = f"SELECT rowid AS rid FROM {FTS} WHERE {FTS} MATCH :fts ORDER BY rowid DESC LIMIT :cap"
        value = fts_query(terms)
    else:
        inner = (
            "SELECT id AS rid FROM transcript_messages WHERE to_tsvector('english', text) @@ "
            "plainto_tsquery('english', :fts) ORDER BY id DESC LIMIT :cap"
        )
        value = " ".join(terms)
    sql = sa.text(
        "SELECT m.conversation_id AS cid, max(m.id) AS mid, count(*) AS n "
        f"FROM ({inner}) f JOIN transcript_messages m ON m.id = f.rid GROUP BY m.conversation_id"
    ).bindparams(fts=value, cap=SEARCH_CAP)
    return sql.columns(cid=sa.String, mid=sa.Integer, n=sa.Integer).subquery("hits")


def _where(f: Filters, now: datetime) -> List[Any]:
    r = st.reviews.c
    clauses: List[Any] = []
    if f.activity:
        clauses.append(C.c.last_message_at >= now - ACTIVITY[f.activity])
    if f.date_from:
        clauses.append(C.c.last_message_at >= datetime.combine(f.date_from, datetime.min.time()))
    if f.date_to:
        clauses.append(C.c.started_at < datetime.combine(f.date_to + timedelta(days=1), datetime.min.time()))
    if f.channel:
        clauses.append(C.c.channel == f.channel)
    if f.crisis_level == "any":
        clauses.append(C.c.crisis_level.in_(QUEUE_LEVELS))
    elif f.crisis_level == "none":
        clauses.append(sa.or_(C.c.crisis_level.is_(None), C.c.crisis_level == "none"))
    elif f.crisis_level:
        clauses.append(C.c.crisis_level == f.crisis_level)
    if f.crisis_category:
        clauses.append(C.c.crisis_category == f.crisis_category)
    if f.change_min is not None:
        talk = C.c.change_talk + C.c.sustain_talk
        clauses.append(talk > 0)
        clauses.append(C.c.change_talk * 100 >= talk * f.change_min)
    if f.referral == "offered":
        clauses.append(C.c.referral_offered.is_(True))
    elif f.referral == "accepted":
        clauses.append(C.c.referral_accepted.is_(True))
    elif f.referral == "not_offered":
        clauses.append(C.c.referral_offered.is_(False))
    if f.fallbacks == "yes":
        clauses.append(C.c.fallbacks > 0)
    elif f.fallbacks == "no":
        clauses.append(C.c.fallbacks == 0)

    # Review status and assignee through uncorrelated subqueries on staff_reviews (a few thousand
    # rows, indexed by status and assignee): a join would cost one lookup per conversation sorted.
    def reviewed_as(*where: Any) -> Any:
        return sa.select(r.conversation_id).where(*where)

    if f.status == "new":
        clauses.append(C.c.id.notin_(reviewed_as(r.status.in_([s for s in STATUSES if s != "new"]))))
    elif f.status:
        clauses.append(C.c.id.in_(reviewed_as(r.status == f.status)))
    if f.tag:
        tags = st.conversation_tags.c
        clauses.append(C.c.id.in_(sa.select(tags.conversation_id).where(tags.tag == f.tag)))
    if f.assignee == "mine":
        clauses.append(C.c.id.in_(reviewed_as(r.assignee_id == (f.user_id if f.user_id is not None else -1))))
    elif f.assignee == "unassigned":
        clauses.append(C.c.id.notin_(reviewed_as(r.assignee_id.isnot(None))))
    elif f.assignee:
        clauses.append(C.c.id.in_(reviewed_as(r.assignee_id == int(f.assignee))))
    if f.queue == "crisis":
        clauses.append(C.c.crisis_level.in_(QUEUE_LEVELS))
        clauses.append(C.c.id.notin_(reviewed_as(r.status == "reviewed")))
    if f.tries != "include":
        clauses.append(try_conversations.not_try_it(C.c.sender_pseudonym))
    return clauses


def _order(f: Filters) -> List[Any]:
    if f.queue == "crisis" and f.sort == "last":
        return [C.c.last_message_at.desc(), C.c.id.desc()]
    return {
        "last": [C.c.last_message_at.desc(), C.c.id.desc()],
        "started": [C.c.started_at.desc(), C.c.id.desc()],
        "turns": [C.c.turns.desc(), C.c.last_message_at.desc(), C.c.id.desc()],
        "crisis": [_crisis_rank(C.c.crisis_level).desc(), C.c.last_message_at.desc(), C.c.id.desc()],
    }[f.sort]


def _select(conn: Connection, f: Filters, now: datetime) -> Tuple[Any, Any]:
    joined: Any = C
    columns = [C.c[name] for name in (
        "id", "channel", "started_at", "last_message_at", "turns", "message_count", "crisis_level",
        "crisis_category", "change_talk", "sustain_talk", "fallbacks", "referral_offered", "referral_accepted",
    )]  # fmt: skip
    hits = None
    if f.terms:
        hits = _hits(conn, f.terms)
        joined = joined.join(hits, hits.c.cid == C.c.id)
        columns += [hits.c.mid, hits.c.n]
    clauses = _where(f, now)
    if f.intent:
        clauses.append(_intent_clause(conn, f.intent))
    return sa.select(*columns).select_from(joined).where(*clauses), hits


def _intent_clause(conn: Connection, intent: str) -> Any:
    """Conversations with a message of `intent`, through the (intent, conversation_id) index.

    A rare intent (fewer than INTENT_LIST messages): the list of its conversations, looked up by
    primary key. A common one: an index probe per conversation as the list is walked in order,
    which stops as soon as the page is full."""
    few = conn.execute(
        sa.select(M.c.conversation_id).where(M.c.intent == intent).distinct().limit(INTENT_LIST + 1)
    ).fetchall()
    if len(few) <= INTENT_LIST:
        return C.c.id.in_([row[0] for row in few]) if few else sa.false()
    return sa.exists(sa.select(M.c.id).where(M.c.intent == intent, M.c.conversation_id == C.c.id))


@dataclass
class Page:
    rows: List[Dict[str, Any]]
    has_next: bool
    search_capped: bool = False


def list_conversations(conn: Connection, f: Filters, now: Optional[datetime] = None) -> Page:
    """One page of conversations (PAGE_SIZE), with a snippet of the newest match when searching."""
    now = now or datetime.utcnow()
    if f.q and not f.terms:
        return Page([], False)
    query, hits = _select(conn, f, now)
    query = query.order_by(*_order(f)).limit(PAGE_SIZE + 1).offset((f.page - 1) * PAGE_SIZE)
    rows = [dict(row._mapping) for row in conn.execute(query)]
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    capped = False
    if hits is not None:
        capped = _search_capped(conn, f.terms)
        ids = [row["mid"] for row in rows if row.get("mid") is not None]
        found = (
            {r.id: (r.text, r.seq) for r in conn.execute(sa.select(M.c.id, M.c.text, M.c.seq).where(M.c.id.in_(ids)))}
            if ids
            else {}
        )
        for row in rows:
            text, seq = found.get(row["mid"], ("", None))
            row["snippet"] = snippet(text, f.terms)
            row["match_seq"] = seq
    _add_tags(conn, rows)
    _add_reviews(conn, rows)
    return Page(rows, has_next, capped)


def _search_capped(conn: Connection, terms: Sequence[str]) -> bool:
    if conn.dialect.name == "sqlite":
        sql = f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH :fts ORDER BY rowid DESC LIMIT 1 OFFSET :cap"
        value = fts_query(terms)
    else:
        sql = (
            "SELECT id FROM transcript_messages WHERE to_tsvector('english', text) @@ "
            "plainto_tsquery('english', :fts) ORDER BY id DESC LIMIT 1 OFFSET :cap"
        )
        value = " ".join(terms)
    return conn.execute(sa.text(sql), {"fts": value, "cap": SEARCH_CAP}).first() is not None


def _add_reviews(conn: Connection, rows: List[Dict[str, Any]]) -> None:
    r = st.reviews.c
    ids = [row["id"] for row in rows]
    found = (
        {
            x.conversation_id: x
            for x in conn.execute(
                sa.select(r.conversation_id, r.status, r.assignee_id).where(r.conversation_id.in_(ids))
            )
        }
        if ids
        else {}
    )
    for row in rows:
        review = found.get(row["id"])
        row["status"] = review.status if review is not None else None
        row["assignee_id"] = review.assignee_id if review is not None else None


def _add_tags(conn: Connection, rows: List[Dict[str, Any]]) -> None:
    ids = [row["id"] for row in rows]
    tags: Dict[str, List[str]] = {}
    if ids:
        t = st.conversation_tags.c
        for cid, tag in conn.execute(
            sa.select(t.conversation_id, t.tag).where(t.conversation_id.in_(ids)).order_by(t.tag)
        ):
            tags.setdefault(cid, []).append(tag)
    for row in rows:
        row["tags"] = tags.get(row["id"], [])


def iter_conversation_ids(conn: Connection, f: Filters, now: Optional[datetime] = None) -> List[str]:
    """Every conversation id the filter matches (no paging), in the list's order: for the export."""
    now = now or datetime.utcnow()
    if f.q and not f.terms:
        return []
    query, _ = _select(conn, f, now)
    query = query.with_only_columns(C.c.id).order_by(*_order(f))
    return [row[0] for row in conn.execute(query)]


def crisis_queue(conn: Connection) -> Tuple[List[Dict[str, Any]], int]:
    """The newest QUEUE_SIZE crisis or check-in conversations not yet reviewed, and how many
    there are (counted up to QUEUE_COUNT_CAP)."""
    f = Filters(queue="crisis")
    query, _ = _select(conn, f, datetime.utcnow())
    rows = [dict(r._mapping) for r in conn.execute(query.order_by(*_order(f)).limit(QUEUE_SIZE))]
    _add_reviews(conn, rows)
    capped = query.with_only_columns(C.c.id).limit(QUEUE_COUNT_CAP + 1).subquery()
    count = conn.execute(sa.select(sa.func.count()).select_from(capped)).scalar_one()
    return rows, int(count)


def snippet(text: str, terms: Sequence[str], width: int = 200) -> Markup:
    """A piece of `text` around the first term found, escaped, with the terms in <mark>.

    The text is escaped piece by piece and only the <mark> tags are added as markup, so nothing
    the person wrote is ever rendered as HTML."""
    text = text or ""
    pattern = (
        re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
        if terms
        else None
    )
    found = pattern.search(text) if pattern else None
    start = max(0, (found.start() if found else 0) - width // 3)
    piece = text[start : start + width]
    out = Markup("…") if start > 0 else Markup("")
    position = 0
    if pattern:
        for match in pattern.finditer(piece):
            out += escape(piece[position : match.start()])
            out += Markup("<mark>") + escape(match.group(0)) + Markup("</mark>")
            position = match.end()
    out += escape(piece[position:])
    if start + width < len(text):
        out += Markup("…")
    return out


# --- options for the form (cached: reading them is not free on 2,000,000 messages) ----------

_cache: Dict[Tuple[str, str], Tuple[float, List[str]]] = {}


def _cached(engine: Engine, key: str, load: Any) -> List[str]:
    entry = _cache.get((str(engine.url), key))
    if entry and time.monotonic() - entry[0] < CACHE_SECONDS:
        return entry[1]
    with engine.connect() as conn:
        values = [v for v in load(conn) if v]
    _cache[(str(engine.url), key)] = (time.monotonic(), values)
    return values


def clear_cache() -> None:
    _cache.clear()


def _distinct_by_index(conn: Connection, table: str, column: str, limit: int = 500) -> List[str]:
    """Distinct values of an indexed column by skipping through the index (one lookup per value)."""
    sql = sa.text(
        f"WITH RECURSIVE v(x, k) AS (SELECT min({column}), 1 FROM {table} "
        f"UNION ALL SELECT (SELECT min({column}) FROM {table} WHERE {column} > v.x), k + 1 FROM v "
        f"WHERE v.x IS NOT NULL AND k < :limit) SELECT x FROM v WHERE x IS NOT NULL"
    )
    return [row[0] for row in conn.execute(sql, {"limit": limit})]


def form_options(engine: Engine) -> Dict[str, List[str]]:
    return {
        "channels": _cached(
            engine,
            "channels",
            lambda conn: sorted(r[0] for r in conn.execute(sa.select(C.c.channel).distinct()) if r[0]),
        ),
        "intents": _cached(engine, "intents", lambda conn: _distinct_by_index(conn, "transcript_messages", "intent")),
        "tags": all_tags(engine),
    }


def all_tags(engine: Engine) -> List[str]:
    with engine.connect() as conn:
        t = st.conversation_tags.c
        return [r[0] for r in conn.execute(sa.select(t.tag).distinct().order_by(t.tag).limit(500))]


def staff_users(conn: Connection) -> List[Dict[str, Any]]:
    u = st.users.c
    return [
        dict(r._mapping)
        for r in conn.execute(
            sa.select(u.id, u.username, u.display_name).where(u.active.is_(True)).order_by(u.username)
        )
    ]


# --- one conversation -----------------------------------------------------------------------

ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def conversation(conn: Connection, conversation_id: str) -> Optional[Dict[str, Any]]:
    """The conversation's row with its review status, assignee and tags; None if there is none."""
    if not ID_RE.match(conversation_id or ""):
        return None
    r = st.reviews.c
    u = st.users.c
    row = conn.execute(
        sa.select(C, r.status, r.assignee_id, r.updated_at.label("reviewed_at"), u.display_name.label("assignee"))
        .select_from(C.outerjoin(st.reviews, r.conversation_id == C.c.id).outerjoin(st.users, u.id == r.assignee_id))
        .where(C.c.id == conversation_id)
    ).first()
    if row is None:
        return None
    found = dict(row._mapping)
    found["status"] = found["status"] or "new"
    t = st.conversation_tags.c
    found["tags"] = [
        r[0] for r in conn.execute(sa.select(t.tag).where(t.conversation_id == conversation_id).order_by(t.tag))
    ]
    return found


def messages(conn: Connection, conversation_id: str, after: int = 0) -> Tuple[List[Dict[str, Any]], bool]:
    """MESSAGES_PAGE messages after `after` (a seq), each with its notes; and whether more follow."""
    rows = [
        dict(r._mapping)
        for r in conn.execute(
            sa.select(M)
            .where(M.c.conversation_id == conversation_id, M.c.seq > after)
            .order_by(M.c.seq)
            .limit(MESSAGES_PAGE + 1)
        )
    ]
    more = len(rows) > MESSAGES_PAGE
    rows = rows[:MESSAGES_PAGE]
    notes: Dict[int, List[Dict[str, Any]]] = {}
    if rows:
        n, u = st.message_notes.c, st.users.c
        for note in conn.execute(
            sa.select(n.id, n.message_id, n.tag, n.flagged, n.comment, n.created_at, u.display_name.label("author"))
            .select_from(st.message_notes.outerjoin(st.users, u.id == n.user_id))
            .where(n.conversation_id == conversation_id, n.message_id.in_([m["id"] for m in rows]))
            .order_by(n.id)
        ):
            notes.setdefault(note.message_id, []).append(dict(note._mapping))
    for row in rows:
        row["notes"] = notes.get(row["id"], [])
        row["page_after"] = (row["seq"] - 1) // MESSAGES_PAGE * MESSAGES_PAGE  # where its page starts
    return rows, more


def message_in(conn: Connection, conversation_id: str, message_id: int) -> bool:
    return (
        conn.execute(sa.select(M.c.id).where(M.c.id == message_id, M.c.conversation_id == conversation_id)).first()
        is not None
    )


def clean_tag(value: str) -> str:
    """A tag as stored: trimmed, spaces collapsed, lower case, at most TAG_MAX characters, no control
    characters. BadRequest if nothing is left."""
    value = " ".join("".join(ch for ch in (value or "") if unicodedata.category(ch)[0] != "C").split()).lower()
    if not value:
        raise BadRequest("a tag needs at least one letter or digit")
    if len(value) > TAG_MAX:
        raise BadRequest(f"a tag has at most {TAG_MAX} characters")
    return value


def add_tag(conn: Connection, conversation_id: str, tag: str, user_id: int, now: datetime) -> bool:
    t = st.conversation_tags.c
    if conn.execute(sa.select(t.id).where(t.conversation_id == conversation_id, t.tag == tag)).first():
        return False
    conn.execute(
        st.conversation_tags.insert().values(conversation_id=conversation_id, tag=tag, user_id=user_id, created_at=now)
    )
    return True


def remove_tag(conn: Connection, conversation_id: str, tag: str) -> int:
    t = st.conversation_tags.c
    return int(
        conn.execute(st.conversation_tags.delete().where(t.conversation_id == conversation_id, t.tag == tag)).rowcount
        or 0
    )


def set_review(
    conn: Connection,
    conversation_id: str,
    user_id: int,
    now: datetime,
    status: Optional[str] = None,
    assignee: Any = ...,
) -> None:
    """Set the review status and/or the assignee (None: unassigned; ...: unchanged)."""
    r = st.reviews.c
    existing = conn.execute(sa.select(r.status, r.assignee_id).where(r.conversation_id == conversation_id)).first()
    values: Dict[str, Any] = {"updated_at": now, "updated_by": user_id}
    if status is not None:
        values["status"] = status
    if assignee is not ...:
        values["assignee_id"] = assignee
    if existing is None:
        values.setdefault("status", "new")
        conn.execute(st.reviews.insert().values(conversation_id=conversation_id, **values))
    else:
        conn.execute(st.reviews.update().where(r.conversation_id == conversation_id).values(**values))


def add_note(
    conn: Connection,
    conversation_id: str,
    message_id: int,
    user_id: int,
    now: datetime,
    tag: Optional[str],
    flagged: bool,
    comment: Optional[str],
) -> int:
    result = conn.execute(
        st.message_notes.insert().values(
            message_id=message_id,
            conversation_id=conversation_id,
            tag=tag,
            flagged=flagged,
            comment=comment,
            user_id=user_id,
            created_at=now,
        )
    )
    return int(result.inserted_primary_key[0])


def tagged(conn: Connection, tag: str, limit: int = 100) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """Conversations carrying `tag` and messages carrying it (newest first, `limit` each)."""
    t, n = st.conversation_tags.c, st.message_notes.c
    conversations = [
        dict(r._mapping)
        for r in conn.execute(
            sa.select(C.c.id, C.c.channel, C.c.started_at, C.c.last_message_at, C.c.turns, C.c.crisis_level)
            .select_from(C.join(st.conversation_tags, t.conversation_id == C.c.id))
            .where(t.tag == tag)
            .order_by(C.c.last_message_at.desc())
            .limit(limit)
        )
    ]
    found = [
        dict(r._mapping)
        for r in conn.execute(
            sa.select(M.c.id, M.c.conversation_id, M.c.seq, M.c.sender, M.c.text, M.c.created_at, n.comment)
            .select_from(st.message_notes.join(M, M.c.id == n.message_id))
            .where(n.tag == tag)
            .order_by(n.id.desc())
            .limit(limit)
        )
    ]
    return conversations, found


# --- export ---------------------------------------------------------------------------------


def iter_export_rows(conn: Connection, ids: Sequence[str], batch: int = 200) -> Iterator[Dict[str, Any]]:
    """The messages of `ids`, conversation by conversation (in the given order), in seq order."""
    for i in range(0, len(ids), batch):
        chunk = list(ids[i : i + batch])
        order = {cid: k for k, cid in enumerate(chunk)}
        rows = conn.execute(
            sa.select(
                M.c.conversation_id,
                M.c.seq,
                M.c.turn,
                M.c.sender,
                M.c.text,
                M.c.created_at,
                M.c.intent,
                M.c.talk_type,
                M.c.crisis,
            ).where(M.c.conversation_id.in_(chunk))
        ).fetchall()
        rows.sort(key=lambda r: (order[r.conversation_id], r.seq))
        for row in rows:
            yield dict(row._mapping)
