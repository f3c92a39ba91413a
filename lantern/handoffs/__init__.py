"""Hand-offs: a person from the organisation takes a conversation over from the bot (docs/handoffs.md)."""
