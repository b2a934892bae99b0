from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "spcomms.cases"
    default_auto_field = "django.db.models.BigAutoField"
