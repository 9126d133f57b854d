"""Routes of the quality app."""

app_name = "quality"

urlpatterns: list = []
