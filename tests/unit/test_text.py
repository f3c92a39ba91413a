"""The shared text normaliser and negation rule (lantern/text.py) that every message reader builds on."""

from __future__ import annotations

import time

import pytest

from lantern import text
from lantern.text import as_text, fold, negated, negation_scope, normalise, plain_words, tokens
from lantern.text import has_negation as text_has_negation

# ---------------------------------------------------------------- normalise


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("I don\u2019t want to QUIT", "i don't want to quit"),  # right single quote
        ("\u2018quoted\u2019", "'quoted'"),  # left and right single quotes
        ("don\u00b4t", "don't"),  # acute accent typed as an apostrophe
        ("don`t", "don't"),  # backtick
        ("don\u02bct", "don't"),  # modifier letter apostrophe
        ("don\uff07t", "don't"),  # fullwidth apostrophe
    ],
)
def test_apostrophe_lookalikes_become_one_apostrophe(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@pytest.mark.parametrize(
    "raw", ["my\u200bself", "my\u200dself", "\ufeffmyself", "my\u00adself", "my\u2060self", "my\U000e0041self"]
)
def test_zero_width_and_invisible_characters_are_dropped(raw: str) -> None:
    assert normalise(raw) == "myself"


def test_accents_are_folded() -> None:
    assert normalise("Café NAÏVE José Ramón") == "cafe naive jose ramon"
    assert normalise("cafe\u0301") == "cafe"  # decomposed accent too


def test_fullwidth_letters_and_ligatures_become_ascii() -> None:
    assert normalise("\uff28\uff25\uff2c\uff30 me") == "help me"
    assert normalise("\ufb01ne") == "fine"


def test_lookalikes_that_compatibility_form_produces_are_mapped_too() -> None:
    # Mathematical bold small omicron is a Greek omicron in NFKC, and that is an "o" look-alike.
    assert normalise("\U0001d6d0k") == "ok"


def test_cyrillic_lookalikes_become_latin() -> None:
    assert normalise("\u0455\u0440\u0435\u0435\u0501 \u0441\u043e\u0441\u0430ine") == "speed cocaine"


def test_control_characters_become_spaces() -> None:
    assert normalise("help\x00me\x1fnow\x7f\x85please\ufffdok") == "help me now please ok"
    assert normalise("hes\nnot\tbreathing\u2028now") == "hes not breathing now"


def test_whitespace_is_one_space_and_ends_are_trimmed() -> None:
    assert normalise("  i   want \u00a0 to\u3000stop  ") == "i want to stop"


def test_case_is_lowered_not_casefolded() -> None:
    assert normalise("STRASSE Straße") == "strasse straße"  # the trained models saw str.lower()


def test_huge_input_is_cut_and_fast() -> None:
    huge = "help me " * 500_000
    start = time.perf_counter()
    out = normalise(huge)
    assert len(out) <= text.MAX_CHARS
    assert out.startswith("help me help")
    assert normalise(huge, max_chars=10) == "help me he"
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, ""),
        (b"caf\xc3\xa9", "cafe"),
        (b"\xff\xfeok", "ok"),
        (42, "42"),
        (bytearray(b"HI"), "hi"),
        (["a"], "['a']"),
    ],
)
def test_any_value_is_read_as_text(value: object, expected: str) -> None:
    assert normalise(value).replace("\ufffd", "") == expected


def test_as_text_decodes_bad_bytes_without_raising() -> None:
    assert as_text(b"\xff") == "\ufffd"
    assert as_text(memoryview(b"ok")) == "ok"


def test_fold_keeps_spacing_for_readers_that_need_it() -> None:
    assert fold("H  E\u200bL P\n") == "h  el p "


def test_plain_words_drop_apostrophes_and_symbols() -> None:
    assert plain_words("I don\u2019t need NARCAN!! (near 45402)") == "i dont need narcan near 45402"
    assert plain_words("not narcan, subs. caf\u00e9?", clauses=True) == "not narcan | subs | cafe |"


def test_a_clause_bar_ends_the_scope() -> None:
    clause = plain_words("not narcan, subs", clauses=True)
    assert negated(clause, clause.index("narcan"))
    assert not negated(clause, clause.index("subs"))


# ---------------------------------------------------------------- negation


@pytest.mark.parametrize(
    "sentence, word, expected",
    [
        ("i dont want to stop", "stop", True),
        ("i do not want to stop", "stop", True),
        ("i never want to stop", "stop", True),
        ("nobody here got narcan", "narcan", True),
        ("i havent decided yet", "decided", True),
        ("i want to stop", "stop", False),
        ("no, i want to stop", "stop", False),  # the comma ends the scope
        ("i dont drink but i want to stop", "stop", False),  # "but" ends the scope
        ("not sure. i want to stop", "stop", False),  # so does a full stop
        ("i do not know if i really want to stop", "stop", False),  # more than four words on
        ("not only do i want to stop", "stop", False),  # "not only" affirms
        ("not only", "only", False),
    ],
)
def test_negated_within_and_outside_scope(sentence: str, word: str, expected: bool) -> None:
    assert negated(sentence, sentence.rindex(word)) is expected


def test_reach_widens_or_narrows_the_scope() -> None:
    sentence = "i dont see the point in stopping"
    assert not negated(sentence, sentence.index("stopping"))
    assert negated(sentence, sentence.index("stopping"), reach=5)
    assert not negated("never carry my narcan", len("never carry my "), reach=2)


def test_a_readers_own_phrases_add_to_the_word_list() -> None:
    sentence = "instead of narcan"
    assert not negated(sentence, sentence.index("narcan"))
    assert negated(sentence, sentence.index("narcan"), also=["instead of"])


def test_negation_scope_marks_up_to_four_words_after_a_negator() -> None:
    words = tokens("i do not want to go back there again , i want out")
    inside = [w for w, neg in zip(words, negation_scope(words), strict=False) if neg]
    assert inside == ["want", "to", "go", "back"]


def test_a_second_negator_restarts_the_scope_without_cancelling_it() -> None:
    # "cant not" (double negation) is not read as a positive: the later negator governs what follows.
    words = tokens("i cant not use")
    assert negation_scope(words) == [False, False, False, True]


def test_negators_and_scope_ends_are_never_themselves_in_scope() -> None:
    words = tokens("not no , never but")
    assert negation_scope(words) == [False] * len(words)


def test_tokens_keep_inner_apostrophes_and_clause_punctuation() -> None:
    assert tokens("i'm not sure, really?") == ["i'm", "not", "sure", ",", "really", "?"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("You're not ready to stop.", True),
        ("You don\u2019t want to go back there.", True),
        ("Nobody's going to tell you what to do.", True),
        ("You hadn't thought about it that way.", True),
        ("You want to be there for your kids.", False),
        ("Nothing like that.", True),
        ("Not only that, you want more.", False),
        ("Snow is cold.", False),
        ("", False),
        (None, False),
    ],
)
def test_has_negation_reads_the_whole_text(text, expected):
    assert text_has_negation(text) is expected


def test_the_longest_bot_message_fits_two_sms_segments_and_one_more_character_does_not():
    from rasa_plugins.channels.sms_text import segment_count, split_for_sms

    assert segment_count("a" * text.MESSAGE_CHARS) == 2
    assert segment_count("a" * (text.MESSAGE_CHARS + 1)) == 3
    assert len(split_for_sms("word " * (text.MESSAGE_CHARS // 5))) == 1
