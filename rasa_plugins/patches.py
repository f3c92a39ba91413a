"""Patches to Rasa: every change Lantern makes to Rasa's own code, installed here and nowhere else.

Rasa 3.6 offers no hook for these, so a few of its functions and methods are replaced. They lean
on private details of Rasa 3.6.21 (`RASA_VERSION`), so `install()` first checks the installed Rasa
version and the parameters of every target (`inspect.signature`), and refuses to start, naming
what differs, rather than run on a Rasa that changed underneath them. The bodies live next to
the code they belong with; this module only checks and assigns.

- `rasa.core.agent.Agent._create_tracker_store` -> `tracker_store.strict_tracker_store`: a database
  error fails the turn (HTTP error, health red) instead of Rasa quietly carrying on in memory.
- `rasa.core.actions.action.action_for_name_or_text` -> `custom_actions.guarded_action_lookup`: custom
  actions get `LANTERN_ACTION_TIMEOUT` and a degraded reply instead of silence; sessions start in-process.
- `rasa.server.requires_auth` -> `server.bearer_requires_auth`: the API token is taken from
  `Authorization: Bearer`, and refused in the URL (where it lands in access logs).
- `rasa.core.run.configure_app` -> `server.lantern_configure_app`: 1 MB request bodies, deeply
  nested JSON answered with a 400 instead of a RecursionError (500), and the heap frozen once the model is loaded.
- `rasa.core.actions.action.RemoteAction._validate_action_result` -> `speedups._validate_action_result`:
  the action-result schema validator is built once instead of on every turn (~15 ms each).
- `rasa.core.processor.MessageProcessor.parse_message` -> `turn_context.context_parse_message`: a user
  message is parsed with the labels of the bot's previous message (`lantern_context`), for the talk type.

Where: only the Rasa server installs them (`rasa_plugins/server.py`, before Rasa starts); `rasa train`,
`rasa test` and the action server run Rasa unpatched. `install()` is idempotent. After upgrading Rasa:
re-read each patched function in the new Rasa, adapt the patch, then update `RASA_VERSION` and `parameters`.
tests/unit/test_rasa_patches.py checks that no other module assigns into Rasa.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from typing import Any, Callable, Dict, Tuple

RASA_VERSION = "3.6.21"  # the Rasa the patches below were written against and tested with
MARK = "_lantern_patch"  # attribute on every installed replacement: the target it replaces


class RasaPatchError(RuntimeError):
    """The installed Rasa is not the one the patches were written for."""


@dataclass(frozen=True)
class Patch:
    """One replaced Rasa function or method."""

    module: str  # e.g. "rasa.core.processor"
    owner: str  # class name in `module`, or "" for a module-level function
    attribute: str
    parameters: Tuple[str, ...]  # the target's parameter names in Rasa RASA_VERSION (*args, **kwargs spelled so)
    replacement: Callable[[Callable[..., Any]], Callable[..., Any]]  # Rasa's original -> what replaces it

    @property
    def target(self) -> str:
        return ".".join(part for part in (self.module, self.owner, self.attribute) if part)

    def holder(self) -> Any:
        """The module or class the attribute lives on."""
        module = importlib.import_module(self.module)
        return getattr(module, self.owner) if self.owner else module

    def current(self) -> Any:
        return getattr(self.holder(), self.attribute)

    def installed(self) -> bool:
        return getattr(self.current(), MARK, None) == self.target


def parameter_names(function: Callable[..., Any]) -> Tuple[str, ...]:
    """Parameter names, `*args`/`**kwargs` marked: what a patch relies on (defaults may vary, e.g. a uuid)."""
    prefix: Dict[Any, str] = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}
    return tuple(prefix.get(p.kind, "") + name for name, p in inspect.signature(function).parameters.items())


# ----- the replacements (imported when installed: the Rasa server only) -------------------------------------
def _strict_tracker_store(original: Callable[..., Any]) -> Callable[..., Any]:
    from rasa_plugins.tracker_store import strict_tracker_store

    return strict_tracker_store


def _guarded_action_lookup(original: Callable[..., Any]) -> Callable[..., Any]:
    from rasa_plugins.custom_actions import guarded_action_lookup

    return guarded_action_lookup(original)


def _bearer_requires_auth(original: Callable[..., Any]) -> Callable[..., Any]:
    from rasa_plugins.server import bearer_requires_auth

    return bearer_requires_auth(original)


def _lantern_configure_app(original: Callable[..., Any]) -> Callable[..., Any]:
    from rasa_plugins.server import lantern_configure_app

    return lantern_configure_app(original)


def _cached_result_validator(original: Callable[..., Any]) -> Callable[..., Any]:
    from rasa_plugins.speedups import _validate_action_result

    return _validate_action_result


def _context_parse_message(original: Callable[..., Any]) -> Callable[..., Any]:
    from rasa_plugins.turn_context import context_parse_message

    return context_parse_message(original)


PATCHES: Tuple[Patch, ...] = (
    Patch("rasa.core.agent", "Agent", "_create_tracker_store", ("store", "domain"), _strict_tracker_store),
    Patch(
        "rasa.core.actions.action",
        "",
        "action_for_name_or_text",
        ("action_name_or_text", "domain", "action_endpoint"),
        _guarded_action_lookup,
    ),
    Patch("rasa.server", "", "requires_auth", ("app", "token"), _bearer_requires_auth),
    Patch(
        "rasa.core.run",
        "",
        "configure_app",
        (
            "input_channels",
            "cors",
            "auth_token",
            "enable_api",
            "response_timeout",
            "jwt_secret",
            "jwt_private_key",
            "jwt_method",
            "route",
            "port",
            "endpoints",
            "log_file",
            "conversation_id",
            "use_syslog",
            "syslog_address",
            "syslog_port",
            "syslog_protocol",
            "request_timeout",
            "server_listeners",
            "use_uvloop",
            "keep_alive_timeout",
        ),
        _lantern_configure_app,
    ),
    Patch(
        "rasa.core.actions.action",
        "RemoteAction",
        "_validate_action_result",
        ("self", "result"),
        _cached_result_validator,
    ),
    Patch(
        "rasa.core.processor",
        "MessageProcessor",
        "parse_message",
        ("self", "message", "tracker", "only_output_properties"),
        _context_parse_message,
    ),
)


def installed_rasa_version() -> str:
    import rasa.version

    return rasa.version.__version__


def check() -> None:
    """Raise `RasaPatchError` unless Rasa is RASA_VERSION and every not-yet-patched target has its known parameters."""
    targets = ", ".join(patch.target for patch in PATCHES)
    found = installed_rasa_version()
    if found != RASA_VERSION:
        raise RasaPatchError(
            f"Lantern's patches to Rasa were written for Rasa {RASA_VERSION}, but Rasa {found} is installed. "
            f"Patched targets: {targets}. Install rasa=={RASA_VERSION} (requirements.lock), or re-read each "
            f"target in the new Rasa, adapt rasa_plugins/patches.py and update RASA_VERSION there."
        )
    for patch in PATCHES:
        try:
            current = patch.current()
        except (ImportError, AttributeError) as error:
            raise RasaPatchError(
                f"Rasa {found} has no {patch.target}, which Lantern patches (rasa_plugins/patches.py): {error}"
            ) from error
        if getattr(current, MARK, None) == patch.target:
            continue  # ours, from an earlier install()
        if not callable(current):
            raise RasaPatchError(
                f"Rasa {found}'s {patch.target} is not a function; Lantern patches it (rasa_plugins/patches.py)"
            )
        parameters = parameter_names(current)
        if parameters != patch.parameters:
            raise RasaPatchError(
                f"Rasa {found} changed {patch.target}, which Lantern patches (rasa_plugins/patches.py): "
                f"expected parameters ({', '.join(patch.parameters)}), found ({', '.join(parameters)})."
            )


def install() -> None:
    """Check the Rasa version and targets, then install every patch not yet installed (idempotent, all or none)."""
    check()
    for patch in PATCHES:
        if patch.installed():
            continue
        holder = patch.holder()
        original = getattr(holder, patch.attribute)
        replacement = patch.replacement(original)
        setattr(replacement, MARK, patch.target)
        if isinstance(inspect.getattr_static(holder, patch.attribute), staticmethod):
            replacement = staticmethod(replacement)
        setattr(holder, patch.attribute, replacement)
