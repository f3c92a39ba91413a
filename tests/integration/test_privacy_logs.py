"""Logs at the default level carry no raw user text and no sender ids."""

from __future__ import annotations

import uuid

from tools.client import send


def test_logs_hold_no_user_text_or_sender_id(lantern):
    who = "+1555" + str(uuid.uuid4().int)[:7]
    secret = "plumtree-" + uuid.uuid4().hex[:8]
    for text in [f"hi im {secret}", f"my number is {who} and {secret}", "asdfgh qwerty " + secret]:
        assert send(lantern.settings, who, text)[0] == 200
    for child in lantern.children:
        log = child.log_path.read_text(errors="replace")
        assert secret not in log, child.name
        assert who not in log and who[1:] not in log, child.name
