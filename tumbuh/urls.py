"""URL routes of the whole site; each app keeps its own ``urls.py`` with a namespace."""

from django.contrib import admin
from django.urls import include, path

from tumbuh import views

urlpatterns = [
    path("", views.home, name="home"),
    path("alat/", include("tumbuh.tools.urls")),
    # set_language: the language switch in the page header posts here.
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
