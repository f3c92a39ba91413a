"""Entry point for `python -m tools ...`; the commands live in tools/cli.py."""

import sys

from tools.cli import main

sys.exit(main())
