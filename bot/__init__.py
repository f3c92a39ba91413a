"""Lantern: a motivational-interviewing chatbot for people who use drugs."""
