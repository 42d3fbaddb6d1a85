"""The case page: one table of case actions (actions.py) behind one guarded entry (guard.py), the policy (who), the workflow (what status), live takeover."""
