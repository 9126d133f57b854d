from django.urls import path

from tumbuh.areas import views

app_name = "areas"

urlpatterns = [
    path("", views.area_list, name="area-list"),
    path("kelurahan.geojson", views.kelurahan_geojson, name="kelurahan-geojson"),
]
