"""Deleting the conversation in the chat, through the real Rasa server, action server and database.

"delete my chat" -> the bot asks to confirm; "yes" -> the reply "Done ..." is delivered and nothing of the
sender is left in `events` or the transcript tables (not even the confirming turn); "no" -> everything stays.
Other people's conversations are untouched.
"""

from __future__ import annotations

import sqlite3
import uuid
from typing import List, Tuple

from lantern.identity import stored_id
from tests.integration.test_transcripts import db_file
from tools.client import api, conversation_id, send


def stored(lantern, sender: str) -> Tuple[int, int, int]:
    """(events, transcript conversations, transcript messages) of this sender, read straight from the database."""
    pseudonym = stored_id(conversation_id(sender), lantern.settings.pseudonym_key)
    with sqlite3.connect(f"file:{db_file(lantern)}?mode=ro", uri=True) as conn:
        events = conn.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (pseudonym,)).fetchone()[0]
        conversations = conn.execute(
            "SELECT COUNT(*) FROM transcript_conversations WHERE sender_pseudonym = ?", (pseudonym,)
        ).fetchone()[0]
        messages = conn.execute(
            "SELECT COUNT(*) FROM transcript_messages m JOIN transcript_conversations c ON c.id = m.conversation_id "
            "WHERE c.sender_pseudonym = ?",
            (pseudonym,),
        ).fetchone()[0]
    return events, conversations, messages


def say(lantern, sender: str, text: str) -> List[str]:
    status, replies = send(lantern.settings, sender, text)
    assert status == 200 and replies, (status, replies)
    assert not [r for r in replies if (r.get("custom") or {}).get("crisis")], "a crisis reply: not this test's case"
    return [r.get("text", "") for r in replies]


def talk(lantern, sender: str) -> None:
    say(lantern, sender, "hi")
    say(lantern, sender, "thinking about cutting back on weed, it costs me too much")


def test_yes_deletes_everything_of_the_sender_and_the_reply_still_arrives(lantern):
    me, other = "erase-" + uuid.uuid4().hex[:8], "other-" + uuid.uuid4().hex[:8]
    talk(lantern, other)
    talk(lantern, me)
    others_before = stored(lantern, other)
    assert stored(lantern, me)[2] >= 4 and others_before[2] >= 4

    asked = " ".join(say(lantern, me, "delete my chat"))
    assert "delete" in asked and "Yes or no?" in asked
    assert stored(lantern, me)[2] >= 6  # the question turn is stored like any other, until the yes

    done = " ".join(say(lantern, me, "yes"))
    assert done.startswith("Done") and "deleted" in done

    assert stored(lantern, me) == (0, 0, 0)  # nothing from before, and nothing of the confirming turn
    assert stored(lantern, other) == others_before

    # The next message starts a new conversation, with nothing from before.
    say(lantern, me, "hey")
    events, conversations, messages = stored(lantern, me)
    assert conversations == 1 and events > 0 and messages >= 2
    status, tracker = api(lantern.settings, f"/conversations/{conversation_id(me)}/tracker")
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == ["hey"]


def test_no_keeps_everything_and_says_so(lantern):
    me = "keep-" + uuid.uuid4().hex[:8]
    talk(lantern, me)
    asked = " ".join(say(lantern, me, "erase everything i said"))
    assert "Yes or no?" in asked
    before = stored(lantern, me)

    kept = " ".join(say(lantern, me, "no")).lower()
    assert "nothing is deleted" in kept or "kept everything" in kept

    after = stored(lantern, me)
    assert after[1] == before[1] == 1 and after[0] > before[0] and after[2] == before[2] + 2
    status, tracker = api(lantern.settings, f"/conversations/{conversation_id(me)}/tracker")
    user_texts = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert user_texts[-2:] == ["erase everything i said", "no"]


def test_a_question_about_deleting_gets_the_answer_not_the_confirmation(lantern):
    me = "ask-" + uuid.uuid4().hex[:8]
    reply = " ".join(say(lantern, me, "can i delete this chat?"))
    assert "'delete my chat'" in reply and "Yes or no?" not in reply
    assert stored(lantern, me)[2] >= 2


def crisis_marker(replies: List[dict]) -> str:
    return next((r["custom"]["crisis"] for r in replies if (r.get("custom") or {}).get("crisis")), "")


def test_a_request_during_a_crisis_deletes_nothing_and_the_crisis_flow_goes_on(lantern):
    """Crisis mode answers first (CrisisPolicy); whatever it says, nothing is deleted while it lasts. Once the
    person is safe, the request gets the usual question and a yes deletes."""
    me = "crisis-" + uuid.uuid4().hex[:8]
    status, replies = send(lantern.settings, me, "my friend is turning blue and wont wake up")
    assert status == 200 and crisis_marker(replies) == "overdose"
    count = stored(lantern, me)[2]
    for _ in range(2):
        status, replies = send(lantern.settings, me, "delete my chat")
        text = " ".join(r.get("text", "") for r in replies)
        assert status == 200 and "Done" not in text and "Yes or no?" not in text
        # the crisis reply, or (crisis mode just ended on an everyday message) the kind "once you're safe"
        assert crisis_marker(replies) or ("911" in text and "once you're safe" in text.lower()), text
        assert stored(lantern, me)[2] == count + 2
        count += 2

    status, replies = send(lantern.settings, me, "they took him, hes ok. thank you")
    assert status == 200 and not crisis_marker(replies)  # safe: crisis mode is over
    asked = " ".join(say(lantern, me, "delete my chat"))
    assert "Yes or no?" in asked
    done = " ".join(say(lantern, me, "yes"))
    assert done.startswith("Done") and stored(lantern, me) == (0, 0, 0)
