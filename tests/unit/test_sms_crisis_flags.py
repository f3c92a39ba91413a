"""Crisis signs from opted-out numbers: stored as labels for staff, listed and marked by the CLI."""

from rasa_plugins.channels.sms_state import SmsState
from tools.cli import main


def test_flags_are_stored_listed_and_marked_reviewed(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'lantern.db'}"
    state = SmsState(url)
    state.flag_crisis("pseudo-1", "SM1", "crisis", "suicide", "refused")
    state.flag_crisis("pseudo-2", "SM2", "check_in", None, "sent")
    assert [(r["sender"], r["reply"]) for r in state.crisis_flags()] == [("pseudo-1", "refused"), ("pseudo-2", "sent")]

    assert main(["sms", "--db", url, "crisis-flags"]) == 0
    out = capsys.readouterr().out
    assert "pseudo-1\tcrisis\tsuicide\trefused\tno" in out and "pseudo-2\tcheck_in\t-\tsent" in out

    first = state.crisis_flags()[0]["id"]
    assert main(["sms", "--db", url, "flag-reviewed", str(first)]) == 0
    assert [r["sender"] for r in state.crisis_flags()] == ["pseudo-2"]
    assert len(state.crisis_flags(unreviewed_only=False)) == 2
    assert main(["sms", "--db", url, "flag-reviewed", "999"]) == 1
    capsys.readouterr()
    main(["sms", "--db", url, "crisis-flags", "--all"])
    assert "pseudo-1" in capsys.readouterr().out
