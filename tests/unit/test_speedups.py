"""The cached action-result validator accepts and rejects exactly what Rasa's own check does."""

from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from rasa_plugins import speedups
from tests.unit.patch_helpers import install_patches

GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "hi"}]},
    {"events": [{"event": "followup", "name": "action_listen"}]},
]
BAD = [
    {"events": "not a list"},
    {"events": [{"event": "no_such_event"}]},
    {"responses": ["not an object"]},
    [],
]


def rasa_verdict(result) -> bool:
    try:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
        return True
    except jsonschema.ValidationError:
        return False


@pytest.mark.parametrize("result", GOOD + BAD)
def test_same_verdict_as_rasa(result):
    action = RemoteAction("action_x", None)
    expected = rasa_verdict(result)
    if expected:
        assert speedups._validate_action_result(action, result) is True
    else:
        with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
            speedups._validate_action_result(action, result)


def test_install_replaces_the_method_and_keeps_checking(monkeypatch):
    install_patches(monkeypatch)  # rasa_plugins/patches.py installs the speed-up
    assert RemoteAction._validate_action_result is speedups._validate_action_result
    assert speedups._action_result_validator() is speedups._action_result_validator()  # built once
    action = RemoteAction("action_x", None)
    assert action._validate_action_result({"events": []}) is True
    with pytest.raises(jsonschema.ValidationError):
        action._validate_action_result({"events": [{"event": "no_such_event"}]})
