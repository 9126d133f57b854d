"""Protein packages from the city food reserve: items, stock ledger, distribution rounds, issues to
families.
"""
