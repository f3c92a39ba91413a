"""Encoder vectors kept on disk between trainings, so a new example costs only itself.

Why: `rasa train` re-runs every NLU component whose input changed, and one new NLU example
changes the input of all of them. Without this each training re-encoded the ~7,000 training
texts through the sentence encoder (about 100 s of a 130 s training here); with it a training
encodes only the texts it has not seen, and reads the rest from one SQLite file.

A vector is keyed by the SHA-256 of its text and by what makes the vector: the encoder's weights
(its digest) and the source of the code that runs them (sentence_encoder.py, wordpiece.py). A
change to either starts a fresh set of keys; old rows are dropped when the file is opened for a
new key. The store is a cache: any error reading or writing it is logged and the texts are
encoded as if it were not there. `LANTERN_ENCODER_CACHE=off` turns it off.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np

logger = logging.getLogger(__name__)

CHUNK = 500  # keys per SELECT: under SQLite's variable limit
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS vectors "
    "(model TEXT NOT NULL, key BLOB NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model, key))"
)


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class VectorStore:
    """One SQLite file of (model, sha256(text)) -> float32 vector."""

    def __init__(self, path: Path, model: str, dim: int) -> None:
        self.path, self.model, self.dim = Path(path), model, dim
        self._pruned = False

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.path), timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(SCHEMA)
        if not self._pruned:  # vectors of another encoder or older code are never read again
            with conn:
                conn.execute("DELETE FROM vectors WHERE model != ?", (self.model,))
            self._pruned = True
        return conn

    def get_many(self, keys: Sequence[bytes]) -> Dict[bytes, np.ndarray]:
        found: Dict[bytes, np.ndarray] = {}
        with closing(self._connect()) as conn:
            for start in range(0, len(keys), CHUNK):
                chunk = list(keys[start : start + CHUNK])
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT key, vector FROM vectors WHERE model = ? AND key IN ({marks})", [self.model, *chunk]
                )
                for key, blob in rows:
                    vector = np.frombuffer(blob, dtype=np.float32)
                    if vector.shape == (self.dim,):
                        found[bytes(key)] = vector
        return found

    def put_many(self, items: Dict[bytes, np.ndarray]) -> None:
        with closing(self._connect()) as conn, conn:
            conn.executemany(
                "INSERT OR REPLACE INTO vectors (model, key, vector) VALUES (?, ?, ?)",
                [(self.model, key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in items.items()],
            )


def encode_through(
    store: Optional[VectorStore], texts: Sequence[str], encode: Callable[[List[str]], np.ndarray], dim: int
) -> np.ndarray:
    """Vectors of `texts`, the known ones from `store` and the rest from `encode` (then stored)."""
    if store is None or not texts:
        return encode(list(texts))
    keys = [text_key(t) for t in texts]
    try:
        known = store.get_many(sorted(set(keys)))
    except sqlite3.Error as exc:
        logger.warning("Encoder vector cache %s unreadable (%s): encoding every text.", store.path, exc)
        return encode(list(texts))
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
    if missing:
        fresh = encode([t for _, t in missing])
        new = {k: fresh[i] for i, (k, _) in enumerate(missing)}
        known.update(new)
        try:
            store.put_many(new)
        except sqlite3.Error as exc:
            logger.warning("Encoder vector cache %s not written (%s).", store.path, exc)
    logger.info("Encoder vectors of %d texts: %d new ones encoded, the rest from the cache.", len(texts), len(missing))
    out = np.empty((len(texts), dim), dtype=np.float32)
    for i, key in enumerate(keys):
        out[i] = known[key]
    return out
