"""The public pages: search with facets, a communication, a State, a mandate; and no
withheld name on any of them."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from urllib.parse import quote, quote_plus

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from spcomms.cases.models import Gender, PersonKind, PublicNaming
from spcomms.communications.letters import placeholder
from spcomms.communications.models import Communication, CommunicationPerson
from spcomms.publication.records import reference_slug
from spcomms.reference.models import Country, Mandate, ViolationType
from spcomms.reprisals.models import ReprisalAllegation
from spcomms.visits.models import StandingInvitation, VisitRequest, VisitStatus
from tests import factories

pytestmark = pytest.mark.django_db


def _published(facts: str, *, country: str = "COL", year: int = 2016) -> Communication:
    sent = factories.communication(
        country=country, sent_at=dt.datetime(year, 3, 1, 9, tzinfo=dt.UTC)
    )
    sent.facts = facts
    sent.save()
    return sent


def _url(sent: Communication) -> str:
    return f"/communications/{reference_slug(sent)}/"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def test_the_search_page_lists_finds_and_counts(client: Client, reference: None) -> None:
    land = _published("The land rights defender was arrested.")
    _published("A trade unionist was threatened.", country="MEX", year=2017)
    page = client.get("/communications/", {"q": "land"})
    assert page.status_code == 200
    html = page.content.decode()
    assert land.reference in html
    assert "1 communication found" in html
    everything = client.get("/communications/").content.decode()
    assert "2 communications found" in everything
    assert re.search(r'data-value="MEX">[^<]+</a> <span class="count">\(1\)', everything)


def test_choosing_a_facet_narrows_the_results(client: Client, reference: None) -> None:
    _published("One.", country="COL")
    mexico = _published("Two.", country="MEX", year=2017)
    html = client.get("/communications/", {"addressee": "MEX"}).content.decode()
    assert "1 communication found" in html
    assert mexico.reference in html
    assert 'aria-current="true" data-value="MEX"' in html


def test_the_results_can_be_sorted_oldest_first(client: Client, reference: None) -> None:
    old = _published("One.", year=2014)
    new = _published("Two.", year=2018)
    html = client.get("/communications/", {"sort": "oldest"}).content.decode()
    assert html.index(old.reference) < html.index(new.reference)
    html = client.get("/communications/").content.decode()
    assert html.index(new.reference) < html.index(old.reference)


def test_the_search_page_query_count_does_not_grow_with_results(
    client: Client, reference: None, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for number in range(30):
        _published("Text.", country="MEX" if number % 2 else "COL", year=2010 + number % 8)
    client.get("/communications/")  # builds the index
    with django_assert_max_num_queries(20):
        page = client.get("/communications/", {"year": "2011", "type": "UA"})
    assert page.status_code == 200


def test_a_communication_page_shows_its_letter_and_replies(client: Client, reference: None) -> None:
    sent = _published("The defender was detained.")
    factories.reply(to=sent, received_on=dt.date(2016, 3, 20))
    secret = factories.reply(to=sent, received_on=dt.date(2016, 6, 1))
    secret.confidential = True
    secret.save()
    html = client.get(_url(sent)).content.decode()
    assert "The defender was detained." in html
    assert "in time" in html
    assert "at the State&#x27;s request, not made public" in html


def test_a_missing_and_a_confidential_communication_get_the_same_404(
    client: Client, reference: None
) -> None:
    soon = factories.communication(sent_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2))
    missing = client.get("/communications/ua-col-9999-2016/")
    hidden = client.get(_url(soon))
    assert missing.status_code == hidden.status_code == 404

    def body(html: bytes, slug: str) -> str:
        without_token = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())
        return without_token.replace(slug, "SLUG")

    assert body(missing.content, "ua-col-9999-2016") == body(hidden.content, reference_slug(soon))


def test_the_state_page_compares_with_the_region_and_all_states(
    client: Client, reference: None
) -> None:
    answered = _published("One.", country="COL")
    factories.reply(to=answered, received_on=dt.date(2016, 3, 20))
    _published("Two.", country="COL", year=2017)
    _published("Three.", country="MEX")
    _published("Four.", country="FRA")
    VisitRequest.objects.create(
        mandate=Mandate.objects.get(code="sr-hrd"),
        country=Country.objects.get(iso3="COL"),
        requested_on=dt.date(2017, 1, 10),
        status=VisitStatus.REFUSED,
    )
    StandingInvitation.objects.create(
        country=Country.objects.get(iso3="COL"), extended_on=dt.date(2003, 3, 1)
    )
    page = client.get("/states/col/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Refused" in html
    assert "standing invitation to all thematic mandates" in html
    comparison = html[html.index('data-testid="comparison"') :]
    row = comparison[comparison.index("Reply rate") :].split("</tr>")[0]
    assert re.findall(r"<td>([^<]+)</td>", row) == ["50 %", "33 %", "25 %"]
    assert client.get("/states/zzz/").status_code == 404


def test_the_mandate_page_counts_by_year(client: Client, reference: None) -> None:
    _published("One.", year=2015)
    _published("Two.", year=2015)
    html = client.get("/mandates/sr-hrd/").content.decode()
    assert re.search(r"<th scope=\"row\">2015</th><td>2</td>", html)
    assert client.get("/mandates/no-such-mandate/").status_code == 404


@pytest.mark.parametrize("path", ["/communications/", "/states/COL/", "/mandates/sr-hrd/"])
def test_list_pages_do_not_make_a_query_per_row(
    client: Client,
    reference: None,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    path: str,
) -> None:
    for number in range(25):
        _published("Text.", year=2010 + number % 5)
    client.get(path)
    with django_assert_max_num_queries(20):
        assert client.get(path).status_code == 200


def test_no_withheld_name_appears_on_any_public_page(client: Client, reference: None) -> None:
    """The attacker reads every public page and searches for names that were withheld."""
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
    for person in everyone:
        person.gender = Gender.FEMALE if person.kind == PersonKind.INDIVIDUAL else person.gender
        person.save()
    clean = factories.communication(persons=everyone)
    clean.facts = " and ".join(placeholder(p) for p in everyone) + " were detained."
    clean.save()
    for link in CommunicationPerson.objects.filter(communication=clean):
        link.violations.add(ViolationType.objects.get(code="arbitrary_detention"))
    leaky = factories.communication(persons=(withheld, nobody))
    leaky.facts = f"{placeholder(withheld)} was arrested. Maximiliano ZUNIGA saw it."
    leaky.save()
    soon = factories.communication(
        persons=(full,), sent_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    )
    soon.facts = "Confidential letter about Valentina Ospina and Marisol."
    soon.save()
    held = factories.communication(persons=(full,))
    held.facts = "Withheld letter about Valentina Ospina."
    held.withheld = True
    held.withheld_reason = "Risk"
    held.save()

    for person in (withheld, nobody):  # reprisals against them, acted on in public
        ReprisalAllegation.objects.create(
            person=person,
            country=Country.objects.get(iso3="COL"),
            reported_on=dt.date(2016, 4, 1),
            cooperation="communication",
            communication=clean,
            status="acted_on",
            sg_report_year=2016,
            description=f"{person.name} was followed after Geneva.",
            summary=f"{person.name} was followed.",
        )

    hidden_words = {"rigoberto", "quintanilla", "dolores", "achterberg"}
    hidden_words |= {"maximiliano", "zuniga", "colectivo", "tierra", "viva"}
    names = [p.name for p in everyone if p is not full]
    pages = [
        "/communications/",
        "/communications/?gender=female&violation=arbitrary_detention",
        "/communications/?addressee=COL&sort=oldest",
        _url(clean),
        _url(leaky),
        "/states/COL/",
        "/mandates/sr-hrd/",
        "/reprisals/",
        "/api/v1/reprisals",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        words = set(re.findall(r"\w+", _fold(response.content.decode())))
        assert not (words & hidden_words), path
    for query in [*sorted(hidden_words), *names]:
        response = client.get("/communications/", {"q": query})
        # The search box and the language form echo what the attacker typed; nothing else may.
        html = response.content.decode().replace(query, "").replace(quote_plus(query), "")
        html = html.replace(quote(query), "")
        assert "0 communications found" in html, query
        assert not (set(re.findall(r"\w+", _fold(html))) & hidden_words), query
    assert "Valentina Ospina" in client.get(_url(clean)).content.decode()
    assert "R. Q." in client.get(_url(clean)).content.decode()
    assert "withheld while it is reviewed" in client.get(_url(leaky)).content.decode()
    assert "0 communications found" in client.get("/communications/?q=marisol").content.decode()
    for unpublished in (soon, held):
        assert client.get(_url(unpublished)).status_code == 404
        assert unpublished.reference not in client.get("/communications/").content.decode()
        assert unpublished.reference not in client.get("/states/COL/").content.decode()


def test_the_home_page_counts_only_the_published_record(client: Client, reference: None) -> None:
    answered = _published("One.", country="COL")
    factories.reply(to=answered, received_on=dt.date(2016, 3, 20))
    confidential = factories.reply(to=answered, received_on=dt.date(2016, 3, 25))
    confidential.confidential = True
    confidential.save()
    _published("Two.", country="COL", year=2017)
    _published("Three.", country="MEX")
    factories.communication(sent_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=2))  # not yet
    html = client.get("/").content.decode()

    def figure(testid: str) -> str:
        found = re.search(rf'data-testid="{testid}">([^<]+)<', html)
        assert found, testid
        return found.group(1)

    assert (figure("published-count"), figure("states-count"), figure("replies-count")) == (
        "3",
        "2",
        "1",
    )


@pytest.mark.parametrize("path", ["/", "/communications/", "/statistics/"])
def test_every_public_page_links_to_the_submission_form_and_the_status_page(
    client: Client, reference: None, path: str
) -> None:
    html = client.get(path).content.decode()
    assert 'href="/submit/"' in html
    assert 'href="/submit/status/"' in html
