from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "spcomms.accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the project's security checks with Django's check framework.
        from spcomms import checks  # noqa: F401
