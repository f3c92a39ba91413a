"""Install Lantern's patches to Rasa for one test only (rasa_plugins/patches.py)."""

from __future__ import annotations

import inspect

import pytest

from rasa_plugins import patches


def install_patches(monkeypatch: pytest.MonkeyPatch) -> None:
    """`patches.install()`, with every target registered on `monkeypatch` so Rasa is unpatched after the test."""
    for patch in patches.PATCHES:
        holder = patch.holder()
        monkeypatch.setattr(holder, patch.attribute, inspect.getattr_static(holder, patch.attribute))
    patches.install()
