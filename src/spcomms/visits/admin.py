from django.contrib import admin
from django.db import models as django_models

from spcomms.visits import models


class EventInline(admin.TabularInline[models.VisitEvent, models.VisitRequest]):
    model = models.VisitEvent
    extra = 0


class RecommendationInline(admin.StackedInline[models.Recommendation, models.VisitRequest]):
    model = models.Recommendation
    extra = 0


@admin.register(models.VisitRequest)
class VisitRequestAdmin(admin.ModelAdmin[models.VisitRequest]):
    formfield_overrides = {django_models.URLField: {"assume_scheme": "https"}}
    list_display = ["country", "mandate", "requested_on", "status", "start_date"]
    list_filter = ["status", "mandate"]
    autocomplete_fields = ["country"]
    inlines = [EventInline, RecommendationInline]


@admin.register(models.StandingInvitation)
class StandingInvitationAdmin(admin.ModelAdmin[models.StandingInvitation]):
    list_display = ["country", "extended_on", "withdrawn_on"]
    autocomplete_fields = ["country"]
