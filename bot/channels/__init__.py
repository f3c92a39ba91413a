"""Lantern's input channels: Rasa's own, made strict about errors and privacy."""
