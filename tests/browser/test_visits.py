"""Country visits in a real browser: staff record a request through to a visit carried
out, with its statement and report, and the public sees it on the State's page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from spcomms.accounts.models import User
from spcomms.reference.models import Country, Mandate
from tests.browser.conftest import Traffic, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def record_step(page: Page, step: str, **dates: str) -> None:
    form = page.get_by_test_id("step-form")
    form.get_by_label("Step").select_option(step)
    labels = {"on": "On", "start": "First day of the visit", "end": "Last day of the visit"}
    for name, value in dates.items():
        form.get_by_label(labels[name], exact=True).fill(value)
    page.get_by_test_id("record-step").click()


def test_staff_record_a_visit_request_through_to_carried_out_and_the_public_sees_it(
    page: Page, live_server: LiveServer, traffic: Traffic, secretariat_officer: User
) -> None:
    mandate = Mandate.objects.get(code="sr-hrd")
    colombia = Country.objects.get(iso3="COL")

    sign_in(page, secretariat_officer.username, PASSWORD)
    page.get_by_role("link", name="Country visits").click()
    page.get_by_test_id("new-visit").click()
    page.get_by_label("Mandate").select_option(str(mandate.pk))
    page.get_by_label("State", exact=True).select_option(str(colombia.pk))
    page.get_by_label("Requested on").fill("2014-03-01")
    page.get_by_label("Staff note").fill("Letter handed to the mission")
    page.get_by_test_id("save-request").click()
    expect(page.get_by_test_id("visit-status")).to_have_text("Requested")

    record_step(page, "reminded", on="2014-02-01")  # before the request: refused
    expect(page.get_by_test_id("step-form")).to_contain_text("cannot come before 2014-03-01")
    expect(page.get_by_test_id("step-form").get_by_label("On", exact=True)).to_have_value(
        "2014-02-01"
    )
    record_step(page, "reminded", on="2014-09-01")
    expect(page.get_by_test_id("visit-status")).to_have_text("Reminder sent")
    record_step(page, "accepted", on="2014-12-01")
    expect(page.get_by_test_id("visit-status")).to_have_text("Accepted")
    record_step(page, "dates_proposed", on="2015-01-10", start="2015-02-08", end="2015-02-16")
    expect(page.get_by_test_id("visit-dates")).to_have_text("2015-02-08 \u2013 2015-02-16")
    record_step(page, "carried_out", start="2015-02-09", end="2015-02-17")
    expect(page.get_by_test_id("visit-status")).to_have_text("Carried out")
    expect(page.get_by_test_id("history")).to_contain_text("Letter handed to the mission")

    links = page.get_by_test_id("links-form")
    links.get_by_label("End-of-mission statement (web address)").fill("javascript:alert(1)")
    page.get_by_test_id("save-links").click()
    expect(page.get_by_test_id("links-form")).to_contain_text("starts with https://")
    links = page.get_by_test_id("links-form")
    links.get_by_label("End-of-mission statement (web address)").fill(
        "https://www.ohchr.org/en/statements/2015/02/colombia-end-of-mission"
    )
    links.get_by_label("Report symbol").fill("A/HRC/31/55/Add.2")
    links.get_by_label("Report (web address)").fill("https://undocs.org/A/HRC/31/55/Add.2")
    page.get_by_test_id("save-links").click()
    expect(page.get_by_role("status")).to_contain_text("The statement and report are recorded.")

    form = page.get_by_test_id("recommendation-form")
    form.get_by_label("Recommendation").fill("Adopt a law that protects defenders.")
    form.get_by_label("Follow-up status").select_option("partially")
    form.get_by_label("Reviewed on").fill("2016-03-01")
    page.get_by_test_id("add-recommendation").click()
    expect(page.get_by_test_id("recommendations")).to_contain_text("Adopt a law")

    page.get_by_role("button", name="Sign out").click()
    page.goto("/states/COL/")
    visits = page.get_by_test_id("state-visits")
    expect(visits.get_by_test_id("visit-status")).to_have_text("Carried out")
    expect(visits.get_by_test_id("visit-history")).to_contain_text("Reminder sent 2014-09-01")
    expect(visits.get_by_test_id("visit-history")).to_contain_text(
        "Dates proposed 2015-01-10 (for 2015-02-08 \u2013 2015-02-16)"
    )
    expect(visits.get_by_test_id("statement-link")).to_have_attribute(
        "href", "https://www.ohchr.org/en/statements/2015/02/colombia-end-of-mission"
    )
    expect(visits.get_by_test_id("report-link")).to_have_text("A/HRC/31/55/Add.2")
    expect(visits.get_by_test_id("visit-recommendations")).to_have_text(
        "1: 0 implemented, 1 partially"
    )
    expect(visits.get_by_test_id("carried-out").first).to_have_text("1")
    expect(visits).not_to_contain_text("Letter handed to the mission")
    expect(visits).not_to_contain_text("Adopt a law")
    assert traffic.foreign_requests(live_server.url) == []
    assert traffic.csp_errors() == []
    assert traffic.page_errors == []
