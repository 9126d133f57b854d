from django.urls import path

from tumbuh.tools import views

app_name = "tools"

urlpatterns = [
    path("kalkulator-z-score/", views.zscore_calculator, name="zscore-calculator"),
]
