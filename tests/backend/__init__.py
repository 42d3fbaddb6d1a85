"""Tests for bot.backend: the ingest API, the staff dashboard, retention and tools."""
