"""Visits in the admin site, to read only: every change goes through the staff pages
(``/staff/visits/``), whose service keeps the rules and writes the audit row."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models as django_models
from django.http import HttpRequest

from spcomms.visits import models


class ReadOnly:
    """Shows rows without letting the admin site add, change or delete them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(ReadOnly, admin.TabularInline[models.VisitEvent, models.VisitRequest]):
    model = models.VisitEvent
    extra = 0
    fields = ["status", "on", "start_date", "end_date", "recorded_at", "recorded_by", "note"]


class RecommendationInline(
    ReadOnly, admin.StackedInline[models.Recommendation, models.VisitRequest]
):
    model = models.Recommendation
    extra = 0


@admin.register(models.VisitRequest)
class VisitRequestAdmin(ReadOnly, admin.ModelAdmin[models.VisitRequest]):
    formfield_overrides = {django_models.URLField: {"assume_scheme": "https"}}
    list_display = ["country", "mandate", "requested_on", "status", "start_date"]
    list_filter = ["status", "mandate"]
    inlines = [EventInline, RecommendationInline]


@admin.register(models.StandingInvitation)
class StandingInvitationAdmin(ReadOnly, admin.ModelAdmin[models.StandingInvitation]):
    list_display = ["country", "extended_on", "withdrawn_on"]
