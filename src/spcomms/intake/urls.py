"""The source's pages, under /submit/ (see docs/intake.md for the access-log advice)."""

from django.urls import path

from spcomms.intake import account_views, views

app_name = "intake"

urlpatterns = [
    path("", views.start, name="start"),
    path("form/", views.submission_form, name="form"),
    path("status/", views.status_enter, name="status_enter"),
    path("status/open/", views.status, name="status"),
    path("status/close/", views.status_close, name="status_close"),
    # An NGO's account (docs/intake.md, "Accounts for organisations").
    path("account/", account_views.account, name="account"),
    path("account/new/", account_views.account_new, name="account_new"),
    path("account/close/", account_views.account_close, name="account_close"),
    path(
        "account/submissions/<uuid:public_id>/",
        account_views.submission_status,
        name="account_submission",
    ),
]
