"""The staff path in a real browser: draft, a refused name, approval, sending, a reply."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from spcomms.accounts.models import User
from spcomms.communications.models import Communication
from spcomms.reference.models import Country, Mandate
from tests import factories
from tests.browser.test_pages import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_a_communication_goes_from_draft_to_a_classified_reply(
    page: Page, secretariat_officer: User, mandate_holder: User
) -> None:
    omar = factories.person(name="Omar Haddad", public_naming=None)
    ana = factories.person(name="Ana Lopez")
    colombia = Country.objects.get(iso3="COL")

    sign_in(page, secretariat_officer.username, PASSWORD)
    page.get_by_role("link", name="Staff communications").click()
    page.get_by_test_id("new-communication").click()
    page.get_by_label("Type").select_option("UA")
    page.get_by_label("Subject").fill("Detention of a defender")
    page.get_by_label("Lead mandate").select_option(str(Mandate.objects.get(code="sr-hrd").pk))
    page.get_by_label("Addressed States").select_option(str(colombia.pk))
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("status")).to_have_text("Draft")
    draft = Communication.objects.get()

    page.get_by_test_id("name").click()
    page.get_by_label("Or the person's pseudonymous key").fill(omar.key.hex)
    page.get_by_test_id("name-person").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("no consent is recorded")
    expect(page.get_by_label("Or the person's pseudonymous key")).to_have_value(omar.key.hex)
    page.get_by_label("Or the person's pseudonymous key").fill(ana.key.hex)
    page.get_by_test_id("name-person").click()
    expect(page.get_by_text("Ana Lopez")).to_be_visible()

    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("send-error")).to_contain_text("Waiting for the approval")
    sign_out(page)

    sign_in(page, mandate_holder.username, PASSWORD)
    page.goto(f"/staff/communications/{draft.pk}/")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("approvals")).to_contain_text("approved on")
    sign_out(page)

    sign_in(page, secretariat_officer.username, PASSWORD)
    page.goto(f"/staff/communications/{draft.pk}/")
    page.get_by_test_id("send").click()
    draft.refresh_from_db()
    expect(page.get_by_test_id("reference")).to_have_text(draft.reference)
    expect(page.get_by_test_id("status")).to_have_text("Sent")

    page.get_by_test_id("new-reply").click()
    assert draft.sent_at is not None
    page.get_by_label("Received on").fill(draft.sent_at.date().isoformat())
    page.get_by_label("Language of the reply").fill("es")
    page.get_by_test_id("log-reply").click()
    expect(page.get_by_test_id("replies")).to_contain_text("not classified")
    page.locator("select[name=reply_class]").select_option(
        label="Steps taken to address the allegation"
    )
    page.get_by_test_id("classify").click()
    expect(page.get_by_test_id("reply-class")).to_have_text("Steps taken to address the allegation")
