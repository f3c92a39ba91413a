"""Through a real server: a short answer is read with the bot's previous message (bot/turn_context.py)."""
from __future__ import annotations

import uuid

from bot.processes import http_json, send
from tests.conftest import TEST_TOKEN


def test_yeah_to_a_reflection_of_change_talk_is_change_talk(lantern):
    who = "it-" + uuid.uuid4().hex[:10]
    api = f"{lantern.settings.rasa_url}/conversations/{who}"
    status, _ = send(lantern.settings, who, "hi")
    assert status == 200
    # The bot's last message: a reflection of change talk, labelled the way the actions label it
    # (actions/phrases.py) and nested the way the Rasa server stores an action server's message.
    reflection = {"event": "bot", "text": "Being there for your kids matters a lot to you.",
                  "metadata": {"metadata": {"mi": "complex_reflection", "talk": "change"}}}
    status, _ = http_json(f"{api}/tracker/events?token={TEST_TOKEN}", reflection)
    assert status == 200
    status, replies = send(lantern.settings, who, "yeah")
    assert status == 200 and replies

    status, tracker = http_json(f"{api}/tracker?token={TEST_TOKEN}")
    assert status == 200
    answer = [e for e in tracker["events"] if e["event"] == "user"][-1]
    assert answer["text"] == "yeah"
    talk = answer["parse_data"]["talk_type"]
    assert talk["name"] == "change" and talk["context_used"] is True, talk
    # Only labels travel, and the stored user event keeps no metadata at all (transcript scrubber).
    assert not answer.get("metadata")

    # POST /model/parse has no conversation: text only.
    status, parsed = http_json(f"{lantern.settings.rasa_url}/model/parse?token={TEST_TOKEN}", {"text": "yeah"})
    assert status == 200 and parsed["talk_type"]["context_used"] is False
