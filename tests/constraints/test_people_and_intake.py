"""Integrity rules of persons, consent, case files, submissions and accounts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from spcomms.accounts.models import Role, User
from spcomms.cases.models import (
    CaseFile,
    CaseFilePerson,
    ConsentGiver,
    ConsentRecord,
    Person,
    PublicNaming,
)
from spcomms.intake.models import (
    SenderKind,
    Submission,
    SubmissionMessage,
    SubmissionVictim,
)
from spcomms.reference.models import Country
from tests import factories
from tests.constraints.conftest import Refusal

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2016, 3, 1, tzinfo=dt.UTC)


def _submission(**fields: object) -> Submission:
    values: dict[str, object] = {
        "receipt_lookup": "lookup-1",
        "receipt_hash": "argon2-hash",
        "sender_kind": SenderKind.ANONYMOUS,
        "received_at": NOW,
    }
    values.update(fields)
    return Submission(**values)


@pytest.mark.parametrize(("field", "value"), [("kind", "alien"), ("gender", "unknown-value")])
def test_a_person_with_an_invalid_choice_is_refused(
    reference: None, refused_twice: Refusal, field: str, value: str
) -> None:
    defender = factories.person()
    setattr(defender, field, value)
    refused_twice(defender)


def test_a_person_cannot_be_merged_into_itself(reference: None, refused_twice: Refusal) -> None:
    defender = factories.person()
    defender.merged_into = defender
    refused_twice(defender, "person_not_merged_into_self")


def test_an_external_key_names_one_person(reference: None, refused_twice: Refusal) -> None:
    first = factories.person()
    first.external_key = "ngo-17"
    first.save()
    second = factories.person(name="Someone Else")
    second.external_key = "ngo-17"
    refused_twice(second, "external_key")


def test_consent_cannot_be_revoked_before_it_was_given(
    reference: None, refused_twice: Refusal
) -> None:
    defender = factories.person()
    consent = defender.consents.get()
    consent.revoked_at = consent.recorded_at - dt.timedelta(days=1)
    refused_twice(consent, "consent_revoked_after_recorded")


def test_public_naming_without_consent_to_transmit_is_refused(
    reference: None, refused_twice: Refusal
) -> None:
    defender = factories.person(public_naming=None)
    refused_twice(
        ConsentRecord(
            person=defender,
            given_by=ConsentGiver.FAMILY,
            transmit_to_state=False,
            public_naming=PublicNaming.FULL,
            recorded_at=NOW,
        ),
        "consent_public_naming_implies_transmission",
    )


def test_the_latest_unrevoked_consent_counts(reference: None) -> None:
    defender = factories.person(public_naming=PublicNaming.FULL)
    assert defender.current_consent() is not None
    later = ConsentRecord.objects.create(
        person=defender,
        given_by=ConsentGiver.LAWYER,
        transmit_to_state=True,
        public_naming=PublicNaming.INITIALS,
        recorded_at=NOW + dt.timedelta(days=400),
    )
    assert defender.current_consent() == later
    later.revoked_at = timezone.now()
    later.save()
    current = defender.current_consent()
    assert current is not None
    assert current.public_naming == PublicNaming.FULL


def test_a_person_without_consent_has_none(reference: None) -> None:
    assert factories.person(public_naming=None).current_consent() is None


def test_a_person_appears_once_in_a_case_file(reference: None, refused_twice: Refusal) -> None:
    defender = factories.person()
    case_file = CaseFile.objects.create(country=Country.objects.get(iso3="COL"), opened_at=NOW)
    CaseFilePerson.objects.create(case_file=case_file, person=defender)
    refused_twice(CaseFilePerson(case_file=case_file, person=defender))


def test_a_case_file_status_must_be_known(reference: None, refused_twice: Refusal) -> None:
    refused_twice(CaseFile(country=Country.objects.get(iso3="COL"), opened_at=NOW, status="lost"))


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "forgotten"},
        {"language": "de"},
        {"sender_kind": "robot"},
        {"incident_from": dt.date(2016, 2, 1), "incident_to": dt.date(2016, 1, 1)},
    ],
)
def test_a_submission_with_invalid_values_is_refused(
    reference: None, refused_twice: Refusal, fields: dict[str, object]
) -> None:
    refused_twice(_submission(**fields))


def test_a_receipt_lookup_is_unique(reference: None, refused_twice: Refusal) -> None:
    _submission().save()
    refused_twice(_submission())


def test_a_victims_age_must_be_plausible(reference: None, refused_twice: Refusal) -> None:
    submission = _submission()
    submission.save()
    refused_twice(SubmissionVictim(submission=submission, name="A. B.", age=400), "age")


def test_a_victim_named_in_public_must_be_transmittable(
    reference: None, refused_twice: Refusal
) -> None:
    submission = _submission()
    submission.save()
    refused_twice(
        SubmissionVictim(
            submission=submission,
            name="A. B.",
            consent_transmit=False,
            consent_public=PublicNaming.INITIALS,
        ),
        "victim_public_naming_implies_transmission",
    )


def test_a_message_from_staff_names_its_author_and_one_from_the_source_does_not(
    reference: None, refused_twice: Refusal
) -> None:
    submission = _submission()
    submission.save()
    staff = User.objects.create_user(username="s", role=Role.SECRETARIAT)
    for message in (
        SubmissionMessage(submission=submission, from_source=False, body="x", sent_at=NOW),
        SubmissionMessage(
            submission=submission, from_source=True, author=staff, body="x", sent_at=NOW
        ),
    ):
        refused_twice(message, "message_author_matches_side")


def test_a_user_needs_a_known_role(reference: None, refused_twice: Refusal) -> None:
    refused_twice(User(username="nobody", role="emperor", password="x"), "role")


def test_only_staff_roles_may_reach_the_admin_site(reference: None, refused_twice: Refusal) -> None:
    refused_twice(
        User(username="r", role=Role.RESEARCHER, is_staff=True, password="x"),
        "user_admin_site_only_for_staff_roles",
    )
    User(username="s", role=Role.SECRETARIAT, is_staff=True, password="x").full_clean()


def test_person_str_never_shows_the_name(reference: None) -> None:
    defender = factories.person(name="Marker Name Zq")
    assert "Marker" not in str(defender)
    assert Person.objects.get(pk=defender.pk).name == "Marker Name Zq"


def test_prefetched_consents_give_the_same_current_consent(reference: None) -> None:
    defender = factories.person(public_naming=PublicNaming.FULL)
    later = ConsentRecord.objects.create(
        person=defender,
        given_by=ConsentGiver.LAWYER,
        transmit_to_state=True,
        public_naming=PublicNaming.INITIALS,
        recorded_at=NOW + dt.timedelta(days=400),
        revoked_at=NOW + dt.timedelta(days=500),
    )
    loaded = Person.objects.prefetch_related("consents").get(pk=defender.pk)
    assert loaded.current_consent() == defender.current_consent()
    assert loaded.current_consent() != later
