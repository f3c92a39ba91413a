"""`python -m tools.review_check`: one test story from the staff console against the trained model.

The staff console (staff/test_stories.py) may not import Rasa, so it runs this in a subprocess. It
loads the model once and does what `make test` does with the story (`rasa test core`, stopping at
no error), and with `--intent-check` also asks the model what it makes of the story's last user
message: a test story's `intent:` is taken as given by `rasa test core`, so a misread message
would otherwise pass. The last line of output is JSON: passed, a summary and the lines to fix,
in a trainer's words. The user's text is never printed.
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
    import yaml

    doc = yaml.safe_load(stories.read_text(encoding="utf-8"))
    steps = doc["stories"][0]["steps"]
    return next(step for step in reversed(steps) if "user" in step)


def wrong_steps(out: Path) -> List[str]:
    """The steps of failed_test_stories.yml the model predicted otherwise, in plain words."""
    failed = out / "failed_test_stories.yml"
    lines = []
    for raw in failed.read_text(encoding="utf-8").splitlines() if failed.is_file() else []:
        if "# predicted:" in raw:
            step, _, predicted = raw.partition("# predicted:")
            expected = step.strip().lstrip("- ").strip()
            lines.append(f"The story expects {expected}, but the bot now does {predicted.strip()}.")
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
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
