"""Routes of the worklists app."""

app_name = "worklists"

urlpatterns: list = []
