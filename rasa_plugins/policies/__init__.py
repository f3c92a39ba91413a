"""Rasa dialogue policies: the crisis policy and a safe memoization policy."""
