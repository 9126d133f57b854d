"""Routes of the pmt app, under /pmt/ (see tumbuh/urls.py)."""

from django.urls import path

from tumbuh.pmt import views

app_name = "pmt"

urlpatterns = [
    path("", views.index, name="index"),
    path("sasaran/", views.eligible, name="eligible"),
    path("daftar/", views.enrol, name="enrol"),
    path("peserta/", views.enrolments, name="enrolments"),
    path("peserta/<uuid:pk>/", views.enrolment, name="enrolment"),
    path("peserta/<uuid:pk>/tutup/", views.close, name="close"),
    path("pemberian/", views.deliveries, name="deliveries"),
    path("laporan/", views.report, name="report"),
]
