"""The content reflection: the person's own statement said back in the second person (actions/echo.py)."""

import pytest
import yaml

from actions import echo as echo_mod
from actions.echo import EchoWords, echo


@pytest.mark.parametrize(
    "text, said",
    [
        ("my mom doesnt know about the baby or the fent", "Your mom doesn't know about the baby or the fent."),
        (
            "i havent been to a doctor bc im scared theyll call cps",
            "You haven't been to a doctor because you're scared they'll call CPS.",
        ),  # fmt: skip
        (
            "last time i tried coming off i was using again inside a month",
            "Last time you tried coming off you were using again inside a month.",
        ),  # fmt: skip
        ("lost my kids in court today. my ex has them now", "You lost your kids in court today."),
        ("been on fent for 5 years", "You've been on fent for 5 years."),
        ("still using. still going back and forth", "You're still going back and forth."),
        ("everybody i started with is dead or in prison", "Everybody you started with is dead or in prison."),
        (
            "ok i put one in the kitchen drawer and one in my purse lol",
            "You put one in the kitchen drawer and one in your purse.",
        ),  # fmt: skip
    ],
)
def test_a_statement_is_said_back_in_the_second_person(text, said):
    assert echo(text) == said


@pytest.mark.parametrize(
    "text",
    [
        "is methadone free",
        "how long til you get take homes usually",  # a question, even without a question mark
        "can u get me drugs lol",
        "ur a bot",  # said to the bot
        "ok",
        "",
        None,
        "i know i know",
        "i need to stop",  # said back, it would be the bot telling them what they need to do
        "im an addict and i know it",  # a label, said back by the bot (tools/lint.py rules)
    ],
)
def test_questions_words_to_the_bot_and_empty_messages_are_not_said_back(text):
    assert echo(text) is None


def test_the_most_personal_part_of_a_long_message_is_chosen():
    text = "the VA is a joke. 3 months for an appt last time. i just want somebody to call me back"
    assert echo(text) == "You just want somebody to call you back."


def test_a_very_long_sentence_is_cut_at_a_join_or_left_out():
    long = "i went to the place on 5th and they said come back monday and i went monday and they said wednesday, " * 3
    said = echo(long)
    assert said is None or len(said.split()) <= echo_mod.MAX_WORDS + 1


def test_the_word_lists_are_checked(tmp_path):
    data = yaml.safe_load(echo_mod.WORDS_FILE.read_text(encoding="utf-8"))
    EchoWords(data)  # the shipped file passes
    for broken in ({**data, "perspective": {"I": "you"}}, {**data, "fillers": "lol"}, {**data, "spelling": {}}):
        with pytest.raises(ValueError):
            EchoWords(broken)


def test_a_part_that_names_a_feeling_is_preferred():
    """Blind coders: saying back one clause often dropped the feeling."""
    said = echo("i feel like such a fraud. i literally chaired a meeting the week before")
    assert said == "You feel like such a fraud."
    said = echo("the VA is a joke. 3 months for an appt last time. honestly im scared to even try again")
    assert said == "You're scared to even try again."


def test_what_completes_the_sentence_stays_and_fragments_are_not_said_back():
    """Blind conversation coders: "mostly feel ok" came back as "mostly feel.", "my sister maybe" as a sentence,
    and the step ("I didnt take it") was dropped for what someone else did."""
    assert echo("Anyway I'm on 16mg now and mostly feel ok") == "You're on 16mg now and mostly feel ok."
    assert echo("i smoke fent every day, been like 3 years now") == "You smoke fent every day, been like 3 years now."
    cousin = "But my cousin already came by with some. I didnt take it. Its in my drawer tho"
    assert echo(cousin) == "You didn't take it."
    assert echo("my sister maybe") is None
    assert echo("im so done with this lol") == "You're so done with this."  # a filler at the end still goes


def test_a_left_out_i_is_put_back_in_the_right_form():
    """Blind conversation coders: "You Went to a different meeting", "You Still scared of zero"."""
    assert echo("Went to a different meeting where people are chill about MAT") == (
        "You went to a different meeting where people are chill about MAT."
    )
    assert echo("Still scared of zero. But less.") == "You're still scared of zero."
    assert echo("Slowed the taper down to 2mg drops") == "You slowed the taper down to 2mg drops."
    assert echo("tired of it all honestly") == "You're tired of it all."
