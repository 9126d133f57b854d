"""Posyandu pages, under /posyandu/ (see tumbuh/urls.py)."""

from django.urls import path

from tumbuh.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.session_list, name="session-list"),
    path("buka/", views.session_open, name="session-open"),
    path("hari/<uuid:pk>/", views.session_detail, name="session-detail"),
    path("hari/<uuid:session_pk>/anak/<uuid:child_pk>/", views.measure, name="measure"),
    path(
        "hari/<uuid:session_pk>/ibu-hamil/<uuid:pregnancy_pk>/",
        views.pregnancy_check,
        name="pregnancy-check",
    ),
    path("pengukuran/<uuid:pk>/", views.measurement_result, name="measurement-result"),
    path(
        "pemeriksaan-ibu-hamil/<uuid:pk>/",
        views.pregnancy_check_result,
        name="pregnancy-check-result",
    ),
    path("anak/<uuid:pk>/", views.child_detail, name="child-detail"),
]
