"""A synthetic database for the staff console benchmark (issue 19): 100,000 conversations, 2,000,000 messages.

    .venv/bin/python -m bench.staff_data [PATH] [--conversations N] [--messages N] [--force]

Writes a SQLite file with the schema of `lantern.db.upgrade(url, groups=("transcripts", "staff"))`
and fills it with made-up, already "anonymized" conversations: spread over 180 days before
`END`, on the sms, widget and rest channels, 2 to 300 messages long (and `LONG_CONVERSATIONS` of
exactly 500 messages, for the transcript figure), user and bot alternating, with intents, talk
types, crisis levels and categories, referral and fallback actions, and the summary columns on
`transcript_conversations` computed from those messages as lantern/records/transcripts/record.py
would. Texts are built from a vocabulary with skewed word frequencies, so full-text search has
words found in a few percent of the messages down to words found in a handful. The staff tables get
reviews as a working team leaves them (crisis and check-in conversations older than two weeks
nearly all reviewed, recent ones partly, one in a hundred of the others), a few thousand
conversation tags and message notes, and staff accounts (`ADMIN_USERNAME` with `ADMIN_PASSWORD`,
an admin, and some reviewers) whose passwords are argon2 hashes (the staff app's own helper).

The same seed gives the same rows (password hashes aside: argon2 salts are random). `ensure()`
keeps the file under var/bench/ and reuses it while `GENERATOR_VERSION`, the seed, the sizes and
the schema's head revisions are unchanged: the table `bench_meta` in the file records them, with
the ids of the 500-message conversations and a few search words and how many messages hold each.

Loading is bulk: journal and sync off, the secondary indexes and the full-text insert trigger
dropped during the load, then the indexes recreated from their own SQL, the FTS5 index rebuilt
once and the trigger recreated from the migration's statement (t0002). The file is left in WAL
mode, as Lantern's engines leave it. No ANALYZE is run: Lantern never runs one, so the query
planner here sees what it sees in a deployment.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import importlib.util
import itertools
import json
import math
import os
import random
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ROOT / "var" / "bench"
GENERATOR_VERSION = 2
SEED = 19
CONVERSATIONS = 100_000
MESSAGES = 2_000_000
LONG_CONVERSATIONS = 5  # exactly LONG_LENGTH messages each
LONG_LENGTH = 500
MAX_LENGTH = 300  # the others: 2..MAX_LENGTH messages
DAYS = 180
END = dt.datetime(2026, 12, 7)  # fixed, so the same seed gives the same rows on any day
GROUPS = ("transcripts", "staff")
ADMIN_USERNAME = "bench-admin"
ADMIN_PASSWORD = "bench-console-19"  # a synthetic database's account; never used elsewhere
REVIEWERS = 6
RECENT_DAYS = 14  # crisis conversations older than this are nearly all reviewed
BATCH_CONVERSATIONS = 2000  # conversations generated, time-ordered and inserted per transaction
META_TABLE = "bench_meta"
FTS = "fts_transcript_messages"
FTS_INSERT_TRIGGER = f"{FTS}_ai"
MIGRATION_T0002 = (
    ROOT / "lantern" / "db" / "migrations" / "versions" / "transcripts" / "t0002_staff_summaries_search.py"
)

# --- vocabulary -----------------------------------------------------------------------------

CHANNELS = (("sms", 0.45), ("widget", 0.40), ("rest", 0.15))
SUBSTANCES = (
    "fent", "meth", "dope", "alcohol", "pills", "weed", "heroin", "crack", "xanax", "coke", "oxy",
    "benzos", "percs", "kratom", "tranq", "xylazine", "suboxone", "methadone", "ketamine", "molly",
    "gabapentin", "lean", "spice", "shrooms",
)  # fmt: skip
PEOPLE = (
    "partner", "mom", "friend", "girlfriend", "boyfriend", "brother", "sister", "kids", "dad",
    "roommate", "caseworker", "sponsor", "cousin", "landlord", "boss", "counselor", "grandma", "son",
    "daughter", "probation officer",
)  # fmt: skip
FEELINGS = (
    "tired", "scared", "stuck", "ashamed", "hopeful", "angry", "lonely", "exhausted", "anxious",
    "numb", "overwhelmed", "proud", "confused", "restless", "sick", "worried", "frustrated", "okay",
)  # fmt: skip
GOALS = (
    "cut down", "stop using", "quit", "slow down", "use less", "get clean", "stay safe", "get on suboxone",
    "find a detox", "get back to work", "keep my kids", "stop drinking", "taper off", "go to meetings",
    "see a doctor", "get housing", "switch to smoking instead of shooting", "try methadone", "start treatment",
)  # fmt: skip
OBSTACLES = (
    "the withdrawals are too much", "everyone around me uses", "i don't have a ride", "i can't afford it",
    "i keep relapsing", "i don't trust the clinics", "work is crazy right now", "i have nowhere to stay",
    "my insurance got cut", "i'm on a waitlist", "the cravings hit at night", "i get paid on friday",
    "i'm scared of being judged", "my phone keeps getting shut off",
)  # fmt: skip
WHEN = (
    "yesterday", "last night", "this morning", "every day", "on weekends", "after work", "a few times a week",
    "since march", "for two years", "since my surgery", "when i can't sleep", "most nights", "on payday",
)  # fmt: skip
PLACES = (
    "downtown", "the east side", "my town", "the shelter", "the bus station", "near the hospital",
    "across the river", "by my job", "on the north side", "out in the county",
)  # fmt: skip
RESOURCES = (
    "naloxone", "narcan", "test strips", "clean needles", "a detox bed", "a counselor", "suboxone",
    "a meeting", "a syringe program", "housing help", "a food bank", "a free clinic", "fentanyl strips",
    "methadone", "a ride to treatment",
)  # fmt: skip
# Words most messages never hold: topics that come up once in a while, and a few rarely.
UNCOMMON = (
    "pharmacy", "dentist", "eviction", "court", "custody", "hepatitis", "abscess", "insulin", "pregnant",
    "veteran", "warrant", "tattoo", "bicycle", "laundromat", "birthday", "funeral", "graduation", "diploma",
    "paycheck", "tooth", "pneumonia", "wound", "stitches", "seizure", "blackout", "hangover", "ambulance",
    "scholarship", "apprenticeship", "forklift", "welding", "roofing", "warehouse", "kitchen", "delivery",
    "uber", "motel", "storage", "puppy", "kitten", "guitar", "basketball", "fishing", "church", "library",
    "gym", "therapy", "medicaid", "disability", "snap", "rent", "deposit", "lease", "shelter", "winter",
    "heatwave", "hurricane", "flood", "wildfire", "jail", "rehab", "halfway", "sober", "anniversary",
)  # fmt: skip
RARE = (
    "accordion", "bagpipes", "calligraphy", "dulcimer", "embroidery", "falconry", "gondola", "harpsichord",
    "igloo", "juggling", "kayaking", "lacrosse", "marionette", "nectarine", "origami", "paleontology",
    "quilting", "rhubarb", "saxophone", "taxidermy", "ukulele", "ventriloquism", "woodcarving", "xylophone",
    "yodeling", "zeppelin", "archery", "beekeeping", "crochet", "dominoes", "equestrian", "fencing",
    "glassblowing", "hovercraft", "iceberg", "jigsaw", "kombucha", "lighthouse", "mandolin", "narwhal",
)  # fmt: skip
PII_PLACEHOLDERS = (("<PERSON>", "PERSON"), ("<PHONE>", "PHONE"), ("<ADDRESS>", "ADDRESS"), ("<EMAIL>", "EMAIL"))

CHANGE_TEMPLATES = (
    "i really want to {goal}",
    "i think i'm ready to {goal} {when}",
    "i need to {goal} for my {person}",
    "i want to {goal}, i'm so {feeling} of this",
    "i went {days} days without {sub} and it felt good",
    "i used less {sub} {when} than before",
    "maybe i could {goal} if i had {resource}",
    "my {person} would be proud if i could {goal}",
)
SUSTAIN_TEMPLATES = (
    "{sub} is the only thing that helps me feel normal",
    "i don't see the point in trying to {goal}",
    "i tried to {goal} but {obstacle}",
    "honestly {sub} isn't that bad for me",
    "i'm not ready to {goal}, {obstacle}",
    "i like how {sub} makes me feel {when}",
    "everyone tells me to {goal} but they don't get it",
)
NEUTRAL_TEMPLATES = (
    "i've been using {sub} {when}",
    "my {person} found out about the {sub}",
    "i feel {feeling} {when}",
    "i've been {feeling} since my {person} left",
    "idk, just {feeling}",
    "it's been a long week with my {person}",
    "i'm staying {place} right now",
    "what does {sub} do to your heart",
    "is it safe to mix {sub} and {sub2}",
    "where can i get {resource} {place}",
    "how long does {sub} stay in your system",
    "i used {sub} {when} and felt {feeling}",
    "my {person} keeps asking about {sub}",
    "i lost my job {when}",
)
GREET_TEXTS = ("hi", "hello", "hey", "hey are you a real person", "hi i need to talk", "is anyone there", "yo")
BYE_TEXTS = ("thanks", "thank you", "ok bye", "thanks for listening", "gotta go", "talk later", "ok")
YESNO_TEXTS = ("yes", "yeah", "no", "not really", "maybe", "i guess", "sure", "nope", "kind of")
CRISIS_TEXTS = {
    "overdose": ("my friend isn't breathing after using {sub}", "he's blue and won't wake up", "i think she's od'ing"),
    "overdose_stimulant": ("my heart is racing really fast after {sub}", "chest pain and i can't cool down"),
    "suicide": ("i don't want to be here anymore", "i've been thinking about ending it", "what's the point of living"),
    "danger": ("someone is threatening me right now", "i'm not safe at home tonight", "he has a gun"),
}
CRISIS_REPLIES = {
    "overdose": ("utter_crisis_overdose", "If someone is not breathing, call 911 now. Give naloxone if you have it."),
    "overdose_stimulant": ("utter_crisis_stimulant", "Chest pain and a racing heart can be an emergency: call 911."),
    "suicide": ("utter_crisis_suicide", "I'm really glad you told me. You can call or text 988 right now."),
    "danger": ("utter_crisis_danger", "Your safety comes first. If you are in danger now, call 911."),
}
CHECK_IN = ("utter_crisis_check_in", "I want to check in: are you safe right now?")
BOT_REPLIES = {
    "greet": (("action_greet", "Hi, I'm Lantern, a chatbot. Whatever brought you here, I'm glad you reached out."),),
    "reflect": (
        ("action_reflect", "It sounds like {sub} has been taking up a lot of your days."),
        ("action_reflect", "You're {feeling}, and part of you wants things to be different."),
        ("action_reflect", "So your {person} matters a lot in this."),
        ("action_reflect", "You've thought about it, and you're not sure it's the right time."),
        ("action_reflect", "On one hand {sub} helps, and on the other it costs you."),
    ),
    "question": (
        ("action_ask_open", "What would make today a little easier for you?"),
        ("action_ask_open", "What do you make of that?"),
        ("action_ask_open", "How would you like things to be a month from now?"),
        ("utter_ask_importance", "On a scale of 0 to 10, how important is this change to you?"),
    ),
    "affirm": (
        ("action_affirm", "That took real effort. Every step counts."),
        ("action_affirm", "You kept going even when it was hard."),
    ),
    "info": (
        ("action_knowledge_answer", "Naloxone can reverse an opioid overdose. It is safe to give if you're not sure."),
        ("action_knowledge_answer", "Fentanyl test strips can show fentanyl in a drug before you use it."),
        ("action_knowledge_answer", "Mixing opioids with benzos or alcohol raises the risk of overdose."),
        ("action_knowledge_answer", "Suboxone can ease withdrawal and cravings; a clinic can prescribe it."),
    ),
    "fallback": (
        ("action_fallback", "I'm not sure I followed. Could you say a bit more?"),
        ("utter_default", "Sorry, I missed that. Could you put it another way?"),
    ),
    "bye": (("utter_goodbye", "Thanks for talking with me. I'm here any time."),),
}
REFERRAL_STEPS = (  # (user intent, user text, bot action, bot text)
    ("referral_request", "can you find me {resource} {place}", "action_ask_referral_need",
     "What kind of help are you looking for?"),
    ("share", "{resource}", "action_ask_referral_place", "What ZIP code or town should I look near?"),
    ("give_number", "<ADDRESS>", "action_referral_search",
     "Here are a few places near <ADDRESS> that offer {resource}."),
    ("referral_more", "any others", "action_referral_more", "Here are two more. Want me to send details for one?"),
    ("referral_choose", "the second one", "action_referral_choose", "Here is how to reach them: <PHONE>."),
)  # fmt: skip
INTENTS_BY_TALK = {
    "change": (("share", 0.55), ("report_step", 0.30), ("what_next", 0.15)),
    "sustain": (("share", 0.55), ("pushback", 0.25), ("return_to_use", 0.20)),
    "neutral": (
        ("share", 0.30), ("ask_info", 0.20), ("unsure", 0.10), ("concerned_other", 0.08), ("affirm", 0.07),
        ("deny", 0.05), ("just_looking", 0.04), ("ask_capabilities", 0.03), ("bot_challenge", 0.03),
        ("ask_privacy", 0.02), ("ask_human", 0.02), ("out_of_scope", 0.03), ("other_language", 0.01),
        ("thanks", 0.02),
    ),
}  # fmt: skip
CRISIS_INTENT = {
    "overdose": "crisis_overdose",
    "overdose_stimulant": "crisis_stimulant",
    "suicide": "crisis_suicide",
    "danger": "crisis_danger",
}
CRISIS_CATEGORIES = (("overdose", 0.40), ("suicide", 0.30), ("danger", 0.15), ("overdose_stimulant", 0.15))
LEVEL_RANK = {None: 0, "none": 1, "check_in": 2, "crisis": 3}
FALLBACK_ACTIONS = frozenset({"action_fallback", "action_default_fallback", "utter_default"})
OFFER_ACTIONS = frozenset({"referral_form", "action_ask_referral_need", "action_ask_referral_place"})
ACCEPT_ACTIONS = frozenset({"action_referral_search", "action_referral_more", "action_referral_choose"})
TAGS = (
    ("follow-up", 30), ("good-reflection", 20), ("training-example", 15), ("missed-crisis", 8),
    ("referral-issue", 8), ("false-positive", 6), ("escalated", 5), ("pii-leak", 3), ("off-topic", 3),
    ("returning", 2),
)  # fmt: skip
MESSAGE_TAGS = (("good-reflection", 5), ("misread", 4), ("too-long", 2), ("missed-change-talk", 2), (None, 6))
NOTE_COMMENTS = (
    "Nice complex reflection here.",
    "The bot missed the change talk in this message.",
    "Should have offered naloxone information.",
    "Check-in was not needed here.",
    "Good example for the next training round.",
    "Reply too long for SMS.",
)


class Weighted:
    """A weighted choice by bisecting cumulative weights (much faster than random.choices per call)."""

    def __init__(self, items: Sequence[Tuple[Any, float]]) -> None:
        self.values = [value for value, _ in items]
        self.cum = list(itertools.accumulate(weight for _, weight in items))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]


def zipf(values: Sequence[str], s: float = 1.0) -> Weighted:
    return Weighted([(value, 1.0 / (rank**s)) for rank, value in enumerate(values, start=1)])


@dataclass
class Vocabulary:
    sub: Weighted = field(default_factory=lambda: zipf(SUBSTANCES, 1.1))
    person: Weighted = field(default_factory=lambda: zipf(PEOPLE, 1.0))
    feeling: Weighted = field(default_factory=lambda: zipf(FEELINGS, 0.9))
    goal: Weighted = field(default_factory=lambda: zipf(GOALS, 1.0))
    obstacle: Weighted = field(default_factory=lambda: zipf(OBSTACLES, 0.8))
    when: Weighted = field(default_factory=lambda: zipf(WHEN, 0.8))
    place: Weighted = field(default_factory=lambda: zipf(PLACES, 0.9))
    resource: Weighted = field(default_factory=lambda: zipf(RESOURCES, 1.0))
    uncommon: Weighted = field(default_factory=lambda: zipf(UNCOMMON, 1.2))
    talk: Weighted = field(default_factory=lambda: Weighted([("change", 0.22), ("sustain", 0.14), ("neutral", 0.64)]))
    intents: Dict[str, Weighted] = field(default_factory=lambda: {k: Weighted(v) for k, v in INTENTS_BY_TALK.items()})
    channel: Weighted = field(default_factory=lambda: Weighted(CHANNELS))
    category: Weighted = field(default_factory=lambda: Weighted(CRISIS_CATEGORIES))
    tag: Weighted = field(default_factory=lambda: Weighted(TAGS))
    message_tag: Weighted = field(default_factory=lambda: Weighted(MESSAGE_TAGS))

    def fill(self, template: str, rng: random.Random) -> str:
        sub = self.sub(rng)
        return template.format(
            sub=sub,
            sub2=self.sub(rng),
            person=self.person(rng),
            feeling=self.feeling(rng),
            goal=self.goal(rng),
            obstacle=self.obstacle(rng),
            when=self.when(rng),
            place=self.place(rng),
            resource=self.resource(rng),
            days=rng.randint(2, 30),
        )

    def user_text(self, talk: str, rng: random.Random) -> Tuple[str, Optional[str]]:
        """A user message of this talk type, and its PII placeholder types (or None)."""
        templates = {"change": CHANGE_TEMPLATES, "sustain": SUSTAIN_TEMPLATES}.get(talk, NEUTRAL_TEMPLATES)
        roll = rng.random()
        if talk == "neutral" and roll < 0.12:
            text = rng.choice(YESNO_TEXTS)
        else:
            text = self.fill(rng.choice(templates), rng)
            if rng.random() < 0.25:
                text += ". " + self.fill(rng.choice(NEUTRAL_TEMPLATES), rng)
        if rng.random() < 0.06:
            text += f", also the {self.uncommon(rng)} thing"
        if rng.random() < 0.0005:
            text += f" and {rng.choice(RARE)}"
        pii = None
        if rng.random() < 0.03:
            placeholder, pii = rng.choice(PII_PLACEHOLDERS)
            text += f", it's {placeholder}"
        return text, pii


def _ts(when: dt.datetime) -> str:
    """How SQLAlchemy's SQLite DateTime stores a naive datetime."""
    return when.strftime("%Y-%m-%d %H:%M:%S.%f")


def lengths(rng: random.Random, conversations: int, messages: int, long_count: int) -> List[int]:
    """Message counts per conversation: the first `long_count` exactly LONG_LENGTH, the sum exactly `messages`."""
    long_count = min(long_count, conversations)
    mean = (messages - long_count * LONG_LENGTH) / max(1, conversations - long_count)
    if mean < 2 or mean > MAX_LENGTH:
        raise ValueError(
            f"{messages} messages in {conversations} conversations: mean {mean:.1f} is outside 2..{MAX_LENGTH}"
        )
    sigma = 1.0
    mu = max(0.1, mean - 1.5)  # lognormal around the mean (shifted by the minimum of 2)
    mu = math.log(mu) - sigma**2 / 2
    out = [LONG_LENGTH] * long_count + [
        min(MAX_LENGTH, 2 + int(rng.lognormvariate(mu, sigma))) for _ in range(conversations - long_count)
    ]
    diff = messages - sum(out)
    others = range(long_count, conversations)
    while diff != 0:
        i = rng.choice(others)
        if diff > 0 and out[i] < MAX_LENGTH:
            out[i] += 1
            diff -= 1
        elif diff < 0 and out[i] > 2:
            out[i] -= 1
            diff += 1
    return out


@dataclass
class Plan:
    """One conversation before its messages are made."""

    id: str
    sender: str
    channel: str
    started: dt.datetime
    length: int
    crisis_level: str  # "none" | "check_in" | "crisis"
    category: Optional[str]
    referral: bool


def _hex(rng: random.Random, chars: int) -> str:
    return f"{rng.getrandbits(chars * 4):0{chars}x}"


def plans(rng: random.Random, vocab: Vocabulary, conversations: int, messages: int, long_count: int) -> List[Plan]:
    sizes = lengths(rng, conversations, messages, long_count)
    senders = [_hex(rng, 64) for _ in range(max(1, int(conversations * 0.6)))]
    start = END - dt.timedelta(days=DAYS)
    span = DAYS * 86400 - 9 * 3600  # leave room for the longest conversations to end before END
    out = []
    for size in sizes:
        roll = rng.random()
        level = "crisis" if roll < 0.03 else "check_in" if roll < 0.09 else "none"
        out.append(
            Plan(
                id=_hex(rng, 32),
                sender=rng.choice(senders),
                channel=vocab.channel(rng),
                started=start + dt.timedelta(seconds=rng.random() * span),
                length=size,
                crisis_level=level,
                category=vocab.category(rng) if level != "none" else None,
                referral=size >= 12 and rng.random() < 0.12,
            )
        )
    out.sort(key=lambda p: (p.started, p.id))
    return out


Row = Tuple[Any, ...]


def conversation_rows(plan: Plan, rng: random.Random, vocab: Vocabulary) -> Tuple[Row, List[Row]]:
    """The conversation's row and its messages' rows (without ids), as record.py would store them."""
    when = plan.started
    rows: List[Row] = []
    turn = 0
    crisis_at = rng.randint(2, max(2, (plan.length - 1) // 2)) if plan.crisis_level != "none" else -1  # a user turn
    referral_at = rng.randint(2, max(2, (plan.length // 2) - len(REFERRAL_STEPS))) if plan.referral else -1
    summary: Dict[str, Any] = {
        "level": None, "category": None, "change": 0, "sustain": 0, "fallbacks": 0, "offered": False, "accepted": False
    }  # fmt: skip
    last_user: Dict[str, Any] = {}
    for seq in range(1, plan.length + 1):
        if seq % 2 == 1:  # the person
            turn += 1
            if seq > 1:
                when += dt.timedelta(seconds=rng.uniform(8, 240))
            talk: Optional[str] = None
            crisis, level, category, pii = False, "none", None, None
            step = turn - referral_at
            if turn == 1:
                intent, text = "greet", rng.choice(GREET_TEXTS)
            elif turn == crisis_at:
                category = plan.category
                assert category is not None
                level, crisis = plan.crisis_level, True
                intent = CRISIS_INTENT[category]
                text = vocab.fill(rng.choice(CRISIS_TEXTS[category]), rng)
            elif plan.referral and 0 <= step < len(REFERRAL_STEPS):
                intent, template = REFERRAL_STEPS[step][:2]
                text = vocab.fill(template, rng)
                pii = "ADDRESS" if "<ADDRESS>" in text else None
            elif seq >= plan.length - 1 and plan.length > 6 and rng.random() < 0.5:
                intent, text = rng.choice(("goodbye", "thanks")), rng.choice(BYE_TEXTS)
            else:
                talk = vocab.talk(rng)
                intent = vocab.intents[talk](rng)
                text, pii = vocab.user_text(talk, rng)
            talk = talk or "neutral"
            if talk == "change":
                summary["change"] += 1
            elif talk == "sustain":
                summary["sustain"] += 1
            if LEVEL_RANK[level] > LEVEL_RANK[summary["level"]]:
                summary["level"], summary["category"] = level, category
            confidence = round(rng.uniform(0.45, 0.99), 3)
            last_user = {"intent": intent, "level": level, "category": category, "step": step}
            rows.append(
                (plan.id, seq, turn, "user", text, _ts(when), intent, confidence, talk,
                 round(rng.uniform(0.4, 0.98), 3), crisis, level, category, None, pii, False)
            )  # fmt: skip
            continue
        when += dt.timedelta(seconds=rng.uniform(0.6, 3.0))
        intent = last_user["intent"]
        if last_user["level"] == "crisis":
            action, text = CRISIS_REPLIES[last_user["category"]]
        elif last_user["level"] == "check_in":
            action, text = CHECK_IN
        elif plan.referral and 0 <= last_user["step"] < len(REFERRAL_STEPS):
            action, text = REFERRAL_STEPS[last_user["step"]][2:]
            text = vocab.fill(text, rng)
        elif intent == "greet":
            action, text = BOT_REPLIES["greet"][0]
        elif intent in ("goodbye", "thanks"):
            action, text = BOT_REPLIES["bye"][0]
        else:
            roll = rng.random()
            kind = (
                "fallback" if roll < 0.05 else "info" if intent == "ask_info" else
                "reflect" if roll < 0.55 else "question" if roll < 0.85 else "affirm"
            )  # fmt: skip
            action, text = rng.choice(BOT_REPLIES[kind])
            text = vocab.fill(text, rng)
        if action in FALLBACK_ACTIONS:
            summary["fallbacks"] += 1  # one bot reply per turn: a turn counts once
        summary["offered"] = summary["offered"] or action in OFFER_ACTIONS or action in ACCEPT_ACTIONS
        summary["accepted"] = summary["accepted"] or action in ACCEPT_ACTIONS
        pii = "ADDRESS" if "<ADDRESS>" in text else "PHONE" if "<PHONE>" in text else None
        rows.append(
            (plan.id, seq, turn, "bot", text, _ts(when), None, None, None, None, False, None, None, action, pii, False)
        )
    conversation = (
        plan.id, plan.sender, plan.channel, _ts(plan.started), _ts(when), turn, plan.length,
        summary["level"] in ("crisis", "check_in"), summary["level"], summary["category"], summary["change"],
        summary["sustain"], summary["fallbacks"], summary["offered"], summary["accepted"],
    )  # fmt: skip
    return conversation, rows


CONVERSATION_INSERT = (
    "INSERT INTO transcript_conversations (id, sender_pseudonym, channel, started_at, last_message_at, turns, "
    "message_count, crisis, crisis_level, crisis_category, change_talk, sustain_talk, fallbacks, referral_offered, "
    "referral_accepted) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
MESSAGE_INSERT = (
    "INSERT INTO transcript_messages (id, conversation_id, seq, turn, sender, text, created_at, intent, "
    "intent_confidence, talk_type, talk_type_confidence, crisis, crisis_level, crisis_category, action, pii_types, "
    "degraded) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


def _migration_t0002() -> ModuleType:
    """The t0002 migration module (its folder is not a package): the FTS trigger statements live there."""
    spec = importlib.util.spec_from_file_location("_bench_t0002", MIGRATION_T0002)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fts_insert_trigger() -> str:
    """The migration's own CREATE TRIGGER statement for inserts into the full-text index."""
    statements = [s for s in _migration_t0002().SQLITE_TRIGGERS if f"TRIGGER {FTS_INSERT_TRIGGER} " in s]
    if len(statements) != 1:
        raise RuntimeError(f"{MIGRATION_T0002.name}: no single {FTS_INSERT_TRIGGER} trigger in SQLITE_TRIGGERS")
    return str(statements[0])


def hash_password(password: str) -> str:
    """The staff app's own hashing helper if it has one, else argon2id with argon2-cffi's defaults."""
    try:
        helper = getattr(importlib.import_module("staff.auth"), "hash_password", None)
        if callable(helper):
            return str(helper(password))
    except ImportError:
        pass
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


def schema_heads() -> Dict[str, str]:
    """Each group's head and a hash of its migration files: an edited migration also rebuilds the file."""
    import hashlib

    from lantern import db

    heads = {}
    for group in GROUPS:
        digest = hashlib.sha256()
        for path in sorted(db.GROUPS[group].versions_dir.glob("*.py")):
            digest.update(path.read_bytes())
        heads[group] = f"{db.head_revision(group)}:{digest.hexdigest()[:12]}"
    return heads


def expected_meta(conversations: int, messages: int, seed: int) -> Dict[str, Any]:
    return {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "conversations": conversations,
        "messages": messages,
        "heads": schema_heads(),
    }


def read_meta(path: Path) -> Optional[Dict[str, Any]]:
    """The bench_meta of a generated file (None: not one, or unreadable)."""
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'meta'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return json.loads(row[0]) if row else None


def _batches(items: Sequence[Plan], size: int) -> Iterator[Sequence[Plan]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _word_counts(conn: sqlite3.Connection) -> Dict[str, int]:
    """Messages holding each alphabetic term of 4+ letters, from the FTS index."""
    conn.execute(f"CREATE VIRTUAL TABLE temp.bench_vocab USING fts5vocab(main, {FTS}, 'row')")
    try:
        return {
            term: docs
            for term, docs in conn.execute("SELECT term, doc FROM temp.bench_vocab")
            if len(term) >= 4 and term.isalpha()
        }
    finally:
        conn.execute("DROP TABLE temp.bench_vocab")


def topic_words() -> List[str]:
    """Words a reviewer would search for: the substances, resources, people, feelings and topics people mention."""
    words = " ".join((*SUBSTANCES, *RESOURCES, *PEOPLE, *FEELINGS, *UNCOMMON, *RARE)).split()
    return sorted({w for w in words if len(w) >= 4 and w.isalpha()})


def search_words(counts: Dict[str, int], messages: int) -> Dict[str, Dict[str, Any]]:
    """One topic word per frequency band (share of messages holding it): the one closest to the band's share."""
    bands = {"common": 0.03, "frequent": 0.01, "uncommon": 0.001, "rare": 0.0001, "very_rare": 5 / max(messages, 1)}
    topics = set(topic_words())
    out: Dict[str, Dict[str, Any]] = {}
    taken: set = set()
    for band, share in bands.items():
        target = share * messages
        candidates = sorted(
            (abs(docs - target) / max(target, 1), term)
            for term, docs in counts.items()
            if term not in taken and term in topics
        )
        if not candidates:
            continue
        term = candidates[0][1]
        taken.add(term)
        out[band] = {"word": term, "messages": counts[term], "share": counts[term] / max(messages, 1)}
    return out


def generate(
    path: Path,
    conversations: int = CONVERSATIONS,
    messages: int = MESSAGES,
    seed: int = SEED,
    long_conversations: int = LONG_CONVERSATIONS,
    quiet: bool = False,
) -> Dict[str, Any]:
    """Write a new database at `path` (replacing any file there); returns its bench_meta."""
    from lantern import db

    started = time.monotonic()

    def say(text: str) -> None:
        if not quiet:
            print(f"[{time.monotonic() - started:6.1f} s] {text}", file=sys.stderr, flush=True)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    for p in (tmp, *(Path(str(tmp) + s) for s in ("-wal", "-shm", "-journal"))):
        p.unlink(missing_ok=True)
    db.upgrade(f"sqlite:///{tmp}", groups=GROUPS)
    say("schema made")

    rng = random.Random(seed)
    vocab = Vocabulary()
    conn = sqlite3.connect(tmp, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-1048576")  # 1 GiB
    conn.execute("PRAGMA temp_store=MEMORY")
    trigger_sql_before = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type='trigger' AND name=?", (FTS_INSERT_TRIGGER,)
    ).fetchone()
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
        "AND tbl_name IN ('transcript_messages', 'transcript_conversations')"
    ).fetchall()
    conn.execute(f"DROP TRIGGER {FTS_INSERT_TRIGGER}")
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')

    all_plans = plans(rng, vocab, conversations, messages, long_conversations)
    long_ids = sorted(p.id for p in all_plans if p.length == LONG_LENGTH)[:long_conversations]
    say(f"{len(all_plans)} conversations planned")
    next_id = 1
    made = 0
    for batch in _batches(all_plans, BATCH_CONVERSATIONS):
        conv_rows, msg_rows = [], []
        for plan in batch:
            conversation, rows = conversation_rows(plan, rng, vocab)
            conv_rows.append(conversation)
            msg_rows.extend(rows)
        msg_rows.sort(key=lambda r: r[5])  # by time: conversations' messages interleave, as they arrive
        numbered = [(next_id + i, *row) for i, row in enumerate(msg_rows)]
        next_id += len(numbered)
        conn.execute("BEGIN")
        conn.executemany(CONVERSATION_INSERT, conv_rows)
        conn.executemany(MESSAGE_INSERT, numbered)
        conn.execute("COMMIT")
        made += len(numbered)
        if not quiet and (made // 200_000) != ((made - len(numbered)) // 200_000):
            say(f"{made:,} messages")
    say(f"{made:,} messages in {len(all_plans):,} conversations")

    for _name, sql in indexes:
        conn.execute(sql)
    say(f"{len(indexes)} indexes recreated")
    conn.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
    conn.execute(fts_insert_trigger())
    trigger_sql_after = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type='trigger' AND name=?", (FTS_INSERT_TRIGGER,)
    ).fetchone()
    if trigger_sql_after != trigger_sql_before:
        raise RuntimeError(f"{FTS_INSERT_TRIGGER} was not recreated as the migration made it")
    say("full-text index rebuilt")

    staff_rows(conn, rng, vocab, all_plans, messages=made)
    say("staff rows written")

    counts = _word_counts(conn)
    meta = {
        **expected_meta(conversations, messages, seed),
        "long_conversations": long_ids,
        "admin": {"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD},
        "search_words": search_words(counts, made),
        "end": END.isoformat(),
        "days": DAYS,
    }
    conn.execute(f"CREATE TABLE {META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute(f"INSERT INTO {META_TABLE} VALUES ('meta', ?)", (json.dumps(meta, sort_keys=True),))
    conn.execute("PRAGMA journal_mode=WAL")  # as Lantern's engines leave a file
    conn.close()
    meta["seconds"] = round(time.monotonic() - started, 1)
    os.replace(tmp, path)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    say(f"done: {path} ({path.stat().st_size / 2**20:.0f} MiB)")
    return meta


def staff_rows(
    conn: sqlite3.Connection, rng: random.Random, vocab: Vocabulary, all_plans: Sequence[Plan], messages: int
) -> None:
    """Staff accounts, reviews, conversation tags and message notes (a few thousand rows)."""
    now = _ts(END)
    users = [(1, ADMIN_USERNAME, "Bench Admin", hash_password(ADMIN_PASSWORD), "admin", True, None, 0, None, now, None)]
    reviewer_hash = hash_password("bench-reviewer-password")
    for i in range(REVIEWERS):
        role = "supervisor" if i == 0 else "reviewer"
        users.append(
            (i + 2, f"reviewer{i + 1}", f"Reviewer {i + 1}", reviewer_hash, role, True, None, 0, None, now, None)
        )
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO staff_users (id, username, display_name, password_hash, role, active, totp_secret, failed_logins, "
        "locked_until, created_at, last_login_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        users,
    )
    user_ids = [u[0] for u in users]
    # Reviews as a working team leaves them: crisis and check-in conversations older than two weeks
    # nearly all reviewed, recent ones partly; a sample of the others, any status.
    recent = END - dt.timedelta(days=RECENT_DAYS)
    old_crisis = Weighted([("reviewed", 0.97), ("needs_follow_up", 0.03)])
    new_crisis = Weighted([("reviewed", 0.4), ("needs_follow_up", 0.3), ("new", 0.3)])
    others = Weighted([("reviewed", 0.55), ("needs_follow_up", 0.25), ("new", 0.20)])
    review_rows, reviewed = [], []
    for p in all_plans:
        if p.crisis_level != "none":
            is_recent = p.started >= recent
            if rng.random() >= (0.6 if is_recent else 0.98):
                continue
            status = (new_crisis if is_recent else old_crisis)(rng)
        elif rng.random() < 0.01:
            status = others(rng)
        else:
            continue
        reviewed.append(p)
        assignee = rng.choice(user_ids) if rng.random() < 0.7 else None
        when = _ts(min(END, p.started + dt.timedelta(days=rng.uniform(0.1, 5))))
        review_rows.append((p.id, status, assignee, when, rng.choice(user_ids)))
    conn.executemany(
        "INSERT INTO staff_reviews (conversation_id, status, assignee_id, updated_at, updated_by) VALUES (?,?,?,?,?)",
        review_rows,
    )
    tagged: Dict[Tuple[str, str], Tuple[Any, ...]] = {}
    pool = reviewed + rng.sample(all_plans, min(len(all_plans), max(1, len(all_plans) // 50)))
    for _ in range(max(1, len(all_plans) * 4 // 100)):
        plan = rng.choice(pool)
        tag = vocab.tag(rng)
        tagged.setdefault(
            (plan.id, tag),
            (plan.id, tag, rng.choice(user_ids), _ts(plan.started + dt.timedelta(days=rng.uniform(0.1, 5)))),
        )
    conn.executemany(
        "INSERT INTO staff_conversation_tags (conversation_id, tag, user_id, created_at) VALUES (?,?,?,?)",
        sorted(tagged.values()),
    )
    notes = []
    for plan in rng.sample(reviewed, min(len(reviewed), max(1, len(all_plans) // 100))):
        rows = conn.execute(
            "SELECT id FROM transcript_messages WHERE conversation_id = ? ORDER BY seq", (plan.id,)
        ).fetchall()
        for (message_id,) in rng.sample(rows, min(len(rows), rng.randint(1, 3))):
            tag = vocab.message_tag(rng)
            flagged = rng.random() < 0.2
            comment = rng.choice(NOTE_COMMENTS) if tag is None or rng.random() < 0.5 else None
            when = _ts(plan.started + dt.timedelta(days=rng.uniform(0.1, 5)))
            notes.append((message_id, plan.id, tag, flagged, comment, rng.choice(user_ids), when))
    conn.executemany(
        "INSERT INTO staff_message_notes (message_id, conversation_id, tag, flagged, comment, user_id, created_at) "
        "VALUES (?,?,?,?,?,?,?)",
        notes,
    )
    conn.execute("COMMIT")


def default_path(conversations: int = CONVERSATIONS, messages: int = MESSAGES, seed: int = SEED) -> Path:
    return CACHE_DIR / f"staff-{conversations}c-{messages}m-s{seed}.db"


def ensure(
    path: Optional[Path] = None,
    conversations: int = CONVERSATIONS,
    messages: int = MESSAGES,
    seed: int = SEED,
    force: bool = False,
    quiet: bool = False,
) -> Tuple[Path, Dict[str, Any], bool]:
    """The generated file (made if missing or out of date), its bench_meta, and whether it was reused."""
    path = Path(path) if path else default_path(conversations, messages, seed)
    meta = read_meta(path)
    wanted = expected_meta(conversations, messages, seed)
    if not force and meta is not None and all(meta.get(k) == v for k, v in wanted.items()):
        return path, meta, True
    return path, generate(path, conversations, messages, seed, quiet=quiet), False


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.staff_data", description=__doc__.split("\n")[0])
    parser.add_argument("path", nargs="?", type=Path, help="database file (default: under var/bench/)")
    parser.add_argument("--conversations", type=int, default=CONVERSATIONS)
    parser.add_argument("--messages", type=int, default=MESSAGES)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--force", action="store_true", help="generate even if the file is up to date")
    args = parser.parse_args(argv)
    path, meta, reused = ensure(args.path, args.conversations, args.messages, args.seed, force=args.force)
    print(f"{path}: {'reused' if reused else 'generated in ' + str(meta.get('seconds')) + ' s'}")
    print(json.dumps({k: meta[k] for k in ("long_conversations", "search_words")}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
