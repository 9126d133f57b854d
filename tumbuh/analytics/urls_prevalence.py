"""Routes of the prevalence pages (joined in tumbuh/analytics/urls.py)."""

from django.urls import path

from tumbuh.analytics import views_prevalence

urlpatterns: list = [
    path("prevalensi/", views_prevalence.prevalence, name="prevalence"),
]
