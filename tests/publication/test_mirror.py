"""The in-memory copy of the index: brought up to date in place, it must equal a copy
loaded whole, and every figure it gives must match the index tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest

from spcomms.communications.models import Communication
from spcomms.publication import mirror as mirror_module
from spcomms.publication.mirror import Mirror, find, public_mirror
from spcomms.publication.models import Facet, IndexState, PublishedDocument, PublishedFacet
from tests import factories

pytestmark = pytest.mark.django_db


def _sent(country: str, year: int, day: int = 1) -> Communication:
    return factories.communication(
        country=country, sent_at=dt.datetime(year, 3, day, 9, tzinfo=dt.UTC)
    )


def _figures(mirror: Mirror) -> dict[str, object]:
    """What a copy says, independent of positions."""
    everything = mirror.everything()
    return {
        "order": [int(pk) for pk in mirror.document_ids[mirror.ordered(everything)]],
        "counts": {facet: mirror.counts(everything, facet) for facet in Facet.values},
        "totals": mirror.totals(everything),
        "years": mirror.by_year_and_type(everything),
    }


def test_a_refreshed_copy_equals_a_copy_loaded_whole(
    reference: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mirror_module, "RELOAD_SHARE", 10.0)  # always refresh in place
    letters = [
        _sent(country, 2014 + n % 3, n + 1) for n, country in enumerate(["COL", "MEX", "CHN"] * 3)
    ]
    first = public_mirror()
    letters[0].withheld = True
    letters[0].withheld_reason = "Risk"
    letters[0].save()
    letters[4].subject = "Changed"
    letters[4].save()  # its row is rebuilt with a new id
    _sent("NOR", 2016, 20)
    refreshed = public_mirror()
    assert refreshed.version != first.version
    assert refreshed.size > int(np.count_nonzero(refreshed.alive))  # dead rows kept
    whole = mirror_module._load(refreshed.version)
    assert _figures(refreshed) == _figures(whole)
    assert _figures(refreshed)["counts"]["addressee"] == {"COL": 2, "MEX": 3, "CHN": 3, "NOR": 1}


def test_the_copy_agrees_with_the_index_tables(reference: None) -> None:
    for n, country in enumerate(["COL", "COL", "MEX", "TUR"]):
        _sent(country, 2015 + n % 2, n + 1)
    mirror = public_mirror()
    for facet in Facet.values:
        expected: dict[str, int] = {}
        for value in PublishedFacet.objects.filter(facet=facet).values_list("value", flat=True):
            expected[value] = expected.get(value, 0) + 1
        assert mirror.counts(mirror.everything(), facet) == expected
    newest = list(
        PublishedDocument.objects.order_by("-sent_on", "-pk").values_list("pk", flat=True)
    )
    assert find("", {})[:] == newest
    assert find("", {}, newest=False)[:] == newest[::-1]


def test_the_copy_is_reused_while_the_index_does_not_change(reference: None) -> None:
    _sent("COL", 2016)
    assert public_mirror() is public_mirror()
    IndexState.objects.update(token=12345)  # a change somewhere in the record
    assert public_mirror().version == IndexState.objects.get().version


def test_reused_ids_make_the_copy_load_whole(reference: None) -> None:
    _sent("COL", 2016)
    before = public_mirror()
    stale = replace(before, communication_ids=before.communication_ids + 1000)
    mirror_module._current = stale
    IndexState.objects.update(token=4242)
    after = public_mirror()
    assert list(after.communication_ids) == list(before.communication_ids)
