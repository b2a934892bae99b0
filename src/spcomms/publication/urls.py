"""The public record: the home page, search, communications, States and mandates."""

from django.urls import path

from spcomms.publication import downloads, report_views, statistics_views, views

app_name = "publication"
urlpatterns = [
    path("", views.home, name="home"),
    path("statistics/", statistics_views.statistics, name="statistics"),
    path("communications/", views.communication_search, name="search"),
    path("communications/download.csv", downloads.download_csv, name="download_csv"),
    path("communications/download.json", downloads.download_json, name="download_json"),
    path("communications/<slug:slug>/", views.communication_detail, name="communication"),
    path("states/<str:iso3>/", views.state_detail, name="state"),
    path("mandates/<slug:code>/", views.mandate_detail, name="mandate"),
    path("reports/hrc/", report_views.report_index, name="reports"),
    path("reports/hrc/<int:year>/<slug:session>/", report_views.report_detail, name="report"),
    path("reports/hrc/<int:year>/<slug:session>.pdf", report_views.report_pdf, name="report_pdf"),
]
