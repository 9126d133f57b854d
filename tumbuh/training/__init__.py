"""Karamunting: the cadre registry and training sessions with attendance and test scores."""
