"""Worklists, under /daftar-kerja/ (see tumbuh/urls.py)."""

from django.urls import path

from tumbuh.worklists import views

app_name = "worklists"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    # reason: a Reason code; pk: the child (not weighed), the measurement or the pregnancy check
    path("<slug:reason>/<uuid:pk>/", views.item, name="item"),
]
