"""Where a case file names someone who may already be recorded, the submission's page says
so, for staff who may see persons."""

from __future__ import annotations

import pytest

from spcomms.accounts.models import User
from spcomms.cases.models import CaseFile
from tests import factories
from tests.intake.triage import client_for, detail_url, submit

pytestmark = pytest.mark.django_db


def test_the_case_file_lists_its_persons_with_those_who_may_be_the_same(
    secretariat_officer: User,
) -> None:
    known = factories.person(name="Zaynab Victim 0", country="COL")
    submission = submit(marker="Zainab", victims=2).submission
    client = client_for(secretariat_officer)
    opened = client.post(detail_url(submission, "case-file"), {"country": "COL", "summary": ""})
    assert opened.status_code == 302
    case_file = CaseFile.objects.get(submission=submission)
    page = client.get(detail_url(submission)).content.decode()
    assert 'data-testid="case-persons"' in page
    assert page.count("may be the same as 1 person already recorded") == 1
    new = case_file.persons.order_by("pk")
    assert all(f"/staff/persons/{person.pk}/" in page for person in new)
    assert f"/staff/persons/{known.pk}/" not in page  # reached from the new person's file
    matched = client.get(f"/staff/persons/{new[0].pk}/")
    assert [proposal.second.pk for proposal in matched.context["candidates"]] == [known.pk]
