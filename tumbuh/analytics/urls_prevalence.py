"""Routes of the prevalence pages (joined in tumbuh/analytics/urls.py)."""

urlpatterns: list = []
