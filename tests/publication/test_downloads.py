"""Downloading the published record as CSV and JSON: the same filters as the search page,
streamed, nothing withheld in it, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from spcomms.cases.models import PersonKind, PublicNaming
from spcomms.communications.letters import placeholder
from spcomms.communications.models import Communication
from spcomms.core.csvsafe import neutralise
from spcomms.demo.models import SyntheticDataset
from spcomms.publication.api_schemas import CSV_COLUMNS
from tests import factories

pytestmark = pytest.mark.django_db


def published(facts: str, *, country: str = "COL", year: int = 2016) -> Communication:
    sent = factories.communication(
        country=country, sent_at=dt.datetime(year, 3, 1, 9, tzinfo=dt.UTC)
    )
    sent.facts = facts
    sent.save()
    return sent


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Scenario:
    clean: Communication
    leaky: Communication
    unpublished: tuple[Communication, ...]
    hidden_words: frozenset[str]


def names_under_each_consent() -> Scenario:
    """Persons under every consent setting, named through placeholders and in free text;
    one letter leaks a withheld name, two letters are not public."""
    full = factories.person(name="Valentina Ospina", public_naming=PublicNaming.FULL)
    initials = factories.person(name="Rigoberto Quintanilla", public_naming=PublicNaming.INITIALS)
    withheld = factories.person(name="Dolores Achterberg", public_naming=PublicNaming.WITHHELD)
    nobody = factories.person(name="Maximiliano Zúñiga", public_naming=None)
    group = factories.person(
        name="Colectivo Tierra Viva",
        public_naming=PublicNaming.WITHHELD,
        kind=PersonKind.ORGANISATION,
    )
    everyone = (full, initials, withheld, nobody, group)
    clean = factories.communication(persons=everyone)
    clean.facts = " and ".join(placeholder(p) for p in everyone) + " were detained."
    clean.save()
    leaky = factories.communication(persons=(withheld, nobody))
    leaky.facts = f"{placeholder(withheld)} was arrested. Maximiliano ZUNIGA saw it."
    leaky.save()
    soon = factories.communication(
        persons=(full,), sent_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    )
    soon.facts = "Confidential letter about Marisol Confidencial."
    soon.save()
    held = factories.communication(persons=(full,))
    held.facts = "Withheld letter about Marisol Retenida."
    held.withheld = True
    held.withheld_reason = "Risk"
    held.save()
    hidden = {"rigoberto", "quintanilla", "dolores", "achterberg", "maximiliano", "zuniga"}
    hidden |= {"colectivo", "tierra", "viva", "marisol", "confidencial", "retenida"}
    return Scenario(clean, leaky, (soon, held), frozenset(hidden))


def body(response: Any) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode()  # type: ignore[arg-type]  # bytes chunks


def csv_rows(response: Any) -> list[dict[str, str]]:
    text = body(response)
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith("# ")]
    return list(csv.DictReader(io.StringIO("".join(lines))))


def test_the_csv_download_holds_every_published_communication(
    client: Client, reference: None
) -> None:
    first = published("The land rights defender was arrested.")
    second = published("A trade unionist was threatened.", country="MEX", year=2017)
    factories.reply(to=first, received_on=dt.date(2016, 3, 20))
    response = client.get("/communications/download.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="communications.csv"'
    rows = csv_rows(response)
    assert [row["reference"] for row in rows] == [second.reference, first.reference]
    assert tuple(rows[0]) == CSV_COLUMNS
    answered = rows[1]
    assert answered["addressee_iso3"] == "COL"
    assert answered["lead_mandate"] == "sr-hrd"
    assert answered["reply_status"] == "replied"
    assert answered["reply_dates"] == "2016-03-20"
    assert answered["reply_classes"] == "steps_taken"
    assert answered["facts"] == "The land rights defender was arrested."
    assert rows[0]["reply_status"] == "no_reply"


def test_the_json_download_is_an_object_with_the_communications(
    client: Client, reference: None
) -> None:
    sent = published("The defender was detained.")
    factories.reply(to=sent, received_on=dt.date(2016, 6, 20))
    response = client.get("/communications/download.json")
    assert response["Content-Disposition"] == 'attachment; filename="communications.json"'
    data = json.loads(body(response))
    assert data["synthetic"] is False
    assert data["notice"] == ""
    [item] = data["communications"]
    assert item["reference"] == sent.reference
    assert item["addressees"] == [{"name": "Colombia", "iso3": "COL", "non_state_kind": ""}]
    assert item["mandates"][0]["code"] == "sr-hrd"
    assert item["replies"][0]["late"] is True
    assert item["facts"] == "The defender was detained."


def test_an_empty_record_downloads_as_a_header_and_an_empty_list(
    client: Client, reference: None
) -> None:
    assert body(client.get("/communications/download.csv")).strip() == ",".join(CSV_COLUMNS)
    assert json.loads(body(client.get("/communications/download.json")))["communications"] == []


def test_the_downloads_apply_the_search_and_its_facets(client: Client, reference: None) -> None:
    land = published("The land rights defender was arrested.", year=2015)
    published("The land was taken.", country="MEX", year=2017)
    published("A trade unionist was threatened.", year=2018)
    rows = csv_rows(client.get("/communications/download.csv", {"q": "land", "addressee": "COL"}))
    assert [row["reference"] for row in rows] == [land.reference]
    data = json.loads(body(client.get("/communications/download.json", {"q": "land"})))
    assert len(data["communications"]) == 2
    oldest = csv_rows(client.get("/communications/download.csv", {"sort": "oldest"}))
    assert oldest[0]["reference"] == land.reference
    assert csv_rows(client.get("/communications/download.csv", {"year": "1990"})) == []


def test_cells_that_a_spreadsheet_would_run_are_neutralised(
    client: Client, reference: None
) -> None:
    sent = published('=HYPERLINK("http://evil.example","click")')
    sent.concerns = "+1 concern"
    sent.questions = "@SUM(A1)"
    sent.subject = "-2+3"
    sent.save()
    [row] = csv_rows(client.get("/communications/download.csv"))
    assert row["facts"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["concerns"] == "'+1 concern"
    assert row["questions"] == "'@SUM(A1)"
    assert row["subject"] == "'-2+3"
    assert neutralise("\tx") == "'\tx"
    assert neutralise("\rx") == "'\rx"
    assert neutralise("plain = text") == "plain = text"
    data = json.loads(body(client.get("/communications/download.json")))
    assert data["communications"][0]["concerns"] == "+1 concern"  # JSON is data, not a sheet


def test_synthetic_data_are_marked_in_both_downloads(client: Client, reference: None) -> None:
    published("Text.")
    SyntheticDataset.objects.create(seed=1)
    text = body(client.get("/communications/download.csv"))
    assert text.startswith("# These data are synthetic")
    data = json.loads(body(client.get("/communications/download.json")))
    assert data["synthetic"] is True
    assert data["notice"].startswith("These data are synthetic")
    assert len(data["communications"]) == 1


def test_no_withheld_name_and_no_confidential_letter_is_downloaded(
    client: Client, reference: None
) -> None:
    scenario = names_under_each_consent()
    for path in ("/communications/download.csv", "/communications/download.json"):
        text = body(client.get(path))
        words = set(re.findall(r"\w+", fold(text)))
        assert not (words & scenario.hidden_words), path
        assert "Valentina Ospina" in text
        assert "R. Q." in text
        assert "withheld while it is reviewed" in text
        for unpublished in scenario.unpublished:
            assert unpublished.reference not in text
    rows = csv_rows(client.get("/communications/download.csv"))
    assert {row["reference"] for row in rows} == {
        scenario.clean.reference,
        scenario.leaky.reference,
    }


def test_the_downloads_stream_and_build_records_a_batch_at_a_time(
    client: Client, reference: None, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for number in range(230):
        published("Text.", year=2000 + number % 20)
    client.get("/communications/")  # builds the index
    # Records come in batches of 100 (five prefetch queries each); rendering a letter
    # still reads its named persons with one query per communication (letters.py).
    with django_assert_max_num_queries(230 + 3 * 5 + 10):
        response: Any = client.get("/communications/download.csv")
        assert isinstance(response, StreamingHttpResponse)
        chunks = iter(response.streaming_content)  # type: ignore[arg-type]  # WSGI: sync bytes
        assert next(chunks).decode().startswith("reference,url,type")
        rest = b"".join(chunks).decode()
    assert len(list(csv.reader(io.StringIO(rest)))) == 230
    assert client.post("/communications/download.csv").status_code in {403, 405}


def test_the_search_page_links_to_the_downloads_of_its_results(
    client: Client, reference: None
) -> None:
    land = published("The land rights defender was arrested.")
    published("Another text.", country="MEX")
    html = client.get("/communications/", {"q": "land", "addressee": "COL"}).content.decode()
    links = re.findall(r'href="(/communications/download\.(?:csv|json)\?[^"]*)"', html)
    assert len(links) == 2
    rows = csv_rows(client.get(links[0].replace("&amp;", "&")))
    assert [row["reference"] for row in rows] == [land.reference]
