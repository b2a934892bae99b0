from django.contrib import admin
from django.http import HttpRequest

from spcomms.cases import models


class ConsentInline(admin.TabularInline[models.ConsentRecord, models.Person]):
    model = models.ConsentRecord
    extra = 0


@admin.register(models.Person)
class PersonAdmin(admin.ModelAdmin[models.Person]):
    list_display = ["key", "kind", "gender", "country", "external_key"]
    list_filter = ["kind", "gender"]
    search_fields = ["external_key", "key"]
    inlines = [ConsentInline]
    autocomplete_fields = ["country"]
    # Merged on the persons' pages only, so that each merge is recorded and can be undone.
    readonly_fields = ["merged_into"]


class CaseFilePersonInline(admin.TabularInline[models.CaseFilePerson, models.CaseFile]):
    model = models.CaseFilePerson
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(models.CaseFile)
class CaseFileAdmin(admin.ModelAdmin[models.CaseFile]):
    list_display = ["pk", "status", "country", "opened_at"]
    list_filter = ["status"]
    inlines = [CaseFilePersonInline]
    autocomplete_fields = ["country"]
    raw_id_fields = ["submission"]


class _ReadOnly:
    """Merges, splits and decisions that two persons differ are made on the persons' pages
    (``/staff/persons/``), through services that keep them undoable and audited; the admin
    site only shows them."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(models.PersonMerge)
class PersonMergeAdmin(_ReadOnly, admin.ModelAdmin[models.PersonMerge]):
    list_display = ["pk", "survivor", "absorbed", "score", "merged_at", "undone_at"]
    list_filter = ["undone_at"]


@admin.register(models.PersonDistinct)
class PersonDistinctAdmin(_ReadOnly, admin.ModelAdmin[models.PersonDistinct]):
    list_display = ["first", "second", "decided_at"]


class PersonSplitMoveInline(
    _ReadOnly, admin.TabularInline[models.PersonSplitMove, models.PersonSplit]
):
    model = models.PersonSplitMove
    extra = 0


@admin.register(models.PersonSplit)
class PersonSplitAdmin(_ReadOnly, admin.ModelAdmin[models.PersonSplit]):
    list_display = ["pk", "source", "created", "split_at"]
    inlines = [PersonSplitMoveInline]
