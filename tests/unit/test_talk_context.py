"""Reading a short answer with the bot's previous message (lantern/nlu/talk_context.py), without a model."""

from __future__ import annotations

from typing import Any, Dict, Optional

import pytest

from lantern.nlu.talk_context import (
    CONTEXT_KEY,
    TurnContext,
    answer_kind,
    combine,
    is_negative,
    last_sentence,
)


def text_result(
    change: float = 0.1, neutral: float = 0.8, sustain: float = 0.1, ambivalent: bool = False
) -> Dict[str, Any]:
    """What the text model says, e.g. about a bare "yeah" (mostly neutral)."""
    probs = {"change": change, "neutral": neutral, "sustain": sustain}
    name = max(probs, key=probs.get)
    return {"name": name, "confidence": probs[name], "probabilities": probs, "ambivalent": ambivalent}


def ctx(talk: Optional[str], mi: Optional[str] = "complex_reflection", negative: bool = False) -> TurnContext:
    return TurnContext(prev_talk=talk, prev_mi=mi, prev_negative=negative)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("yeah", "agree"),
        ("Yeah.", "agree"),
        ("yes", "agree"),
        ("Yep!", "agree"),
        ("right", "agree"),
        ("exactly", "agree"),
        ("Exactly, yeah.", "agree"),
        ("true", "agree"),
        ("that's right", "agree"),
        ("mm hmm", "agree"),
        ("Mm-hmm.", "agree"),
        ("mhm", "agree"),
        ("uh-huh", "agree"),
        ("I do.", "agree"),
        ("yes i am", "agree"),
        ("oh yeah", "agree"),
        ("yeah yeah definitely", "agree"),
        ("sure", "agree"),
        ("[laughs] yeah", "agree"),
        ("absolutely", "agree"),
        ("for sure", "agree"),
        ("e-exactly", "agree"),
        ("i guess", "hedge"),
        ("I guess so.", "hedge"),
        ("kinda", "hedge"),
        ("kind of", "hedge"),
        ("yeah i guess", "hedge"),
        ("maybe", "hedge"),
        ("a little bit", "hedge"),
        ("i think so", "hedge"),
        ("no", "disagree"),
        ("No.", "disagree"),
        ("nah", "disagree"),
        ("nope", "disagree"),
        ("not really", "disagree"),
        ("No, not really.", "disagree"),
        ("i don't think so", "disagree"),
        ("i dont think so", "disagree"),
        ("not at all", "disagree"),
        ("never", "disagree"),
        # not answers: content of their own, acknowledgement only, or both ways at once
        ("yeah i want to quit for my kids", None),
        ("no i'm going to keep using", None),
        ("okay", None),
        ("mm", None),
        ("hmm", None),
        ("ok thanks", None),
        ("i don't know", None),
        ("yes and no", None),
        ("yeah, no", None),
        ("", None),
        ("   ", None),
        ("😀", None),
        (None, None),
        (42, None),
        ("yeah " * 20, None),
    ],
)
def test_answer_kind(text: Any, kind: Optional[str]) -> None:
    assert answer_kind(text) == kind


@pytest.mark.parametrize(
    "answer, talk, mi, negative, expected",
    [
        # agreement takes the side of what it agrees with
        ("yeah", "change", "complex_reflection", False, "change"),
        ("exactly", "change", "simple_reflection", False, "change"),
        ("mm hmm", "change", "summary", False, "change"),
        ("yes", "change", "closed_question", False, "change"),
        ("yeah", "sustain", "complex_reflection", False, "sustain"),
        ("right", "sustain", "simple_reflection", False, "sustain"),
        # ... also when the reflection is phrased with a negation ("you don't want to end up like him" - "yeah")
        ("yeah", "change", "complex_reflection", True, "change"),
        ("yeah", "sustain", "complex_reflection", True, "sustain"),
        # hedged agreement too (weak change talk is change talk)
        ("i guess", "change", "complex_reflection", False, "change"),
        ("kind of", "sustain", "complex_reflection", False, "sustain"),
        # disagreement with positively phrased change rejects it: sustain
        ("no", "change", "complex_reflection", False, "sustain"),
        ("not really", "change", "closed_question", False, "sustain"),
        # disagreement with positively phrased sustain rejects a reason not to change: change
        ("no", "sustain", "complex_reflection", False, "change"),
        ("not really", "sustain", "simple_reflection", False, "change"),
        # a bare "no" to a negatively phrased line may agree or reject: neutral
        ("no", "sustain", "complex_reflection", True, "neutral"),
        ("no", "change", "complex_reflection", True, "neutral"),
    ],
)
def test_short_answers_take_their_side_from_the_bot_message(
    answer: str, talk: str, mi: str, negative: bool, expected: str
) -> None:
    result = combine(text_result(), answer, ctx(talk, mi, negative))
    assert result["name"] == expected
    assert result["context_used"] is True
    assert result["ambivalent"] is False
    assert result["confidence"] == max(result["probabilities"].values()) >= 0.55
    assert abs(sum(result["probabilities"].values()) - 1.0) < 0.01


def test_hedges_and_disagreements_are_less_sure_than_agreement() -> None:
    agree = combine(text_result(), "yeah", ctx("change"))["confidence"]
    hedge = combine(text_result(), "i guess", ctx("change"))["confidence"]
    disagree = combine(text_result(), "no", ctx("change"))["confidence"]
    assert agree > hedge and agree > disagree


@pytest.mark.parametrize(
    "answer, context",
    [
        ("yeah", ctx("change", "open_question")),  # an open question proposes nothing to agree with
        ("yeah", ctx("change", "information")),  # acknowledging information
        ("yeah", ctx("change", "structure")),
        ("yeah", ctx("change", "affirm")),
        ("yeah", ctx("change", "permission")),
        ("yeah", ctx("change", None)),  # no MI code
        ("yeah", ctx("neutral", "complex_reflection")),  # a reflection of neither side
        ("yeah", ctx(None, "complex_reflection")),
        ("no", ctx(None, "closed_question")),
        ("okay", ctx("change", "complex_reflection")),  # acknowledgement, no stance
        ("i don't know", ctx("change", "closed_question")),
    ],
)
def test_no_side_to_take_keeps_the_text_reading(answer: str, context: TurnContext) -> None:
    text = text_result(change=0.2, neutral=0.7, sustain=0.1)
    assert combine(text, answer, context) == {**text, "context_used": False}


@pytest.mark.parametrize(
    "message",
    [
        "yeah i really want to stop for my kids",
        "no, it helps me sleep and i'm not giving it up",
        "i've been thinking about it a lot lately",
    ],
)
def test_longer_messages_keep_the_text_reading(message: str) -> None:
    text = text_result(change=0.3, neutral=0.2, sustain=0.5, ambivalent=True)
    assert combine(text, message, ctx("change")) == {**text, "context_used": False}


def test_without_context_the_text_reading_is_unchanged() -> None:
    text = text_result()
    assert combine(text, "yeah", None) == {**text, "context_used": False}
    odd = {"name": "neutral", "confidence": 0.33, "probabilities": {"neutral": 1.0}, "ambivalent": False}
    assert combine(odd, "yeah", ctx("change")) == {**odd, "context_used": False}


@pytest.mark.parametrize(
    "metadata, expected",
    [
        (
            {CONTEXT_KEY: {"prev_talk": "change", "prev_mi": "complex_reflection", "prev_negative": False}},
            TurnContext("change", "complex_reflection", False),
        ),
        (
            {CONTEXT_KEY: {"prev_talk": "sustain", "prev_mi": "simple_reflection", "prev_negative": True}},
            TurnContext("sustain", "simple_reflection", True),
        ),
        ({CONTEXT_KEY: {"prev_talk": None, "prev_mi": "open_question"}}, TurnContext(None, "open_question", False)),
        (
            {CONTEXT_KEY: {"prev_talk": "ambivalent", "prev_mi": "complex_reflection", "prev_negative": "yes"}},
            TurnContext(None, "complex_reflection", False),
        ),  # unknown labels dropped, only True counts
        ({CONTEXT_KEY: {"prev_talk": "change", "prev_mi": "<script>"}}, TurnContext("change", None, False)),
        ({CONTEXT_KEY: {"prev_talk": None, "prev_mi": None}}, None),
        ({CONTEXT_KEY: "change"}, None),
        ({CONTEXT_KEY: None}, None),
        ({"other": 1}, None),
        ({}, None),
        (None, None),
        ("text", None),
    ],
)
def test_context_from_metadata(metadata: Any, expected: Optional[TurnContext]) -> None:
    assert TurnContext.from_metadata(metadata) == expected


def test_context_round_trips_through_a_dict() -> None:
    context = TurnContext("change", "complex_reflection", True)
    assert TurnContext.from_metadata({CONTEXT_KEY: context.as_dict()}) == context


@pytest.mark.parametrize(
    "text, negative",
    [
        ("You're not ready to change it right now, and that's your call.", True),
        ("Stopping isn't where you're at right now.", True),
        ("You don't want to end up repeating what you saw.", True),
        ("It feels like things can't keep going the way they are.", True),
        ("Being there for your kids matters a lot to you.", False),
        ("Right now it's doing a job for you: it helps you get through.", False),
        # only the last sentence counts: that is what a short answer answers
        ("You didn't plan on any of this. You want things to be different now.", False),
        ("", False),
        (None, False),
    ],
)
def test_negation_of_the_last_sentence(text: Any, negative: bool) -> None:
    assert is_negative(text) is negative


def test_last_sentence() -> None:
    assert last_sentence("So you tried. What helped?") == "What helped?"
    assert last_sentence("Just one") == "Just one"
    assert last_sentence("Okay. ...") == "Okay."
