"""Routes of the skdn pages (joined in tumbuh/analytics/urls.py)."""

urlpatterns: list = []
