"""The public JSON API v1: search, one communication, facets, clear errors, nothing withheld,
and a schema that matches the committed ``docs/openapi-v1.json``."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from spcomms.publication.api import MAX_LIMIT, openapi_json
from spcomms.publication.records import reference_slug
from tests import factories
from tests.publication.test_downloads import fold, names_under_each_consent, published

pytestmark = pytest.mark.django_db
SNAPSHOT = Path(__file__).resolve().parents[2] / "docs" / "openapi-v1.json"


def get(client: Client, path: str, params: dict[str, Any] | None = None) -> tuple[int, Any]:
    response = client.get("/api/v1" + path, params or {})
    assert response["Content-Type"].startswith("application/json"), path
    return response.status_code, json.loads(response.content)


def test_the_list_pages_through_the_published_communications(
    client: Client, reference: None
) -> None:
    made = [published("Text.", year=2000 + number) for number in range(5)]
    status, first = get(client, "/communications", {"limit": 2})
    assert status == 200
    assert first["count"] == 5
    assert [item["reference"] for item in first["items"]] == [c.reference for c in made[::-1][:2]]
    assert first["previous"] is None
    assert first["next"].startswith("http://testserver/api/v1/communications?")
    _status, second = get(client, first["next"].removeprefix("http://testserver/api/v1"))
    assert [item["reference"] for item in second["items"]] == [c.reference for c in made[2:0:-1]]
    assert "page=1" in second["previous"]
    _status, last = get(client, "/communications", {"limit": 2, "page": 3})
    assert last["next"] is None
    assert len(last["items"]) == 1
    _status, beyond = get(client, "/communications", {"limit": 2, "page": 9})
    assert beyond["items"] == []
    assert beyond["count"] == 5


def test_the_list_applies_the_search_facets_and_order(client: Client, reference: None) -> None:
    land = published("The land rights defender was arrested.", year=2015)
    published("The land was taken.", country="MEX", year=2017)
    published("A trade unionist was threatened.", year=2018)
    _status, found = get(client, "/communications", {"q": "land", "addressee": ["COL"]})
    assert [item["reference"] for item in found["items"]] == [land.reference]
    _status, both = get(client, "/communications", {"addressee": ["COL", "MEX"], "year": "2017"})
    assert both["count"] == 1
    _status, oldest = get(client, "/communications", {"sort": "oldest"})
    assert oldest["items"][0]["reference"] == land.reference
    _status, paged = get(client, "/communications", {"sort": "oldest", "limit": 1})
    assert "sort=oldest" in paged["next"]


def test_the_detail_gives_one_communication_and_its_replies(
    client: Client, reference: None
) -> None:
    sent = published("The defender was detained.")
    factories.reply(to=sent, received_on=dt.date(2016, 3, 20))
    secret = factories.reply(to=sent, received_on=dt.date(2016, 6, 1))
    secret.confidential = True
    secret.save()
    status, item = get(client, f"/communications/{reference_slug(sent)}")
    assert status == 200
    assert item["reference"] == sent.reference
    assert item["url"] == f"/communications/{reference_slug(sent)}/"
    assert item["facts"] == "The defender was detained."
    assert item["reply_status"] == "replied"
    shown, hidden = item["replies"]
    assert shown["late"] is False
    assert shown["class_code"] == "steps_taken"
    assert hidden == {
        "confidential": True,
        "received_on": None,
        "language": "",
        "class_code": "",
        "class_label": "",
        "class_group": "",
        "late": None,
        "notice": "A reply was received and, at the State's request, not made public.",
    }


def test_a_missing_and_a_confidential_communication_get_the_same_404(
    client: Client, reference: None
) -> None:
    soon = factories.communication(sent_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2))
    missing = get(client, "/communications/ua-col-9999-2016")
    hidden = get(client, f"/communications/{reference_slug(soon)}")
    assert missing == hidden
    assert missing == (404, {"detail": "There is no published communication with this reference."})
    assert get(client, "/communications/not-a-reference")[0] == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": MAX_LIMIT + 1}, "limit"),
        ({"limit": 0}, "limit"),
        ({"page": "two"}, "page"),
        ({"page": 0}, "page"),
        ({"sort": "random"}, "sort"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_parameters_get_a_422_that_names_them(
    client: Client, reference: None, params: dict[str, Any], field: str
) -> None:
    status, answer = get(client, "/communications", params)
    assert status == 422
    assert [error["loc"][-1] for error in answer["detail"]] == [field]
    assert all(error["msg"] for error in answer["detail"])


def test_the_facets_count_values_for_a_search(client: Client, reference: None) -> None:
    published("The land rights defender was arrested.", year=2015)
    published("The land was taken.", country="MEX", year=2017)
    published("A trade unionist was threatened.", year=2018)
    status, facets = get(client, "/facets", {"q": "land", "addressee": "MEX"})
    assert status == 200
    by_name = {facet["name"]: facet for facet in facets}
    assert by_name["addressee"]["label"] == "State addressed"
    assert {v["value"]: v["count"] for v in by_name["addressee"]["values"]} == {
        "COL": 1,
        "MEX": 1,
    }
    assert by_name["addressee"]["values"][0]["label"] in {"Colombia", "Mexico"}
    assert by_name["year"]["values"] == [{"value": "2017", "label": "2017", "count": 1}]


def test_no_withheld_name_and_no_confidential_letter_is_in_an_api_answer(
    client: Client, reference: None
) -> None:
    scenario = names_under_each_consent()
    answers = [
        client.get("/api/v1/communications", {"limit": MAX_LIMIT}),
        client.get(f"/api/v1/communications/{reference_slug(scenario.clean)}"),
        client.get(f"/api/v1/communications/{reference_slug(scenario.leaky)}"),
        client.get("/api/v1/facets"),
    ]
    for word in sorted(scenario.hidden_words):
        answers.append(client.get("/api/v1/communications", {"q": word}))
    for response in answers:
        assert response.status_code == 200
        text = json.loads(response.content)
        words = set(re.findall(r"\w+", fold(json.dumps(text, ensure_ascii=False))))
        assert not (words & scenario.hidden_words), response.request
    listing = json.loads(answers[0].content)
    assert {item["reference"] for item in listing["items"]} == {
        scenario.clean.reference,
        scenario.leaky.reference,
    }
    clean = json.loads(answers[1].content)
    assert "Valentina Ospina" in clean["persons"]
    assert "R. Q." in clean["persons"]
    assert json.loads(answers[2].content)["text_withheld"] is True
    for unpublished in scenario.unpublished:
        status, _answer = get(client, f"/communications/{reference_slug(unpublished)}")
        assert status == 404


def test_the_list_query_count_does_not_grow_with_the_record(
    client: Client, reference: None
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/api/v1/communications", {"limit": 10}).status_code == 200
        return len(context)

    for _number in range(15):
        published("Text.")
    client.get("/api/v1/communications")  # builds the index
    few = queries()
    for _number in range(40):
        published("Text.")
    client.get("/api/v1/communications")
    assert queries() == few
    assert few <= 30


def test_the_api_serves_its_schema_but_no_interactive_documentation(
    client: Client, reference: None
) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    assert set(json.loads(response.content)["paths"]) == {
        "/api/v1/communications",
        "/api/v1/communications/{slug}",
        "/api/v1/facets",
        "/api/v1/reprisals",
        "/api/v1/states/{iso3}",
    }
    assert client.get("/api/v1/docs").status_code == 404


def test_the_committed_schema_matches_the_api() -> None:
    assert SNAPSHOT.read_text(encoding="utf-8") == openapi_json(), (
        "docs/openapi-v1.json is out of date: refresh it from the repository's root with "
        "`spcomms openapi --write`, review the difference and commit it."
    )


def test_the_openapi_command_prints_and_refuses_to_write_outside_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("openapi")
    assert json.loads(capsys.readouterr().out)["info"]["version"] == "1"
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError, match="run this from the repository's root"):
        call_command("openapi", "--write")
    assert not (tmp_path / "docs").exists()
    (tmp_path / "docs").mkdir()
    call_command("openapi", "--write")
    assert (tmp_path / "docs" / "openapi-v1.json").read_text(encoding="utf-8") == openapi_json()


def test_a_state_gives_the_figures_of_its_page(client: Client, reference: None) -> None:
    from spcomms.reference.models import Country, Mandate
    from spcomms.visits.models import StandingInvitation, VisitRequest, VisitStatus

    answered = published("One.", country="COL")
    factories.reply(to=answered, received_on=dt.date(2016, 3, 20))
    published("Two.", country="COL", year=2017)
    published("Three.", country="MEX")
    published("Four.", country="FRA")
    colombia = Country.objects.get(iso3="COL")
    VisitRequest.objects.create(
        mandate=Mandate.objects.get(code="sr-hrd"),
        country=colombia,
        requested_on=dt.date(2017, 1, 10),
        status=VisitStatus.REFUSED,
    )
    StandingInvitation.objects.create(country=colombia, extended_on=dt.date(2003, 3, 1))
    status, body = get(client, "/states/col")
    assert status == 200
    assert body["iso3"] == "COL"
    assert body["reporting_region"] == "latin_america_caribbean"
    assert [(row["year"], row["total"]) for row in body["years"]] == [(2017, 1), (2016, 1)]
    assert [entry["communications"] for entry in body["comparison"]] == [2, 3, 4]
    assert [entry["reply_rate"] for entry in body["comparison"]] == [50, 33, 25]
    assert body["standing_invitation_since"] == "2003-03-01"
    assert body["visits"] == [
        {
            "mandate": "sr-hrd",
            "requested_on": "2017-01-10",
            "status": "refused",
            "start_date": None,
            "end_date": None,
            "accepted_on": None,
            "statement_url": "",
            "report_symbol": "",
            "report_url": "",
            "history": [],
            "recommendations": {
                "not_assessed": 0,
                "not_implemented": 0,
                "partially": 0,
                "implemented": 0,
            },
        }
    ]
    assert body["visit_figures"]["requests"] == 1
    assert body["visit_figures"]["refused"] == 1
    assert get(client, "/states/zzz") == (404, {"detail": "There is no State with this code."})
