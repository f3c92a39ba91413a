"""The staff web app: its own process, where staff review anonymized transcripts, follow up and supervise.

Empty for now (issue 19 builds it). It may import the shared library (`lantern`) and nothing
from the Rasa server (`rasa_plugins`) or the action server (`actions`); see docs/architecture.md.
"""
