from django.contrib import admin

from spcomms.reference import models


@admin.register(models.Country)
class CountryAdmin(admin.ModelAdmin[models.Country]):
    list_display = ["iso3", "name_en", "un_member", "un_regional_group", "reporting_region"]
    list_filter = ["un_member", "un_regional_group", "reporting_region"]
    search_fields = ["iso2", "iso3", "name_en", "name_fr", "name_es"]


@admin.register(models.Mandate)
class MandateAdmin(admin.ModelAdmin[models.Mandate]):
    list_display = ["code", "name_en", "kind", "established", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name_en"]


class TermAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # shared by four term models
    list_display = ["code", "name_en", "name_fr", "name_es", "position", "active"]
    list_editable = ["position", "active"]
    search_fields = ["code", "name_en"]


admin.site.register(models.ViolationType, TermAdmin)
admin.site.register(models.IssueArea, TermAdmin)
admin.site.register(models.PerpetratorType, TermAdmin)


@admin.register(models.ReplyClass)
class ReplyClassAdmin(TermAdmin):
    list_display = [*TermAdmin.list_display, "group", "substantive"]
