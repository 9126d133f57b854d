"""URL routes of the whole site; each app keeps its own ``urls.py`` with a namespace."""

from django.contrib import admin
from django.urls import include, path

from tumbuh import views

urlpatterns = [
    path("", views.home, name="home"),
    path("program/", views.programmes, name="programmes"),
    path("akun/", include("tumbuh.accounts.urls")),
    path("wilayah/", include("tumbuh.areas.urls")),
    path("registrasi/", include("tumbuh.registry.urls")),
    path("posyandu/", include("tumbuh.monitoring.urls")),
    # the reports hub, before the analytics pages that share its prefix
    path("laporan/", views.reports, name="reports"),
    path("laporan/", include("tumbuh.analytics.urls")),
    path("mutu-data/", include("tumbuh.quality.urls")),
    path("daftar-kerja/", include("tumbuh.worklists.urls")),
    path("pmt/", include("tumbuh.pmt.urls")),
    path("cadangan-pangan/", include("tumbuh.foodreserve.urls")),
    path("pendampingan/", include("tumbuh.families.urls")),
    path("air-sanitasi/", include("tumbuh.wash.urls")),
    path("pelatihan/", include("tumbuh.training.urls")),
    path("konvergensi/", include("tumbuh.convergence.urls")),
    path("eppgbm/", include("tumbuh.eppgbm.urls")),
    path("fhir/", include("tumbuh.fhir.urls")),
    path("dasbor/", include("tumbuh.dashboard.urls")),
    path("alat/", include("tumbuh.tools.urls")),
    # set_language: the language switch in the page header posts here.
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
