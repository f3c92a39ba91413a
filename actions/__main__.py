"""The action server: `python -m actions [rasa_sdk's options]` (started by `make run`, tools/processes.py).

rasa_sdk's own server, plus one thing it has no hook for: the referral directory is opened and its
ZIP and town tables built in a background thread as the server starts, so the first person to ask
for a referral does not wait for it (about 2 s). Importing the actions does no such work (tests
and `rasa_sdk` itself import them freely).

It also watches the phrase files (LANTERN_PHRASES_DIR) and uses edited wording from the next
message on, once it passes the checks (actions/phrases.py `WordingWatcher`); each action run reads
one version of the wording throughout (`phrases.one_wording`, applied by MIAction to every action).
"""

from __future__ import annotations

import threading

from rasa_sdk.__main__ import main as rasa_sdk_main


def main() -> None:
    from actions import phrases
    from actions.referral import warm_up

    threading.Thread(target=warm_up, name="referral-warm-up", daemon=True).start()
    phrases.WordingWatcher().start()  # reads the wording now, then looks for edits every half second
    rasa_sdk_main()


if __name__ == "__main__":
    main()
