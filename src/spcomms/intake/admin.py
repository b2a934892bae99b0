"""The admin site lists submissions, victims, messages and files by their clear columns only.

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


@admin.register(models.SubmissionVictim)
class SubmissionVictimAdmin(_ReadOnly, admin.ModelAdmin[models.SubmissionVictim]):
    list_display = ["submission", "position", "kind", "gender", "consent_transmit"]
    fields = ("submission", "position", "kind", "gender", "consent_transmit", "consent_public")
    readonly_fields = fields


@admin.register(models.SubmissionMessage)
class SubmissionMessageAdmin(_ReadOnly, admin.ModelAdmin[models.SubmissionMessage]):
    list_display = ["submission", "from_source", "kind", "sent_at"]
    list_filter = ["kind", "from_source"]
    fields = ("submission", "from_source", "kind", "sent_at")
    readonly_fields = fields


@admin.register(models.SubmissionAttachment)
class SubmissionAttachmentAdmin(_ReadOnly, admin.ModelAdmin[models.SubmissionAttachment]):
    list_display = ["submission", "content_type", "size", "not_to_transmit", "uploaded_at"]
    fields = ("submission", "content_type", "size", "cleaned_size", "not_to_transmit")
    readonly_fields = fields
