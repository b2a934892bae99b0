"""The mark that the database holds synthetic data.

While a row exists, every page and every export says the data are synthetic.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SyntheticDataset(models.Model):
    seed = models.BigIntegerField(_("random seed"))
    scale = models.FloatField(_("scale"), default=1.0)
    generated_at = models.DateTimeField(_("generated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("synthetic dataset")
        verbose_name_plural = _("synthetic datasets")

    def __str__(self) -> str:
        return f"synthetic dataset (seed {self.seed})"
