"""SMS channel state (rasa_plugins/channels/sms_state.py) and reply formatting (SmsChannel.to_sms)."""

from __future__ import annotations

from rasa_plugins.channels.sms import SmsChannel, parse_form
from rasa_plugins.channels.sms_state import SmsState


def test_message_sid_is_claimed_once(tmp_path):
    state = SmsState(f"sqlite:///{tmp_path / 'x.db'}")
    assert state.claim("SM1", "p_a") is True
    assert state.claim("SM1", "p_a") is False
    assert state.status("SM1") == "received" and state.unfinished() == 1
    state.set_status("SM1", "replied")
    assert state.unfinished() == 0


def test_opt_out_survives_a_restart(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    state = SmsState(url)
    assert state.is_opted_out("p_a") is False
    state.set_opted_out("p_a", True)
    state.engine.dispose()
    again = SmsState(url)  # a new process would see the same
    assert again.is_opted_out("p_a") is True
    again.set_opted_out("p_a", False)
    assert again.is_opted_out("p_a") is False


def test_choices_answer_one_reply_only(tmp_path):
    state = SmsState(f"sqlite:///{tmp_path / 'x.db'}")
    state.save_choices("p_a", ["/affirm", "/deny"], ["Yes", "No"])
    assert state.pop_choices("p_a") == (["/affirm", "/deny"], ["Yes", "No"])
    assert state.pop_choices("p_a") == ([], [])


def test_failed_sends_are_kept_with_the_pseudonym(tmp_path):
    state = SmsState(f"sqlite:///{tmp_path / 'x.db'}")
    state.record_failed_send("p_a", "SM1", 4, 500, None, "HTTP 500", 120)
    [row] = state.failed("p_a")
    assert row["attempts"] == 4 and row["reason"] == "HTTP 500" and row["chars"] == 120


def test_buttons_become_numbered_choices_and_long_text_is_split():
    long_text = " ".join(["This sentence is here to make the reply long enough to split."] * 8)
    bodies, offered = SmsChannel.to_sms(
        [
            {"text": long_text},
            {
                "text": "Want me to share what some people try?",
                "buttons": [{"title": "Yes, please", "payload": "/affirm"}, {"title": "Not now", "payload": "/deny"}],
            },
        ]
    )
    assert len(bodies) >= 3
    assert bodies[-1].endswith("1: Yes, please\n2: Not now")
    assert offered == (["/affirm", "/deny"], ["Yes, please", "Not now"])


def test_form_parsing_is_strict_utf8_and_keeps_repeated_fields():
    params, error = parse_form(b"Body=caf%C3%A9&MediaUrl=a&MediaUrl=b")
    assert error is None and params["Body"] == "caf\u00e9" and params.getall("MediaUrl") == ["a", "b"]
    assert parse_form(b"Body=%FF")[1] and parse_form("Body=é".encode())[1]
