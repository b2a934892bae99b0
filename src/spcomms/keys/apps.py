from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeysConfig(AppConfig):
    name = "spcomms.keys"
    verbose_name = _("Encryption keys")
