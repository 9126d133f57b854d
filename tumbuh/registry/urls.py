"""Registry URLs (Indonesian paths; names in English)."""

from django.urls import path

from tumbuh.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.household_list, name="household-list"),
    path("rumah-tangga/baru/", views.household_create, name="household-create"),
    path("rumah-tangga/<uuid:pk>/", views.household_detail, name="household-detail"),
    path("rumah-tangga/<uuid:pk>/ubah/", views.household_edit, name="household-edit"),
    path("rumah-tangga/<uuid:pk>/anggota/baru/", views.person_create, name="person-create"),
    path("rumah-tangga/<uuid:pk>/anak/baru/", views.child_create, name="child-create"),
    path(
        "rumah-tangga/<uuid:pk>/kehamilan/baru/", views.pregnancy_create, name="pregnancy-create"
    ),
    path("anggota/<uuid:pk>/ubah/", views.person_edit, name="person-edit"),
    path("anak/<uuid:pk>/ubah/", views.child_edit, name="child-edit"),
    path("duplikat/", views.duplicates, name="duplicates"),
    path("duplikat/<uuid:first>/<uuid:second>/", views.merge, name="merge"),
]
