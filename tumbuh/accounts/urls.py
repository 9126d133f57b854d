"""Account URLs (Indonesian paths; names in English)."""

from django.urls import path

from tumbuh.accounts import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", views.LogoutView.as_view(), name="logout"),
    path("kata-sandi/", views.PasswordChangeView.as_view(), name="password-change"),
    path(
        "kata-sandi/selesai/",
        views.PasswordChangeDoneView.as_view(),
        name="password-change-done",
    ),
]
