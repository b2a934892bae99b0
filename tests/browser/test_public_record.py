"""The public path in a real browser: search, choose a facet, open a communication, then
its State."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from spcomms.communications.models import Communication
from tests import factories
from tests.browser.conftest import Traffic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _published(facts: str, country: str) -> Communication:
    sent = factories.communication(
        country=country, sent_at=dt.datetime(2016, 3, 1, 9, tzinfo=dt.UTC)
    )
    sent.facts = facts
    sent.save()
    return sent


def test_a_visitor_searches_narrows_opens_a_letter_and_its_state(
    page: Page, reference: None, traffic: Traffic
) -> None:
    mexico = _published("A journalist was detained in Oaxaca.", "MEX")
    _published("A journalist was threatened in Cali.", "COL")
    page.goto("/")
    page.get_by_role("link", name="Communications", exact=True).click()
    page.get_by_label("Words to find").fill("journalist")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="2 communications found")).to_be_visible()
    page.get_by_test_id("facet-addressee").get_by_role("link", name="Mexico").click()
    expect(page.get_by_role("heading", name="1 communication found")).to_be_visible()
    page.get_by_role("link", name=mexico.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(mexico.reference)
    expect(page.get_by_text("A journalist was detained in Oaxaca.")).to_be_visible()
    page.get_by_test_id("addressees").get_by_role("link", name="Mexico").click()
    expect(page).to_have_url(re.compile(r"/states/MEX/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mexico")
    assert traffic.csp_errors() == []
    assert traffic.page_errors == []
