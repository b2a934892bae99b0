"""``django.contrib.admin`` with the site of ``spcomms.accounts.admin_site`` as its default."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "spcomms.accounts.admin_site.AdminSite"
