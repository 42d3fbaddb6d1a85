"""The action server: one module per journey, run by `python -m actions.server`.

Actions read the person's triage slots, ask the service directory for what fits, send
short messages with buttons, and record each referral (never message text) through the
referral outbox.
"""
