"""Top-level URLs: the public record, staff sign-in, the admin site."""

from django.contrib import admin
from django.urls import include, path

from spcomms.publication.api import api

urlpatterns = [
    path("", include("spcomms.publication.urls")),
    path("api/v1/", api.urls),
    path("accounts/", include("spcomms.accounts.urls")),
    path("submit/", include("spcomms.intake.urls")),
    path("submit/replies/", include("spcomms.intake.reply_comments")),
    path("submit/follow-up/", include("spcomms.followup.source_views")),
    path("staff/communications/", include("spcomms.communications.urls")),
    path("staff/intake/", include("spcomms.intake.staff_urls")),
    path("staff/persons/", include("spcomms.cases.urls")),
    path("staff/reprisals/", include("spcomms.reprisals.urls")),
    path("reprisals/", include("spcomms.reprisals.public_urls")),
    path("staff/follow-up/", include("spcomms.followup.views")),
    path("staff/visits/", include("spcomms.visits.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
