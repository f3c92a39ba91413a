"""Fitting ahead: the slow linear models fitted in a second process while `rasa train` reads the data.

    .venv/bin/python -m tools.prefit --config config.yml --domain domain --data data

Why (issue 20, one new NLU example live in 45 s): a training spends its first 20 s in Rasa reading,
validating and fingerprinting the data, on one core, before the first component trains; the intent
model's fit then takes about 15 s more. This process runs beside `rasa train` (tools/training.py
starts it), reads the same files through Rasa's own importer, and trains the same components with
the same configuration into a throwaway folder. What it leaves is their fits in the fit memory
(lantern/nlu/fit_memory.py); when `rasa train` reaches those components their examples are exactly
the same, so they take the stored fit instead of solving again. If this process is slower, or the
examples differ in any way, `rasa train` simply fits them itself: nothing here can change a model,
only how soon it is ready.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

logger = logging.getLogger(__name__)

# Slowest first: the intent model is the one `rasa train` reaches last among the slow ones.
AHEAD = (
    "rasa_plugins.nlu.intent_classifier.LinearIntentClassifier",
    "rasa_plugins.nlu.crisis_signal.CrisisSignalClassifier",
)


def pipeline_configs(config_file: Path, names: Sequence[str] = AHEAD) -> Dict[str, Dict[str, Any]]:
    """Each named component's settings in `config_file`'s pipeline (without `name`), in `names` order."""
    from lantern.yaml_text import load_yaml

    pipeline = (load_yaml(config_file.read_text(encoding="utf-8")) or {}).get("pipeline") or []
    found = {str(step.get("name")): {k: v for k, v in step.items() if k != "name"} for step in pipeline}
    return {name: found[name] for name in names if name in found}


def prefit(config_file: Path, domain: Path, data: List[Path], names: Sequence[str] = AHEAD) -> List[str]:
    """Train the named components of the pipeline on the data as `rasa train` will see it; their names."""
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.shared.utils.common import class_from_module_path

    configs = pipeline_configs(config_file, names)
    importer = TrainingDataImporter.load_from_config(str(config_file), str(domain), [str(p) for p in data])
    language = (importer.get_config() or {}).get("language")
    training_data = importer.get_nlu_data(language) if language else importer.get_nlu_data()
    done: List[str] = []
    for name, settings in configs.items():
        cls = class_from_module_path(name)
        with tempfile.TemporaryDirectory(prefix="lantern-prefit-") as tmp:
            component = cls.create(
                {**cls.get_default_config(), **settings},
                LocalModelStorage(Path(tmp)),
                Resource(f"prefit_{cls.__name__}"),
                ExecutionContext(GraphSchema({}), "prefit"),
            )
            started = time.monotonic()
            component.train(training_data)
        logger.info("Fitted %s ahead in %.1f s.", cls.__name__, time.monotonic() - started)
        done.append(name)
    return done


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Fill the fit memory for `rasa train` (tools/training.py).")
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--domain", type=Path, required=True)
    parser.add_argument("--data", type=Path, nargs="+", required=True)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="prefit: %(message)s")
    prefit(args.config, args.domain, args.data)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
