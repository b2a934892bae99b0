"""Staff pages for persons, mounted at ``staff/persons/``."""

from django.urls import path

from spcomms.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/merge/", views.person_merge_view, name="merge"),
    path("<int:pk>/distinct/", views.person_distinct_view, name="distinct"),
    path("<int:pk>/split/", views.person_split_view, name="split"),
    path("merges/<int:pk>/undo/", views.merge_undo_view, name="merge_undo"),
]
