"""Routes of the convergence app, under /konvergensi/ (see tumbuh/urls.py)."""

from django.urls import path

from tumbuh.convergence import views

app_name = "convergence"

urlpatterns = [
    path("", views.summary, name="summary"),
    path("anak/", views.children, name="children"),
]
