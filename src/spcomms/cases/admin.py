from django.contrib import admin

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
    autocomplete_fields = ["country", "merged_into"]


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
