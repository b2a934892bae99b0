"""The staff visit pages: who reaches them, each form, bad input kept with its message,
steps the workflow refuses (409), and a list whose query count does not grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from spcomms.accounts.models import User
from spcomms.reference.models import Country, Mandate
from spcomms.visits.models import StandingInvitation, VisitEvent, VisitRequest, VisitStatus
from spcomms.visits.services import recommendation_add, standing_invitation_extend
from tests.visits.conftest import make_visit

pytestmark = pytest.mark.django_db
S = VisitStatus


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def staff_urls(officer: User) -> list[tuple[str, str]]:
    visit = make_visit(officer, S.CARRIED_OUT)
    recommendation = recommendation_add(actor=officer, visit=visit, text="Protect defenders.")
    invitation = standing_invitation_extend(
        actor=officer, country=Country.objects.get(iso3="COL"), extended_on=dt.date(2003, 3, 1)
    )
    return [
        ("get", "/staff/visits/"),
        ("get", "/staff/visits/new/"),
        ("post", "/staff/visits/new/"),
        ("get", f"/staff/visits/{visit.pk}/"),
        ("post", f"/staff/visits/{visit.pk}/steps/"),
        ("post", f"/staff/visits/{visit.pk}/links/"),
        ("post", f"/staff/visits/{visit.pk}/recommendations/"),
        ("post", f"/staff/visits/{visit.pk}/recommendations/{recommendation.pk}/"),
        ("get", "/staff/visits/standing-invitations/"),
        ("post", "/staff/visits/standing-invitations/"),
        ("post", f"/staff/visits/standing-invitations/{invitation.pk}/withdraw/"),
    ]


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client: Client, officer: User) -> None:
    for method, url in staff_urls(officer):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url


@pytest.mark.parametrize("persona", ["mandate_holder", "researcher", "source_organisation"])
def test_no_staff_page_answers_a_mandate_holder_a_researcher_or_a_source(
    client: Client, officer: User, persona: str, request: pytest.FixtureRequest
) -> None:
    urls = staff_urls(officer)
    signed_in(client, request.getfixturevalue(persona))
    for method, url in urls:
        assert getattr(client, method)(url, {"status": "reminded"}).status_code == 404, url
    assert VisitEvent.objects.filter(status=S.REMINDED).count() == 0
    assert "/staff/visits/" not in client.get("/").content.decode()


@pytest.mark.parametrize("persona", ["secretariat_officer", "administrator"])
def test_the_staff_roles_open_every_page(
    client: Client, officer: User, persona: str, request: pytest.FixtureRequest
) -> None:
    urls = [url for method, url in staff_urls(officer) if method == "get"]
    signed_in(client, request.getfixturevalue(persona))
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert 'href="/staff/visits/"' in client.get("/").content.decode()


def test_a_missing_request_is_a_404(client: Client, officer: User) -> None:
    signed_in(client, officer)
    assert client.get("/staff/visits/999999/").status_code == 404
    assert client.get("/staff/visits/99999999999999999999/").status_code == 404
    assert client.post("/staff/visits/999999/steps/", {"status": "reminded"}).status_code == 404


def test_the_list_filters_by_mandate_state_status_and_year(client: Client, officer: User) -> None:
    make_visit(officer, S.REFUSED)
    make_visit(officer, S.ACCEPTED, country="MEX", requested_on=dt.date(2012, 5, 1))
    make_visit(officer, mandate="wgad", country="PER", requested_on=dt.date(2012, 6, 1))
    signed_in(client, officer)

    def states(**params: str) -> list[str]:
        response = client.get("/staff/visits/", params)
        assert response.status_code == 200
        return [visit.country.iso3 for visit in response.context["page"]]

    assert states() == ["COL", "PER", "MEX"]
    assert states(mandate="wgad") == ["PER"]
    assert states(country="MEX") == ["MEX"]
    assert states(status="refused") == ["COL"]
    assert states(year="2012") == ["PER", "MEX"]
    assert states(year="2012", mandate="sr-hrd") == ["MEX"]
    bad = client.get("/staff/visits/", {"year": "twenty"})
    assert bad.status_code == 400
    assert "Enter a whole number." in bad.content.decode()


def test_the_list_costs_the_same_queries_for_few_and_many_requests(
    client: Client, officer: User
) -> None:
    signed_in(client, officer)
    codes = list(Country.objects.order_by("iso3").values_list("iso3", flat=True)[:24])

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/staff/visits/").status_code == 200
        return len(context)

    for code in codes[:3]:
        make_visit(officer, S.REMINDED, country=code)
    few = queries()
    for code in codes[3:]:
        make_visit(officer, S.CARRIED_OUT, country=code)
    assert queries() == few


def test_staff_record_a_request_and_a_bad_one_keeps_what_was_typed(
    client: Client, officer: User
) -> None:
    signed_in(client, officer)
    mandate = Mandate.objects.get(code="sr-hrd")
    colombia = Country.objects.get(iso3="COL")
    bad = client.post(
        "/staff/visits/new/",
        {
            "mandate": mandate.pk,
            "country": colombia.pk,
            "requested_on": "1975-04-01",
            "note": "Sent by note verbale",
        },
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "before 1980, when the first mandate was created" in html
    assert 'value="1975-04-01"' in html
    assert "Sent by note verbale" in html
    garbled = client.post("/staff/visits/new/", {"mandate": mandate.pk, "requested_on": "soon"})
    assert garbled.status_code == 400
    assert "Give a date as YYYY-MM-DD." in garbled.content.decode()
    assert VisitRequest.objects.count() == 0

    good = client.post(
        "/staff/visits/new/",
        {"mandate": mandate.pk, "country": colombia.pk, "requested_on": "2014-03-01"},
    )
    visit = VisitRequest.objects.get()
    assert good.status_code == 302
    assert good["Location"] == f"/staff/visits/{visit.pk}/"
    twice = client.post(
        "/staff/visits/new/",
        {"mandate": mandate.pk, "country": colombia.pk, "requested_on": "2014-04-01"},
    )
    assert twice.status_code == 409
    assert "already has an open request" in twice.content.decode()


def test_staff_record_each_step_and_bad_dates_come_back_with_their_message(
    client: Client, officer: User
) -> None:
    visit = make_visit(officer)
    signed_in(client, officer)
    url = f"/staff/visits/{visit.pk}/steps/"
    page = client.get(f"/staff/visits/{visit.pk}/").content.decode()
    assert '<option value="carried_out"' not in page  # not offered before an acceptance
    assert '<option value="accepted"' in page

    early = client.post(url, {"status": "accepted", "on": "2014-01-01", "note": "By letter"})
    assert early.status_code == 400
    html = early.content.decode()
    assert "cannot come before 2014-03-01" in html
    assert 'value="2014-01-01"' in html
    assert "By letter" in html

    assert client.post(url, {"status": "accepted", "on": "2014-09-01"}).status_code == 302
    no_dates = client.post(url, {"status": "carried_out"})
    assert no_dates.status_code == 400
    assert "Give the date (first day)." in no_dates.content.decode()
    done = client.post(
        url, {"status": "carried_out", "start_date": "2015-02-08", "end_date": "2015-02-16"}
    )
    assert done.status_code == 302
    visit.refresh_from_db()
    assert visit.status == S.CARRIED_OUT

    after = client.post(url, {"status": "reminded", "on": "2015-03-01"})
    assert after.status_code == 409
    assert "no step follows it" in after.content.decode()
    assert client.post(url, {"status": "visited", "on": "2015-03-01"}).status_code == 400
    assert visit.events.count() == 3


def test_links_bad_addresses_are_refused_on_the_page_and_good_ones_kept(
    client: Client, officer: User
) -> None:
    waiting = make_visit(officer, S.ACCEPTED, country="MEX")
    visit = make_visit(officer, S.CARRIED_OUT)
    signed_in(client, officer)
    early = client.post(
        f"/staff/visits/{waiting.pk}/links/", {"statement_url": "https://www.ohchr.org/"}
    )
    assert early.status_code == 409
    url = f"/staff/visits/{visit.pk}/links/"
    bad = client.post(
        url, {"statement_url": "javascript:alert(document.cookie)", "report_symbol": "A/HRC/31/55"}
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Give a web address that starts with https://" in html
    assert "A/HRC/31/55" in html
    assert 'href="javascript:' not in html
    good = client.post(
        url,
        {
            "statement_url": "https://www.ohchr.org/en/statements/end-of-mission",
            "report_symbol": "A/HRC/31/55/Add.2",
            "report_url": "https://undocs.org/A/HRC/31/55/Add.2",
        },
    )
    assert good.status_code == 302
    visit.refresh_from_db()
    assert visit.report_symbol == "A/HRC/31/55/Add.2"


def test_recommendations_are_added_and_reviewed_on_the_page(client: Client, officer: User) -> None:
    visit = make_visit(officer, S.CARRIED_OUT)
    signed_in(client, officer)
    base = f"/staff/visits/{visit.pk}/recommendations/"
    missing_date = client.post(base, {"text": "Protect defenders.", "status": "implemented"})
    assert missing_date.status_code == 400
    assert "Give the date of the review" in missing_date.content.decode()
    assert "Protect defenders." in missing_date.content.decode()
    assert (
        client.post(base, {"text": "Protect defenders.", "status": "not_assessed"}).status_code
        == 302
    )
    recommendation = visit.recommendations.get()
    prefix = f"r{recommendation.pk}"
    early = client.post(
        f"{base}{recommendation.pk}/",
        {f"{prefix}-status": "partially", f"{prefix}-reviewed_on": "2015-01-01"},
    )
    assert early.status_code == 400
    assert "ended on 2015-02-16" in early.content.decode()
    reviewed = client.post(
        f"{base}{recommendation.pk}/",
        {f"{prefix}-status": "partially", f"{prefix}-reviewed_on": "2016-01-04"},
    )
    assert reviewed.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == "partially"
    other = make_visit(officer, S.CARRIED_OUT, country="MEX")
    assert (
        client.post(f"/staff/visits/{other.pk}/recommendations/{recommendation.pk}/").status_code
        == 404
    )


def test_standing_invitations_are_extended_and_withdrawn_on_the_page(
    client: Client, officer: User
) -> None:
    signed_in(client, officer)
    colombia = Country.objects.get(iso3="COL")
    url = "/staff/visits/standing-invitations/"
    assert (
        client.post(url, {"country": colombia.pk, "extended_on": "2003-03-01"}).status_code == 302
    )
    again = client.post(url, {"country": colombia.pk, "extended_on": "2004-03-01"})
    assert again.status_code == 409
    assert "open already" in again.content.decode()
    invitation = StandingInvitation.objects.get()
    withdraw = f"{url}{invitation.pk}/withdraw/"
    prefix = f"w{invitation.pk}"
    early = client.post(withdraw, {f"{prefix}-withdrawn_on": "2002-01-01"})
    assert early.status_code == 400
    assert "cannot be withdrawn before" in early.content.decode()
    assert client.post(withdraw, {f"{prefix}-withdrawn_on": "2010-06-01"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.withdrawn_on == dt.date(2010, 6, 1)
    twice = client.post(withdraw, {f"{prefix}-withdrawn_on": "2011-06-01"})
    assert twice.status_code == 409


def test_the_admin_site_shows_visits_but_cannot_change_them(
    client: Client, officer: User, administrator: User
) -> None:
    """An administrator could otherwise set any status or date past the rules and the audit."""
    visit = make_visit(officer, S.REFUSED)
    signed_in(client, administrator)
    url = f"/admin/visits/visitrequest/{visit.pk}/change/"
    assert client.get(url).status_code == 200
    changed = client.post(
        url, {"mandate": visit.mandate_id, "country": visit.country_id, "status": "carried_out"}
    )
    assert changed.status_code == 403
    assert client.get("/admin/visits/visitrequest/add/").status_code == 403
    assert (
        client.post(f"/admin/visits/visitrequest/{visit.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    visit.refresh_from_db()
    assert visit.status == S.REFUSED
