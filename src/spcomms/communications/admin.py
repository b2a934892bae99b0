from django.contrib import admin
from django.http import HttpRequest

from spcomms.communications import models


class MandateInline(admin.TabularInline[models.CommunicationMandate, models.Communication]):
    model = models.CommunicationMandate
    extra = 0


class AddresseeInline(admin.TabularInline[models.Addressee, models.Communication]):
    model = models.Addressee
    extra = 0
    autocomplete_fields = ["country"]


class NamedInline(admin.TabularInline[models.CommunicationPerson, models.Communication]):
    model = models.CommunicationPerson
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(models.Communication)
class CommunicationAdmin(admin.ModelAdmin[models.Communication]):
    list_display = ["__str__", "type", "status", "sent_at", "reply_due_at", "withheld"]
    list_filter = ["type", "status", "withheld", "ref_year"]
    search_fields = ["ref_code", "subject"]
    inlines = [MandateInline, AddresseeInline, NamedInline]
    raw_id_fields = ["follow_up_of", "case_files"]


@admin.register(models.NonStateActor)
class NonStateActorAdmin(admin.ModelAdmin[models.NonStateActor]):
    list_display = ["name", "kind", "home_country"]
    search_fields = ["name"]


@admin.register(models.Reply)
class ReplyAdmin(admin.ModelAdmin[models.Reply]):
    list_display = ["communication", "received_on", "language", "reply_class", "confidential"]
    list_filter = ["reply_class", "confidential"]
    raw_id_fields = ["communication", "persons_addressed"]


@admin.register(models.ReplyComment)
class ReplyCommentAdmin(admin.ModelAdmin[models.ReplyComment]):
    list_display = ["reply", "at"]
    raw_id_fields = ["reply", "submission"]


@admin.register(models.ReferenceCounter)
class ReferenceCounterAdmin(admin.ModelAdmin[models.ReferenceCounter]):
    """Read-only: counters only ever move forward, through sending and imports."""

    list_display = ["ref_code", "ref_year", "last_number"]
    readonly_fields = ["ref_code", "ref_year", "last_number"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(models.CommunicationTransition)
class CommunicationTransitionAdmin(admin.ModelAdmin[models.CommunicationTransition]):
    list_display = ["communication", "from_status", "to_status", "at", "actor"]
    raw_id_fields = ["communication"]
