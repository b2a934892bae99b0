"""The public statistics page: the yearly communications figures for a period anyone chooses."""

from __future__ import annotations

import datetime as dt
import html as html_text
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from spcomms.communications.models import Communication, CommunicationType
from spcomms.demo.models import SyntheticDataset
from tests import factories
from tests.web.builders import SECRET_NAME

pytestmark = pytest.mark.usefixtures("reference")

URL = "/statistics/"


def at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=dt.UTC)


def cell(html: str, testid: str) -> str:
    """The text of the element marked ``data-testid=testid``."""
    found = re.search(rf'data-testid="{re.escape(testid)}"[^>]*>(.*?)</', html, re.DOTALL)
    assert found, testid
    return found.group(1).strip()


def row(html: str, testid: str) -> list[str]:
    """The cells of the table row marked ``data-testid=testid``, without markup."""
    found = re.search(rf'<tr data-testid="{re.escape(testid)}">(.*?)</tr>', html, re.DOTALL)
    assert found, testid
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found.group(1), re.DOTALL)
    return [
        html_text.unescape(re.sub(r"<[^>]+>", "", text)).replace("\xa0", " ").strip()
        for text in cells
    ]


def a_year_of_letters() -> None:
    """2015: three letters to Asia-Pacific States (one naming someone named in 2014), one to
    Brazil about a reprisal; a draft; a letter of 2014."""
    defender = factories.person(name=SECRET_NAME)
    factories.communication(country="CHN", sent_at=at(2014, 12, 20), persons=(defender,))
    factories.communication(country="CHN", sent_at=at(2015, 1, 20), persons=(defender,))
    factories.communication(country="IND", sent_at=at(2015, 3, 1), persons=(factories.person(),))
    factories.communication(
        country="VNM", sent_at=at(2015, 6, 1), type=CommunicationType.OTHER_LETTER, mandate="wgad"
    )
    reprisal = factories.communication(country="BRA", sent_at=at(2015, 12, 31))
    Communication.objects.filter(pk=reprisal.pk).update(concerns_reprisal=True)
    factories.communication(country="RUS", sent_at=None, persons=(factories.person(),))


def test_the_page_shows_the_figures_of_the_period_asked_for(client: Client) -> None:
    a_year_of_letters()

    response = client.get(URL, {"from": "2015-01-01", "to": "2015-12-31"})

    assert response.status_code == 200
    html = response.content.decode()
    assert cell(html, "communications") == "4"
    assert cell(html, "states") == "4"
    assert cell(html, "business") == "0"
    assert cell(html, "persons") == "2"
    assert cell(html, "follow-ups") == "1"
    assert cell(html, "reprisals") == "1"
    assert row(html, "by-region-asia_pacific") == ["Asia-Pacific", "3", "75.0 %"]
    assert row(html, "by-region-latin_america_caribbean") == [
        "Latin America and the Caribbean",
        "1",
        "25.0 %",
    ]
    assert row(html, "by-region-africa") == ["Africa", "0", "0.0 %"]
    assert row(html, "by-type-OL") == ["Other letter", "1", "25.0 %"]


def test_the_page_defaults_to_the_last_complete_year_that_has_communications(
    client: Client,
) -> None:
    a_year_of_letters()
    factories.communication(country="COL", sent_at=timezone.now() - dt.timedelta(minutes=5))

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="2015-01-01"' in html
    assert 'value="2015-12-31"' in html
    assert cell(html, "communications") == "4"


def test_the_mandate_filter_counts_only_letters_the_mandate_took_part_in(client: Client) -> None:
    a_year_of_letters()

    html = client.get(URL, {"from": "2015-01-01", "to": "2015-12-31", "mandate": "wgad"}).content
    text = html.decode()

    assert cell(text, "communications") == "1"
    assert "Only communications in which this mandate took part" in cell(text, "mandate")
    assert '<option value="wgad" selected>' in text


def test_the_figures_name_no_one(client: Client) -> None:
    a_year_of_letters()

    html = client.get(URL, {"from": "2014-01-01", "to": "2015-12-31"}).content.decode()

    assert SECRET_NAME not in html
    assert cell(html, "persons") == "2"


def test_the_public_page_counts_only_the_published_record(client: Client) -> None:
    """A letter still within its deadline is confidential: not even a count of it shows,
    since a one-day period would tell that it went out, to which region, about what."""
    today = timezone.now().date()
    factories.communication(sent_at=timezone.now() - dt.timedelta(days=1))  # still confidential
    factories.communication(sent_at=timezone.now() - dt.timedelta(days=70))  # published
    factories.communication(sent_at=None)

    html = client.get(
        URL, {"from": (today - dt.timedelta(days=80)).isoformat(), "to": today.isoformat()}
    ).content.decode()

    assert cell(html, "communications") == "1"


def test_the_tables_have_captions_and_header_scopes(client: Client) -> None:
    a_year_of_letters()

    html = client.get(URL, {"from": "2015-01-01", "to": "2015-12-31"}).content.decode()

    assert html.count("<caption>") == 3
    assert html.count("<table") == 3
    assert '<th scope="col">Region</th>' in html
    assert '<th scope="row">Asia-Pacific</th>' in html
    assert '<th scope="row">States addressed</th>' in html


def test_an_empty_period_shows_dashes_not_zero_per_cent(client: Client) -> None:
    response = client.get(URL, {"from": "2001-01-01", "to": "2001-12-31"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "No communication was sent in this period." in html
    assert row(html, "by-region-asia_pacific") == ["Asia-Pacific", "0", "—"]
    assert "0.0&nbsp;%" not in html


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "2015-13-01", "to": "2015-12-31"}, "from", "Enter a date as YYYY-MM-DD"),
        ({"from": "2015-01-01", "to": "31/12/2015"}, "to", "Enter a date as YYYY-MM-DD"),
        ({"from": "", "to": "2015-12-31"}, "from", "Enter a date."),
        (
            {"from": "2016-01-01", "to": "2015-12-31"},
            "to",
            "The last day must not come before the first day.",
        ),
        (
            {"from": "2015-01-01", "to": "2015-12-31", "mandate": "nobody"},
            "mandate",
            "Choose a mandate from the list.",
        ),
    ],
)
def test_bad_input_shows_the_error_next_to_its_field(
    client: Client, query: dict[str, str], field: str, message: str
) -> None:
    response = client.get(URL, query)

    assert response.status_code == 400
    html = response.content.decode()
    assert message in cell(html, f"error-{field}")
    control = re.search(rf'<(?:input|select)[^>]*name="{field}"[^>]*>', html)
    assert control
    assert 'aria-invalid="true"' in control.group(0)
    assert f"id_{field}_error" in control.group(0)
    assert 'data-testid="figures"' not in html


def test_the_widest_possible_period_is_counted_not_crashed(client: Client) -> None:
    factories.communication(sent_at=at(2015, 1, 1))

    response = client.get(URL, {"from": "0001-01-01", "to": "9999-12-31"})

    assert response.status_code == 200
    assert cell(response.content.decode(), "communications") == "1"


def test_the_page_shows_the_synthetic_label_when_the_data_are_synthetic(client: Client) -> None:
    SyntheticDataset.objects.create(seed=3)

    html = client.get(URL).content.decode()

    assert 'data-testid="synthetic-label"' in html
    assert 'data-testid="synthetic-figures"' in html


def test_the_main_navigation_links_to_the_page_and_marks_it_current(client: Client) -> None:
    home = client.get(reverse("publication:home")).content.decode()
    here = client.get(reverse("publication:statistics")).content.decode()

    assert f'href="{URL}"' in home
    assert f'<a href="{URL}" aria-current="page">' in here


def test_the_page_speaks_french_with_french_numbers(client: Client) -> None:
    for day in (1, 2):
        factories.communication(country="CHN", sent_at=at(2015, 1, day))
    factories.communication(country="BRA", sent_at=at(2015, 1, 3))
    client.cookies["django_language"] = "fr"

    html = client.get(URL, {"from": "2015-01-01", "to": "2015-12-31"}).content.decode()

    assert "Statistiques des communications" in html
    assert row(html, "by-region-asia_pacific")[2] == "66,7 %"


def test_the_page_takes_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    persons = [factories.person() for _ in range(4)]
    for index in range(24):
        factories.communication(
            country=("CHN", "BRA", "KEN", "FRA")[index % 4],
            sent_at=at(2015, 1 + index % 12, 1 + index),
            persons=(persons[index % 4],),
        )

    with django_assert_max_num_queries(8):
        response = client.get(URL, {"from": "2015-01-01", "to": "2015-12-31", "mandate": "sr-hrd"})

    assert response.status_code == 200
    assert cell(response.content.decode(), "communications") == "24"
