"""The source's follow-up questionnaire on its status page (issue 5).

The source sees questions only for the persons of its own case, once a follow-up is
due, in its submission's language, with the guidance for the case's violations; its
answers are stored as survey assessments with the comment encrypted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent
from spcomms.cases.models import CaseFilePerson
from spcomms.communications.models import Communication, CommunicationPerson
from spcomms.followup.models import Assessment, AssessmentSource, Channel, InformationLevel
from spcomms.intake.models import Submission
from spcomms.intake.services import decision_open_case_file
from spcomms.reference.models import ViolationType
from tests import factories
from tests.intake.triage import submit

pytestmark = pytest.mark.django_db

STATUS = "/submit/status/open/"


@dataclass
class Case:
    code: str
    submission: Submission
    communication: Communication
    mention: CommunicationPerson


def sent_case(
    actor: User, *, language: str = "en", months_ago: int = 4, marker: str = "Mine"
) -> Case:
    """A submission whose case file went into a communication sent ``months_ago``, naming its
    victim with arbitrary detention."""
    receipt = submit(marker=marker, language=language)
    case_file = decision_open_case_file(actor=actor, submission=receipt.submission)
    entry = CaseFilePerson.objects.get(case_file=case_file)
    communication = factories.communication(
        sent_at=timezone.now() - dt.timedelta(days=31 * months_ago + 2), persons=(entry.person,)
    )
    communication.case_files.add(case_file)
    mention = CommunicationPerson.objects.get(communication=communication)
    mention.violations.add(ViolationType.objects.get(code="arbitrary_detention"))
    return Case(receipt.code, receipt.submission, communication, mention)


def source(code: str) -> Client:
    client = Client()
    assert client.post("/submit/status/", {"code": code}).status_code == 302
    return client


def url(case: Case, months: int = 3) -> str:
    return f"/submit/follow-up/{case.mention.pk}/{months}/"


ANSWERS = {
    "development": "somewhat_better",
    "impact_attention": "probably_yes",
    "impact_communication": "do_not_know",
    "comment": "Marker answer comment",
}


def test_the_status_page_offers_the_questions_once_a_follow_up_is_due(
    secretariat_officer: User,
) -> None:
    due = sent_case(secretariat_officer, months_ago=7)
    page = source(due.code).get(STATUS).content.decode()
    assert page.count('data-testid="source-follow-up"') == 2  # 3 and 6 months
    assert url(due, 3) in page
    assert url(due, 6) in page
    assert "Mine Victim 0" in page  # the name as the source gave it
    early = sent_case(secretariat_officer, months_ago=1, marker="Early")
    page = source(early.code).get(STATUS).content.decode()
    assert 'data-testid="source-follow-ups"' not in page
    assert source(early.code).get(url(early)).status_code == 404


def test_the_questionnaire_is_in_the_sources_language_with_the_guidance_for_its_violations(
    secretariat_officer: User,
) -> None:
    case = sent_case(secretariat_officer, language="fr")
    page = source(case.code).get(url(case)).content.decode()
    assert "Comment la situation de cette personne a-t-elle évolué" in page
    guidance = page.split('data-testid="guidance"')[1].split("</aside>")[0]
    assert "Détention" in guidance
    assert "Libéré" in guidance
    assert "Procès" not in guidance  # no trial in this case


def test_the_answers_are_stored_as_a_survey_assessment_with_the_comment_encrypted(
    secretariat_officer: User,
) -> None:
    case = sent_case(secretariat_officer)
    client = source(case.code)
    response = client.post(url(case), ANSWERS)
    assert response.status_code == 302
    answer = Assessment.objects.get()
    assert (answer.case, answer.period_months, answer.source, answer.channel) == (
        case.mention,
        3,
        AssessmentSource.SURVEY,
        Channel.QUESTIONNAIRE,
    )
    assert answer.information_level == InformationLevel.COMPLETE
    assert answer.submission == case.submission
    assert answer.recorded_by is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT comment FROM followup_assessment")
        (stored,) = cursor.fetchone()
    assert "Marker" not in str(stored)
    event = AuditEvent.objects.get(action="followup.answer")
    assert "Marker" not in str(event.detail)
    page = client.get(url(case)).content.decode()
    assert 'data-testid="answer-recorded"' in page
    assert 'data-testid="send-answers"' not in page
    assert 'data-testid="answered"' in client.get(STATUS).content.decode()
    # Answering again is refused and writes nothing.
    assert client.post(url(case), ANSWERS).status_code == 409
    assert Assessment.objects.count() == 1


def test_a_missing_answer_is_a_400_that_keeps_what_was_typed(secretariat_officer: User) -> None:
    case = sent_case(secretariat_officer)
    response = source(case.code).post(url(case), {**ANSWERS, "impact_attention": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose one of the answers." in page
    assert "Marker answer comment" in page
    assert 'value="somewhat_better" id="id_development_1" checked' in page or (
        'value="somewhat_better"' in page and "checked" in page
    )
    assert not Assessment.objects.exists()


def test_a_source_cannot_reach_another_cases_questionnaire(secretariat_officer: User) -> None:
    mine = sent_case(secretariat_officer, marker="Mine")
    theirs = sent_case(secretariat_officer, marker="Theirs")
    client = source(mine.code)
    assert client.get(url(theirs)).status_code == 404
    assert client.post(url(theirs), ANSWERS).status_code == 404
    assert "Theirs Victim" not in client.get(STATUS).content.decode()
    assert client.get(url(mine, 5)).status_code == 404  # not a configured period
    assert not Assessment.objects.exists()


def test_without_the_status_cookie_the_questionnaire_asks_for_the_code(
    secretariat_officer: User,
) -> None:
    case = sent_case(secretariat_officer)
    anonymous = Client()
    response = anonymous.get(url(case))
    assert response.status_code == 200
    assert "Enter your code again" in response.content.decode()
    assert anonymous.post(url(case), ANSWERS).status_code == 403
    assert not Assessment.objects.exists()


def test_a_merge_with_a_person_of_another_case_shows_the_sources_own_spelling(
    secretariat_officer: User,
) -> None:
    mine = sent_case(secretariat_officer, marker="Mine")
    other = factories.person(name="Other Record Spelling")
    mine.mention.person.merged_into = other
    mine.mention.person.save()
    page = source(mine.code).get(STATUS).content.decode()
    assert "Mine Victim 0" in page
    assert "Other Record Spelling" not in page
    assert source(mine.code).post(url(mine), ANSWERS).status_code == 302


def test_a_signed_in_ngo_answers_for_its_own_submission_and_no_other(
    secretariat_officer: User,
) -> None:
    from tests.intake.test_source_accounts import verified_source

    mine = sent_case(secretariat_officer, marker="Mine")
    theirs = sent_case(secretariat_officer, marker="Theirs")
    client = Client()
    account = verified_source(client, "ngo-followup")
    Submission.objects.filter(pk=mine.submission.pk).update(source_account=account)
    own = f"/submit/follow-up/{mine.submission.public_id}/{mine.mention.pk}/3/"
    page = client.get(f"/submit/account/submissions/{mine.submission.public_id}/").content.decode()
    assert own in page
    assert client.get(own).status_code == 200
    assert client.post(own, ANSWERS).status_code == 302
    assert Assessment.objects.get().submission == mine.submission
    other = f"/submit/follow-up/{theirs.submission.public_id}/{theirs.mention.pk}/3/"
    assert client.get(other).status_code == 404
    crossed = f"/submit/follow-up/{mine.submission.public_id}/{theirs.mention.pk}/3/"
    assert client.get(crossed).status_code == 404
    assert Client().get(own).status_code == 404  # signed out: nothing
    assert Assessment.objects.count() == 1
