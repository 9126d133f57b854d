"""Routes of the skdn pages (joined in tumbuh/analytics/urls.py)."""

from django.urls import path

from tumbuh.analytics import views_skdn

urlpatterns: list = [
    path("skdn/", views_skdn.skdn_page, name="skdn"),
    path("posyandu/<uuid:pk>/", views_skdn.posyandu_page, name="posyandu"),
]
