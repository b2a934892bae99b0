from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from spcomms.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    list_display = ["username", "role", "is_active", "is_staff", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    filter_horizontal = ["mandates", "groups", "user_permissions"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("spcomms", {"fields": ("role", "mandates")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("spcomms", {"fields": ("role",)}),
    )
