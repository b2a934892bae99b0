from django.contrib import admin

from spcomms.reprisals.models import ReprisalAllegation, ReprisalEvent


class EventInline(admin.TabularInline[ReprisalEvent, ReprisalAllegation]):
    """The history, read-only: it is written by the services, never by hand."""

    model = ReprisalEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "actor", "fields", "from_status", "to_status"]

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ReprisalAllegation)
class ReprisalAllegationAdmin(admin.ModelAdmin[ReprisalAllegation]):
    list_display = ["pk", "country", "reported_on", "cooperation", "status", "sg_report_year"]
    list_filter = ["status", "cooperation", "sg_report_year"]
    autocomplete_fields = ["country", "person"]
    raw_id_fields = [
        "communication",
        "action_communication",
        "submission",
        "visit",
        "source_message",
    ]
    inlines = [EventInline]
