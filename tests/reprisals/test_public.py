"""The public record of reprisals: what is counted (and what never is), the counts on the
public page, on a State's page and in the API, and the map drawn on the server."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.test import Client
from pytest_django import Settings

from spcomms.cases.models import PublicNaming
from spcomms.reprisals.models import ReprisalStatus
from spcomms.reprisals.public import class_bounds, colour_class, public_counts
from tests import factories
from tests.reprisals.builders import allegation

pytestmark = pytest.mark.django_db

PAGE = "/reprisals/"
API = "/api/v1/reprisals"
OLD = dt.datetime(2016, 3, 1, 9, 0, tzinfo=dt.UTC)  # its reply deadline passed long ago


def _published_letter(country: str = "BHR") -> object:
    return factories.communication(country=country, sent_at=OLD)


def _counted_and_not(reference: None) -> None:
    """Two counted in Bahrain (2016 and 2017), one in the Maldives; five that must not count."""
    allegation(country="BHR", action_communication=_published_letter())
    allegation(country="BHR", reported_on=dt.date(2017, 1, 5), sg_report_year=2017)
    allegation(country="MDV", status=ReprisalStatus.CLOSED, sg_report_year=2016)
    # Not counted: unverified, under review, confidential letter, senior official only.
    allegation(country="CHN", status=ReprisalStatus.ALLEGED, sg_report_year=2016)
    allegation(country="CHN", status=ReprisalStatus.UNDER_REVIEW, sg_report_year=2016)
    recent = factories.communication(
        country="SAU", sent_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    )
    allegation(country="SAU", action_communication=recent)
    allegation(country="SAU", raised=True)
    allegation(country="SAU", sg_report_year=dt.date.today().year + 1)


def test_only_acted_on_allegations_with_a_public_action_are_counted(reference: None) -> None:
    _counted_and_not(reference)
    counts = public_counts()
    assert [(s.country.iso3, s.by_year) for s in counts.states] == [
        ("BHR", {2016: 1, 2017: 1}),
        ("MDV", {2016: 1}),
    ]
    assert counts.years == [2016, 2017]
    assert counts.total == 3


def test_the_public_page_shows_the_counts_and_names_no_one(reference: None, client: Client) -> None:
    defender = factories.person(name="Zqhidden Defender", public_naming=PublicNaming.WITHHELD)
    allegation(
        country="BHR",
        person=defender,
        sg_report_year=2016,
        description="Zqdescription of what happened",
        summary="Zqsummary text",
    )
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    table = text.split('data-testid="reprisal-counts"')[1].split("</table>")[0]
    assert 'data-iso3="BHR"' in table
    assert "<td>1</td>" in table
    for secret in ("Zqhidden", "Defender", "Zqdescription", "Zqsummary"):
        assert secret not in text


def test_the_page_says_so_when_nothing_is_counted(reference: None, client: Client) -> None:
    allegation(status=ReprisalStatus.ALLEGED)
    text = client.get(PAGE).content.decode()
    assert 'data-testid="no-reprisals"' in text


def test_a_states_page_shows_its_counts_per_year(reference: None, client: Client) -> None:
    _counted_and_not(reference)
    bahrain = client.get("/states/BHR/").content.decode()
    section = bahrain.split('data-testid="state-reprisals"')[1].split("</table>")[0]
    assert re.findall(r'<th scope="row">(\d+)</th><td>(\d+)</td>', section) == [
        ("2017", "1"),
        ("2016", "1"),
    ]
    china = client.get("/states/CHN/").content.decode()
    assert 'data-testid="state-no-reprisals"' in china


# The API -----------------------------------------------------------------------------------


def test_the_api_gives_the_same_counts(reference: None, client: Client) -> None:
    _counted_and_not(reference)
    answer = client.get(API)
    assert answer.status_code == 200
    body = answer.json()
    assert body["total"] == 3
    assert body["years"] == [2016, 2017]
    assert [(s["iso3"], s["by_year"]) for s in body["states"]] == [
        ("BHR", {"2016": 1, "2017": 1}),
        ("MDV", {"2016": 1}),
    ]
    one = client.get(API + "?state=mdv").json()
    assert [s["iso3"] for s in one["states"]] == ["MDV"]
    assert client.get(API + "?state=CHN").json()["states"] == []


@pytest.mark.parametrize("bad", ["XXX", "ABCD", "1"])
def test_the_api_refuses_an_unknown_state(reference: None, client: Client, bad: str) -> None:
    answer = client.get(API + "?state=" + bad)
    assert answer.status_code in (404, 422)
    assert "detail" in answer.json()


# The map -----------------------------------------------------------------------------------


def test_colour_classes_grow_with_the_count() -> None:
    assert colour_class(0, 40) == 0
    assert colour_class(1, 40) == 1
    assert colour_class(40, 40) == 5
    assert colour_class(1, 1) == 5
    classes = [colour_class(n, 40) for n in range(1, 41)]
    assert classes == sorted(classes)
    bounds = class_bounds(40)
    assert bounds[0][1] == 1
    assert bounds[-1][2] == 40


def test_the_map_draws_bahrain_and_the_maldives_with_no_external_address(
    reference: None, client: Client, settings: Settings
) -> None:
    assert Path(settings.SPCOMMS_WORLD_GEOMETRY).exists(), (
        "The world map's geometry is missing: `make test` installs it (npm world-atlas)."
    )
    _counted_and_not(reference)
    answer = client.get(PAGE)
    text = answer.content.decode()
    svg = text.split('data-testid="world-map"')[1].split("</svg>")[0]
    for iso3 in ("BHR", "MDV", "CHN", "BRA"):
        path = re.search(rf'<path d="(M[^"]+)" class="(q\d)" data-iso3="{iso3}"', svg)
        assert path is not None, iso3
        assert len(path.group(1)) > 20
    assert re.search(r'class="q[1-5]" data-iso3="BHR"', svg)
    assert re.search(r'class="q0" data-iso3="CHN"', svg)
    assert 'data-marker="BHR"' in svg  # small States get a visible marker
    assert 'data-marker="MDV"' in svg
    # Nothing is loaded from another server and no script runs.
    assert "<script" not in text
    urls = re.findall(r'(?:src|href)="([^"]+)"', text)
    assert urls
    assert all(not url.startswith(("http:", "https:", "//")) for url in urls), urls
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "style=" not in text


def test_without_the_geometry_the_page_keeps_the_table_and_says_why(
    reference: None, client: Client, settings: Settings, tmp_path: Path
) -> None:
    settings.SPCOMMS_WORLD_GEOMETRY = tmp_path / "missing.json"
    _counted_and_not(reference)
    answer = client.get(PAGE)
    assert answer.status_code == 200
    text = answer.content.decode()
    assert 'data-testid="map-missing"' in text
    assert 'data-testid="world-map"' not in text
    assert 'data-iso3="BHR"' in text.split('data-testid="reprisal-counts"')[1]


def test_a_broken_geometry_file_is_treated_as_missing(
    reference: None, client: Client, settings: Settings, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"type": "Topology", "objects": {}}', encoding="utf-8")
    settings.SPCOMMS_WORLD_GEOMETRY = broken
    assert 'data-testid="map-missing"' in client.get(PAGE).content.decode()
    broken.write_text("not json", encoding="utf-8")
    assert 'data-testid="map-missing"' in client.get(PAGE).content.decode()
