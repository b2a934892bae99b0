"""The public record: the home page, search, communications, States and mandates."""

from django.urls import path

from spcomms.publication import statistics_views, views

app_name = "publication"
urlpatterns = [
    path("", views.home, name="home"),
    path("statistics/", statistics_views.statistics, name="statistics"),
    path("communications/", views.communication_search, name="search"),
    path("communications/<slug:slug>/", views.communication_detail, name="communication"),
    path("states/<str:iso3>/", views.state_detail, name="state"),
    path("mandates/<slug:code>/", views.mandate_detail, name="mandate"),
]
