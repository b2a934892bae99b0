from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "spcomms.intake"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from spcomms.intake import checks  # noqa: F401  # registers the system checks
