import pytest

from rasa_plugins.channels.guard import MAX_TEXT_CHARS, check_sender_id, check_text
from rasa_plugins.channels.rest import parse_body


@pytest.mark.parametrize(
    "body, error",
    [
        (b"", "empty body"),
        (b"\xff\xfe\x00garbage", "not valid UTF-8"),
        (b'{"sender": "a", ', "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b'"text"', "JSON object"),
    ],
)
def test_bad_bodies_are_named(body, error):
    payload, err = parse_body(body)
    assert payload is None and error in err


def test_good_body():
    assert parse_body(b'{"sender": "a", "message": "hi"}') == ({"sender": "a", "message": "hi"}, None)


@pytest.mark.parametrize(
    "value, error",
    [
        (None, "missing"),
        ("", "missing"),
        ([1], "string"),
        (True, "string"),
        (5, "string"),
        ("x" * 129, "too long"),
        ("a\x00b", "control"),
    ],
)
def test_bad_sender_ids(value, error):
    sender, err = check_sender_id(value)
    assert sender is None and error in err


def test_text_is_cleaned_of_control_characters():
    assert check_text("hi\x00 there\u200b\n") == ("hi there", None)


@pytest.mark.parametrize(
    "value, error",
    [
        (None, "missing"),
        (5, "string"),
        ("   ", "empty"),
        ("\x00\x01", "empty"),
        ("a" * (MAX_TEXT_CHARS + 1), "too long"),
    ],
)
def test_bad_texts(value, error):
    text, err = check_text(value)
    assert text is None and error in err


def test_injection_strings_pass_through_as_plain_text():
    for s in ["'; DROP TABLE events; --", "<script>alert(1)</script>", "${jndi:ldap://x}", "{{7*7}}"]:
        assert check_text(s) == (s, None)


def test_a_failure_is_described_without_the_users_words() -> None:
    """The log says which part failed and where, never what the person wrote."""
    from rasa.engine.exceptions import GraphComponentException

    from rasa_plugins.channels.guard import describe_failure

    secret = "my number is 555-0100 and i relapsed"
    try:
        try:
            [][0]  # the kind of error Rasa's featurizer raised
        except IndexError as inner:
            raise GraphComponentException("Error running graph component for node run_MemoizationPolicy2.") from inner
    except GraphComponentException as exc:
        described = describe_failure(exc)
    assert described.startswith("GraphComponentException (Error running graph component for node run_Memoization")
    assert "<- IndexError at " in described and "test_guard.py:" in described
    try:
        raise ValueError(secret)
    except ValueError as exc:
        assert secret not in describe_failure(exc) and describe_failure(exc).startswith("ValueError at ")
