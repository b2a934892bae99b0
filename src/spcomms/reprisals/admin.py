from django.contrib import admin

from spcomms.reprisals.models import ReprisalAllegation


@admin.register(ReprisalAllegation)
class ReprisalAllegationAdmin(admin.ModelAdmin[ReprisalAllegation]):
    list_display = ["pk", "country", "reported_on", "cooperation", "status", "sg_report_year"]
    list_filter = ["status", "cooperation", "sg_report_year"]
    autocomplete_fields = ["country", "person"]
    raw_id_fields = ["communication", "action_communication", "submission", "visit"]
