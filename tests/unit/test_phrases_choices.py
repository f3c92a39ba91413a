"""Reply choices on phrase lines: checked, sent as buttons, numbered in an SMS (issue 18, "how it reads on a phone")."""

import random
from pathlib import Path

import pytest
import yaml

from actions import phrases
from actions.phrases import say
from rasa_plugins.channels.sms import SmsChannel
from rasa_plugins.channels.sms_text import choice_payload
from tools.processes import PROJECT_ROOT


def domain_intents() -> set:
    intents: set = set()
    for path in (PROJECT_ROOT / "domain").glob("*.yml"):
        intents.update(
            i if isinstance(i, str) else next(iter(i)) for i in yaml.safe_load(path.read_text())["intents"] or []
        )
    return intents


def test_every_choice_payload_is_an_intent_of_the_domain():
    intents = domain_intents()
    offered = {line.key: line.buttons for lines in phrases.catalogue().values() for line in lines if line.buttons}
    assert {"permission.recovery_menu", "permission.never_alone", "family.offer", "returning.ask"} <= set(offered)
    for key, buttons in offered.items():
        for _title, payload in buttons:
            assert payload[1:] in intents, (key, payload)


def test_a_permission_question_goes_out_with_yes_and_no_and_sms_numbers_them():
    message = say("permission.recovery_menu", random.Random(0)).as_kwargs()
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]
    bodies, offered = SmsChannel.to_sms([message])
    assert bodies[-1].endswith("1: Yes\n2: No thanks") and offered is not None
    payloads, titles = offered
    assert (
        choice_payload("1", payloads, titles) == "/affirm" and choice_payload("no thanks", payloads, titles) == "/deny"
    )


@pytest.mark.parametrize(
    "choices, error",
    [
        ("choices: {yes_no: [{title: 'Yes', payload: affirm}, {title: 'No', payload: /deny}]}", "must be /an_intent"),
        ("choices: {one: [{title: 'Yes', payload: /affirm}]}", "2 to 4 buttons"),
        ("lines: {x.y: [{text: 'Ok?', metadata: {mi: permission}, buttons: nope}]}", "no choices named"),
    ],
)
def test_broken_choices_are_refused(tmp_path: Path, choices: str, error: str):
    (tmp_path / "a.yml").write_text(choices, encoding="utf-8")
    with pytest.raises(ValueError, match=error):
        phrases._read(tmp_path)
