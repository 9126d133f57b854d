"""Routes of the wash app, under /air-sanitasi/ (see tumbuh/urls.py)."""

from django.urls import path

from tumbuh.wash import views

app_name = "wash"

urlpatterns = [
    path("", views.coverage, name="coverage"),
    path("tren/", views.trend, name="trend"),
    path("belum-layak/", views.gap_list, name="gaps"),
    path("keluarga/<uuid:pk>/", views.household, name="household"),
    path("proyek/", views.project_list, name="project-list"),
    path("proyek/baru/", views.project_edit, name="project-create"),
    path("proyek/<int:pk>/", views.project_detail, name="project-detail"),
    path("proyek/<int:pk>/ubah/", views.project_edit, name="project-edit"),
    path("proyek/<int:pk>/capaian/", views.project_reach, name="project-reach"),
]
