from django.apps import AppConfig


class CommunicationsConfig(AppConfig):
    name = "spcomms.communications"
    default_auto_field = "django.db.models.BigAutoField"
