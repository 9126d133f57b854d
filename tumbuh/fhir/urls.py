"""Routes of the fhir app, under /fhir/ (see tumbuh/urls.py)."""

from django.urls import path

from tumbuh.fhir import views

app_name = "fhir"

urlpatterns = [
    path("", views.export, name="export"),
    path("anak/<uuid:pk>/", views.child_bundle, name="bundle"),
    path("posyandu/<uuid:pk>/", views.posyandu_export, name="posyandu_export"),
]
