"""`python -m tools.review_check`: one test story from the staff console against the trained model.

The staff console (staff/test_stories.py) may not import Rasa, so it runs this in a subprocess. It
loads the model once and does what `make test` does with the story (`rasa test core`, stopping at
no error), and with `--intent-check` also asks the model what it makes of the story's last user
message: a test story's `intent:` is taken as given by `rasa test core`, so a misread message
would otherwise pass. The result goes to the file `--result` names, as JSON: passed, a summary and
the lines to fix, in a trainer's words (a file, not the output: Rasa and TensorFlow may log anything
on the way out). The user's text is never printed; the console also drops any line that quotes it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import logging
import re
import sys
import warnings
from pathlib import Path
from typing import Any, Dict, List


def last_user_step(stories: Path) -> Dict[str, Any]:
    from lantern.yaml_text import load_yaml

    doc = load_yaml(stories.read_text(encoding="utf-8"))
    steps = doc["stories"][0]["steps"]
    return next(step for step in reversed(steps) if "user" in step)


STEP_KEY = re.compile(r"^\s*(?:- )?(\w+):")
BLOCK_SCALAR = re.compile(r":\s*[|>][-+0-9]*\s*(?:#.*)?$")


def wrong_steps(out: Path) -> List[str]:
    """The steps of failed_test_stories.yml the model predicted otherwise, in plain words. A user's text
    (its `user:` line and the lines of its block) is never read as a step, whatever it says."""
    failed = out / "failed_test_stories.yml"
    lines = []
    text_indent = -1  # inside a user's `|` block: the column of its `user:` key
    for raw in failed.read_text(encoding="utf-8").splitlines() if failed.is_file() else []:
        indent = len(raw) - len(raw.lstrip())
        if text_indent >= 0 and (not raw.strip() or indent > text_indent):
            continue
        text_indent = -1
        key = STEP_KEY.match(raw)
        if key and key.group(1) == "user":
            text_indent = key.start(1) if BLOCK_SCALAR.search(raw) else -1
            continue
        if "# predicted:" in raw:
            step, _, predicted = raw.partition("# predicted:")
            expected = step.strip().lstrip("- ").strip()
            name = predicted.strip().split(":", 1)[0].strip()  # an intent's comment goes on with the user's text
            if key and key.group(1) == "intent":
                lines.append(f"The story expects {expected}, but the model now reads the message as {name}.")
            else:
                lines.append(f"The story expects {expected}, but the bot now does {name}.")
    return lines


async def check(model: str, stories: Path, out: Path, intent_check: bool) -> Dict[str, Any]:
    from rasa.core.agent import Agent
    from rasa.core.test import test

    agent = Agent.load(model_path=model)
    lines: List[str] = []
    if intent_check:
        step = last_user_step(stories)
        parsed = await agent.parse_message(str(step["user"]))
        predicted = (parsed.get("intent") or {}).get("name")
        if predicted != step["intent"]:
            lines.append(
                f"The model reads the message as '{predicted}', not '{step['intent']}': add the example "
                "(button below), run `make train`, then check again."
            )
    out.mkdir(parents=True, exist_ok=True)
    await test(str(stories), agent, out_directory=str(out), disable_plotting=True, warnings=False)
    lines += wrong_steps(out)
    passed = not lines
    summary = "The test story passes with the current model." if passed else "The test story does not pass yet."
    return {"passed": passed, "summary": summary, "lines": lines}


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--stories", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--result", required=True, type=Path, help="where to write the result (JSON)")
    parser.add_argument("--intent-check", action="store_true")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            result = asyncio.run(check(args.model, args.stories, args.out, args.intent_check))
        except Exception as exc:  # a story Rasa cannot read, a model that does not load: said, not a traceback
            message = re.sub(r"\s+", " ", str(exc))[:300]
            result = {
                "passed": False,
                "summary": "Rasa could not run the story.",
                "lines": [f"{type(exc).__name__}: {message}"],
            }
    args.result.write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
