"""The knowledge base: sourced answers to the questions people ask (data/knowledge/*.yml).

`entries` loads and checks the YAML trainers edit; `retrieval` finds the entry a message asks
about by meaning (the sentence encoder) and the conversation's topic; `topics` reads which topic
a message names. See docs/knowledge.md.
"""
