"""Routes of the dashboard app, under /dasbor/ (see tumbuh/urls.py)."""

from django.urls import path

from tumbuh.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("laporan.pdf", views.report, name="report"),
]
