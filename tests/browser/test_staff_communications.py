"""The staff path in a real browser: draft, a refused name, approval, sending, a reply."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from spcomms.accounts.models import User
from spcomms.communications.models import Communication
from spcomms.publication.records import reference_slug
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


def test_a_draft_from_a_case_file_reports_the_refused_person_and_withholding_can_be_undone(
    page: Page, secretariat_officer: User
) -> None:
    """Staff take a case file into a new draft and see who was not named and why; then a
    published letter is withheld, leaves the public record, and comes back once released."""
    ana = factories.person(name="Ana Lopez")
    omar = factories.person(name="Omar Haddad", public_naming=None)
    case_file = factories.case_file(
        persons=(ana, omar),
        facts="Ana Lopez and Omar Haddad were arrested at dawn.",
        places="A secret place of detention.",
        not_to_transmit=("places",),
        attachments=(True,),
    )

    sign_in(page, secretariat_officer.username, PASSWORD)
    page.get_by_role("link", name="Staff communications").click()
    page.get_by_test_id("from-case-files").click()
    expect(page.get_by_test_id("case-files")).to_contain_text(f"Case file {case_file.pk}")
    expect(page.get_by_test_id("case-files")).not_to_contain_text("Omar Haddad")
    page.get_by_test_id("take-in").click()  # nothing chosen yet
    expect(page.get_by_test_id("case-files-error")).to_have_text("Choose at least one case file.")

    page.get_by_label(f"Case file {case_file.pk}").check()
    page.get_by_label("Type").select_option("UA")
    page.get_by_label("Subject").fill("Arrest of two defenders")
    page.get_by_label("Lead mandate").select_option(str(Mandate.objects.get(code="sr-hrd").pk))
    page.get_by_test_id("take-in").click()
    expect(page.get_by_test_id("status")).to_have_text("Draft")
    expect(page.get_by_role("status")).to_contain_text("Persons not named: 1.")
    refused = page.get_by_test_id("person-not-named")
    expect(refused).to_contain_text("Omar Haddad")
    expect(refused).to_contain_text("no consent is recorded")
    expect(page.get_by_test_id("answer-left-out")).to_contain_text("Places")
    expect(page.get_by_test_id("attachment-left-out")).to_have_count(1)
    expect(page.get_by_test_id("letter")).to_contain_text("Ana Lopez")
    expect(page.get_by_test_id("letter")).not_to_contain_text("Omar Haddad")
    expect(page.get_by_test_id("letter")).not_to_contain_text("secret place")

    published = factories.communication(persons=(ana,))
    published.facts = "The land rights defender was arrested."
    published.save()
    public_url = f"/communications/{reference_slug(published)}/"
    page.goto(f"/staff/communications/{published.pk}/")
    page.get_by_label("Why it is withheld from publication").fill("Risk of reprisals.")
    page.get_by_test_id("withhold").click()
    expect(page.get_by_test_id("public-state")).to_have_text("Withheld from publication")
    expect(page.get_by_test_id("withheld-reason")).to_contain_text("Risk of reprisals.")
    assert page.goto(public_url).status == 404  # type: ignore[union-attr]  # a navigation
    page.goto("/communications/?q=land")
    expect(page.get_by_text(published.reference)).to_have_count(0)

    page.goto(f"/staff/communications/{published.pk}/")
    page.get_by_test_id("unwithhold").click()
    expect(page.get_by_test_id("what-happens")).to_contain_text("public at once")
    page.get_by_test_id("confirm-unwithhold").click()
    expect(page.get_by_test_id("public-state")).to_have_text("Published")
    expect(page.get_by_test_id("earlier-reason")).to_contain_text("Risk of reprisals.")
    expect(page.get_by_test_id("withholding-history")).to_contain_text("Released for publication")
    assert page.goto(public_url).status == 200  # type: ignore[union-attr]  # a navigation
    page.goto("/communications/?q=land")
    expect(page.get_by_text(published.reference).first).to_be_visible()
