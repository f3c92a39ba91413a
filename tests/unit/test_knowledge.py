"""The knowledge base: the entry format trainers edit, topic words, retrieval, routing and the answer turn.

Retrieval is tested with a small word-hashing embedder standing in for the sentence encoder, so
these tests say what the scoring rules do; how well the real encoder finds entries is measured
blind in bench/knowledge.py (bench/README.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import List, Sequence

import numpy as np
import pytest
import yaml

from actions.base import Context
from actions.info import general_request, info_turn
from lantern.knowledge import entries, retrieval, routing, topics
from lantern.knowledge.answers import KNOWLEDGE_DIR, Answers, locale_fill

TODAY = dt.date(2026, 12, 7)


def entry_yaml(**overrides) -> dict:
    base = {
        "id": "t_narcan_cost",
        "topic": "naloxone",
        "asks": ["is narcan free", "how much is narcan", "narcan price", "do i pay for naloxone"],
        "answer": ["Naloxone is sold without a prescription in the US. If someone will not wake, call {emergency}."],
        "source": [{"name": "FDA", "url": "https://www.fda.gov/drugs"}],
        "reviewed": dt.date(2026, 12, 1),
    }
    base.update(overrides)
    return base


def problems_of(tmp_path: Path, *raw: dict) -> List[str]:
    path = tmp_path / "t.yml"
    path.write_text(yaml.safe_dump({"version": 1, "group": "t", "entries": list(raw)}), encoding="utf-8")
    return entries.check([path], TODAY)[1]


# ----------------------------------------------------------------------------- the format


def test_a_good_entry_has_no_problems(tmp_path):
    assert problems_of(tmp_path, entry_yaml()) == []


@pytest.mark.parametrize(
    "override,problem",
    [
        ({"id": "Bad Id"}, "id must be"),
        ({"topic": "vibes"}, "topic 'vibes'"),
        ({"asks": ["one", "two"]}, "asks needs 4 to 8"),
        ({"asks": ["is it free", "Is it  free", "cost", "price"]}, "two asks are the same"),
        ({"answer": []}, "answer is a list"),
        ({"answer": ["a", "b", "c"]}, "answer is a list"),
        ({"answer": ["x" * 301]}, "characters with numbers filled in"),
        ({"answer": ["It\u2019s free \u2014 mostly."]}, "not plain SMS text"),
        ({"answer": ["Call 911 now."]}, "write numbers as placeholders"),
        ({"answer": ["Call 1-800-662-4357."]}, "write numbers as placeholders"),
        ({"answer": ["Call {ambulance}."]}, "unknown placeholder"),
        ({"answer": ["Want to know more?"]}, "ends with a question"),
        ({"source": []}, "source is a list"),
        ({"source": [{"name": "CDC", "url": "http://cdc.gov"}]}, "https://"),
        ({"reviewed": "last year"}, "reviewed must be a date"),
        ({"reviewed": dt.date(2027, 1, 1)}, "in the future"),
        ({"reviewed": dt.date(2020, 1, 1)}, "check it again"),
        ({"locales": ["en-GB"]}, "locales is a list"),
        ({"safety": "yes"}, "safety is true or false"),
        ({"colour": "red"}, "unknown key 'colour'"),
    ],
)
def test_each_rule_names_the_problem(tmp_path, override, problem):
    found = problems_of(tmp_path, entry_yaml(**override))
    assert any(problem in p for p in found), found


def test_a_placeholder_counts_at_its_longest_value(tmp_path):
    text = "x" * 290 + " {substance_helpline}"  # 291 characters as written, 305 filled in
    assert any("characters with numbers filled in" in p for p in problems_of(tmp_path, entry_yaml(answer=[text])))


def test_ids_and_asks_used_twice_are_found(tmp_path):
    assert any("used twice" in p for p in problems_of(tmp_path, entry_yaml(), entry_yaml()))
    found = problems_of(tmp_path, entry_yaml(), entry_yaml(id="t_other"))
    assert any("belongs to two entries" in p for p in found)


def test_the_same_ask_may_belong_to_a_us_and_a_canadian_entry(tmp_path):
    us = entry_yaml(id="t_us", locales=["en-US"])
    ca = entry_yaml(id="t_ca", locales=["en-CA"])
    assert problems_of(tmp_path, us, ca) == []


def test_a_file_that_is_not_yaml_is_one_clear_problem(tmp_path):
    path = tmp_path / "broken.yml"
    path.write_bytes(b"\xff\xfe: [")
    assert len(entries.check([path], TODAY)[1]) == 1


def test_load_raises_with_every_problem(tmp_path):
    (tmp_path / "t.yml").write_text(
        yaml.safe_dump({"version": 1, "entries": [entry_yaml(id="X"), entry_yaml(id="t_two", topic="?")]})
    )
    with pytest.raises(entries.KnowledgeError) as raised:
        entries.load(tmp_path, TODAY)
    assert "id must be" in str(raised.value) and "topic '?'" in str(raised.value)


def test_render_fills_numbers_and_never_leaves_braces():
    entry = entries.parse_file(_write(entry_yaml(answer=["Call {emergency} or {poison_control}."])), TODAY)[0][0]
    assert entry.render({"emergency": "911"}) == ["Call 911 or a local helpline."]


def _write(raw: dict) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "one.yml"
    path.write_text(yaml.safe_dump({"version": 1, "entries": [raw]}), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- the project's own files


def test_the_project_knowledge_files_pass_the_check():
    found, problems = entries.check(entries.knowledge_files(KNOWLEDGE_DIR))
    assert problems == []
    assert found, "no knowledge entries"


def test_the_project_topic_words_pass_the_check():
    data = yaml.safe_load((KNOWLEDGE_DIR / "topics.yml").read_text(encoding="utf-8"))
    parsed, problems = topics.parse(data)
    assert problems == []
    assert set(parsed) == set(entries.TOPICS)


@pytest.mark.parametrize("locale", ["en-US", "en-CA"])
def test_every_placeholder_has_a_value_in_each_locale(locale):
    fill = locale_fill(locale)
    assert set(entries.PLACEHOLDERS) <= set(fill), sorted(set(entries.PLACEHOLDERS) - set(fill))


# ----------------------------------------------------------------------------- topic words

WORDS = topics.TopicWords(
    {
        "buprenorphine": topics.Topic("buprenorphine", "buprenorphine (suboxone)", ("subs", "suboxone"), True),
        "methadone": topics.Topic("methadone", "methadone", ("methadone", "done clinic"), True),
        "costs_insurance": topics.Topic("costs_insurance", "cost", ("free", "cost", "medicaid"), False),
        "naloxone": topics.Topic("naloxone", "naloxone (narcan)", ("narcan", "naloxone"), True),
    }
)


def test_topics_are_named_in_order_and_only_carried_ones_carry():
    assert WORDS.named("is the done clinic free or are subs cheaper") == [
        "methadone",
        "costs_insurance",
        "buprenorphine",
    ]
    assert WORDS.carried("is it free") is None
    assert WORDS.carried("Are SUBS free?") == "buprenorphine"


def test_topic_words_must_be_plain_words():
    _, problems = topics.parse({"version": 1, "topics": {"family": {"label": "family", "words": ["al-anon"]}}})
    assert problems and "plain words" in problems[0]


# ----------------------------------------------------------------------------- retrieval


def hashed(texts: Sequence[str]) -> np.ndarray:
    """A stand-in encoder: each word adds to one of 256 dimensions; unit vectors."""
    out = np.zeros((len(texts), 256), dtype=np.float32)
    for i, text in enumerate(texts):
        for word in re.findall(r"[a-z]+", text.lower()):
            out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % 256] += 1.0
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def make_entry(entry_id: str, topic: str, asks: Sequence[str], answer: str = "An answer.") -> entries.Entry:
    return entries.Entry(entry_id, topic, tuple(asks), (answer,), (entries.Source("CDC", "https://cdc.gov"),), TODAY)


ENTRIES = [
    make_entry("bup_cost", "buprenorphine", ["how much does suboxone cost", "is suboxone free", "price of subs"]),
    make_entry("met_cost", "methadone", ["how much does methadone cost", "is methadone free", "price of methadone"]),
    make_entry("narcan_what", "naloxone", ["what does narcan do", "how does naloxone work", "what is narcan"]),
]
INDEX = retrieval.Index.build(ENTRIES, WORDS, hashed)


def embed_one(text: str) -> np.ndarray:
    return hashed([text])[0]


def test_the_entry_asked_about_comes_first():
    reading = retrieval.read("what does narcan do exactly", INDEX, WORDS, embed_one)
    assert reading.best[0] == "narcan_what"


def test_a_follow_up_is_read_through_the_conversations_topic():
    plain = retrieval.read("how much does it cost", INDEX, WORDS, embed_one)
    about_methadone = retrieval.read("how much does it cost", INDEX, WORDS, embed_one, conversation_topic="methadone")
    about_subs = retrieval.read("how much does it cost", INDEX, WORDS, embed_one, conversation_topic="buprenorphine")
    assert about_methadone.best[0] == "met_cost" and about_methadone.context_topic == "methadone"
    assert about_subs.best[0] == "bup_cost"
    assert plain.context_topic is None


def test_a_named_topic_wins_over_the_conversations_topic():
    reading = retrieval.read("is methadone free", INDEX, WORDS, embed_one, conversation_topic="buprenorphine")
    assert reading.best[0] == "met_cost" and reading.topic == "methadone" and reading.context_topic is None


def test_the_index_survives_a_round_trip():
    again = retrieval.Index.from_parts(INDEX.to_dict(), INDEX.weights)
    assert retrieval.read("is suboxone free", again, WORDS, embed_one).best[0] == "bup_cost"
    assert np.allclose(again.probabilities(embed_one("narcan")), INDEX.probabilities(embed_one("narcan")))


def test_probabilities_are_a_distribution_and_a_wrong_sized_vector_reads_as_nothing():
    p = INDEX.probabilities(embed_one("what is narcan"))
    assert p.sum() == pytest.approx(1.0) and p.argmax() == INDEX.ids.index("narcan_what")
    assert not INDEX.probabilities(np.ones(3)).any()


def test_an_index_of_one_entry_answers_nothing():
    one = retrieval.Index.build(ENTRIES[:1], WORDS, hashed)
    assert retrieval.read("is suboxone free", one, WORDS, embed_one).best[1] < retrieval.ANSWER_MIN


def test_training_texts_are_the_asks_and_each_answer_sentence():
    entry = make_entry("x", "naloxone", ["a", "b", "c", "d"], "One. Two! Three")
    texts, owners = retrieval.training_texts([entry])
    assert texts == ["a", "b", "c", "d", "One.", "Two!", "Three"] and owners == [0] * 7


# ----------------------------------------------------------------------------- routing


@pytest.mark.parametrize(
    "text,expected",
    [
        ("is narcan free", True),
        ("would subs make me feel anything", True),
        ("been on subs 2 yrs and my job tests, will it show up", True),
        ("tell me about vivitrol", True),
        ("i went to a meeting last night", False),
        ("", False),
        (None, False),
    ],
)
def test_asks(text, expected):
    assert routing.asks(text) is expected


@pytest.mark.parametrize(
    "intent,confidence,asked,score,expected",
    [
        ("share", 0.9, True, 0.8, "ask_info"),  # a question read as sharing, with an entry close to it
        ("share", 0.9, True, 0.1, None),  # nothing close: the conversation goes on
        ("share", 0.9, False, 0.9, None),  # not a question
        ("nlu_fallback", 0.2, True, 0.1, "ask_info"),  # a question nobody understood: the honest "I don't know"
        ("crisis_overdose", 1.0, True, 0.99, None),  # a crisis keeps its intent
        ("stop", 0.5, True, 0.99, None),
        ("ask_privacy", 0.9, True, 0.99, None),  # a confident intent that answers questions itself
        ("ask_privacy", 0.4, True, routing.ANSWER_MIN + 0.1, "ask_info"),  # an unsure one yields to a clear entry
        ("ask_privacy", 0.4, True, routing.ANSWER_MIN + 0.01, None),
        ("ask_info", 0.9, True, 0.9, None),  # already there
    ],
)
def test_route(intent, confidence, asked, score, expected):
    assert routing.route(intent, confidence, asked, score) == expected


@pytest.mark.parametrize(
    "intent,score,text,expected",
    [
        # a question read as a flow's intent is still a question: the entry, or the honest "I don't know"
        ("share", 0.05, "will the clinic kick me out if i test positive for fent?", "ask_info"),
        ("concerned_other", 0.05, "can i force my 22 yr old into rehab", "ask_info"),
        # ... but a feeling said as a question is reflected
        ("share", 0.05, "why do i keep doing this?", None),
        ("share", 0.05, "do you think i can actually quit?", None),
        # privacy answers about Lantern; a question about a doctor's or the police's rules is knowledge
        ("ask_privacy", 0.9, "can police get my methadone clinic records", "ask_info"),
        ("ask_privacy", 0.9, "who can read this chat?", None),
        # a referral finds places; "can i get subs thru telehealth" is a question about how
        ("referral_request", 0.9, "can i get suboxone thru telehealth", "ask_info"),
        ("referral_request", 0.9, "where can i get suboxone near me", None),
    ],
)
def test_questions_of_another_kind_go_to_the_knowledge_base(intent, score, text, expected):
    assert routing.route(intent, 0.9, routing.asks(text), score, False, text) == expected


@pytest.mark.parametrize(
    "intent,score,safety,expected",
    [
        ("share", routing.RISK_MIN, True, "ask_info"),  # "just got out yesterday": the safety facts
        ("share", routing.RISK_MIN - 0.01, True, None),
        ("share", 0.99, False, None),  # a statement close to an ordinary entry is not a question
        ("greet", 0.99, True, None),
        ("referral_request", 0.99, True, None),
    ],
)
def test_a_statement_with_a_risk_goes_to_the_safety_facts(intent, score, safety, expected):
    assert routing.route(intent, 0.9, False, score, safety) == expected


# ----------------------------------------------------------------------------- choosing and the answer turn

US_ONLY = entries.Entry(
    "t_us", "legal", ("a", "b", "c", "d"), ("US law: call {emergency}.",), (entries.Source("x", "https://x.org"),),
    TODAY, ("en-US",),
)  # fmt: skip
CA_ONLY = entries.Entry(
    "t_ca",
    "legal",
    ("a", "b", "c", "d"),
    ("Canadian law.",),
    (entries.Source("x", "https://x.org"),),
    TODAY,
    ("en-CA",),
)
ANSWERS_US = Answers(
    {"t_us": US_ONLY, "t_ca": CA_ONLY}, "en-US", {"emergency": "911", "substance_helpline": "Line (1)"}
)
HIGH = retrieval.ANSWER_MIN + 0.1


def test_choose_skips_entries_of_another_locale_and_below_the_threshold():
    assert ANSWERS_US.choose({"candidates": [["t_ca", HIGH], ["t_us", HIGH - 0.01]]}).id == "t_us"
    assert ANSWERS_US.choose({"candidates": [["t_us", retrieval.ANSWER_MIN - 0.01]]}) is None
    assert ANSWERS_US.choose({"candidates": [["t_us", HIGH]]}, skip="t_us") is None
    assert ANSWERS_US.choose({"candidates": [["nope", HIGH], ["t_us", HIGH]]}).id == "t_us"
    assert ANSWERS_US.choose({"candidates": "garbage"}) is None
    assert ANSWERS_US.choose({}) is None


def test_an_entry_is_answered_with_numbers_filled_then_the_elicit_question():
    context = Context.plain("good samaritan law?", knowledge={"candidates": [["t_us", HIGH]], "asks": True})
    turn = info_turn(context, answers=ANSWERS_US)
    assert turn.messages[0].text == "US law: call 911."
    assert turn.messages[-1].mi == "open_question"
    assert turn.slots["last_entry"] == "t_us" and turn.slots["last_prompt"] == "elicit"


def test_a_risky_statement_gets_a_short_lead_into_the_safety_facts():
    risky = entries.Entry(
        "t_jail", "jail_release", ("a", "b", "c", "d"), ("Tolerance drops fast inside.",),
        (entries.Source("x", "https://x.org"),), TODAY, safety=True,
    )  # fmt: skip
    answers = Answers({"t_jail": risky}, "en-US", {})
    statement = Context.plain("just got out yesterday", knowledge={"candidates": [["t_jail", 0.8]], "asks": False})
    question = Context.plain("is my tolerance lower", knowledge={"candidates": [["t_jail", 0.8]], "asks": True})
    led = info_turn(statement, answers=answers).messages[0].text
    assert led.endswith("Tolerance drops fast inside.") and led != "Tolerance drops fast inside."
    assert info_turn(question, answers=answers).messages[0].text == "Tolerance drops fast inside."


def test_a_specific_question_without_an_entry_gets_an_honest_i_dont_know_and_a_person():
    context = Context.plain("how long does methadone stay in breast milk", knowledge={"candidates": [], "asks": True})
    turn = info_turn(context, answers=ANSWERS_US)
    texts = " ".join(m.text for m in turn.messages)
    assert "guess" in texts and "Line (1)" in texts
    assert "methadone" not in texts.lower()  # not the methadone overview in place of the answer


def test_a_general_request_without_an_entry_still_gets_the_topic_overview():
    context = Context.plain("tell me about methadone", knowledge={"candidates": [], "asks": True})
    turn = info_turn(context, answers=ANSWERS_US)
    assert "methadone" in turn.messages[0].text.lower()


@pytest.mark.parametrize(
    "text,expected",
    [("tell me about vivitrol", True), ("narcan?", True), ("what about tolerance", True), ("is methadone free", False)],
)
def test_general_request(text, expected):
    assert general_request(text) is expected


def test_before_a_check_in_the_answer_asks_no_question_of_its_own():
    context = Context.plain(
        "how long before the 2nd narcan",
        knowledge={"candidates": [["t_us", HIGH]], "asks": True},
        intent="crisis_check",
    )
    turn = info_turn(context, answers=ANSWERS_US)
    assert [m.mi for m in turn.messages] == ["information"]


@pytest.mark.parametrize(
    "text,kind",
    [
        ("how many mg of subs should i take to get off 3 grams a day", "dose"),
        ("how much xanax should i take to come down", "dose"),
        ("where can i cop real pills that arent pressed", "buy"),
        ("know a good plug for subs?", "buy"),
        ("does synthetic pee work for a PO test", "test"),
        ("how do i pass a drug test by friday", "test"),
        ("how much water do i need to flush fent out by monday", "test"),
        # answered, never handed off
        ("how much narcan do i give", None),
        ("how long does fent stay in urine", None),
        ("where can i get subs", None),
        ("what dose does a methadone clinic usually start at?", "dose"),
    ],
)
def test_questions_for_a_person(text, kind):
    assert routing.for_a_person(text) == kind


def test_a_question_for_a_person_goes_to_action_info_whatever_its_intent():
    text = "how many mg of subs should i take"
    assert routing.route("share", 0.9, True, 0.0, False, text) == "ask_info"
    assert routing.route("crisis_check", 1.0, True, 0.9, False, text) is None  # a crisis reading still wins


@pytest.mark.parametrize("kind", ["dose", "buy", "test"])
def test_a_question_for_a_person_is_declined_plainly_with_who_can_help(kind):
    context = Context.plain("x", knowledge={"candidates": [["t_us", HIGH]], "asks": True, "for_a_person": kind})
    turn = info_turn(context, answers=ANSWERS_US)
    assert turn.messages[0].text.startswith(("How much", "I can't"))
    assert "Line (1)" in turn.messages[1].text and "t_us" != turn.slots["last_entry"]
