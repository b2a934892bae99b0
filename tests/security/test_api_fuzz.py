"""The public API fuzzed against its committed schema: schemathesis reads
``docs/openapi-v1.json`` (the file, not the schema the code serves), generates valid and
invalid requests for every operation, sends them in-process to the Django application
(WSGI, no network) over a populated public record, and checks every answer: never a server
error, only documented status codes and content types, every body valid against the schema,
invalid parameters refused with a documented 4xx and valid ones accepted.

The run is deterministic (derandomised, no example database). It sends at least
``SPCOMMS_API_FUZZ_REQUESTS`` requests (5,000 unless set; raise it to search longer), counted
and asserted. Failures are collected, not raised one by one, so one run lists them all,
each with a ``curl`` line that reproduces it.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)

from spcomms.accounts.models import User
from spcomms.communications.models import CommunicationType
from spcomms.publication.models import Facet
from spcomms.publication.records import reference_slug
from spcomms.reference.models import Country
from spcomms.reprisals.models import ReprisalStatus
from spcomms.visits.models import StandingInvitation, VisitStatus
from tests import factories
from tests.publication.test_downloads import names_under_each_consent, published
from tests.reprisals.builders import allegation
from tests.visits.conftest import make_visit

pytestmark = pytest.mark.django_db

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "openapi-v1.json"
REQUESTS = int(os.environ.get("SPCOMMS_API_FUZZ_REQUESTS", "5000"))
LANGUAGES = ("en", "fr", "es")

# Every check that applies to a read-only API without authentication. The ones left out
# (ignored_auth, use_after_free, ensure_resource_availability, max_response_time) test
# authentication, resources created by the API, or speed.
CHECK_NAMES = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
)
CHECKS = [getattr(schemathesis.checks, name) for name in CHECK_NAMES]


@dataclass
class Findings:
    """The requests sent and, per operation and kind of failure, the first report."""

    sent: int = 0
    by_kind: dict[tuple[str, str], int] = field(default_factory=dict)
    failures: dict[tuple[str, str], str] = field(default_factory=dict)

    def send(self, case: schemathesis.Case[Any], **kwargs: Any) -> None:
        self.sent += 1
        meta = case.meta
        kind = f"{meta.phase.name.value} {meta.generation.mode.value}" if meta else "explicit"
        self.by_kind[(case.operation.label, kind)] = (
            self.by_kind.get((case.operation.label, kind), 0) + 1
        )
        try:
            case.call_and_validate(checks=CHECKS, **kwargs)
        except (Exception, BaseExceptionGroup) as error:  # collected, reported at the end
            found = getattr(error, "exceptions", (error,))
            for failure in found:
                title = getattr(failure, "title", type(failure).__name__)
                self.failures.setdefault((case.operation.label, title), str(error)[:3000])

    def report(self) -> str:
        return "\n\n".join(
            f"{operation}: {title}\n{text}" for (operation, title), text in self.failures.items()
        )


@dataclass(frozen=True)
class PublicRecord:
    slugs: tuple[str, ...]  # published ones and ones that are not public
    states: tuple[str, ...]


@pytest.fixture
def public_record(reference: None, secretariat_officer: User) -> PublicRecord:
    """Published letters of every type over several years and States, persons under every
    consent setting, a withheld text, public, late and confidential replies, letters not
    public, counted and uncounted reprisals, visits and standing invitations."""
    scenario = names_under_each_consent()
    letters = []
    for year, country, kind in [
        (2012, "MEX", CommunicationType.ALLEGATION_LETTER),
        (2014, "BHR", CommunicationType.OTHER_LETTER),
        (2015, "COL", CommunicationType.URGENT_APPEAL),
        (2017, "FRA", CommunicationType.ALLEGATION_LETTER),
        (2018, "CHN", CommunicationType.URGENT_APPEAL),
    ]:
        letter = published(
            "The defender <b>was</b> detained; \u202eRTL\u202c text.", country=country, year=year
        )
        letter.type = kind
        letter.save()
        letters.append(letter)
    factories.reply(to=letters[0], received_on=dt.date(2012, 4, 1))
    factories.reply(to=letters[1], received_on=dt.date(2014, 3, 20), reply_class=None)
    factories.reply(to=letters[4], received_on=dt.date(2019, 1, 5))  # late
    hidden = factories.reply(to=scenario.clean, received_on=dt.date(2016, 4, 2))
    hidden.confidential = True
    hidden.save()
    allegation(country="BHR", action_communication=letters[1])
    allegation(country="BHR", reported_on=dt.date(2017, 1, 5), sg_report_year=2017)
    allegation(country="MDV", status=ReprisalStatus.CLOSED, sg_report_year=2016)
    allegation(country="CHN", status=ReprisalStatus.ALLEGED, sg_report_year=2016)
    for status, country in [
        (VisitStatus.CARRIED_OUT, "COL"),
        (VisitStatus.REFUSED, "CHN"),
        (VisitStatus.DATES_PROPOSED, "MEX"),
        (VisitStatus.REQUESTED, "BHR"),
    ]:
        make_visit(secretariat_officer, status, country=country)
    colombia = Country.objects.get(iso3="COL")
    StandingInvitation.objects.create(country=colombia, extended_on=dt.date(2003, 3, 1))
    made = [scenario.clean, scenario.leaky, *scenario.unpublished, *letters]
    slugs = tuple(reference_slug(letter) for letter in made)
    return PublicRecord(slugs=slugs, states=("COL", "mex", "BHR", "CHN", "FRA", "MDV", "zzz"))


@pytest.fixture
def app() -> Iterator[WSGIApplication]:
    """Django's WSGI application, keeping the test's database connection open between
    requests: a server closes it after each one, which would end the test's transaction.
    Django's test client connects that handler again after each of its requests, so it is
    taken off before every request."""
    handler = get_wsgi_application()

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        return handler(environ, start_response)

    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def committed_schema(app: WSGIApplication) -> Any:
    config = schemathesis.Config.from_dict({"generation": {"mode": "all", "deterministic": True}})
    schema = schemathesis.openapi.from_path(SCHEMA_FILE, config=config)
    schema.app = app
    return schema


def hypothesis_run(
    schema: Any, operation: Any, scenario: Callable[[schemathesis.Case[Any]], None], examples: int
) -> Callable[[], None]:
    """The boundary cases of schemathesis's coverage phase, then ``examples`` generated
    requests, valid and invalid, for one operation; derandomised, never shrunk."""
    return create_test(
        operation=operation,
        test_func=scenario,
        config=HypothesisTestConfig(
            project=schema.config,
            modes=[HypothesisTestMode.COVERAGE, HypothesisTestMode.FUZZING],
            settings=hypothesis.settings(
                max_examples=examples,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            ),
        ),
    )


def test_an_attacker_fuzzing_the_api_gets_no_server_error_and_no_answer_outside_the_schema(
    public_record: PublicRecord, app: WSGIApplication
) -> None:
    schema = committed_schema(app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 5
    findings = Findings()
    per_operation = math.ceil(REQUESTS / len(operations))
    for operation in operations:
        hypothesis_run(schema, operation, findings.send, per_operation)()
    assert not findings.failures, findings.report()
    assert findings.sent >= REQUESTS, findings.by_kind
    kinds = {kind for _operation, kind in findings.by_kind}
    assert {"fuzzing positive", "fuzzing negative", "coverage negative"} <= kinds


def test_every_published_record_answers_within_the_schema_in_every_language(
    public_record: PublicRecord, app: WSGIApplication, client: Client
) -> None:
    schema = committed_schema(app)
    findings = Findings()
    facets = client.get("/api/v1/facets").json()
    chosen = [(facet["name"], value["value"]) for facet in facets for value in facet["values"]]
    assert len(chosen) > 10
    for language in LANGUAGES:
        headers = {"Accept-Language": language}
        for slug in public_record.slugs:
            case = schema["/api/v1/communications/{slug}"]["GET"].Case(
                path_parameters={"slug": slug}
            )
            findings.send(case, headers=headers)
        for iso3 in public_record.states:
            case = schema["/api/v1/states/{iso3}"]["GET"].Case(path_parameters={"iso3": iso3})
            findings.send(case, headers=headers)
            findings.send(
                schema["/api/v1/reprisals"]["GET"].Case(query={"state": iso3}), headers=headers
            )
        for name, value in chosen:
            for path in ("/api/v1/communications", "/api/v1/facets"):
                findings.send(schema[path]["GET"].Case(query={name: [value]}), headers=headers)
        for page in range(1, 12):
            query = {"limit": 1, "page": page, "sort": "oldest"}
            findings.send(
                schema["/api/v1/communications"]["GET"].Case(query=query), headers=headers
            )
    assert not findings.failures, findings.report()
    assert findings.sent > 3 * (len(public_record.slugs) + len(chosen) * 2)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/states/C%00L", 404),
        ("/api/v1/states/%00", 404),
        ("/api/v1/states/COLX", 404),
        ("/api/v1/reprisals?state=C%00L", 422),
        ("/api/v1/reprisals?state=%00", 422),
        ("/api/v1/communications/ua-c%00l-1-2016", 404),
        ("/api/v1/communications?q=land%00rights&addressee=C%00L", 200),
        ("/api/v1/facets?year=20%0016&mandate=%00", 200),
    ],
)
def test_a_nul_byte_or_a_malformed_code_gets_a_clear_answer_not_a_server_error(
    client: Client, reference: None, path: str, status: int
) -> None:
    """PostgreSQL refuses NUL in a query's text; the API must answer before asking it.
    A malformed State code is a State that does not exist, or a parameter named as wrong."""
    answer = client.get(path)
    assert answer.status_code == status
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    body = answer.json()
    if status == 422:
        assert [problem["loc"] for problem in body["detail"]] == [["query", "state"]]
    elif status == 404:
        assert isinstance(body["detail"], str)
    elif path.startswith("/api/v1/facets"):
        assert [facet["name"] for facet in body] == [facet.value for facet in Facet]
    else:
        assert (body["count"], body["items"]) == (0, [])


@pytest.mark.parametrize(
    ("path", "status"),
    [("/states/col/", 200), ("/states/C%00L/", 404), ("/states/%00/", 404), ("/states/COLX/", 404)],
)
def test_the_state_page_reads_a_nul_byte_or_a_malformed_code_as_no_state_not_a_500(
    client: Client, reference: None, path: str, status: int
) -> None:
    """Found with the API's: the page read the same code the same way."""
    assert client.get(path).status_code == status
