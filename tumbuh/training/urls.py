"""Routes of the training app, under /pelatihan/ (see tumbuh/urls.py)."""

from django.urls import path

from tumbuh.training import views

app_name = "training"

urlpatterns = [
    path("kader/", views.cadre_list, name="cadre-list"),
    path("kader/baru/", views.cadre_create, name="cadre-create"),
    path("kader/<uuid:pk>/", views.cadre_detail, name="cadre-detail"),
    path("kader/<uuid:pk>/ubah/", views.cadre_edit, name="cadre-edit"),
    path("sesi/", views.session_list, name="session-list"),
    path("sesi/baru/", views.session_create, name="session-create"),
    path("sesi/<uuid:pk>/", views.session_detail, name="session-detail"),
    path("sesi/<uuid:pk>/ubah/", views.session_edit, name="session-edit"),
    path("cakupan/", views.coverage, name="coverage"),
    path("cakupan.csv", views.coverage_download, name="coverage-csv"),
    path("cakupan.xlsx", views.coverage_download, {"fmt": "xlsx"}, name="coverage-xlsx"),
]
