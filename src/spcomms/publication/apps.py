from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "spcomms.publication"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from spcomms.publication.signals import connect

        connect()
