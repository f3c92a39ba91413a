"""Through a real server: a short answer is read with the bot's previous message (rasa_plugins/turn_context.py)."""

from __future__ import annotations

import uuid

from tools.client import api, conversation_id, send


def test_yeah_to_a_reflection_of_change_talk_is_change_talk(lantern):
    who = "it-" + uuid.uuid4().hex[:10]
    path = f"/conversations/{conversation_id(who)}"
    status, _ = send(lantern.settings, who, "hi")
    assert status == 200
    # The bot's last message: a reflection of change talk, labelled the way the actions label it
    # (actions/phrases.py) and nested the way the Rasa server stores an action server's message.
    reflection = {
        "event": "bot",
        "text": "Being there for your kids matters a lot to you.",
        "metadata": {"metadata": {"mi": "complex_reflection", "talk": "change"}},
    }
    status, _ = api(lantern.settings, f"{path}/tracker/events", reflection)
    assert status == 200
    status, replies = send(lantern.settings, who, "yeah")
    assert status == 200 and replies

    status, tracker = api(lantern.settings, f"{path}/tracker")
    assert status == 200
    answer = [e for e in tracker["events"] if e["event"] == "user"][-1]
    assert answer["text"] == "yeah"
    talk = answer["parse_data"]["talk_type"]
    assert talk["name"] == "change" and talk["context_used"] is True, talk
    # Only labels travel, and the stored user event keeps no metadata at all (transcript scrubber).
    assert not answer.get("metadata")

    # POST /model/parse has no conversation: text only.
    status, parsed = api(lantern.settings, "/model/parse", {"text": "yeah"})
    assert status == 200 and parsed["talk_type"]["context_used"] is False
