"""The folders are the processes: each may import only what docs/architecture.md allows.

lantern (shared library)  -> lantern only; never rasa's server side (rasa.*), sanic or socketio
actions (action server)   -> actions, lantern, rasa_sdk
rasa_plugins (Rasa server) -> rasa_plugins, lantern
tools (command line)      -> anything of ours
staff (staff web app)     -> staff, lantern

Imports are read from the source (every `import` and `from ... import`, at any depth,
including the lazy ones inside functions), so a late import cannot hide a crossing.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = {"lantern", "actions", "rasa_plugins", "tools", "staff"}
ALLOWED: Dict[str, Set[str]] = {
    "lantern": {"lantern"},
    "actions": {"actions", "lantern"},
    "rasa_plugins": {"rasa_plugins", "lantern"},
    "tools": OURS,
    "staff": {"staff", "lantern"},
}
# Third-party packages that belong to one process only.
FORBIDDEN_THIRD_PARTY: Dict[str, Set[str]] = {
    "lantern": {"rasa", "rasa_sdk", "sanic", "socketio"},
    "actions": {"rasa", "sanic", "socketio"},
    "staff": {"rasa", "rasa_sdk"},
}


def imports_of(path: Path, root: Path) -> Iterator[Tuple[int, str]]:
    """(line, absolute module name) for every import in a file; relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    parts = list(path.relative_to(root).with_suffix("").parts)
    package = parts if path.name == "__init__.py" else parts[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                yield node.lineno, ".".join(base + ([node.module] if node.module else []))
            elif node.module:
                yield node.lineno, node.module


def crossings(top: str, root: Path = ROOT) -> List[str]:
    found = []
    for path in sorted((root / top).rglob("*.py")):
        for line, module in imports_of(path, root):
            first = module.split(".")[0]
            if (first in OURS and first not in ALLOWED[top]) or first in FORBIDDEN_THIRD_PARTY.get(top, set()):
                found.append(f"{path.relative_to(root)}:{line} imports {module}")
    return found


@pytest.mark.parametrize("top", sorted(ALLOWED))
def test_each_process_imports_only_what_it_may(top: str) -> None:
    assert (ROOT / top / "__init__.py").exists(), f"{top}/ is a named home even when empty"
    assert crossings(top) == []


def test_the_check_sees_a_crossing(tmp_path: Path) -> None:
    """A planted lazy import from the shared library into the Rasa server is reported."""
    (tmp_path / "lantern").mkdir()
    (tmp_path / "lantern" / "__init__.py").write_text("")
    (tmp_path / "lantern" / "x.py").write_text("def f():\n    from rasa_plugins import server\n    import rasa.core\n")
    assert crossings("lantern", tmp_path) == ["lantern/x.py:2 imports rasa_plugins", "lantern/x.py:3 imports rasa.core"]


def test_no_old_bot_package() -> None:
    """The package that was not the bot was called `bot`; nothing may bring the name back."""
    assert not (ROOT / "bot").exists()
