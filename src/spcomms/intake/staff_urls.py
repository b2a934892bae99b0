"""The staff's triage pages, mounted at ``staff/intake/`` (see docs/intake.md, "Triage")."""

from django.urls import path

from spcomms.intake import staff_views

app_name = "intake_staff"
urlpatterns = [
    path("", staff_views.inbox, name="inbox"),
    path("<uuid:public_id>/", staff_views.submission_detail, name="detail"),
    path("<uuid:public_id>/assign/", staff_views.submission_assign_view, name="assign"),
    path("<uuid:public_id>/message/", staff_views.submission_message_view, name="message"),
    path(
        "<uuid:public_id>/info-request/",
        staff_views.submission_info_request_view,
        name="info_request",
    ),
    path("<uuid:public_id>/status/", staff_views.submission_status_view, name="status"),
    path("<uuid:public_id>/no-action/", staff_views.submission_no_action_view, name="no_action"),
    path("<uuid:public_id>/case-file/", staff_views.submission_case_file_view, name="case_file"),
    path(
        "<uuid:public_id>/files/<uuid:file_id>/",
        staff_views.attachment_download,
        name="file",
    ),
    path(
        "<uuid:public_id>/files/<uuid:file_id>/original/",
        staff_views.attachment_download,
        {"original": True},
        name="file_original",
    ),
]
