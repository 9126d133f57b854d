"""Worklists: who needs a visit, a referral or a weighing, and what was done about it."""
