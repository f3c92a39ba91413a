"""Reading YAML with libyaml's C parser: the one YAML reader of Lantern's own files.

Why: PyYAML's pure-Python `safe_load` spent about 5 s of each training reading the crisis, talk-type and
knowledge examples (issue 20: a new NLU example must be live in 45 s). The C parser reads the same
documents into the same values (YAML 1.1, safe tags only) ten times faster. Where PyYAML was built
without libyaml it falls back to the pure-Python loader.
"""

from __future__ import annotations

from typing import IO, Any, Union

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(source: Union[str, bytes, IO[str]]) -> Any:
    """The document in `source` (text or an open file), like `yaml.safe_load`; raises yaml.YAMLError."""
    return yaml.load(source, Loader=LOADER)
