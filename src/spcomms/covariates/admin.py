from django.contrib import admin

from spcomms.covariates import models


@admin.register(models.Variable)
class VariableAdmin(admin.ModelAdmin[models.Variable]):
    list_display = ["code", "label", "source", "minimum", "maximum", "builtin"]


@admin.register(models.CountryYearValue)
class CountryYearValueAdmin(admin.ModelAdmin[models.CountryYearValue]):
    list_display = ["country", "year", "variable", "value", "origin"]
    list_filter = ["variable"]
    search_fields = ["country__iso3", "country__name_en"]
    list_select_related = ["country", "variable"]
    autocomplete_fields = ["country"]


@admin.register(models.UPRReview)
class UPRReviewAdmin(admin.ModelAdmin[models.UPRReview]):
    list_display = ["country", "cycle", "review_date"]
    autocomplete_fields = ["country"]
