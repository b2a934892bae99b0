"""Template context: the synthetic-data label shown on every page."""

from __future__ import annotations

from django.http import HttpRequest

from spcomms.demo.models import SyntheticDataset


def is_synthetic() -> bool:
    return SyntheticDataset.objects.exists()


def synthetic_label(request: HttpRequest) -> dict[str, bool]:
    return {"data_is_synthetic": is_synthetic()}
