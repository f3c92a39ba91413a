"""Entry point for `python -m bot ...`; the commands live in bot/cli.py."""
import sys

from bot.cli import main

sys.exit(main())
