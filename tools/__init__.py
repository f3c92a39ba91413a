"""Command-line tools: `make run`'s runner and supervisor, `python -m tools GROUP COMMAND`, the REST client.

Tools start and talk to the other processes; nothing else imports from here.
"""
