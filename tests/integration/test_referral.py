"""The referral conversation through the real NLU, dialogue and action server, on the FICTIONAL Dayton sample.

The `lantern` fixture's data folder is fresh, so the sample directory is imported into the
directory database its action server uses (the default under LANTERN_DATA_DIR).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Dict, List

import pytest

from lantern.directory import db
from lantern.directory.importer import import_path
from tools.client import send

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "directory" / "sample-dayton"


@pytest.fixture(scope="module")
def bot(lantern):
    url = lantern.settings.directory_db_url
    with db.session_scope(url) as session:
        import_path(SAMPLE, session)  # re-importing the same source changes nothing
    db.dispose(url)
    return lantern


def talk(bot, who: str, text: str) -> List[Dict]:
    status, replies = send(bot.settings, who, text)
    assert status == 200, replies
    assert 1 <= len(replies) <= 3, replies
    for reply in replies:
        assert len(reply.get("text", "")) <= 320, reply
        assert reply.get("metadata", {}).get("mi"), reply
    return replies


def joined(replies: List[Dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def new_sender() -> str:
    return "referral-" + uuid.uuid4().hex[:10]


def test_up_front_request_more_and_decline(bot):
    who = new_sender()
    talk(bot, who, "hi")
    replies = talk(bot, who, "where can i get narcan near 45402")
    text = joined(replies)
    assert "Gem City Harm Reduction" in text and "937-555-0103" in text and "Example Avenue" in text
    assert "fit" in replies[-1]["text"] and "leave it there" in replies[-1]["text"]
    more = joined(talk(bot, who, "any others?"))
    assert "everything close by" in more and "nextdistro.org" in more
    assert "your call" in joined(talk(bot, who, "none of these"))


def test_asked_what_and_where_with_idk_then_pick_one(bot):
    who = new_sender()
    first = joined(talk(bot, who, "can you help me find a place"))
    assert "What kind of help" in first
    assert "don't have to know exactly" in joined(talk(bot, who, "idk"))
    assert "Where should I look" in joined(talk(bot, who, "subs"))
    options = joined(talk(bot, who, "dayton oh"))
    assert "Buprenorphine" in options and "near Dayton, OH" in options
    chosen = talk(bot, who, "the first one")
    assert "937-555-0105" in chosen[0]["text"] and chosen[-1]["metadata"]["mi"] == "open_question"


def test_change_of_mind_while_asked_where(bot):
    who = new_sender()
    assert "Where should I look" in joined(talk(bot, who, "where can i get narcan"))
    options = joined(talk(bot, who, "actually not narcan, i need food. 45403"))
    assert "Food Pantry" in options and "Naloxone" not in options


def test_unknown_zip_then_anywhere_gives_national_options(bot):
    who = new_sender()
    assert "couldn't find the ZIP code 00000" in joined(talk(bot, who, "i need detox near 00000"))
    national = joined(talk(bot, who, "anywhere"))
    assert "1-800-662-4357" in national and "no need to say where" in national


def test_no_thanks_while_asked_where_is_respected(bot):
    who = new_sender()
    assert "Where should I look" in joined(talk(bot, who, "find me a shelter"))
    assert "your call" in joined(talk(bot, who, "nah forget it"))


def test_crisis_interrupts_the_form(bot):
    who = new_sender()
    talk(bot, who, "where can i get narcan")
    status, replies = send(bot.settings, who, "my friend is turning blue and wont wake up")
    assert status == 200 and replies[0]["text"].startswith("Call 911")
    assert "naloxone" in joined(replies).lower()
    # The form is over: the next message is not read as a place.
    assert "Where should I look" not in joined(talk(bot, who, "ok hes breathing now, ambulance is here"))


def test_crisis_in_the_form_sends_only_the_crisis_script(bot):
    who = new_sender()
    talk(bot, who, "where can i get narcan")
    replies = talk(bot, who, "my friend is turning blue and wont wake up")
    assert all(r.get("custom", {}).get("crisis") for r in replies)
