from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "spcomms.accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        # Registers the project's security checks with Django's check framework.
        from spcomms import checks  # noqa: F401
        from spcomms.accounts import checks as account_checks  # noqa: F401
        from spcomms.accounts import signals

        user_logged_in.connect(signals.on_user_logged_in, dispatch_uid="spcomms.signed_in")
        user_login_failed.connect(signals.on_user_login_failed, dispatch_uid="spcomms.failed")
