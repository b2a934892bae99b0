from django.apps import AppConfig


class ReprisalsConfig(AppConfig):
    name = "spcomms.reprisals"
    default_auto_field = "django.db.models.BigAutoField"
