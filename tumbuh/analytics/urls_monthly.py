"""Routes of the monthly reports (joined in tumbuh/analytics/urls.py)."""

from django.urls import path

from tumbuh.analytics import views_monthly

urlpatterns: list = [
    path("bulanan/posyandu/<uuid:pk>/", views_monthly.posyandu_report, name="posyandu_report"),
    path("bulanan/rekap/", views_monthly.recap, name="recap"),
]
