"""Bad input on the source's pages, in a real browser.

A refused step says what is wrong next to each field, tied to it for assistive technology
(``aria-invalid`` on the field, ``aria-describedby`` naming the message), and keeps all
that was typed. Files too large or of a refused type are named next to their box. A script
typed by a source is shown as text, to the source and to staff, and never runs. A wrong
code is refused next to the field, and guessing is paused. The status page closes after
its idle time and the form after its own; a submission deleted by retention opens no more.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import FilePayload, Locator, Page, expect
from pytest_django import Settings

from spcomms.accounts.models import User
from spcomms.intake.models import Submission, SubmissionMessage
from spcomms.intake.services import decision_no_action
from tests.browser.conftest import Traffic, sign_in
from tests.browser.intake_walk import days, fill_person, next_step, open_status
from tests.conftest import PASSWORD
from tests.intake.triage import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Markup that would open a dialog, and load a missing picture, if a page let it through.
SCRIPT = "<script>alert('facts')</script><img src=x onerror=\"alert('img')\">"
REQUIRED = "This field is required."
REFUSED_CODE = "This code opens no submission"


def described_by(element: Locator, error_id: str) -> None:
    expect(element).to_have_attribute("aria-describedby", re.compile(rf"(^| ){error_id}( |$)"))


def expect_field_error(page: Page, field_id: str, text: str) -> None:
    """The message stands next to the field and the field points to it: a box is
    ``aria-invalid`` and described by the message; a group of choices is a fieldset
    described by the message, each choice ``aria-invalid``."""
    error_id = f"{field_id}_error"
    expect(page.locator(f"#{error_id}")).to_contain_text(text)
    field = page.locator(f"#{field_id}")
    if field.count():
        expect(field).to_have_attribute("aria-invalid", "true")
        described_by(field, error_id)
        return
    first_choice = page.locator(f"#{field_id}_0")
    expect(first_choice).to_have_attribute("aria-invalid", "true")
    described_by(page.locator(f"fieldset:has(> ul.choices #{field_id}_0)"), error_id)


def expect_refused_step(page: Page) -> None:
    expect(page.get_by_test_id("step-error")).to_contain_text("Some answers need your attention")


def expect_nothing_ran(page: Page, traffic: Traffic) -> None:
    """No dialog, no console error (the CSP would log one for a blocked inline script),
    and none of the typed markup became an element of the page."""
    assert traffic.dialogs == []
    assert traffic.script_errors() == []
    assert traffic.page_errors == []
    assert traffic.failed_assets == []
    expect(page.locator("main script")).to_have_count(0)
    expect(page.locator("main img[src='x']")).to_have_count(0)


def test_each_refused_step_says_what_is_wrong_by_the_field_and_keeps_what_was_typed(
    page: Page, traffic: Traffic, reference: None, intake_dir: Path, settings: Settings
) -> None:
    settings.SPCOMMS_INTAKE_MAX_FILE_BYTES = 100_000
    page.goto("/submit/form/")

    # 1. No answer to "who sends it"; then anonymous with a name.
    page.locator("#id_sender_contact").fill("kept@example.org")
    next_step(page)
    expect_refused_step(page)
    expect_field_error(page, "id_sender_kind", REQUIRED)
    expect(page.locator("#id_sender_contact")).to_have_value("kept@example.org")
    page.locator("#id_sender_kind_3").check()  # anonymous
    page.locator("#id_sender_name").fill("Kept Name")
    next_step(page)
    expect_field_error(page, "id_sender_name", "You chose to send anonymously")
    expect(page.locator("#id_sender_name")).to_have_value("Kept Name")
    expect(page.locator("#id_sender_kind_3")).to_be_checked()
    page.locator("#id_sender_name").fill("")
    next_step(page)

    # 2. Urgent without a reason, and a date to act by that has passed.
    page.locator("#id_is_urgent_0").check()
    page.locator("#id_act_before").fill(days(-3))
    next_step(page)
    expect_refused_step(page)
    expect_field_error(page, "id_urgency_reason", "Say why it is urgent.")
    expect_field_error(page, "id_act_before", "This date has already passed.")
    expect(page.locator("#id_act_before")).to_have_value(days(-3))
    expect(page.locator("#id_is_urgent_0")).to_be_checked()
    page.locator("#id_urgency_reason").fill("A hearing on Friday.")
    page.locator("#id_act_before").fill(days(4))
    next_step(page)

    # 3. A person without a name, to be named in public but not to the government.
    page.locator("#id_v0-residence").fill("Kept residence")
    page.locator("#id_v0-consent_given_by").select_option("family")
    page.locator("#id_v0-consent_transmit_1").check()  # no
    page.locator("#id_v0-consent_public_0").check()  # in full
    next_step(page)
    expect_refused_step(page)
    expect_field_error(page, "id_v0-name", REQUIRED)
    expect_field_error(page, "id_v0-consent_public", "cannot appear in public either")
    expect(page.locator("#id_v0-residence")).to_have_value("Kept residence")
    expect(page.locator("#id_v0-consent_given_by")).to_have_value("family")
    expect(page.locator("#id_v0-consent_transmit_1")).to_be_checked()
    fill_person(page, 0, SCRIPT)  # a script as a name, too
    next_step(page)

    # 4. No country, a start in the future, an end before the start; the script as facts.
    page.locator("#id_incident_from").fill(days(5))
    page.locator("#id_incident_to").fill(days(-5))
    page.locator("#id_facts").fill(SCRIPT)
    page.locator("#id_places").fill("Kept place")
    page.locator("#id_places_ntt").check()
    next_step(page)
    expect_refused_step(page)
    expect_field_error(page, "id_country", REQUIRED)
    expect_field_error(page, "id_incident_from", "This date is in the future.")
    expect_field_error(page, "id_incident_to", "The end cannot come before the start.")
    expect(page.locator("#id_facts")).to_have_value(SCRIPT)
    expect(page.locator("#id_places")).to_have_value("Kept place")
    expect(page.locator("#id_places_ntt")).to_be_checked()
    expect(page.locator("#id_incident_to")).to_have_value(days(-5))
    page.locator("#id_country").select_option(label="Colombia")
    page.locator("#id_incident_from").fill(days(-9))
    next_step(page)

    # 5. and 6.: nothing wrong.
    next_step(page)
    page.locator("#id_press_release_wanted_1").check()
    next_step(page)

    # 7. The review shows the script as text; a file too large, a file of a refused
    # type, and no confirmation.
    review = page.locator("section.review")
    expect(review.filter(has_text="What happened")).to_contain_text(SCRIPT)
    expect(review.filter(has_text="The people concerned")).to_contain_text(SCRIPT)
    expect_nothing_ran(page, traffic)
    page.locator("#id_file0").set_input_files(
        files=[FilePayload(name="big.txt", mimeType="text/plain", buffer=b"a" * 150_000)]
    )
    page.locator("#id_file1").set_input_files(
        files=[
            FilePayload(
                name="tool.exe", mimeType="application/octet-stream", buffer=b"MZ\x90\x00" * 64
            )
        ]
    )
    with page.expect_navigation():
        page.get_by_test_id("send").click()
    expect_field_error(page, "id_file0", "This file is larger than 0.1 MB")
    expect_field_error(page, "id_file1", "This type of file is not accepted")
    expect_field_error(page, "id_confirm", REQUIRED)
    expect(page.get_by_test_id("form-notice")).to_contain_text("files are not kept")
    expect(review.filter(has_text="What happened")).to_contain_text(SCRIPT)
    assert not Submission.objects.exists()

    page.locator("#id_confirm").check()
    with page.expect_navigation():
        page.get_by_test_id("send").click()
    expect(page.get_by_test_id("receipt-code")).to_be_visible()
    submission = Submission.objects.get()
    assert submission.facts == SCRIPT
    assert submission.victims.get().name == SCRIPT
    assert submission.sender_kind == "anonymous"
    assert submission.sender_name == ""
    assert submission.act_before == dt.date.today() + dt.timedelta(days=4)
    expect_nothing_ran(page, traffic)


def test_a_script_from_a_source_reaches_staff_as_text_and_never_runs(
    page: Page,
    staff_page: Page,
    traffic: Traffic,
    secretariat_officer: User,
    intake_dir: Path,
) -> None:
    receipt = submit(marker=SCRIPT)
    open_status(page, "en", receipt.code)
    page.get_by_label("Your message", exact=True).fill(SCRIPT)
    with page.expect_navigation():
        page.get_by_test_id("send-message").click()
    expect(page.get_by_test_id("message")).to_have_text(re.compile(re.escape(SCRIPT)))
    expect_nothing_ran(page, traffic)

    sign_in(staff_page, secretariat_officer.username, PASSWORD)
    staff_page.goto(f"/staff/intake/{receipt.submission.public_id}/")
    expect(staff_page.get_by_test_id("answer-facts")).to_contain_text(SCRIPT)
    expect(staff_page.get_by_test_id("sender-name")).to_contain_text(SCRIPT)
    expect(staff_page.get_by_test_id("victim")).to_contain_text(SCRIPT)
    expect(staff_page.get_by_test_id("message")).to_contain_text(SCRIPT)
    expect_nothing_ran(staff_page, traffic)


def test_a_wrong_code_is_refused_by_the_field_and_guessing_is_paused(
    page: Page, traffic: Traffic, reference: None, intake_dir: Path, settings: Settings
) -> None:
    settings.SPCOMMS_INTAKE_CODE_ATTEMPTS = 3
    code = submit(marker="Guessed").code
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    page.goto("/submit/status/")
    for typed in (wrong, "not a code at all"):
        page.get_by_label("Your receipt code").fill(typed)
        with page.expect_navigation():
            page.get_by_test_id("open").click()
        expect_field_error(page, "id_code", REFUSED_CODE)
        described_by(page.locator("#id_code"), "id_code_helptext")
        expect(page.get_by_label("Your receipt code")).to_have_value(typed)
        expect(page.locator("main")).to_contain_text("A lost code cannot be recovered")

    # The third wrong code reaches the limit: then even the right one waits.
    for typed in (wrong, code):
        page.get_by_label("Your receipt code").fill(typed)
        with page.expect_navigation() as navigation:
            page.get_by_test_id("open").click()
    response = navigation.value
    assert response is not None
    assert response.status == 429
    expect_field_error(page, "id_code", "Too many wrong codes were entered from your connection")
    expect(page.get_by_test_id("status")).to_have_count(0)
    assert traffic.script_errors() == []


def test_the_status_page_and_the_form_close_after_their_idle_time(
    page: Page, traffic: Traffic, reference: None, intake_dir: Path, settings: Settings
) -> None:
    idle = 2
    settings.SPCOMMS_INTAKE_STATUS_SECONDS = idle
    settings.SPCOMMS_INTAKE_DRAFT_SECONDS = idle
    receipt = submit(marker="Idle")
    form = page.context.new_page()
    form.goto("/submit/form/")
    form.locator("#id_sender_kind_3").check()
    open_status(page, "en", receipt.code)
    page.get_by_label("Your message", exact=True).fill("Typed, then left unsent too long.")

    time.sleep(idle + 1.5)

    with page.expect_navigation() as navigation:
        page.get_by_test_id("send-message").click()
    response = navigation.value
    assert response is not None
    assert response.status == 403
    expect(page.get_by_test_id("ended")).to_have_text(
        "Your status page has closed. Enter your code again to open it."
    )
    assert not SubmissionMessage.objects.filter(submission=receipt.submission).exists()
    # Nothing typed is lost: the unsent message stays on the page, not on the server.
    expect(page.locator("#id_kept_body")).to_have_value("Typed, then left unsent too long.")
    expect(page.get_by_test_id("status")).to_have_count(0)

    with form.expect_navigation():
        form.get_by_test_id("next").click()
    expect(form.locator("main")).to_contain_text("you left the form unused for too long")
    expect(form.get_by_test_id("start")).to_be_visible()

    settings.SPCOMMS_INTAKE_STATUS_SECONDS = 900
    page.get_by_label("Your receipt code").fill(receipt.code)  # the code opens it again
    with page.expect_navigation():
        page.get_by_test_id("open").click()
    expect(page.get_by_test_id("status")).to_have_text("Received")
    expect(page.get_by_test_id("restored")).to_be_visible()
    expect(page.get_by_label("Your message", exact=True)).to_have_value(
        "Typed, then left unsent too long."
    )
    with page.expect_navigation():
        page.get_by_test_id("send-message").click()
    expect(page.get_by_test_id("sent")).to_be_visible()
    assert SubmissionMessage.objects.filter(submission=receipt.submission).count() == 1
    page.goto("/submit/status/open/")
    expect(page.get_by_test_id("ended")).to_have_count(0)
    assert traffic.script_errors() == []


def test_the_code_of_a_submission_deleted_by_retention_opens_nothing(
    page: Page,
    traffic: Traffic,
    secretariat_officer: User,
    intake_dir: Path,
) -> None:
    receipt = submit(marker="Retained", received_days_ago=401)
    decision_no_action(
        actor=secretariat_officer,
        submission=receipt.submission,
        internal_reason="Out of scope.",
        reason_for_source="",
        now=timezone.now() - dt.timedelta(days=400),
    )
    open_status(page, "en", receipt.code)
    expect(page.get_by_test_id("status")).to_have_text("No action")

    call_command("intake_purge")

    assert not Submission.objects.exists()
    page.reload()
    expect(page.get_by_test_id("ended")).to_be_visible()
    page.get_by_label("Your receipt code").fill(receipt.code)
    with page.expect_navigation():
        page.get_by_test_id("open").click()
    expect_field_error(page, "id_code", REFUSED_CODE)
    assert traffic.script_errors() == []
