from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "spcomms.visits"
    default_auto_field = "django.db.models.BigAutoField"
