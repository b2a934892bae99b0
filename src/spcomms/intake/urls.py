"""The source's pages, under /submit/ (see docs/intake.md for the access-log advice)."""

from django.urls import path

from spcomms.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.start, name="start"),
    path("form/", views.submission_form, name="form"),
    path("status/", views.status_enter, name="status_enter"),
    path("status/open/", views.status, name="status"),
    path("status/close/", views.status_close, name="status_close"),
]
