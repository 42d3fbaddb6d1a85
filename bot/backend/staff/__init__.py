"""The staff dashboard, served under /staff/: login, the handoff queue, cases, stats."""
