"""The public page of reprisals, mounted at ``reprisals/``."""

from django.urls import path

from spcomms.reprisals import public_views

app_name = "reprisals_public"
urlpatterns = [path("", public_views.reprisals_page, name="page")]
