"""The staff's reprisal register, mounted at ``staff/reprisals/`` (see docs/reprisals.md)."""

from django.urls import path

from spcomms.reprisals import views

app_name = "reprisals"
urlpatterns = [
    path("", views.register, name="register"),
    path("new/", views.allegation_create, name="create"),
    path("export/", views.export_download, name="export"),
    path("<int:pk>/", views.allegation_detail, name="detail"),
    path("<int:pk>/edit/", views.allegation_edit, name="edit"),
]
