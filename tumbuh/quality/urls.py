"""Routes of the quality app, under /mutu-data/ (see tumbuh/urls.py)."""

from django.urls import path

from tumbuh.quality import views

app_name = "quality"

urlpatterns = [
    path("", views.scorecard, name="scorecard"),
    path("posyandu/<uuid:pk>/", views.posyandu, name="posyandu"),
    path("pencatat/<int:pk>/", views.cadre, name="cadre"),
]
