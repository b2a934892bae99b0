"""Staff pages for communications, mounted at ``staff/communications/``."""

from django.urls import path

from spcomms.analysis import report_views
from spcomms.communications import research_views, views

app_name = "communications"
urlpatterns = [
    path("", views.communication_list, name="list"),
    path("new/", views.communication_create, name="create"),
    path("statistics/", research_views.research_statistics_page, name="statistics"),
    path("statistics/report/", report_views.report_page, name="statistics_report"),
    path(
        "statistics/<slug:key>.csv",
        research_views.research_statistics_csv,
        name="statistics_csv",
    ),
    path("case-files/", views.communication_from_case_files_view, name="from_case_files"),
    path("<int:pk>/", views.communication_detail, name="detail"),
    path("<int:pk>/letter.html", views.communication_letter, {"format": "html"}, name="letter"),
    path("<int:pk>/letter.pdf", views.communication_letter, {"format": "pdf"}, name="letter_pdf"),
    path("<int:pk>/edit/", views.communication_edit, name="edit"),
    path("<int:pk>/name/", views.communication_name, name="name"),
    path("<int:pk>/approve/", views.communication_approve_view, name="approve"),
    path("<int:pk>/send/", views.communication_send_view, name="send"),
    path("<int:pk>/withhold/", views.communication_withhold_view, name="withhold"),
    path("<int:pk>/unwithhold/", views.communication_unwithhold_view, name="unwithhold"),
    path("<int:pk>/replies/new/", views.reply_new, name="reply_new"),
    path(
        "<int:pk>/replies/<int:reply_pk>/classify/",
        views.reply_classify_view,
        name="reply_classify",
    ),
]
