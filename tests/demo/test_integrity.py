"""The small demonstration dataset keeps every rule a real record keeps."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.test import Client

from spcomms.cases.models import ConsentRecord, Person
from spcomms.communications.models import (
    Addressee,
    Communication,
    CommunicationMandate,
    CommunicationPerson,
    CommunicationStatus,
    CommunicationType,
    NonStateKind,
    Reply,
)
from spcomms.demo import targets
from spcomms.demo.models import SyntheticDataset
from spcomms.demo.services import BuildReport
from spcomms.demo.texts import MARK
from spcomms.followup.models import Assessment
from spcomms.intake.models import Submission
from spcomms.reference.models import Mandate, ReportingRegion
from spcomms.reprisals.models import ReprisalAllegation
from spcomms.visits.models import StandingInvitation, VisitRequest

pytestmark = pytest.mark.usefixtures("small_demo", "db")

REFERENCE = re.compile(r"^(UA|AL|OL) ([A-Z]{3}) (\d+)/(\d{4})$")


def sent() -> list[Communication]:
    return list(
        Communication.objects.filter(status=CommunicationStatus.SENT)
        .prefetch_related("addressees__country", "addressees__non_state_actor")
        .order_by("sent_at", "pk")
    )


def test_the_build_reports_what_it_wrote(small_demo: BuildReport) -> None:
    assert small_demo.communications == Communication.objects.filter(status="sent").count()
    assert (
        small_demo.mentions
        == CommunicationPerson.objects.filter(communication__status="sent").count()
    )
    assert SyntheticDataset.objects.get().seed == small_demo.seed


def test_references_are_unique_well_formed_and_numbered_per_addressee_and_year() -> None:
    letters = sent()
    references = [letter.reference for letter in letters]
    assert len(set(references)) == len(references)
    numbers: dict[tuple[str, int], list[int]] = defaultdict(list)
    for letter in letters:
        match = REFERENCE.match(letter.reference)
        assert match, letter.reference
        assert letter.sent_at is not None
        assert int(match[4]) == letter.sent_at.year
        addressee = next(a for a in letter.addressees.all() if not a.is_copy)
        expected = addressee.country.iso3 if addressee.country else "OTH"
        assert match[2] == expected
        numbers[(match[2], int(match[4]))].append(int(match[3]))
    for running in numbers.values():
        assert running == list(range(1, len(running) + 1))  # in the order of sending


def test_every_named_person_consented_to_be_named_to_the_state_before_the_first_letter() -> None:
    first_letter: dict[int, dt.datetime] = {}
    for person_id, sent_at in CommunicationPerson.objects.filter(
        communication__status="sent"
    ).values_list("person_id", "communication__sent_at"):
        assert sent_at is not None
        first_letter[person_id] = min(sent_at, first_letter.get(person_id, sent_at))
    earliest: dict[int, dt.datetime] = {}
    for record in ConsentRecord.objects.filter(transmit_to_state=True):
        earliest[record.person_id] = min(
            record.recorded_at, earliest.get(record.person_id, record.recorded_at)
        )
    assert first_letter
    for person_id, when in first_letter.items():
        assert earliest[person_id] < when
    for person in Person.objects.filter(mentions__isnull=False).distinct():
        current = person.current_consent()
        assert current is not None
        assert current.transmit_to_state


def test_public_naming_is_a_mix_of_full_names_initials_and_withheld() -> None:
    namings = Counter(
        ConsentRecord.objects.filter(revoked_at__isnull=True).values_list(
            "public_naming", flat=True
        )
    )
    assert set(namings) == {"full", "initials", "withheld"}


def test_deadlines_fall_sixty_days_after_sending_or_forty_eight_hours_for_draft_laws() -> None:
    for letter in sent():
        assert letter.sent_at is not None
        assert letter.reply_due_at is not None
        due = letter.reply_due_at - letter.sent_at
        if letter.type == CommunicationType.OTHER_LETTER:
            assert due in (dt.timedelta(days=60), dt.timedelta(hours=48))
        else:
            assert due == dt.timedelta(days=60)


def test_replies_come_after_sending_and_before_the_analysis_date() -> None:
    replies = Reply.objects.select_related("communication", "reply_class")
    assert replies.exists()
    for reply in replies:
        assert reply.communication.sent_at is not None
        assert reply.received_on >= reply.communication.sent_at.date()
        assert reply.received_on <= targets.ANALYSIS_DATE
        assert reply.reply_class is not None
    answered = Communication.objects.filter(replies__isnull=False).distinct().count()
    assert 0 < answered < Communication.objects.filter(status="sent").count()


def test_every_reporting_region_and_a_business_enterprise_are_addressed() -> None:
    primary = Addressee.objects.filter(is_copy=False, communication__status="sent")
    regions = set(primary.values_list("country__reporting_region", flat=True)) - {None}
    assert regions == set(ReportingRegion.values)
    business = primary.filter(non_state_actor__kind=NonStateKind.BUSINESS)
    assert business.exists()
    for addressee in business.select_related("non_state_actor"):
        assert addressee.non_state_actor is not None
        home = addressee.non_state_actor.home_country_id
        copies = Addressee.objects.filter(communication=addressee.communication_id, is_copy=True)
        assert copies.filter(country_id=home).exists()


def test_each_letter_has_one_lead_and_joins_only_mandates_that_existed() -> None:
    established = dict(Mandate.objects.values_list("pk", "established"))
    leads = Counter(
        CommunicationMandate.objects.filter(is_lead=True).values_list("communication_id", flat=True)
    )
    assert set(leads.values()) == {1}
    assert len(leads) == Communication.objects.count()
    joint = 0
    for letter in sent():
        links = list(letter.mandate_links.all())
        assert any(link.mandate.code == "sr-hrd" for link in links)
        assert letter.sent_at is not None
        for link in links:
            assert (established[link.mandate_id] or 0) <= letter.sent_at.year
        joint += len(links) > 1
    assert joint > 0


def test_persons_are_named_again_more_often_than_letters_follow_up() -> None:
    mentions = CommunicationPerson.objects.filter(communication__status="sent")
    persons = mentions.values("person_id").distinct().count()
    assert persons < mentions.count()
    follow_ups = Communication.objects.filter(follow_up_of__isnull=False)
    repeat_letters = 0
    seen: set[int] = set()
    for letter in sent():
        named = set(letter.named.values_list("person_id", flat=True))
        repeat_letters += bool(named & seen)
        seen |= named
    assert 0 < follow_ups.count() < repeat_letters


def test_a_follow_up_returns_to_an_earlier_letter_to_the_same_state_and_its_persons() -> None:
    follow_ups = Communication.objects.filter(follow_up_of__isnull=False).select_related(
        "follow_up_of"
    )
    assert follow_ups.exists()
    for letter in follow_ups:
        earlier = letter.follow_up_of
        assert earlier is not None
        assert earlier.sent_at is not None
        assert letter.sent_at is not None
        assert earlier.sent_at < letter.sent_at
        assert earlier.ref_code == letter.ref_code
        shared = set(letter.named.values_list("person_id", flat=True)) & set(
            earlier.named.values_list("person_id", flat=True)
        )
        assert shared


def test_letters_about_reprisals_carry_an_allegation() -> None:
    about = Communication.objects.filter(concerns_reprisal=True)
    assert about.exists()
    for letter in about:
        allegation = ReprisalAllegation.objects.get(action_communication=letter)
        assert allegation.occurred_on is not None
        assert allegation.occurred_on <= allegation.reported_on
        assert letter.sent_at is not None
        assert allegation.reported_on <= letter.sent_at.date()


def test_assessments_are_made_twelve_months_after_the_letter() -> None:
    assessments = Assessment.objects.select_related("case__communication")
    assert assessments.exists()
    sources = Counter(a.source for a in assessments)
    assert set(sources) == {"survey", "desk"}
    for assessment in assessments:
        assert assessment.period_months == 12
        sent_at = assessment.case.communication.sent_at
        assert sent_at is not None
        assert assessment.assessed_on >= sent_at.date() + dt.timedelta(days=365)
        if assessment.source == "desk":
            assert assessment.impact_communication == ""


def test_free_text_is_marked_synthetic_and_names_no_one() -> None:
    marks = tuple(MARK.values())
    for letter in Communication.objects.prefetch_related("named__person"):
        assert letter.facts.startswith(marks)
        for mention in letter.named.all():
            assert mention.person.name not in letter.facts
            assert mention.person.name not in letter.subject


def test_dates_stamped_on_creation_are_the_datasets_own() -> None:
    for letter in sent():
        assert letter.sent_at is not None
        assert letter.created_at < letter.sent_at
    for person in Person.objects.filter(mentions__communication__status="sent").distinct():
        assert person.created_at.year <= 2016


def test_visits_intake_and_drafts_are_there_to_try() -> None:
    assert len(set(VisitRequest.objects.values_list("status", flat=True))) >= 4
    assert StandingInvitation.objects.filter(withdrawn_on__isnull=True).exists()
    submissions = list(Submission.objects.all())
    assert submissions
    assert not any(is_password_usable(s.receipt_hash) for s in submissions)
    drafts = Communication.objects.filter(status=CommunicationStatus.DRAFT)
    assert drafts.exists()
    assert not drafts.filter(ref_code__isnull=False).exists()


def test_every_page_says_the_data_are_synthetic(client: Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert b'data-testid="synthetic-label"' in page.content
