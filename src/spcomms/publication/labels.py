"""The label of each facet value in the active language, for the search page and the API.

The names of States, mandates and violation types come from the reference tables;
they are read once per table and language and kept in memory for ``KEEP_SECONDS``,
so a search page with two hundred States costs no query. A reference edit in this
process clears the copy at once (``forget``); other processes see it within
``KEEP_SECONDS``.
"""

from __future__ import annotations

import threading
import time

from django.db.models import Model
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from spcomms.cases.models import Gender
from spcomms.communications.models import CommunicationType
from spcomms.publication.index import (
    NO_REPLY,
    REGION_BUSINESS,
    REGION_OTHER,
    REPLY_CONFIDENTIAL,
    REPLY_UNCLASSIFIED,
)
from spcomms.publication.models import Facet
from spcomms.reference.models import Country, Mandate, ReplyGroup, ReportingRegion, ViolationType

KEEP_SECONDS = 300.0
NAMED: dict[str, tuple[type[Country | Mandate | ViolationType], str]] = {
    Facet.ADDRESSEE.value: (Country, "iso3"),
    Facet.MANDATE.value: (Mandate, "code"),
    Facet.VIOLATION.value: (ViolationType, "code"),
}

_lock = threading.Lock()
_names: dict[tuple[str, str], tuple[float, dict[str, str]]] = {}


def forget(sender: type[Model] | None = None, **kwargs: object) -> None:
    """Drop the names kept in memory (connected to the reference tables' signals)."""
    with _lock:
        _names.clear()


def _reference_names(facet: str) -> dict[str, str]:
    language = (get_language() or "en")[:2]
    key = (facet, language)
    now = time.monotonic()
    kept = _names.get(key)
    if kept is not None and now - kept[0] < KEEP_SECONDS:
        return kept[1]
    model, code = NAMED[facet]
    names = {
        value: localized or english
        for value, english, localized in model.objects.values_list(
            code, "name_en", f"name_{language}" if language in {"fr", "es"} else "name_en"
        )
    }
    with _lock:
        _names[key] = (now, names)
    return names


def facet_labels(facet: str, values: set[str]) -> dict[str, str]:
    """The label of each value of ``facet`` in the active language."""
    if facet == Facet.YEAR:
        return {value: value for value in values}
    if facet == Facet.TYPE:
        kinds = dict(CommunicationType.choices)
        return {value: str(kinds.get(value, value)) for value in values}
    if facet in NAMED:
        names = _reference_names(facet)
        return {value: names[value] for value in values if value in names}
    if facet == Facet.REGION:
        regions = {
            **{r.value: str(r.label) for r in ReportingRegion},
            REGION_BUSINESS: _("Business enterprises"),
            REGION_OTHER: _("Other addressees"),
        }
        return {value: regions.get(value, value) for value in values}
    if facet == Facet.REPLY:
        groups = {
            **{g.value: str(g.label) for g in ReplyGroup},
            NO_REPLY: _("No reply"),
            REPLY_CONFIDENTIAL: _("Reply not made public"),
            REPLY_UNCLASSIFIED: _("Reply not classified"),
        }
        return {value: groups.get(value, value) for value in values}
    genders = {g.value: str(g.label) for g in Gender}
    return {value: genders.get(value, value) for value in values}
