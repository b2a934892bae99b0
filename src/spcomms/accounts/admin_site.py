"""The admin site of spcomms: Django's, with every object page refusing before it looks.

Django's history page looks the object up before it checks the permission: a staff
account without the right to view a model would learn which ids exist (a redirect for a
missing id, 403 for an existing one). Here the model-level permission comes first, so a
missing object and a forbidden one answer the same 403, as on the other object pages.
Installed by ``admin_apps.AdminConfig`` in place of ``django.contrib.admin``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


class AdminSite(admin.AdminSite):
    def admin_view(self, view: View, cacheable: bool = False) -> View:
        model_admin = getattr(view, "__self__", None)
        if isinstance(model_admin, admin.ModelAdmin) and view.__name__ == "history_view":
            view = cast(View, _permission_first(model_admin, view))
        return super().admin_view(view, cacheable)


def _permission_first(
    model_admin: admin.ModelAdmin[Any], view: Callable[..., HttpResponseBase]
) -> Callable[..., HttpResponseBase]:
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not model_admin.has_view_or_change_permission(request):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return update_wrapper(checked, view)
