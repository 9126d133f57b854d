"""Families at risk of stunting (KRS): screening, TPK assistance visits, referrals."""
