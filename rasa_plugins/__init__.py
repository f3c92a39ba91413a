"""Plug-ins loaded by the Rasa server process: channels, NLU components, policies, the tracker store.

Named by class path in config.yml, credentials.yml and endpoints.yml; started by
`python -m rasa_plugins.server`. Imports the shared library (`lantern`), never `actions` or `tools`.
"""
