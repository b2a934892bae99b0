"""The research report in a real browser: a researcher opens the statistics for a period,
follows the link to the report, sees its figures drawn (SVG as data: images, which the CSP
allows), and the page loads nothing from another server and breaks no CSP."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from spcomms.accounts.models import User
from tests import factories
from tests.browser.conftest import Traffic, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_researcher_reads_the_report_with_its_figures(
    page: Page, traffic: Traffic, live_server: object, researcher: User
) -> None:
    answered = factories.communication(
        country="COL", sent_at=dt.datetime(2015, 2, 1, 9, tzinfo=dt.UTC)
    )
    factories.communication(country="COL", sent_at=dt.datetime(2015, 5, 1, 9, tzinfo=dt.UTC))
    factories.reply(to=answered, received_on=dt.date(2015, 3, 1))

    sign_in(page, researcher.username, PASSWORD)
    page.goto("/staff/communications/statistics/?from=2015-01-01&to=2015-12-31")
    with page.expect_navigation():
        page.get_by_test_id("report-link").click()
    expect(page.get_by_test_id("report-period")).to_contain_text(
        "Communications sent from 2015-01-01 to 2015-12-31"
    )
    expect(page.get_by_test_id("n-replies-groups")).to_contain_text(
        "n = 2 communications and persons named (cases)"
    )
    figure = page.get_by_test_id("figure-replies-groups")
    expect(figure).to_be_visible()
    # The SVG was decoded and drawn: an image the CSP had blocked would have no width.
    assert figure.evaluate("image => image.complete && image.naturalWidth") > 100
    expect(page.get_by_test_id("csv-replies-groups")).to_be_visible()

    assert traffic.foreign_requests(page.url.split("/staff/")[0]) == []
    assert traffic.csp_errors() == []
    assert traffic.page_errors == []
