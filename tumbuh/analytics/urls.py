"""Monthly figures, under /laporan/ (see tumbuh/urls.py): SKDN pages and prevalence pages."""

from tumbuh.analytics import urls_prevalence, urls_skdn

app_name = "analytics"

urlpatterns = [*urls_skdn.urlpatterns, *urls_prevalence.urlpatterns]
