"""The researchers' statistics in a real browser: a researcher signs in, follows the link
in the navigation, chooses a period, reads the reply tables and downloads one as CSV; the
page loads nothing from another server and breaks no Content Security Policy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from spcomms.accounts.models import User
from tests import factories
from tests.browser.conftest import Traffic, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_researcher_reads_the_reply_tables_and_downloads_one(
    page: Page, traffic: Traffic, live_server: object, researcher: User, tmp_path: Path
) -> None:
    answered = factories.communication(
        country="COL", sent_at=dt.datetime(2015, 2, 1, 9, tzinfo=dt.UTC)
    )
    factories.communication(country="COL", sent_at=dt.datetime(2015, 5, 1, 9, tzinfo=dt.UTC))
    factories.reply(to=answered, received_on=dt.date(2015, 3, 1))

    sign_in(page, researcher.username, PASSWORD)
    with page.expect_navigation():
        page.get_by_role("link", name="Reply and outcome statistics").click()
    page.locator("#id_from").fill("2015-01-01")
    page.locator("#id_to").fill("2015-12-31")
    with page.expect_navigation():
        page.get_by_role("button", name="Show the figures").click()

    overall = page.get_by_test_id("replies-overall-communications")
    expect(overall).to_contain_text("Per communication")
    expect(overall).to_contain_text("1 (50.0 %)")
    expect(page.get_by_test_id("table-replies-overall").get_by_test_id("basis")).to_contain_text(
        "n = 2 communications and persons named (cases)"
    )

    with page.expect_download() as waiting:
        page.get_by_test_id("csv-replies-overall").click()
    saved = tmp_path / "overall.csv"
    waiting.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("# Reply classes overall. n = 2 ")
    assert "Per communication,2," in text

    assert traffic.foreign_requests(page.url.split("/staff/")[0]) == []
    assert traffic.csp_errors() == []
    assert traffic.page_errors == []
