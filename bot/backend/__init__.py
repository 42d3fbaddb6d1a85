"""Referral and handoff backend, and the staff dashboard where charity staff review handoffs.

`python -m bot.backend` serves the ingest API (`/api/v1/`), the dashboard (`/staff/`) and
`/healthz`. See settings.py for configuration and README.md in this folder for the design.
"""
