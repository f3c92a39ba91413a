"""Benchmarks: `.venv/bin/python -m bench.<topic>`, each printing a Markdown table."""
