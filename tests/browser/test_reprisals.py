"""A reprisal in a real browser: a source reports one from its status page; a
secretariat officer signs in and finds that submission at the top of the triage inbox,
marked urgent, opens the register, and takes the allegation up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from spcomms.accounts.models import User
from spcomms.reference.models import Country
from spcomms.reprisals.models import ReprisalAllegation, ReprisalStatus
from tests.browser.conftest import Traffic, sign_in
from tests.conftest import PASSWORD
from tests.intake.triage import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reprisal_reported_by_a_source_reaches_the_inbox_as_urgent(
    page: Page,
    traffic: Traffic,
    live_server: object,
    secretariat_officer: User,
    intake_dir: Path,
) -> None:
    urgent = submit(marker="Earlier", urgent=True, received_days_ago=4).submission
    receipt = submit(marker="Reporter", country="BHR", received_days_ago=1)
    short = receipt.submission.public_id.hex[:8]

    # The source opens its status page with its code and reports a reprisal.
    page.goto("/submit/status/")
    page.locator("#id_code").fill(receipt.code)
    with page.expect_navigation():
        page.get_by_test_id("open").click()
    page.get_by_label("A reprisal: someone was punished for contacting the UN").check()
    page.locator("#id_body").fill("Qzbrowser police raided our office after the Geneva session.")
    with page.expect_navigation():
        page.get_by_test_id("send-message").click()
    expect(page.get_by_test_id("sent")).to_be_visible()
    allegation = ReprisalAllegation.objects.get()
    assert allegation.status == ReprisalStatus.ALLEGED
    with page.expect_navigation():
        page.get_by_test_id("close").click()

    # Staff sign in: the reported submission is first, marked urgent, before an urgent one.
    sign_in(page, secretariat_officer.username, PASSWORD)
    page.goto("/staff/intake/")
    rows = page.get_by_test_id("inbox-row")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-submission", short)
    expect(rows.first.get_by_test_id("urgent")).to_have_text("Urgent")
    expect(rows.first.get_by_test_id("reprisal-reported")).to_have_text("reprisal reported")
    expect(rows.nth(1)).to_have_attribute("data-submission", urgent.public_id.hex[:8])
    expect(page.get_by_test_id("inbox")).not_to_contain_text("Qzbrowser")

    # The register lists it as reported by the source; staff take it up.
    page.goto("/staff/reprisals/")
    register_rows = page.get_by_test_id("register-row")
    expect(register_rows).to_have_count(1)
    expect(register_rows.first.get_by_test_id("from-source")).to_be_visible()
    register_rows.first.get_by_test_id("open-allegation").click()
    expect(page.get_by_test_id("description")).to_contain_text("Qzbrowser police raided")
    page.get_by_test_id("edit").click()
    page.get_by_label("Status").select_option("under_review")
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    expect(page.get_by_test_id("status")).to_have_text("Under review")
    expect(page.get_by_test_id("event")).to_have_count(2)

    # Taken up, it no longer jumps the queue.
    page.goto("/staff/intake/")
    expect(page.get_by_test_id("reprisal-reported")).to_have_count(0)

    assert traffic.csp_errors() == []
    assert traffic.page_errors == []
    assert traffic.failed_assets == []
    assert traffic.foreign_requests(page.url.split("/staff/")[0]) == []


def test_the_public_map_shows_without_any_script_or_foreign_request(
    page: Page, traffic: Traffic, live_server: object, reference: None
) -> None:
    ReprisalAllegation.objects.create(
        country=Country.objects.get(iso3="MDV"),
        reported_on=dt.date(2016, 5, 1),
        cooperation="council_session",
        status=ReprisalStatus.ACTED_ON,
        sg_report_year=2016,
    )
    page.goto("/reprisals/")
    expect(page.get_by_test_id("world-map")).to_be_visible()
    expect(page.locator('path[data-iso3="MDV"]')).to_have_count(1)
    expect(page.locator('circle[data-marker="MDV"]')).to_be_visible()
    expect(page.get_by_test_id("reprisal-counts")).to_contain_text("Maldives")
    page.get_by_role("link", name="Maldives").click()
    expect(page.get_by_test_id("state-reprisals")).to_contain_text("2016")
    assert traffic.csp_errors() == []
    assert traffic.page_errors == []
    assert traffic.failed_assets == []
    assert traffic.foreign_requests(page.url.split("/states/")[0]) == []
