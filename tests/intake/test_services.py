"""The intake services: sealing, receipt codes, messages, staff decisions, retention."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.utils import timezone
from pytest_django import Settings

from spcomms.accounts.models import Role, User
from spcomms.audit.models import AuditEvent
from spcomms.cases.models import CaseFilePerson, PublicNaming
from spcomms.communications.services import communication_draft, communication_from_case_files
from spcomms.core.crypto import DecryptionError, Keyring, new_key
from spcomms.intake import crypto, services
from spcomms.intake.attachments import AttachmentRefused, attachment_check
from spcomms.intake.models import (
    MessageKind,
    Submission,
    SubmissionAttachment,
    SubmissionStatus,
    SubmissionTransition,
    SubmissionVictim,
)
from spcomms.intake.receipts import receipt_parse
from spcomms.intake.services import (
    FileToStore,
    NotAllowed,
    SubmissionInvalid,
    WorkflowError,
    receipt_open,
    submission_create,
)
from spcomms.reference.models import Mandate
from tests.intake.conftest import answers, jpeg_with_exif, pdf_with_metadata, victim

pytestmark = pytest.mark.django_db


def _raw_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608  # fixed table names from the test
        return repr(cursor.fetchall())


def test_every_identifying_answer_is_sealed_with_the_submissions_own_key(reference: None) -> None:
    receipt = submission_create(answers=answers(), victims=[victim(), victim("Marker Victim Two")])
    for table in ("intake_submission", "intake_submissionvictim"):
        raw = _raw_rows(table)
        assert "Marker" not in raw
    stored = Submission.objects.get(pk=receipt.submission.pk)
    assert stored.facts == "Marker facts: arrested at dawn."
    assert stored.sender_contact == "marker-contact@example.org"
    assert [v.name for v in stored.victims.order_by("position")] == [
        "Marker Victim One",
        "Marker Victim Two",
    ]
    # The master keyring alone does not open a value: it needs the unwrapped data key.
    with connection.cursor() as cursor:
        cursor.execute("SELECT facts FROM intake_submission WHERE id = %s", [stored.pk])
        (sealed,) = cursor.fetchone()
    from spcomms.encryption import keyring

    with pytest.raises(DecryptionError):
        keyring().open(sealed, context="intake_submission.facts")
    key = crypto.data_key_unwrap(stored.data_key)
    assert crypto.text_open(key, sealed, context="intake_submission.facts") == stored.facts


def test_two_submissions_have_different_data_keys(reference: None) -> None:
    first = submission_create(answers=answers(), victims=[victim()]).submission
    second = submission_create(answers=answers(), victims=[victim()]).submission
    assert first.sealing_key() != second.sealing_key()


def test_clear_text_cannot_be_written_with_a_query(reference: None) -> None:
    receipt = submission_create(answers=answers(), victims=[victim()])
    with pytest.raises(TypeError, match="sealed"):
        Submission.objects.filter(pk=receipt.submission.pk).update(facts="Marker leaked")
    with pytest.raises(TypeError):
        Submission.objects.filter(facts__icontains="Marker").count()


def test_the_receipt_code_opens_its_submission_and_only_it(reference: None) -> None:
    receipt = submission_create(answers=answers(), victims=[victim()])
    other = submission_create(answers=answers(), victims=[victim()])
    code = receipt.code
    parsed = receipt_parse(code)
    assert parsed is not None
    assert len(parsed.secret) * 5 >= 80
    assert code.count("-") == 4
    assert receipt_open(code) == receipt.submission
    assert receipt_open(code.lower().replace("-", " ")) == receipt.submission
    assert receipt_open(other.code) == other.submission
    # Right look-up key, wrong secret.
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert receipt_open(wrong) is None
    assert receipt_open("not a code") is None
    stored = Submission.objects.get(pk=receipt.submission.pk)
    assert stored.receipt_hash.startswith("argon2")
    assert parsed.secret not in stored.receipt_hash
    assert stored.receipt_lookup == parsed.lookup


def test_an_answer_not_to_transmit_must_exist(reference: None) -> None:
    with pytest.raises(SubmissionInvalid):
        submission_create(answers=answers(not_to_transmit=["sender_name"]), victims=[victim()])
    assert not Submission.objects.exists()


def test_a_submission_needs_a_victim_and_ordered_dates(reference: None) -> None:
    with pytest.raises(SubmissionInvalid) as missing:
        submission_create(answers=answers(), victims=[])
    assert missing.value.field == "victims"
    with pytest.raises(SubmissionInvalid) as disordered:
        submission_create(
            answers=answers(incident_from=dt.date(2024, 5, 2), incident_to=dt.date(2024, 5, 1)),
            victims=[victim()],
        )
    assert disordered.value.field == "incident_to"
    assert not Submission.objects.exists()


def test_a_file_is_stored_sealed_with_a_cleaned_copy(reference: None, intake_dir: Path) -> None:
    checked = attachment_check(jpeg_with_exif())
    assert set(checked.removed) >= {"exif", "gps", "comment"}
    assert b"MarkerCamera" not in checked.cleaned
    receipt = submission_create(
        answers=answers(),
        victims=[victim()],
        files=[FileToStore(name="Marker-photo.jpg", checked=checked, not_to_transmit=True)],
    )
    attachment = receipt.attachments[0]
    stored = list(intake_dir.iterdir())
    assert len(stored) == 2
    for path in stored:
        assert b"MarkerCamera" not in path.read_bytes()
        assert b"\xff\xd8\xff" not in path.read_bytes()[:10]
    assert "Marker" not in _raw_rows("intake_submissionattachment")
    attachment = SubmissionAttachment.objects.get(pk=attachment.pk)
    assert attachment.filename == "Marker-photo.jpg"
    assert attachment.content_type == "image/jpeg"
    assert attachment.not_to_transmit


def test_a_pdf_loses_its_document_information_and_xmp() -> None:
    original = pdf_with_metadata()
    assert b"MarkerAuthor" in original
    checked = attachment_check(original)
    assert set(checked.removed) >= {"document_info", "xmp"}
    assert b"MarkerAuthor" not in checked.cleaned
    assert checked.cleaned.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00binary", "not accepted"),
        (b"", "empty"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "could not be read"),
    ],
)
def test_a_disallowed_or_broken_file_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(AttachmentRefused, match=message):
        attachment_check(data)


def test_an_oversized_file_is_refused(settings: Settings) -> None:
    settings.SPCOMMS_INTAKE_MAX_FILE_BYTES = 100
    with pytest.raises(AttachmentRefused, match="larger than"):
        attachment_check(b"x" * 101)


def test_the_source_answers_and_a_request_for_information_is_answered(
    reference: None, secretariat_officer: User
) -> None:
    submission = submission_create(answers=answers(), victims=[victim()]).submission
    services.submission_set_status(
        actor=secretariat_officer, submission=submission, to_status=SubmissionStatus.UNDER_REVIEW
    )
    services.info_request(actor=secretariat_officer, submission=submission, body="Which prison?")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.INFO_REQUESTED
    services.source_message_send(
        submission=submission, body="Marker answer", kind=MessageKind.INFO_ADDED
    )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.UNDER_REVIEW
    bodies = [m.body for m in services.source_messages(submission)]
    assert bodies == ["Which prison?", "Marker answer"]
    assert "Marker" not in _raw_rows("intake_submissionmessage")
    assert list(
        SubmissionTransition.objects.filter(submission=submission).values_list(
            "to_status", flat=True
        )
    ) == ["received", "under_review", "info_requested", "under_review"]


def test_a_reprisal_report_reopens_a_declined_submission(
    reference: None, secretariat_officer: User
) -> None:
    submission = submission_create(answers=answers(), victims=[victim()]).submission
    services.decision_no_action(
        actor=secretariat_officer,
        submission=submission,
        internal_reason="Outside the mandate",
        reason_for_source="We cannot act on this.",
    )
    status = services.source_status(Submission.objects.get(pk=submission.pk))
    assert status.status == SubmissionStatus.NO_ACTION
    assert status.reason_for_source == "We cannot act on this."
    services.source_message_send(
        submission=submission, body="They came to my house.", kind=MessageKind.REPRISAL
    )
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.UNDER_REVIEW


def test_staff_reads_and_changes_are_audited_without_content(
    reference: None, secretariat_officer: User
) -> None:
    submission = submission_create(answers=answers(), victims=[victim()]).submission
    read = services.submission_read(actor=secretariat_officer, submission=submission)
    assert read.victims.all()[0].name == "Marker Victim One"
    services.staff_message_send(
        actor=secretariat_officer, submission=submission, body="Marker staff message"
    )
    services.decision_no_action(
        actor=secretariat_officer, submission=submission, internal_reason="Marker reason"
    )
    events = list(AuditEvent.objects.filter(object_id=str(submission.pk)).order_by("pk"))
    assert [e.action for e in events] == [
        "submission_read",
        "submission_message",
        "submission_no_action",
    ]
    assert all(e.actor == secretariat_officer for e in events)
    assert "Marker" not in repr([e.detail for e in events])


@pytest.mark.parametrize("role", [Role.RESEARCHER, Role.MANDATE_HOLDER, Role.SOURCE])
def test_no_one_but_the_secretariat_reads_or_decides(reference: None, role: Role) -> None:
    outsider = User.objects.create_user(username=f"x-{role}", password="x", role=role)
    submission = submission_create(answers=answers(), victims=[victim()]).submission
    with pytest.raises(NotAllowed):
        services.submission_read(actor=outsider, submission=submission)
    with pytest.raises(NotAllowed):
        services.decision_no_action(actor=outsider, submission=submission, internal_reason="x")
    with pytest.raises(NotAllowed):
        services.submissions_for_triage(outsider)
    assert not AuditEvent.objects.exists()


def test_originals_need_the_explicit_right(reference: None, secretariat_officer: User) -> None:
    receipt = submission_create(
        answers=answers(),
        victims=[victim()],
        files=[FileToStore(name="p.jpg", checked=attachment_check(jpeg_with_exif()))],
    )
    attachment = receipt.attachments[0]
    cleaned = services.attachment_read(actor=secretariat_officer, attachment=attachment)
    assert b"MarkerCamera" not in cleaned
    with pytest.raises(NotAllowed):
        services.attachment_read(actor=secretariat_officer, attachment=attachment, original=True)
    secretariat_officer.user_permissions.add(
        Permission.objects.get(codename="view_original_attachment")
    )
    officer = User.objects.get(pk=secretariat_officer.pk)
    original = services.attachment_read(actor=officer, attachment=attachment, original=True)
    assert b"MarkerCamera" in original
    assert AuditEvent.objects.filter(action="attachment_read_original").count() == 1


def test_a_case_file_carries_each_victim_consent_and_the_marks_not_to_transmit(
    reference: None, secretariat_officer: User
) -> None:
    submission = submission_create(
        answers=answers(),
        victims=[
            victim("Ana Marker", consent_public="full"),
            victim(
                "Omar Marker",
                consent_given_by="family",
                consent_transmit=False,
                consent_public="withheld",
            ),
        ],
    ).submission
    case_file = services.decision_open_case_file(actor=secretariat_officer, submission=submission)
    entries = list(CaseFilePerson.objects.filter(case_file=case_file).order_by("pk"))
    assert [entry.person.name for entry in entries] == ["Ana Marker", "Omar Marker"]
    ana, omar = (entry.person.current_consent() for entry in entries)
    assert ana is not None
    assert omar is not None
    assert ana.public_naming == PublicNaming.FULL
    assert ana.transmit_to_state
    assert not omar.transmit_to_state
    assert omar.given_by == "family"
    assert list(
        SubmissionVictim.objects.filter(submission=submission).values_list("person", flat=True)
    ) == [entry.person.pk for entry in entries]
    draft = communication_draft(
        actor=secretariat_officer,
        type="UA",
        subject="Arrest",
        lead_mandate=Mandate.objects.get(code="sr-hrd"),
    )
    copy = communication_from_case_files(
        actor=secretariat_officer, communication=draft, case_files=[case_file]
    )
    draft.refresh_from_db()
    assert "Marker place of detention" not in draft.facts
    assert "Marker facts" in draft.facts
    assert (submission.pk, "places") in copy.answers_left_out
    with pytest.raises(WorkflowError):
        services.decision_open_case_file(actor=secretariat_officer, submission=submission)


def test_retention_deletes_old_closed_submissions_and_their_files(
    reference: None, secretariat_officer: User, intake_dir: Path
) -> None:
    long_ago = timezone.now() - dt.timedelta(days=400)
    old = submission_create(
        answers=answers(),
        victims=[victim()],
        files=[FileToStore(name="a.txt", checked=attachment_check(b"Marker text"))],
        now=long_ago,
    ).submission
    services.submission_set_status(
        actor=secretariat_officer,
        submission=old,
        to_status=SubmissionStatus.CLOSED,
        now=long_ago,
    )
    recent = submission_create(answers=answers(), victims=[victim()]).submission
    services.submission_set_status(
        actor=secretariat_officer, submission=recent, to_status=SubmissionStatus.CLOSED
    )
    kept_open = submission_create(answers=answers(), victims=[victim()], now=long_ago).submission
    assert len(list(intake_dir.iterdir())) == 2
    deleted = services.submissions_purge(retention=dt.timedelta(days=365))
    assert deleted == (1, 2)
    assert set(Submission.objects.values_list("pk", flat=True)) == {recent.pk, kept_open.pk}
    assert list(intake_dir.iterdir()) == []
    event = AuditEvent.objects.get(action="submission_purged")
    assert event.object_id == str(old.pk)
    assert event.detail == {"status": "closed", "files": 2}


def test_rotating_the_master_key_rewraps_data_keys_without_touching_content(
    reference: None, settings: Settings
) -> None:
    from spcomms import encryption

    receipt = submission_create(answers=answers(), victims=[victim()])
    before = _raw_rows("intake_submissionvictim")
    old_ring = encryption.keyring()
    new_ring = Keyring(new_key(), (old_ring.current,))
    encryption.keyring.cache_clear()
    try:
        original_keyring = encryption.keyring
        encryption.keyring = lambda: new_ring  # type: ignore[assignment]
        crypto.keyring = encryption.keyring  # type: ignore[assignment]
        assert services.data_keys_rewrap() == 1
        assert services.data_keys_rewrap() == 0
        stored = Submission.objects.get(pk=receipt.submission.pk)
        assert stored.data_key.split("$")[1] == new_ring.current_id
        assert stored.victims.get().name == "Marker Victim One"
        assert _raw_rows("intake_submissionvictim") == before
    finally:
        encryption.keyring = original_keyring  # type: ignore[assignment]
        crypto.keyring = original_keyring  # type: ignore[assignment]
