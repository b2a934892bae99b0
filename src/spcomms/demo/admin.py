from django.contrib import admin

from spcomms.demo.models import SyntheticDataset


@admin.register(SyntheticDataset)
class SyntheticDatasetAdmin(admin.ModelAdmin[SyntheticDataset]):
    list_display = ["seed", "scale", "generated_at"]
