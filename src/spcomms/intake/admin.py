"""The admin site lists submissions by their clear columns only.

Content is read through the services, which check the role and write the audit
log; the admin site would do neither, so it shows no sealed field and changes
nothing.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from spcomms.intake import models


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.Submission)
class SubmissionAdmin(_ReadOnly, admin.ModelAdmin[models.Submission]):
    list_display = ["public_id", "status", "is_urgent", "language", "country", "received_at"]
    list_filter = ["status", "is_urgent", "language"]
    fields = ("public_id", "status", "is_urgent", "language", "country", "received_at")
    readonly_fields = fields


@admin.register(models.SubmissionTransition)
class SubmissionTransitionAdmin(_ReadOnly, admin.ModelAdmin[models.SubmissionTransition]):
    list_display = ["submission", "from_status", "to_status", "at", "actor"]
