from django.contrib import admin

from spcomms.intake import models


class VictimInline(admin.StackedInline[models.SubmissionVictim, models.Submission]):
    model = models.SubmissionVictim
    extra = 0
    exclude = ["person"]


@admin.register(models.Submission)
class SubmissionAdmin(admin.ModelAdmin[models.Submission]):
    list_display = ["public_id", "status", "is_urgent", "language", "country", "received_at"]
    list_filter = ["status", "is_urgent", "language"]
    exclude = ["receipt_hash", "receipt_lookup"]
    inlines = [VictimInline]
    autocomplete_fields = ["country"]


@admin.register(models.SubmissionMessage)
class SubmissionMessageAdmin(admin.ModelAdmin[models.SubmissionMessage]):
    list_display = ["submission", "from_source", "kind", "sent_at"]
    list_filter = ["kind", "from_source"]


@admin.register(models.SubmissionAttachment)
class SubmissionAttachmentAdmin(admin.ModelAdmin[models.SubmissionAttachment]):
    list_display = ["submission", "content_type", "size", "not_to_transmit", "uploaded_at"]


@admin.register(models.SubmissionTransition)
class SubmissionTransitionAdmin(admin.ModelAdmin[models.SubmissionTransition]):
    list_display = ["submission", "from_status", "to_status", "at", "actor"]
