"""Training the model: the one command line behind `make train`, the development watcher and bench.trainer.

    .venv/bin/python -m tools.training [--force]

Training is incremental (issue 20): Rasa's own training cache (<data dir>/cache/rasa) restores every
part of the model whose input did not change, and Lantern's caches make a changed NLU part cheap
(lantern/nlu/vector_store.py: the encoder's vectors; lantern/nlu/fit_memory.py: the linear models'
last fits). `--force` trains every part from zero: Rasa's --force, and the last fits are deleted first
(the encoder's vectors are kept: they depend only on the text, the weights and the encoder's code).

Beside `rasa train` a second process (tools/prefit.py) fits the slowest models ahead into the fit memory,
on the other core, while Rasa is still reading the data: a new NLU example then costs about 30 s, not 47.

The new model is written next to the old one and then moved over it, so a server or watcher never
reads a half-written file. Rasa 3 always writes a model: with nothing changed every part is restored
from its cache (about 20 s here).

With LANTERN_DEV=on `make run` also runs a TrainWatcher: saving a file under domain/ or data/, or
config.yml, trains (as above) and the ModelWatcher (tools/model_watch.py) then loads the new model
into the running server. docs/trainers.md, "How fast a change is live", has the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from lantern import settings as settings_mod
from tools.processes import die_with_parent_hook

ROOT = settings_mod.PROJECT_ROOT
MODEL = ROOT / "models" / "lantern.tar.gz"
RASA = str(Path(sys.executable).with_name("rasa"))
WATCHED = ("domain", "data")  # folders of training input; config.yml besides
TAIL_LINES = 6  # lines of Rasa's output shown when a training fails


@dataclass
class Result:
    ok: bool  # a new model file was written
    seconds: float
    output: str  # Rasa's output (for a log file; it holds no user text)


# Policies that learn from the made-up stories Rasa glues together (its "augmentation"). Lantern's
# (RulePolicy, SafeMemoizationPolicy, CrisisPolicy) skip those stories, so making them is wasted time:
# 8 s of every training here, and the same model either way.
AUGMENTED_POLICIES = ("TEDPolicy", "UnexpecTEDIntentPolicy")


def needs_augmentation(config_file: Path) -> bool:
    """Whether a policy in `config_file` reads augmented stories (an unreadable config: assume so)."""
    import yaml

    from lantern.yaml_text import load_yaml

    try:
        policies = (load_yaml(config_file.read_text(encoding="utf-8")) or {}).get("policies") or []
        names = [str(p.get("name", "")).rpartition(".")[2] for p in policies]
    except (OSError, ValueError, AttributeError, TypeError, yaml.YAMLError):
        return True
    return any(name in AUGMENTED_POLICIES for name in names)


def command(root: Path, out_dir: Path, name: str, force: bool = False) -> List[str]:
    """`rasa train` over the training files under `root`."""
    return [
        RASA,
        "train",
        *(["--force"] if force else []),
        *([] if needs_augmentation(root / "config.yml") else ["--augmentation", "0"]),
        "--domain",
        str(root / "domain"),
        "--data",
        str(root / "data"),
        "--config",
        str(root / "config.yml"),
        "--out",
        str(out_dir),
        "--fixed-model-name",
        name,
    ]


def environment(s: settings_mod.Settings) -> Dict[str, str]:
    """The training's environment: these settings' caches (a RASA_CACHE_DIRECTORY already set is kept)."""
    env = {**os.environ, **s.rasa_env()}
    env.setdefault("RASA_CACHE_DIRECTORY", str(s.data_dir / "cache" / "rasa"))
    env.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    env["LANTERN_ENCODER_CACHE"] = str(s.encoder_cache or "off")
    env["LANTERN_FIT_MEMORY"] = "off" if s.fit_memory_dir is None else str(s.fit_memory_dir)
    return env


def train(
    s: settings_mod.Settings,
    root: Path = ROOT,
    model: Path = MODEL,
    force: bool = False,
    timeout: float = 1800.0,
    stream: bool = False,
    on_start: Optional[Callable[["subprocess.Popen[str]"], None]] = None,
) -> Result:
    """Train from the files under `root` into `model` (replaced only when Rasa wrote a new one).

    With `stream` Rasa's output goes to this process's terminal as it comes (make train), else into `output`."""
    started = time.monotonic()
    model.parent.mkdir(parents=True, exist_ok=True)
    name = model.name[: -len(".tar.gz")] if model.name.endswith(".tar.gz") else model.stem
    if force and s.fit_memory_dir is not None:  # from zero: the last fits are neither read nor kept
        shutil.rmtree(s.fit_memory_dir, ignore_errors=True)
    with tempfile.TemporaryDirectory(dir=model.parent, prefix=".training-") as tmp:
        staged = Path(tmp) / f"{name}.tar.gz"
        ahead = _start_prefit(s, root, Path(tmp) / "prefit.log")
        proc = subprocess.Popen(
            command(root, Path(tmp), name, force),
            cwd=ROOT,
            env=environment(s),
            stdout=None if stream else subprocess.PIPE,
            stderr=None if stream else subprocess.STDOUT,
            text=True,
            preexec_fn=die_with_parent_hook(),  # a stopped `make run` leaves no training behind
        )
        if on_start is not None:
            on_start(proc)
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
            out = (out or "") + f"\nTraining stopped after {timeout:.0f} s."
        output = (out or "") + _stop_prefit(ahead, Path(tmp) / "prefit.log")
        ok = proc.returncode == 0 and staged.is_file()
        if ok:
            os.replace(staged, model)
    return Result(ok, time.monotonic() - started, output)


def _start_prefit(s: settings_mod.Settings, root: Path, log: Path) -> Optional["subprocess.Popen[bytes]"]:
    """tools/prefit.py beside `rasa train`: the slow fits on the second core (only with a fit memory)."""
    if s.fit_memory_dir is None:
        return None
    with log.open("wb") as out:  # the child keeps its own handle
        return subprocess.Popen(
            [sys.executable, "-m", "tools.prefit", "--config", str(root / "config.yml")]
            + ["--domain", str(root / "domain"), "--data", str(root / "data")],
            cwd=ROOT,
            env=environment(s),
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent_hook(),
        )


def _stop_prefit(proc: Optional["subprocess.Popen[bytes]"], log: Path) -> str:
    """Stop the fitting ahead if it is still at work (the training no longer needs it); its lines."""
    if proc is None:
        return ""
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return "".join(f"\n{line}" for line in lines if line.startswith("prefit:"))


def failure_lines(output: str) -> str:
    """The end of Rasa's output, where it says what went wrong, without progress bars."""
    lines = [line for line in output.replace("\r", "\n").splitlines() if line.strip() and "it/s" not in line]
    return "\n".join(lines[-TAIL_LINES:])


def snapshot(root: Path) -> Dict[Path, int]:
    """Modification times of the training files under `root`."""
    files = [root / "config.yml", *(p for d in WATCHED for p in (root / d).rglob("*.yml"))]
    out: Dict[Path, int] = {}
    for path in files:
        try:
            out[path] = path.stat().st_mtime_ns
        except FileNotFoundError:
            continue
    return out


class TrainWatcher:
    """Trains when a training file has changed and then stayed the same for one more look (development only)."""

    def __init__(
        self,
        s: settings_mod.Settings,
        root: Path = ROOT,
        model: Path = MODEL,
        interval: float = 0.5,
        say: Callable[[str], None] = print,
        log: Optional[Path] = None,
        trainer: Optional[Callable[..., Result]] = None,
    ) -> None:
        self.settings, self.root, self.model, self.interval, self.say = s, root, model, interval, say
        self.trainer = trainer or train  # tests give a stand-in that records the call
        self.log = log or s.data_dir / "logs" / "train.log"
        self._known = snapshot(root)
        self._pending: Optional[Dict[Path, int]] = None
        self._stop = threading.Event()
        self._training: Optional["subprocess.Popen[str]"] = None

    def check(self) -> Optional[Result]:
        """One look: None when there is nothing to train (yet), else the training's result."""
        now = snapshot(self.root)
        if now == self._known:
            self._pending = None
            return None
        if now != self._pending:  # changed, or still changing: look again
            self._pending = now
            return None
        paths = set(now) | set(self._known)
        changed = sorted(str(p.relative_to(self.root)) for p in paths if now.get(p) != self._known.get(p))
        self._known, self._pending = now, None
        self.say(f"Training after your change to {', '.join(changed[:3])}{' and more' if len(changed) > 3 else ''}...")
        result = self.trainer(self.settings, self.root, self.model, on_start=self._remember)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.log.write_text(result.output, encoding="utf-8")
        if not result.ok:
            self.say(
                f"Training failed after {result.seconds:.0f} s; the bot keeps its model. From {self.log}:\n"
                + failure_lines(result.output)
            )
        else:
            self.say(f"Trained in {result.seconds:.0f} s; loading the new model.")
        return result

    def _remember(self, proc: "subprocess.Popen[str]") -> None:
        self._training = proc

    def run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception as exc:
                self.say(f"Training could not run: {type(exc).__name__}: {exc}")

    def start(self) -> "TrainWatcher":
        threading.Thread(target=self.run, name="train-watcher", daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop looking, and stop a training under way (its model would arrive after the server is gone)."""
        self._stop.set()
        proc = self._training
        if proc is not None and proc.poll() is None:
            proc.kill()


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Train models/lantern.tar.gz (incremental; --force: from zero).")
    parser.add_argument("--force", action="store_true", help="train every part from zero")
    args = parser.parse_args(argv)
    result = train(settings_mod.load(), force=args.force, stream=True)
    if not result.ok:
        print(f"Training failed after {result.seconds:.0f} s.", file=sys.stderr)
        return 1
    print(f"Trained in {result.seconds:.0f} s.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
