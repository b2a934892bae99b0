"""Staff merge two persons who are one and undo it, in a real browser."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from spcomms.accounts.models import User
from spcomms.cases.models import Person, PersonMerge
from tests import factories
from tests.browser.conftest import Traffic, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_staff_merge_two_persons_and_undo_it(
    page: Page, traffic: Traffic, secretariat_officer: User
) -> None:
    nabeel = factories.person(name="Nabeel Haddad", country="BHR")
    nabil = factories.person(name="نبيل حداد", country="BHR")
    first = factories.communication(persons=(nabeel,), country="BHR")
    follow_up = factories.communication(
        persons=(nabil,), country="BHR", sent_at=dt.datetime(2016, 9, 1, tzinfo=dt.UTC)
    )
    follow_up.follow_up_of = first
    follow_up.save()

    sign_in(page, secretariat_officer.username, PASSWORD)
    page.get_by_role("link", name="Persons").click()
    page.get_by_test_id("duplicates-link").click()
    proposal = page.get_by_test_id("proposal")
    expect(proposal).to_have_count(1)
    expect(proposal).to_contain_text("Nabeel Haddad")
    expect(proposal).to_contain_text("نبيل حداد")
    proposal.get_by_test_id("merge").click()

    expect(page.get_by_test_id("person-name")).to_have_text("Nabeel Haddad")
    expect(page.get_by_test_id("mention-count")).to_have_text("2")
    expect(page.get_by_test_id("follow-up-count")).to_have_text("1")
    expect(page.get_by_test_id("follow-up")).to_have_text("Follow-up on the same violation")
    expect(page.get_by_test_id("members")).to_contain_text("نبيل حداد")
    assert Person.objects.get(pk=nabil.pk).merged_into_id == nabeel.pk

    page.get_by_test_id("undo-merge").click()
    expect(page.get_by_test_id("person-name")).to_have_text("نبيل حداد")
    expect(page.get_by_test_id("mention-count")).to_have_text("1")
    expect(page.get_by_test_id("merges")).to_contain_text("undone on")
    assert Person.objects.get(pk=nabil.pk).merged_into_id is None
    assert PersonMerge.objects.get().undone_at is not None

    page.goto(f"/staff/persons/{nabeel.pk}/")
    expect(page.get_by_test_id("mention-count")).to_have_text("1")
    expect(page.get_by_test_id("candidate")).to_contain_text("نبيل حداد")
    assert traffic.csp_errors() == []
    assert traffic.script_errors() == []
    assert traffic.foreign_requests(page.url.split("/staff/")[0]) == []
