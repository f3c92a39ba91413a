"""Lantern's patches to Rasa (rasa_plugins/patches.py): one place, checked against the Rasa version and each target."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any, Dict, List

import pytest
import rasa.version

from rasa_plugins import patches
from tests.unit.patch_helpers import install_patches

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCANNED_FOLDERS = ("rasa_plugins", "lantern", "tools", "actions")
PATCHES_MODULE = PROJECT_ROOT / "rasa_plugins" / "patches.py"
RASA_PACKAGES = ("rasa", "rasa_sdk")


def originals() -> Dict[str, Any]:
    return {patch.target: inspect.getattr_static(patch.holder(), patch.attribute) for patch in patches.PATCHES}


def test_the_installed_rasa_is_the_one_the_patches_were_written_for() -> None:
    assert rasa.version.__version__ == patches.RASA_VERSION
    patches.check()  # every target exists with the parameters the patches expect


def test_every_target_is_patched_after_install(monkeypatch: pytest.MonkeyPatch) -> None:
    before = {patch.target: patch.current() for patch in patches.PATCHES}
    assert not any(patch.installed() for patch in patches.PATCHES)
    install_patches(monkeypatch)
    for patch in patches.PATCHES:
        assert patch.installed(), patch.target
        assert patch.current() is not before[patch.target], patch.target
    assert {patch.target for patch in patches.PATCHES} == {
        "rasa.core.agent.Agent._create_tracker_store",
        "rasa.core.actions.action.action_for_name_or_text",
        "rasa.server.requires_auth",
        "rasa.core.run.configure_app",
        "rasa.core.actions.action.RemoteAction._validate_action_result",
        "rasa.core.processor.MessageProcessor.parse_message",
    }


def test_a_static_method_stays_static(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.agent import Agent

    install_patches(monkeypatch)
    assert isinstance(inspect.getattr_static(Agent, "_create_tracker_store"), staticmethod)


def test_install_is_idempotent(monkeypatch: pytest.MonkeyPatch) -> None:
    install_patches(monkeypatch)
    first = originals()
    patches.install()
    patches.install()
    assert originals() == first  # nothing wrapped twice


def test_another_rasa_version_is_refused_and_nothing_is_patched(monkeypatch: pytest.MonkeyPatch) -> None:
    before = originals()
    monkeypatch.setattr(rasa.version, "__version__", "3.7.0")
    with pytest.raises(patches.RasaPatchError) as raised:
        install_patches(monkeypatch)
    message = str(raised.value)
    assert "written for Rasa 3.6.21" in message and "Rasa 3.7.0 is installed" in message
    for patch in patches.PATCHES:
        assert patch.target in message
    assert originals() == before


@pytest.mark.parametrize("patch", patches.PATCHES, ids=lambda patch: patch.target)
def test_a_changed_signature_is_detected(patch: patches.Patch, monkeypatch: pytest.MonkeyPatch) -> None:
    def changed(renamed: Any, *args: Any) -> None:  # what a Rasa upgrade might do to the target
        """A stand-in for a target whose parameters changed."""

    monkeypatch.setattr(patch.holder(), patch.attribute, changed)
    with pytest.raises(patches.RasaPatchError) as raised:
        patches.install()
    message = str(raised.value)
    assert f"changed {patch.target}" in message
    assert f"expected parameters ({', '.join(patch.parameters)}), found (renamed, *args)" in message
    assert getattr(patch.holder(), patch.attribute) is changed  # refused before anything was assigned


def test_a_missing_target_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.processor import MessageProcessor

    monkeypatch.delattr(MessageProcessor, "parse_message")
    with pytest.raises(patches.RasaPatchError, match="has no rasa.core.processor.MessageProcessor.parse_message"):
        patches.install()


# ----- no other module assigns into Rasa --------------------------------------------------------------
def assignments_into_rasa(source: str) -> List[str]:
    """Lines that assign, delete or setattr on a name bound by `import rasa...` / `from rasa... import ...`."""
    tree = ast.parse(source)
    rasa_names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            rasa_names |= {
                (alias.asname or alias.name).split(".")[0]
                for alias in node.names
                if alias.name.split(".")[0] in RASA_PACKAGES
            }
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and node.module
            and node.module.split(".")[0] in RASA_PACKAGES
        ):
            rasa_names |= {alias.asname or alias.name for alias in node.names}

    def base_name(expression: ast.expr) -> str:
        while isinstance(expression, (ast.Attribute, ast.Subscript)):
            expression = expression.value
        return expression.id if isinstance(expression, ast.Name) else ""

    found = []
    for node in ast.walk(tree):
        targets: List[ast.expr] = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("setattr", "delattr")
            and node.args
        ):
            targets = [ast.Attribute(value=node.args[0], attr="?")]
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, (ast.Attribute, ast.Subscript)) and base_name(part) in rasa_names:
                    found.append(f"line {node.lineno}: {ast.unparse(node).splitlines()[0]}")
                    break
    return found


@pytest.mark.parametrize(
    "planted",
    [
        "import rasa.server as rasa_server\nrasa_server.requires_auth = print",
        "import rasa.core.run\nrasa.core.run.configure_app = print",
        "from rasa.core.processor import MessageProcessor\nMessageProcessor.parse_message = print",
        "from rasa.core.actions import action as a\na.RemoteAction._validate_action_result = print",
        "def later():\n    from rasa.core.agent import Agent\n    Agent._create_tracker_store = staticmethod(print)",
        "from rasa.core.agent import Agent\nsetattr(Agent, '_create_tracker_store', print)",
        "from rasa_sdk import Action\nAction.run = print",
        "from rasa.shared import constants\nconstants.DEFAULT_TIMEOUT += 1",
    ],
)
def test_the_scan_finds_a_planted_assignment(planted: str) -> None:
    assert assignments_into_rasa(planted)


def test_the_scan_ignores_instances_and_own_names() -> None:
    source = "from rasa.core.agent import Agent\nagent = Agent()\nagent.domain = None\nimport lantern\nlantern.x = 1\n"
    assert assignments_into_rasa(source) == []


def test_only_patches_py_assigns_into_rasa() -> None:
    found = {}
    for folder in SCANNED_FOLDERS:
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            if path == PATCHES_MODULE:
                continue
            lines = assignments_into_rasa(path.read_text(encoding="utf-8"))
            if lines:
                found[str(path.relative_to(PROJECT_ROOT))] = lines
    assert found == {}, f"change Rasa's objects only in rasa_plugins/patches.py: {found}"
