"""Routes of the eppgbm app, under /eppgbm/ (see tumbuh/urls.py)."""

from django.urls import path

from . import views

app_name = "eppgbm"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("pratinjau/<str:token>/", views.preview, name="preview"),
    path("riwayat/", views.runs, name="runs"),
    path("impor/<uuid:pk>/", views.report, name="report"),
    path("impor/<uuid:pk>/galat.csv", views.errors_csv, name="errors_csv"),
    path("impor/<uuid:pk>/galat.xlsx", views.errors_csv, {"fmt": "xlsx"}, name="errors_xlsx"),
    path("impor/<uuid:pk>/kemajuan.json", views.progress, name="progress"),
    path("ekspor/", views.export, name="export"),
]
