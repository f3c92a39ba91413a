"""Records of conversations: transcripts (stored scrubbed) and the anonymizer that scrubs them."""
