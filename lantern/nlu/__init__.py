"""Pure NumPy models (no Rasa): sentence encoder, linear classifiers, talk-type features.

The Rasa components that wrap them are in rasa_plugins/nlu.
"""
