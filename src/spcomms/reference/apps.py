from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "spcomms.reference"
    default_auto_field = "django.db.models.BigAutoField"
