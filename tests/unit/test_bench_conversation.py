"""bench/conversation.py: the mechanical figures and the table of a coded run (no server needed)."""

from pathlib import Path

import pytest
import yaml

from bench import conversation as bc


def test_repeated_sentences_count_once_per_turn_and_leave_out_the_crisis_script():
    turns = [
        [{"text": "A person at the helpline can answer that. What else?"}],
        [{"text": "A person at the helpline can answer that."}],
        [{"text": "Call 911 now and give naloxone if you have it.", "custom": {"crisis": "overdose"}}],
        [{"text": "Call 911 now and give naloxone if you have it.", "custom": {"crisis": "overdose"}}],
    ]
    assert bc.repeated_sentences(turns) == ["a person at the helpline can answer that."]


def test_sms_texts_and_cut_off_fragments():
    short = [{"text": "Hi there."}, {"text": "What brings you here?"}]
    assert bc.sms_texts(short) == (2, 0)
    one_sentence = " ".join(["word"] * 90)  # ~450 characters, no sentence end: split between words
    texts, fragments = bc.sms_texts([{"text": one_sentence}])
    assert texts == 2 and fragments == 1


def write(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_score_reads_a_coded_run_and_refuses_a_missing_line(tmp_path: Path):
    people = write(tmp_path / "s.yml", {"people": [{"id": "p1", "who": "x", "lines": ["hi", "<new session>", "q?"]}]})
    lines = {
        "p1.1": {"code": "G", "sub": False, "q": False, "miti": []},
        "p1.2": {"code": "A", "sub": True, "q": True, "answered": True, "miti": ["GI", "CR"], "fit": True},
    }
    codes = write(
        tmp_path / "s.codes.yml", {"lines": lines, "globals": {"p1": {"cct": 3, "sst": 3, "part": 4, "emp": 4}}}
    )
    table = bc.score(people, codes)
    assert "| substantive (1) | 100% (1) | 0% (0) | 0% (0) | 0% (0) |" in table
    assert "direct questions answered directly and correctly: 100% (1) of 1" in table
    assert "Technical 3.0, Relational 4.0" in table
    del lines["p1.2"]
    write(codes, {"lines": lines, "globals": {}})
    with pytest.raises(ValueError, match="no code for p1.2"):
        bc.score(people, codes)


def test_crisis_markers_are_counted_per_reply():
    from bench.conversation import crisis_markers

    transcript = (
        "## a01\n\n[a01.1] PERSON: hi\n    BOT: Hi.\n"
        "[a01.2] PERSON: rough week\n    BOT: are you thinking about ending your life?  [crisis marker: check]\n"
        "[a01.3] PERSON: yes\n    BOT: Call 988.  [crisis marker: suicide]\n"
        "    BOT: Are you safe?  [crisis marker: suicide]\n"
    )
    assert crisis_markers(transcript) == "- replies with a crisis marker: 2 of 3 (1 with a check-in)"
