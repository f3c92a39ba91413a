"""Lantern's custom actions, served by the rasa-sdk action server.

Each module holds one concern; the logic lives in pure functions next to the
Action class so it can be unit-tested without a server.
"""
