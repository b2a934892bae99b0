"""The whole path of a submission in a real browser, in English, French and Spanish.

A source switches the page to its language, sends two people and a photo, keeps the
receipt code and opens its status page. A secretariat officer signs in with the code of
the authenticator app in the same language, reads the submission, asks the source for
more, and the source answers from its status page. The officer opens a case file, and
the source sees its submission under review. A second submission in the same language
is declined with a reason for the source, who sees the decision and the reason, never
the internal one. Every page is checked for words of its language, not only for loading.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent
from spcomms.cases.models import CaseFile
from spcomms.intake.models import (
    Submission,
    SubmissionAttachment,
    SubmissionMessage,
    SubmissionStatus,
)
from tests.browser.conftest import Traffic
from tests.browser.intake_walk import (
    LANGUAGES,
    choose_language,
    expect_page,
    open_status,
    said,
    staff_sign_in,
    submit_through_the_form,
)
from tests.intake.triage import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What each source writes, in its own language.
TEXTS = {
    "en": {
        "facts": "Both were detained after a protest.",
        "answer": "She is held at the central prison since Monday.",
    },
    "fr": {
        "facts": "Toutes deux ont été arrêtées après une manifestation.",
        "answer": "Elle est détenue à la prison centrale depuis lundi.",
    },
    "es": {
        "facts": "Ambas fueron detenidas después de una protesta.",
        "answer": "Está detenida en la cárcel central desde el lunes.",
    },
}


def status_label(language: str, status: SubmissionStatus) -> str:
    return said(language, str(status.label))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_submission_goes_from_the_source_to_a_staff_decision_in_each_language(
    page: Page,
    staff_page: Page,
    traffic: Traffic,
    secretariat_officer: User,
    intake_dir: Path,
    language: str,
) -> None:
    texts = TEXTS[language]
    source, staff = page, staff_page

    # The source: the language switch, the form, the receipt code.
    source.goto("/submit/")
    choose_language(source, language)
    expect_page(source, language, "Send information to the UN experts")
    with source.expect_navigation():
        source.get_by_test_id("start").click()
    code = submit_through_the_form(
        source, language, names=("Ana Browser", "Omar Browser"), facts=texts["facts"]
    )
    expect(
        source.get_by_text(said(language, "the location where the picture was taken (GPS)"))
    ).to_be_visible()
    submission = Submission.objects.get()
    short = submission.public_id.hex[:8]
    assert submission.language == language
    assert [v.name for v in submission.victims.order_by("position")] == [
        "Ana Browser",
        "Omar Browser",
    ]
    assert submission.not_to_transmit == ["places"]
    assert SubmissionAttachment.objects.filter(submission=submission).count() == 1

    with source.expect_navigation():
        source.get_by_test_id("check-status").click()
    open_status(source, language, code.lower())  # case does not matter
    expect(source.get_by_test_id("status")).to_have_text(
        status_label(language, SubmissionStatus.RECEIVED)
    )
    expect(source.get_by_text("photo.jpg")).to_be_visible()

    # Staff: signed in with the app's code, in the same language; the inbox, the page.
    staff_sign_in(staff, language, secretariat_officer)
    staff.goto("/staff/intake/")
    expect_page(staff, language, "Submissions to triage")
    row = staff.locator(f'[data-testid="inbox-row"][data-submission="{short}"]')
    expect(row.get_by_test_id("row-status")).to_have_text(
        status_label(language, SubmissionStatus.RECEIVED)
    )
    with staff.expect_navigation():
        row.get_by_test_id("open-submission").click()
    expect(staff.get_by_test_id("submission-title")).to_have_text(
        said(language, "Submission %(short)s") % {"short": short}
    )
    expect(staff.get_by_test_id("answer-facts")).to_have_text(texts["facts"])
    expect(staff.get_by_test_id("ntt-places")).to_have_text(
        said(language, "Not to be transmitted to the government")
    )
    expect(staff.get_by_test_id("victim")).to_have_count(2)
    expect(staff.get_by_test_id("files")).to_contain_text("photo.jpg")
    assert AuditEvent.objects.filter(action="submission_read").count() == 1

    # Staff ask for more; the source reads it on its status page and answers.
    question = "Where is she held now?"
    staff.get_by_label(said(language, "What the source should add")).fill(question)
    with staff.expect_navigation():
        staff.get_by_test_id("request-info").click()
    expect(staff.get_by_role("status")).to_contain_text(
        said(language, "The source is asked for more information.")
    )

    source.reload()
    expect(source.get_by_test_id("status")).to_have_text(
        status_label(language, SubmissionStatus.INFO_REQUESTED)
    )
    expect(
        source.get_by_text(
            said(
                language,
                "The experts' staff need more information: see their message below and answer it.",
            )
        )
    ).to_be_visible()
    staff_message = source.get_by_test_id("message").filter(has_text=question)
    expect(staff_message).to_contain_text(said(language, "The experts' staff"))
    source.get_by_label(said(language, "More information"), exact=True).check()
    source.get_by_label(said(language, "Your message"), exact=True).fill(texts["answer"])
    with source.expect_navigation():
        source.get_by_test_id("send-message").click()
    expect(source.get_by_test_id("sent")).to_have_text(said(language, "Your message was sent."))
    expect(source.get_by_test_id("message").filter(has_text=texts["answer"])).to_contain_text(
        said(language, "You")
    )

    staff.reload()
    answer = staff.get_by_test_id("message").filter(has_text=texts["answer"])
    expect(answer).to_contain_text(said(language, "The source"))
    assert list(
        SubmissionMessage.objects.filter(submission=submission)
        .order_by("sent_at", "pk")
        .values_list("from_source", "kind")
    ) == [(False, "info_request"), (True, "info_added")]

    # The decision: a case file; the source sees its submission under review.
    staff.get_by_label(said(language, "Country of the case file")).select_option("COL")
    with staff.expect_navigation():
        staff.get_by_test_id("open-case-file").click()
    case_file = CaseFile.objects.get(submission=submission)
    expect(staff.get_by_role("status")).to_contain_text(
        said(language, "Case file %(number)s is open. You can now draft a communication from it.")
        % {"number": case_file.pk}
    )
    assert case_file.persons.count() == 2

    source.reload()
    expect(source.get_by_test_id("status")).to_have_text(
        status_label(language, SubmissionStatus.UNDER_REVIEW)
    )
    expect(
        source.get_by_text(said(language, "The experts' staff are reviewing your submission."))
    ).to_be_visible()

    # Another submission in the same language: no action, with a reason for the source.
    other = submit(marker="Declined", language=language)
    staff.goto(f"/staff/intake/{other.submission.public_id}/")
    internal = "Outside every mandate (internal note)."
    reason = "The events took place outside the experts' mandates."
    staff.get_by_label(said(language, "Why no action is taken (kept internal)")).fill(internal)
    staff.get_by_label(said(language, "Reason for the source (optional)")).fill(reason)
    with staff.expect_navigation():
        staff.get_by_test_id("no-action").click()
    expect(staff.get_by_role("status")).to_contain_text(said(language, "Recorded: no action."))
    expect(staff.get_by_test_id("status")).to_have_text(
        status_label(language, SubmissionStatus.NO_ACTION)
    )

    # Closing the page; a wrong code is refused next to the field, in the same language.
    with source.expect_navigation():
        source.get_by_test_id("close").click()
    wrong = other.code[:-1] + ("0" if other.code[-1] != "0" else "1")
    open_status(source, language, wrong, opens=False)
    expect(source.locator("#id_code_error")).to_have_text(
        said(
            language,
            "This code opens no submission. Check it and try again. A lost code cannot be "
            "recovered: if you lost yours, send a new submission.",
        )
    )
    expect(source.locator("#id_code")).to_have_attribute("aria-invalid", "true")
    open_status(source, language, other.code)
    expect(source.get_by_test_id("status")).to_have_text(
        status_label(language, SubmissionStatus.NO_ACTION)
    )
    expect(
        source.get_by_text(said(language, "The experts decided not to act on this submission."))
    ).to_be_visible()
    expect(source.get_by_test_id("reason")).to_have_text(
        f"{said(language, 'Their reason:')} {reason}"
    )
    expect(source.locator("main")).not_to_contain_text(internal)

    origin = source.url.split("/submit/")[0]
    assert traffic.foreign_requests(origin) == []
    assert traffic.csp_errors() == []
    assert traffic.script_errors() == []
    assert traffic.page_errors == []
    assert traffic.dialogs == []
    assert traffic.failed_assets == []
