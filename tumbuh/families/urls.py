"""Routes of the families app, under /pendampingan/ (see tumbuh/urls.py)."""

from django.urls import path

from tumbuh.families import views

app_name = "families"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("skrining/", views.screen_all, name="screen-all"),
    path("keluarga/<uuid:pk>/", views.family, name="family"),
    path("keluarga/<uuid:pk>/skrining/", views.screen, name="screen"),
    path("keluarga/<uuid:pk>/kunjungan/", views.visit, name="visit"),
    path("keluarga/<uuid:pk>/rujukan/", views.refer, name="refer"),
    path("rujukan/", views.referral_list, name="referrals"),
    path("rujukan/<uuid:pk>/", views.referral, name="referral"),
    path("tim/", views.teams, name="teams"),
    path("ringkasan/", views.summary, name="summary"),
    path("ringkasan.csv", views.summary_csv, name="summary-csv"),
]
