from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from spcomms.accounts.models import RecoveryCode, TOTPDevice, User
from spcomms.accounts.twofactor import NotAllowed, totp_device_reset


class TOTPDeviceInline(admin.TabularInline[TOTPDevice, User]):
    """When the account set up its app; never the secret."""

    model = TOTPDevice
    fields = ["created_at", "confirmed_at"]
    readonly_fields = ["created_at", "confirmed_at"]
    can_delete = False
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False


class RecoveryCodeInline(admin.TabularInline[RecoveryCode, User]):
    """When each recovery code was made and used; never the code or its digest."""

    model = RecoveryCode
    fields = ["created_at", "used_at"]
    readonly_fields = ["created_at", "used_at"]
    can_delete = False
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ["username", "role", "is_active", "is_staff", "two_factor", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    list_select_related = ["totp_device"]
    filter_horizontal = ["mandates", "groups", "user_permissions"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("spcomms", {"fields": ("role", "mandates")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("spcomms", {"fields": ("role",)}),
    )
    inlines = [TOTPDeviceInline, RecoveryCodeInline]
    actions = ["reset_two_factor"]

    @admin.display(boolean=True, description=_("two-factor"))
    def two_factor(self, obj: User) -> bool:
        device = getattr(obj, "totp_device", None)
        return device is not None and device.confirmed

    @admin.action(description=_("Reset two-factor authentication and sign out everywhere"))
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request.user
        assert isinstance(actor, User)  # noqa: S101  # the admin site requires a signed-in user
        try:
            reset = sum(totp_device_reset(actor=actor, user=user) for user in queryset)
        except NotAllowed as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext(
                "Two-factor authentication was reset for %(count)d account; it sets up an "
                "authenticator app again at its next sign-in.",
                "Two-factor authentication was reset for %(count)d accounts; they set up an "
                "authenticator app again at their next sign-in.",
                reset,
            )
            % {"count": reset},
            messages.SUCCESS,
        )
