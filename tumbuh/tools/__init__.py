"""Alat ("tools"): stand-alone helpers for health workers, such as the z-score calculator."""
