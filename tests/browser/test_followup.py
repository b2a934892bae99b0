"""A source answers a follow-up questionnaire in French, in a real browser (issue 5).

Four months after the experts wrote to the government, the source opens its status
page with its receipt code, finds the questions for the person of its case, reads
the guidance for detention beside the first question, answers in French and sees
its answers received. A secretariat officer then finds the answer on the
follow-up's page, counted as the latest assessment.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from spcomms.accounts.models import User
from spcomms.cases.models import CaseFilePerson
from spcomms.communications.models import CommunicationPerson
from spcomms.followup.models import Assessment, Channel
from spcomms.intake.services import decision_open_case_file
from spcomms.reference.models import ViolationType
from tests import factories
from tests.browser.conftest import Traffic, sign_in
from tests.browser.intake_walk import choose_language, expect_page, open_status, said
from tests.conftest import PASSWORD
from tests.intake.triage import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_source_answers_a_follow_up_questionnaire_in_french(
    page: Page,
    staff_page: Page,
    live_server: LiveServer,
    traffic: Traffic,
    intake_dir: Path,
    secretariat_officer: User,
) -> None:
    receipt = submit(marker="Amina", language="fr")
    case_file = decision_open_case_file(actor=secretariat_officer, submission=receipt.submission)
    entry = CaseFilePerson.objects.get(case_file=case_file)
    communication = factories.communication(
        sent_at=timezone.now() - dt.timedelta(days=126), persons=(entry.person,)
    )
    communication.case_files.add(case_file)
    mention = CommunicationPerson.objects.get(communication=communication)
    mention.violations.add(ViolationType.objects.get(code="arbitrary_detention"))

    page.goto("/submit/status/")
    choose_language(page, "fr")
    open_status(page, "fr", receipt.code)
    section = page.get_by_test_id("source-follow-ups")
    expect(section).to_contain_text(said("fr", "What happened since: a few questions"))
    expect(section.get_by_test_id("source-follow-up")).to_have_count(1)
    expect(section).to_contain_text("Amina Victim 0")
    with page.expect_navigation():
        section.get_by_test_id("answer-follow-up").click()

    expect_page(page, "fr", "What happened since")
    guidance = page.get_by_test_id("guidance")
    expect(guidance).to_contain_text(said("fr", "Detention"))
    expect(guidance).to_contain_text(said("fr", "Freed with no conditions attached."))
    # Sending with an answer missing keeps what was chosen and says what is missing.
    page.get_by_label(said("fr", "Somewhat better"), exact=True).check()
    with page.expect_navigation():
        page.get_by_test_id("send-answers").click()
    expect(page.get_by_role("alert")).to_contain_text(
        said("fr", "Some answers are missing: see the messages below.")
    )
    expect(page.get_by_label(said("fr", "Somewhat better"), exact=True)).to_be_checked()
    attention = page.get_by_role(
        "group", name=said("fr", "Did international attention to the case help?")
    )
    attention.get_by_label(said("fr", "Probably yes"), exact=True).check()
    communication_group = page.get_by_role(
        "group", name=said("fr", "Did the experts' communication to the government help?")
    )
    communication_group.get_by_label(said("fr", "I do not know"), exact=True).check()
    page.get_by_label(said("fr", "Comments (optional)")).fill(
        "Il a été libéré sous caution en mars."
    )
    with page.expect_navigation():
        page.get_by_test_id("send-answers").click()
    expect(page.get_by_test_id("answer-recorded")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    answer = Assessment.objects.get()
    assert (answer.channel, answer.development, answer.impact_attention) == (
        Channel.QUESTIONNAIRE,
        "somewhat_better",
        "probably_yes",
    )
    assert answer.impact_communication == "do_not_know"
    assert answer.comment == "Il a été libéré sous caution en mars."

    sign_in(staff_page, secretariat_officer.username, PASSWORD)
    staff_page.goto(f"/staff/follow-up/{mention.pk}/3/")
    counted = staff_page.locator('[data-testid="assessment"][data-counts="yes"]')
    expect(counted).to_contain_text("Somewhat better")
    expect(counted).to_contain_text("The source, through its questionnaire")
    expect(staff_page.get_by_test_id("state")).to_have_text("Assessed")

    assert traffic.foreign_requests(live_server.url) == []
    assert traffic.csp_errors() == []
    assert traffic.script_errors() == []
    assert traffic.page_errors == []
