from django.contrib import admin

from spcomms.followup.models import Assessment


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin[Assessment]):
    list_display = [
        "case",
        "period_months",
        "development",
        "source",
        "information_level",
        "channel",
        "recorded_at",
    ]
    list_filter = ["development", "source", "information_level", "period_months", "channel"]
    raw_id_fields = ["case", "submission"]
