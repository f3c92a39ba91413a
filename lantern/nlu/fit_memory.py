"""The last fit of each linear model, kept on disk so the next training can start from it.

Why: one new NLU example changes the input of every NLU component, and each of the linear models
(intents, talk type, the crisis readings) was then fitted from zero: four solver runs each (three
for the calibration folds, one for the model), two to three minutes on this machine. Most trainings
change a few examples, and the solution for nearly the same examples is nearly the same.

So each fit with a `slot` name (lantern/nlu/linear_model.py `fit(..., memory=slot)`) leaves here its
model, the digests of its examples and a digest of its settings. The next fit of that slot:

- with exactly the same examples, vectors and settings takes the stored model as it is (a cache);
- with the same settings and labels, and examples that differ from the last calibration by at most
  RECALIBRATE_SHARE of them, starts the solver from the stored weights and keeps the temperature
  (one short solver run);
- otherwise fits from zero, as without this file.

While a process fits a slot, `<slot>.fitting` names it and the examples: another process about to fit the
same examples (tools/prefit.py fits ahead beside `rasa train`) waits for that fit rather than repeating it.

Beside each fit, `<slot>.features.json` keeps the features extracted from each text (`features`), so
only new texts are run through the feature code.

The problem is strictly convex, so a warm start reaches the same solution, to the solver's
tolerance. `LANTERN_FIT_MEMORY=off` (or `make train FORCE=1`, which sets it) fits everything from
zero. Any error reading the file means a fit from zero; any error writing it is logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

logger = logging.getLogger(__name__)

CLAIM_WAIT_S = 300.0  # longest wait for another process fitting the same examples
RECALIBRATE_SHARE = 0.02  # more changed examples than this since the last calibration: fit from zero
FORMAT = 1


def example_keys(texts: Sequence[str], labels: Sequence[str]) -> List[str]:
    """One short digest per (label, text)."""
    return [
        hashlib.sha1(f"{label}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
        for text, label in zip(texts, labels, strict=True)
    ]


@dataclass
class Recalled:
    """What the memory offers a fit: the model itself (exact) or a start, and how far from calibration."""

    model: Dict[str, Any]
    exact: bool
    changed_since_calibration: int


def _directory() -> Optional[Path]:
    from lantern.settings import load

    return load().fit_memory_dir


def _file(slot: str) -> Optional[Path]:
    directory = _directory()
    if directory is None:
        return None
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in slot)
    return directory / f"{safe}.json"


def recall(slot: str, settings_digest: str, keys: Sequence[str], inputs_digest: str) -> Optional[Recalled]:
    """The stored fit of `slot` when it can serve this one (see the module docstring), else None.

    Anything but an exact fit means the caller fits now: the slot is claimed for these examples until
    `remember`, and another process about to fit the same examples waits for this fit instead.
    """
    path = _file(slot)
    if path is None:
        return None
    claim = _file(f"{slot}.fitting")
    assert claim is not None
    if _wait_for_other(claim, settings_digest, inputs_digest):
        logger.info("Fit memory %s: another process fitted the same examples; waited for it.", slot)
    found = _recall(path, slot, settings_digest, keys, inputs_digest)
    if found is None or not found.exact:
        _write(claim, {"settings": settings_digest, "inputs": inputs_digest, "pid": os.getpid()})
    return found


def _wait_for_other(claim: Path, settings_digest: str, inputs_digest: str) -> bool:
    """Wait while another live process fits these very examples (tools/prefit.py beside `rasa train`)."""
    deadline, waited = time.monotonic() + CLAIM_WAIT_S, False
    while time.monotonic() < deadline:
        try:
            data = json.loads(claim.read_text(encoding="utf-8"))
            pid = data["pid"]
        except (OSError, ValueError, KeyError, TypeError):
            return waited
        same = data.get("settings") == settings_digest and data.get("inputs") == inputs_digest
        if not same or not isinstance(pid, int) or pid == os.getpid() or not _alive(pid):
            return waited
        waited = True
        time.sleep(0.1)
    return waited


def _alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie, dead but not yet collected, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True  # no /proc: alive as far as we can tell
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def _recall(path: Path, slot: str, settings_digest: str, keys: Sequence[str], inputs_digest: str) -> Optional[Recalled]:
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("settings") != settings_digest:
            return None
        if data.get("inputs") == inputs_digest:
            logger.info("Fit memory %s: the same examples as its last fit; that fit is used.", slot)
            return Recalled(data["model"], True, int(data["changed_since_calibration"]))
        before, now = set(data["keys"]), set(keys)
        changed = int(data["changed_since_calibration"]) + len(before ^ now)
        if changed > RECALIBRATE_SHARE * max(len(keys), 1):
            return None
        return Recalled(data["model"], False, changed)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        logger.warning("Fit memory %s unreadable (%s): fitting from zero.", path, exc)
        return None


def features(
    slot: str, settings_digest: str, texts: Sequence[str], extract: Callable[[str], Sequence[Dict[str, float]]]
) -> List[Tuple[Dict[str, float], ...]]:
    """`extract(text)` for each text, taken from the slot's last training where the text was there.

    Why: the crisis model's features run the crisis detector over 9,000 texts (5 s of a training); a new
    example costs only its own. Kept beside the fit under the same settings digest, which changes with
    the feature code, so a stored feature is never older than the code that would extract it.
    """
    path = _file(f"{slot}.features")
    if path is None:
        return [tuple(extract(text)) for text in texts]
    stored: Dict[str, Any] = {}
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") == FORMAT and data.get("settings") == settings_digest:
                stored = dict(data["features"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            logger.warning("Feature memory %s unreadable (%s): extracting again.", path, exc)
    kept: Dict[str, Any] = {}
    out: List[Tuple[Dict[str, float], ...]] = []
    for text in texts:
        key = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]
        found = stored.get(key)
        if not isinstance(found, list):
            found = [dict(group) for group in extract(text)]
        kept[key] = found
        out.append(tuple(found))
    if kept.keys() != stored.keys():
        _write(path, {"format": FORMAT, "settings": settings_digest, "features": kept})
    return out


def _write(path: Path, data: Dict[str, Any]) -> None:
    """`data` as the JSON of `path`, atomically (a half-written file is never read); an error is logged."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False, encoding="utf-8") as f:
            f.write(json.dumps(data))  # dumps is the C encoder; json.dump to a file is pure Python
        os.replace(f.name, path)
    except OSError as exc:
        logger.warning("Fit memory %s not written (%s).", path, exc)


def remember(
    slot: str,
    settings_digest: str,
    keys: Sequence[str],
    inputs_digest: str,
    model: Dict[str, Any],
    changed_since_calibration: int,
) -> None:
    """Keep this fit as the slot's last one (atomically: a half-written file is never read)."""
    path = _file(slot)
    if path is None:
        return
    data = {
        "format": FORMAT,
        "settings": settings_digest,
        "inputs": inputs_digest,
        "keys": list(keys),
        "changed_since_calibration": changed_since_calibration,
        "model": model,
    }
    _write(path, data)
    claim = _file(f"{slot}.fitting")
    try:
        if claim is not None and json.loads(claim.read_text(encoding="utf-8")).get("pid") == os.getpid():
            claim.unlink()
    except (OSError, ValueError, AttributeError):
        pass  # no claim, or another's: it is theirs to remove
