"""Pure NumPy models (no Rasa): sentence encoder, linear classifiers, talk-type features; wrapped by rasa_plugins/nlu."""
