"""The communication workflow: drafting, naming, approving, sending, withholding, replies."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent
from spcomms.cases.models import (
    CaseFile,
    CaseFilePerson,
    ConsentGiver,
    ConsentRecord,
    Person,
    PublicNaming,
)
from spcomms.communications.letters import placeholder
from spcomms.communications.models import (
    Communication,
    CommunicationStatus,
    CommunicationTransition,
    CommunicationType,
    NonStateActor,
    NonStateKind,
    ReferenceCounter,
)
from spcomms.communications.services import (
    ConsentRefused,
    NotAllowed,
    SendRefused,
    WorkflowError,
    communication_abandon,
    communication_approve,
    communication_draft,
    communication_from_case_files,
    communication_name_person,
    communication_send,
    communication_update,
    communication_withhold,
    reply_classify,
    reply_record,
)
from spcomms.intake.models import Submission, SubmissionAttachment
from spcomms.publication.index import publication_sync
from spcomms.publication.models import PublishedDocument
from spcomms.reference.models import Country, Mandate, ReplyClass, ViolationType
from tests import factories

pytestmark = pytest.mark.django_db

SENT_AT = dt.datetime(2024, 5, 2, 10, 0, tzinfo=dt.UTC)


def _draft(
    officer: User,
    *,
    states: tuple[str, ...] = ("COL",),
    type: CommunicationType = CommunicationType.URGENT_APPEAL,
    joined: tuple[str, ...] = (),
) -> Communication:
    return communication_draft(
        actor=officer,
        type=type,
        subject="Detention of a defender",
        lead_mandate=Mandate.objects.get(code="sr-hrd"),
        joined_mandates=Mandate.objects.filter(code__in=joined),
        addressee_states=[Country.objects.get(iso3=code) for code in states],
        addressee_non_state=(),
        copied_states=(),
        language="en",
    )


def _approved(officer: User, **kwargs: object) -> Communication:
    draft = _draft(officer, **kwargs)  # type: ignore[arg-type]  # the keywords of _draft
    for link in draft.mandate_links.select_related("mandate"):
        communication_approve(actor=officer, communication=draft, mandate=link.mandate)
    return draft


def _unconsented(name: str = "Omar Haddad") -> Person:
    return factories.person(name=name, public_naming=None)


# Drafting ---------------------------------------------------------------------


def test_a_draft_has_its_lead_mandate_addressees_a_transition_and_an_audit_row(
    secretariat_officer: User,
) -> None:
    draft = _draft(secretariat_officer, states=("COL", "BRA"), joined=("sr-hrd", "wgad"))
    assert draft.status == CommunicationStatus.DRAFT
    assert draft.mandate_links.get(is_lead=True).mandate.code == "sr-hrd"
    assert draft.mandate_links.count() == 2
    assert sorted(a.country.iso3 for a in draft.addressees.all() if a.country) == ["BRA", "COL"]
    transition = CommunicationTransition.objects.get(communication=draft)
    assert (transition.from_status, transition.to_status) == ("", "draft")
    assert AuditEvent.objects.filter(action="communication_draft", object_id=str(draft.pk)).exists()


def test_it_refuses_a_draft_from_a_mandate_holder_or_a_researcher(
    mandate_holder: User, researcher: User
) -> None:
    for user in (mandate_holder, researcher):
        with pytest.raises(NotAllowed):
            _draft(user)
    assert not Communication.objects.exists()


def test_an_edit_of_the_text_clears_the_approvals(secretariat_officer: User) -> None:
    draft = _approved(secretariat_officer)
    communication_update(actor=secretariat_officer, communication=draft, facts="New facts.")
    assert not draft.mandate_links.filter(approved_at__isnull=False).exists()
    draft.refresh_from_db()
    assert draft.facts == "New facts."


def test_an_abandoned_draft_cannot_be_edited(secretariat_officer: User) -> None:
    draft = _draft(secretariat_officer)
    communication_abandon(actor=secretariat_officer, communication=draft)
    with pytest.raises(WorkflowError, match="Only a draft"):
        communication_update(actor=secretariat_officer, communication=draft, facts="x")


# Naming -----------------------------------------------------------------------


def test_it_names_a_consenting_person_with_what_they_suffered(secretariat_officer: User) -> None:
    draft = _draft(secretariat_officer)
    ana = factories.person(name="Ana Lopez")
    violation = ViolationType.objects.first()
    assert violation is not None
    link = communication_name_person(
        actor=secretariat_officer,
        communication=draft,
        person=ana,
        violations=[violation],
        perpetrators=(),
    )
    assert list(link.violations.all()) == [violation]


def test_it_refuses_an_unconsented_name_saying_who_and_why(secretariat_officer: User) -> None:
    draft = _draft(secretariat_officer)
    omar = _unconsented()
    with pytest.raises(ConsentRefused, match="no consent is recorded") as refused:
        communication_name_person(
            actor=secretariat_officer,
            communication=draft,
            person=omar,
            violations=(),
            perpetrators=(),
        )
    assert refused.value.person == omar
    assert omar.key.hex[:8] in str(refused.value)
    assert not draft.named.exists()


def test_it_refuses_a_person_whose_consent_excludes_the_state(secretariat_officer: User) -> None:
    draft = _draft(secretariat_officer)
    omar = _unconsented()
    ConsentRecord.objects.create(
        person=omar,
        given_by=ConsentGiver.FAMILY,
        transmit_to_state=False,
        public_naming=PublicNaming.WITHHELD,
        recorded_at=timezone.now(),
    )
    with pytest.raises(ConsentRefused, match="does not allow"):
        communication_name_person(
            actor=secretariat_officer,
            communication=draft,
            person=omar,
            violations=(),
            perpetrators=(),
        )


# From case files --------------------------------------------------------------


def _case_file(*persons: Person, not_to_transmit: list[str]) -> CaseFile:
    submission = Submission.objects.create(
        receipt_lookup="lookup-1",
        receipt_hash="x",
        sender_kind="organisation",
        facts="Ana Lopez and Omar Haddad were arrested at dawn.",
        places="Secret place of detention.",
        context="Election period.",
        not_to_transmit=not_to_transmit,
        received_at=timezone.now(),
    )
    for secret, flag in (("ok.pdf", False), ("secret.pdf", True)):
        SubmissionAttachment.objects.create(
            submission=submission,
            filename=secret,
            content_type="application/pdf",
            size=10,
            original_path="x",
            not_to_transmit=flag,
            uploaded_at=timezone.now(),
        )
    case_file = CaseFile.objects.create(
        submission=submission, country=Country.objects.get(iso3="COL"), opened_at=timezone.now()
    )
    for person in persons:
        CaseFilePerson.objects.create(case_file=case_file, person=person)
    return case_file


def test_case_files_are_copied_without_the_answers_and_attachments_not_to_transmit(
    secretariat_officer: User,
) -> None:
    ana = factories.person(name="Ana Lopez")
    omar = _unconsented()
    case_file = _case_file(ana, omar, not_to_transmit=["places"])
    draft = _draft(secretariat_officer)
    copy = communication_from_case_files(
        actor=secretariat_officer, communication=draft, case_files=[case_file]
    )
    draft.refresh_from_db()
    assert "Secret place" not in draft.facts
    assert "Election period." in draft.facts
    assert copy.answers_left_out == [(case_file.submission_id, "places")]
    secret = SubmissionAttachment.objects.get(not_to_transmit=True)
    assert copy.attachments_left_out == [secret.pk]
    assert secret.pk not in copy.attachments_annexable
    assert copy.persons_named == [ana]
    assert [person for person, _why in copy.persons_refused] == [omar]
    assert placeholder(ana) in draft.facts
    assert "Omar Haddad" not in draft.facts
    assert "Ana Lopez" not in draft.facts
    assert list(draft.case_files.all()) == [case_file]


# Approval ---------------------------------------------------------------------


def test_a_mandate_holder_approves_for_their_own_mandate_only(
    secretariat_officer: User, mandate_holder: User
) -> None:
    draft = _draft(secretariat_officer, joined=("wgad",))
    communication_approve(
        actor=mandate_holder, communication=draft, mandate=Mandate.objects.get(code="sr-hrd")
    )
    with pytest.raises(NotAllowed):
        communication_approve(
            actor=mandate_holder, communication=draft, mandate=Mandate.objects.get(code="wgad")
        )
    link = draft.mandate_links.get(mandate__code="sr-hrd")
    assert link.approved_by == mandate_holder


def test_an_approval_twice_or_for_a_mandate_not_taking_part_is_refused(
    secretariat_officer: User, mandate_holder: User
) -> None:
    draft = _draft(secretariat_officer)
    hrd = Mandate.objects.get(code="sr-hrd")
    communication_approve(actor=mandate_holder, communication=draft, mandate=hrd)
    with pytest.raises(WorkflowError, match="already approved"):
        communication_approve(actor=mandate_holder, communication=draft, mandate=hrd)
    with pytest.raises(WorkflowError, match="does not take part"):
        communication_approve(
            actor=secretariat_officer,
            communication=draft,
            mandate=Mandate.objects.get(code="wgad"),
        )


def test_the_secretariat_records_an_approval_on_a_mandates_behalf(
    secretariat_officer: User,
) -> None:
    draft = _approved(secretariat_officer)
    event = AuditEvent.objects.get(action="communication_approve")
    assert event.detail["on_behalf"] is True
    assert draft.mandate_links.get().approved_by == secretariat_officer


# Sending ----------------------------------------------------------------------


def test_sending_gives_the_reference_the_date_the_deadline_and_a_transition(
    secretariat_officer: User,
) -> None:
    draft = _approved(secretariat_officer, states=("COL", "BRA"))
    sent = communication_send(actor=secretariat_officer, communication=draft, now=SENT_AT)
    assert sent.reference == "UA COL 1/2024"
    assert sent.sent_at == SENT_AT
    assert sent.reply_due_at == SENT_AT + dt.timedelta(days=60)
    assert sent.status == CommunicationStatus.SENT
    assert sent.transitions.filter(from_status="draft", to_status="sent").count() == 1


def test_it_refuses_to_send_before_every_mandate_approved(
    secretariat_officer: User, mandate_holder: User
) -> None:
    draft = _draft(secretariat_officer, joined=("wgad",))
    communication_approve(
        actor=mandate_holder, communication=draft, mandate=Mandate.objects.get(code="sr-hrd")
    )
    with pytest.raises(SendRefused, match="Waiting for the approval") as refused:
        communication_send(actor=secretariat_officer, communication=draft)
    assert len(refused.value.reasons) == 1
    draft.refresh_from_db()
    assert draft.status == CommunicationStatus.DRAFT
    assert draft.ref_number is None
    assert not ReferenceCounter.objects.exists()


def test_it_refuses_to_send_without_an_addressee(secretariat_officer: User) -> None:
    draft = _approved(secretariat_officer, states=())
    with pytest.raises(SendRefused, match="Address the communication"):
        communication_send(actor=secretariat_officer, communication=draft)


def test_it_refuses_to_send_a_letter_naming_someone_who_withdrew_consent(
    secretariat_officer: User,
) -> None:
    draft = _draft(secretariat_officer)
    ana = factories.person(name="Ana Lopez")
    communication_name_person(
        actor=secretariat_officer, communication=draft, person=ana, violations=(), perpetrators=()
    )
    communication_update(
        actor=secretariat_officer, communication=draft, facts=f"{placeholder(ana)} was detained."
    )
    for link in draft.mandate_links.select_related("mandate"):
        communication_approve(actor=secretariat_officer, communication=draft, mandate=link.mandate)
    ana.consents.update(revoked_at=timezone.now())
    with pytest.raises(SendRefused, match="not consented") as refused:
        communication_send(actor=secretariat_officer, communication=draft)
    assert ana.key.hex[:8] in str(refused.value)


def test_a_second_send_is_refused_cleanly(secretariat_officer: User) -> None:
    draft = _approved(secretariat_officer)
    communication_send(actor=secretariat_officer, communication=draft, now=SENT_AT)
    with pytest.raises(SendRefused, match="Only a draft can be sent"):
        communication_send(actor=secretariat_officer, communication=draft, now=SENT_AT)
    assert ReferenceCounter.objects.get().last_number == 1


def test_references_run_one_two_three_per_code_and_year(secretariat_officer: User) -> None:
    references = []
    for states, at in (
        (("COL",), SENT_AT),
        (("COL",), SENT_AT),
        ((), SENT_AT),
        (("BRA", "COL"), SENT_AT),
        (("COL",), SENT_AT),
        (("COL",), SENT_AT.replace(year=2025)),
    ):
        draft = _approved(secretariat_officer, states=states)
        if not states:
            communication_update(
                actor=secretariat_officer,
                communication=draft,
                addressee_non_state=[_non_state()],
            )
            for link in draft.mandate_links.select_related("mandate"):
                communication_approve(
                    actor=secretariat_officer, communication=draft, mandate=link.mandate
                )
        references.append(
            communication_send(actor=secretariat_officer, communication=draft, now=at).reference
        )
    assert references == [
        "UA COL 1/2024",
        "UA COL 2/2024",
        "UA OTH 1/2024",
        "UA BRA 1/2024",
        "UA COL 3/2024",
        "UA COL 1/2025",
    ]


def _non_state() -> NonStateActor:
    return NonStateActor.objects.get_or_create(name="Mining Co", kind=NonStateKind.BUSINESS)[0]


def test_a_number_is_never_reused_after_a_sent_communication_is_deleted(
    secretariat_officer: User,
) -> None:
    first = _approved(secretariat_officer)
    communication_send(actor=secretariat_officer, communication=first, now=SENT_AT)
    first.delete()
    second = _approved(secretariat_officer)
    assert (
        communication_send(actor=secretariat_officer, communication=second, now=SENT_AT).reference
        == "UA COL 2/2024"
    )


def test_numbers_already_given_without_the_counter_are_not_given_again(
    secretariat_officer: User,
) -> None:
    factories.communication(sent_at=SENT_AT, number=7)
    draft = _approved(secretariat_officer)
    sent = communication_send(actor=secretariat_officer, communication=draft, now=SENT_AT)
    assert sent.ref_number == 8


def test_an_other_letter_may_ask_for_a_reply_within_48_hours_to_60_days(
    secretariat_officer: User,
) -> None:
    short = _approved(secretariat_officer, type=CommunicationType.OTHER_LETTER)
    sent = communication_send(
        actor=secretariat_officer,
        communication=short,
        reply_period=dt.timedelta(hours=48),
        now=SENT_AT,
    )
    assert sent.reply_due_at == SENT_AT + dt.timedelta(hours=48)
    for period in (dt.timedelta(hours=47), dt.timedelta(days=61)):
        other = _approved(secretariat_officer, type=CommunicationType.OTHER_LETTER)
        with pytest.raises(WorkflowError, match="between 48 hours and 60 days"):
            communication_send(actor=secretariat_officer, communication=other, reply_period=period)
        other.refresh_from_db()
        assert other.status == CommunicationStatus.DRAFT


def test_an_urgent_appeal_cannot_shorten_its_reply_period(secretariat_officer: User) -> None:
    draft = _approved(secretariat_officer)
    with pytest.raises(WorkflowError, match="Only an other letter"):
        communication_send(
            actor=secretariat_officer, communication=draft, reply_period=dt.timedelta(days=3)
        )


def test_a_mandate_holder_cannot_send(secretariat_officer: User, mandate_holder: User) -> None:
    draft = _approved(secretariat_officer)
    with pytest.raises(NotAllowed):
        communication_send(actor=mandate_holder, communication=draft)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sends_give_one_reference(secretariat_officer: User) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's row locks")
    draft = _approved(secretariat_officer)
    outcomes: list[str] = []

    def send() -> None:
        try:
            communication_send(actor=secretariat_officer, communication=draft, now=SENT_AT)
            outcomes.append("sent")
        except WorkflowError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "sent"]
    assert ReferenceCounter.objects.get().last_number == 1


# Withholding and replies -----------------------------------------------------


def test_withholding_needs_a_sent_communication_and_a_reason(secretariat_officer: User) -> None:
    draft = _approved(secretariat_officer)
    with pytest.raises(WorkflowError, match="Only a sent"):
        communication_withhold(actor=secretariat_officer, communication=draft, reason="Risk.")
    communication_send(actor=secretariat_officer, communication=draft, now=SENT_AT)
    with pytest.raises(WorkflowError, match="Say why"):
        communication_withhold(actor=secretariat_officer, communication=draft, reason="  ")
    communication_withhold(actor=secretariat_officer, communication=draft, reason="Risk.")
    draft.refresh_from_db()
    assert draft.withheld
    assert draft.public_state().value == "withheld"


def test_a_reply_before_sending_is_refused(secretariat_officer: User) -> None:
    draft = _approved(secretariat_officer)
    with pytest.raises(WorkflowError, match="sent communication"):
        reply_record(
            actor=secretariat_officer,
            communication=draft,
            received_on=dt.date(2024, 5, 3),
            language="es",
            confidential=False,
            persons_addressed=(),
        )


def test_a_reply_is_logged_dated_and_classified(secretariat_officer: User) -> None:
    draft = _approved(secretariat_officer)
    communication_send(actor=secretariat_officer, communication=draft, now=SENT_AT)
    with pytest.raises(WorkflowError, match="before its communication was sent"):
        reply_record(
            actor=secretariat_officer,
            communication=draft,
            received_on=dt.date(2024, 5, 1),
            language="es",
            confidential=False,
        )
    reply = reply_record(
        actor=secretariat_officer,
        communication=draft,
        received_on=dt.date(2024, 8, 1),
        language="ES",
        confidential=True,
        persons_addressed=(),
    )
    assert reply.language == "es"
    assert reply.is_late
    assert reply.confidential
    steps = ReplyClass.objects.get(code="steps_taken")
    reply_classify(actor=secretariat_officer, reply=reply, reply_class=steps)
    reply.refresh_from_db()
    assert reply.reply_class == steps
    assert AuditEvent.objects.filter(action="reply_classify", detail__reply_class="steps_taken")


def test_a_researcher_cannot_log_or_classify_a_reply(
    secretariat_officer: User, researcher: User
) -> None:
    draft = _approved(secretariat_officer)
    communication_send(actor=secretariat_officer, communication=draft, now=SENT_AT)
    with pytest.raises(NotAllowed):
        reply_record(
            actor=researcher,
            communication=draft,
            received_on=dt.date(2024, 6, 1),
            language="en",
            confidential=False,
        )


def test_a_new_reply_makes_the_public_index_rebuild_the_communication(
    secretariat_officer: User,
) -> None:
    published = factories.communication(sent_at=dt.datetime(2016, 3, 1, tzinfo=dt.UTC))
    publication_sync()
    assert PublishedDocument.objects.filter(communication=published).exists()
    reply_record(
        actor=secretariat_officer,
        communication=published,
        received_on=dt.date(2016, 4, 1),
        language="en",
    )
    assert not PublishedDocument.objects.filter(communication=published).exists()
    publication_sync()
    assert PublishedDocument.objects.filter(communication=published).exists()
