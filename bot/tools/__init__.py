"""Command-line tools behind the Makefile's verbs."""
