from django.apps import AppConfig


class CovariatesConfig(AppConfig):
    name = "spcomms.covariates"
    default_auto_field = "django.db.models.BigAutoField"
