"""Routes of the foodreserve app, under /cadangan-pangan/ (see tumbuh/urls.py)."""

from django.urls import path

from tumbuh.foodreserve import views

app_name = "foodreserve"

urlpatterns = [
    path("", views.stock, name="stock"),
    path("stok/terima/", views.receipt, name="receipt"),
    path("stok/penyesuaian/", views.adjustment, name="adjustment"),
    path("putaran/", views.round_list, name="round-list"),
    path("putaran/baru/", views.round_create, name="round-create"),
    path("putaran/<int:pk>/", views.round_detail, name="round-detail"),
    path("putaran/<int:pk>/serahkan/", views.issue, name="issue"),
    path("serah/<uuid:pk>/batal/", views.issue_cancel, name="issue-cancel"),
    path("putaran/<int:pk>/penerima.csv", views.recipients, name="recipients"),
    path("putaran/<int:pk>/penerima.xlsx", views.recipients, {"fmt": "xlsx"},
         name="recipients-xlsx"),
    path("laporan/distribusi/", views.distribution_report, name="distribution-report"),
    path("laporan/stok/", views.stock_report, name="stock-report"),
]
