"""The ingest API the action server calls: referrals, handoffs, erasure and withdrawal."""
