"""Monthly figures, under /laporan/ (see tumbuh/urls.py): SKDN pages, prevalence pages and the
monthly reports."""

from tumbuh.analytics import urls_monthly, urls_prevalence, urls_skdn

app_name = "analytics"

urlpatterns = [*urls_skdn.urlpatterns, *urls_prevalence.urlpatterns, *urls_monthly.urlpatterns]
