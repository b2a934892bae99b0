"""Every write to a submission, from the source's side and the staff's.

The source acts without an account: ``submission_create`` returns the receipt
code once, ``receipt_open`` finds the submission again from it, and the
``source_*`` functions act on the submission the code opened. Staff functions
take the acting user, check the right (``NotAllowed``, which pages answer as a
404), run in one transaction, and write an audit row that names the action and
the object, never the content. An illegal step raises ``WorkflowError`` (409).
See docs/intake.md.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from spcomms.accounts.models import Role, User
from spcomms.audit.services import audit_record
from spcomms.cases.models import (
    CaseFile,
    CaseFilePerson,
    CaseFileStatus,
    ConsentRecord,
    Person,
    PublicNaming,
)
from spcomms.communications.models import Communication, CommunicationStatus
from spcomms.intake import storage
from spcomms.intake.attachments import CleanedFile
from spcomms.intake.crypto import bytes_open, bytes_seal
from spcomms.intake.models import (
    TRANSMITTABLE_ANSWERS,
    MessageKind,
    SenderKind,
    Submission,
    SubmissionAttachment,
    SubmissionMessage,
    SubmissionStatus,
    SubmissionTransition,
    SubmissionVictim,
)
from spcomms.intake.receipts import (
    ReceiptCode,
    receipt_hash,
    receipt_matches,
    receipt_new,
    receipt_parse,
)
from spcomms.reference.models import Country, IssueArea, Mandate
from spcomms.reprisals.services import reprisal_report_from_source

logger = logging.getLogger("spcomms.intake")

OPEN_STATUSES = (
    SubmissionStatus.RECEIVED,
    SubmissionStatus.UNDER_REVIEW,
    SubmissionStatus.INFO_REQUESTED,
)
SOURCE_MESSAGE_KINDS = (
    MessageKind.MESSAGE,
    MessageKind.INFO_ADDED,
    MessageKind.SITUATION_CHANGE,
    MessageKind.REPRISAL,
)
# What staff may set by hand; "acted on" follows from a sent communication.
STAFF_STATUSES = {
    SubmissionStatus.RECEIVED: {SubmissionStatus.UNDER_REVIEW, SubmissionStatus.CLOSED},
    SubmissionStatus.UNDER_REVIEW: {SubmissionStatus.INFO_REQUESTED, SubmissionStatus.CLOSED},
    SubmissionStatus.INFO_REQUESTED: {SubmissionStatus.UNDER_REVIEW, SubmissionStatus.CLOSED},
    SubmissionStatus.ACTED_ON: {SubmissionStatus.CLOSED},
    SubmissionStatus.NO_ACTION: {SubmissionStatus.CLOSED, SubmissionStatus.UNDER_REVIEW},
    SubmissionStatus.CLOSED: {SubmissionStatus.UNDER_REVIEW},
}
MAX_TEXT = 20_000


class IntakeError(Exception):
    """Base of the errors raised here; the message is meant for the user."""


class WorkflowError(IntakeError):
    """The step is not allowed in the submission's present state (HTTP 409)."""


class SubmissionInvalid(IntakeError):
    """The answers cannot be stored; ``field`` names the answer at fault, if one."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class NotAllowed(PermissionDenied):
    """The actor may not do this; the pages answer it as a 404."""


# Answers --------------------------------------------------------------------


@dataclass(frozen=True)
class VictimAnswers:
    name: str
    kind: str = "individual"
    age: int | None = None
    gender: str = "not_stated"
    origin: str = ""
    residence: str = ""
    issue_areas: Sequence[IssueArea] = ()
    consent_given_by: str = ""
    consent_transmit: bool = False
    consent_public: str = PublicNaming.WITHHELD
    consent_written: bool = False


@dataclass(frozen=True)
class SubmissionAnswers:
    sender_kind: str
    language: str = "en"
    sender_name: str = ""
    sender_contact: str = ""
    is_urgent: bool = False
    urgency_reason: str = ""
    act_before: dt.date | None = None
    country: Country | None = None
    incident_from: dt.date | None = None
    incident_to: dt.date | None = None
    facts: str = ""
    places: str = ""
    perpetrators: str = ""
    context: str = ""
    action_taken: str = ""
    requested_action: str = ""
    press_release_wanted: bool = False
    press_release_reason: str = ""
    mandates_wished: Sequence[Mandate] = ()
    joint_action_wished: bool | None = None
    joint_action_reason: str = ""
    not_to_transmit: Sequence[str] = ()


@dataclass(frozen=True)
class FileToStore:
    """A checked file (see ``attachments.attachment_check``) and the source's wish."""

    name: str
    checked: CleanedFile
    not_to_transmit: bool = False


@dataclass
class Receipt:
    """What the source is shown once: the code, and what was removed from each file."""

    submission: Submission
    code: str
    attachments: list[SubmissionAttachment] = field(default_factory=list)


# Permissions ------------------------------------------------------------------


def can_triage(user: User | None) -> bool:
    """Reading and deciding on submissions is the secretariat's work."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.role == Role.SECRETARIAT
    )


def can_read_originals(user: User | None) -> bool:
    """Files as the source sent them, metadata and all: only with the explicit right."""
    return bool(
        user is not None and can_triage(user) and user.has_perm("intake.view_original_attachment")
    )


def _require_triage(actor: User) -> None:
    if not can_triage(actor):
        raise NotAllowed


# Helpers -----------------------------------------------------------------------


def _check_answers(answers: SubmissionAnswers, victims: Sequence[VictimAnswers]) -> None:
    if answers.sender_kind not in SenderKind.values:
        raise SubmissionInvalid(_("Choose who sends the information."), "sender_kind")
    if not victims:
        raise SubmissionInvalid(_("Name at least one person or group concerned."), "victims")
    if any(not victim.name.strip() for victim in victims):
        raise SubmissionInvalid(_("Each person concerned needs a name."), "victims")
    if (
        answers.incident_from
        and answers.incident_to
        and answers.incident_to < answers.incident_from
    ):
        raise SubmissionInvalid(
            _("The end of the events cannot come before their beginning."), "incident_to"
        )
    unknown = set(answers.not_to_transmit) - set(TRANSMITTABLE_ANSWERS)
    if unknown:
        raise SubmissionInvalid(_("An answer marked not to be transmitted does not exist."))
    for victim in victims:
        if victim.consent_public != PublicNaming.WITHHELD and not victim.consent_transmit:
            raise SubmissionInvalid(
                _(
                    "A person may be named in public only if they may also be named to the "
                    "government."
                ),
                "victims",
            )
    too_long = [
        name
        for name in (
            "sender_name",
            "sender_contact",
            "urgency_reason",
            *TRANSMITTABLE_ANSWERS,
        )
        if len(str(getattr(answers, name))) > MAX_TEXT
    ]
    if too_long:
        raise SubmissionInvalid(
            _("This answer is too long: keep it under 20,000 characters or add a file."),
            too_long[0],
        )


def _store_files(
    submission: Submission,
    files: Iterable[FileToStore],
    *,
    now: dt.datetime,
    message: SubmissionMessage | None,
    written: list[str],
) -> list[SubmissionAttachment]:
    """Seal and write each file; ``written`` collects the names so a failure can remove them."""
    key = submission.sealing_key()
    stored = []
    for upload in files:
        attachment = SubmissionAttachment(
            submission=submission,
            message=message,
            filename=upload.name[:255] or "file",
            content_type=upload.checked.content_type,
            size=len(upload.checked.original),
            cleaned_size=len(upload.checked.cleaned),
            removed=list(upload.checked.removed),
            not_to_transmit=upload.not_to_transmit,
            uploaded_at=now,
        )
        original = storage.file_write(
            bytes_seal(key, upload.checked.original, context=_file_context(attachment, "original"))
        )
        written.append(original)
        cleaned = storage.file_write(
            bytes_seal(key, upload.checked.cleaned, context=_file_context(attachment, "cleaned"))
        )
        written.append(cleaned)
        attachment.original_path = original
        attachment.cleaned_path = cleaned
        attachment.save()
        stored.append(attachment)
    return stored


def _file_context(attachment: SubmissionAttachment, copy: str) -> str:
    return f"intake_submissionattachment.{copy}:{attachment.public_id.hex}"


def _remove_files(names: Iterable[str]) -> None:
    for name in names:
        storage.file_delete(name)


def _transition(
    submission: Submission, *, to_status: str, actor: User | None, at: dt.datetime
) -> None:
    SubmissionTransition.objects.create(
        submission=submission,
        from_status=submission.status,
        to_status=to_status,
        at=at,
        actor=actor if actor is not None and actor.pk else None,
    )
    submission.status = to_status
    submission.save(update_fields=["status", "updated_at"])


def _locked(submission: Submission) -> Submission:
    return Submission.objects.select_for_update().get(pk=submission.pk)


# The source's side ----------------------------------------------------------------


def submission_create(
    *,
    answers: SubmissionAnswers,
    victims: Sequence[VictimAnswers],
    files: Sequence[FileToStore] = (),
    source_account: User | None = None,
    now: dt.datetime | None = None,
) -> Receipt:
    """Store a new submission, sealed, and return it with its receipt code (shown once)."""
    _check_answers(answers, victims)
    now = now or timezone.now()
    written: list[str] = []
    try:
        with transaction.atomic():
            code, submission = _insert_submission(answers, source_account, now)
            submission.mandates_wished.set(list(answers.mandates_wished))
            for position, victim in enumerate(victims):
                row = SubmissionVictim.objects.create(
                    submission=submission,
                    position=position,
                    kind=victim.kind,
                    name=victim.name.strip(),
                    age=victim.age,
                    gender=victim.gender,
                    origin=victim.origin,
                    residence=victim.residence,
                    consent_given_by=victim.consent_given_by,
                    consent_transmit=victim.consent_transmit,
                    consent_public=victim.consent_public,
                    consent_written=victim.consent_written,
                )
                row.issue_areas.set(list(victim.issue_areas))
            stored = _store_files(submission, files, now=now, message=None, written=written)
            SubmissionTransition.objects.create(
                submission=submission, from_status="", to_status=submission.status, at=now
            )
    except BaseException:
        _remove_files(written)
        raise
    return Receipt(submission=submission, code=code.text, attachments=stored)


def _insert_submission(
    answers: SubmissionAnswers, source_account: User | None, now: dt.datetime
) -> tuple[ReceiptCode, Submission]:
    """Insert the row under a fresh look-up key, trying again on the rare collision."""
    for _attempt in range(8):
        code = receipt_new()
        submission = Submission(
            receipt_lookup=code.lookup,
            receipt_hash=receipt_hash(code),
            source_account=source_account,
            received_at=now,
            language=answers.language,
            sender_kind=answers.sender_kind,
            sender_name=answers.sender_name.strip(),
            sender_contact=answers.sender_contact.strip(),
            is_urgent=answers.is_urgent,
            urgency_reason=answers.urgency_reason,
            act_before=answers.act_before,
            country=answers.country,
            incident_from=answers.incident_from,
            incident_to=answers.incident_to,
            facts=answers.facts,
            places=answers.places,
            perpetrators=answers.perpetrators,
            context=answers.context,
            action_taken=answers.action_taken,
            requested_action=answers.requested_action,
            press_release_wanted=answers.press_release_wanted,
            press_release_reason=answers.press_release_reason,
            joint_action_wished=answers.joint_action_wished,
            joint_action_reason=answers.joint_action_reason,
            not_to_transmit=sorted(set(answers.not_to_transmit)),
        )
        try:
            with transaction.atomic():
                submission.save()
        except IntegrityError:
            if Submission.objects.filter(receipt_lookup=code.lookup).exists():
                continue
            raise
        return code, submission
    raise IntakeError("no free receipt look-up key")  # 32^5 keys: practically unreachable


def receipt_open(code: str) -> Submission | None:
    """The submission this code opens, or None. A miss costs as much time as a hit."""
    parsed = receipt_parse(code)
    if parsed is None:
        receipt_matches(receipt_new(), None)
        return None
    submission = Submission.objects.filter(receipt_lookup=parsed.lookup).first()
    if not receipt_matches(parsed, submission.receipt_hash if submission else None):
        return None
    return submission


def source_message_send(
    *,
    submission: Submission,
    body: str,
    kind: str = MessageKind.MESSAGE,
    files: Sequence[FileToStore] = (),
    now: dt.datetime | None = None,
) -> SubmissionMessage:
    """A message from the source: a reply, more information, a change, a reprisal."""
    if kind not in SOURCE_MESSAGE_KINDS:
        raise SubmissionInvalid(_("Choose what kind of message this is."), "kind")
    if not body.strip():
        raise SubmissionInvalid(_("Write your message."), "body")
    if len(body) > MAX_TEXT:
        raise SubmissionInvalid(
            _("This answer is too long: keep it under 20,000 characters or add a file."), "body"
        )
    now = now or timezone.now()
    written: list[str] = []
    try:
        with transaction.atomic():
            locked = _locked(submission)
            message = SubmissionMessage.objects.create(
                submission=locked, from_source=True, kind=kind, body=body, sent_at=now
            )
            _store_files(locked, files, now=now, message=message, written=written)
            if kind == MessageKind.REPRISAL:
                # Registered at once, as alleged; the inbox shows it first (docs/reprisals.md).
                reprisal_report_from_source(submission=locked, message=message, now=now)
            if locked.status == SubmissionStatus.INFO_REQUESTED:
                _transition(locked, to_status=SubmissionStatus.UNDER_REVIEW, actor=None, at=now)
            elif locked.status in (
                SubmissionStatus.NO_ACTION,
                SubmissionStatus.CLOSED,
            ) and kind in (
                MessageKind.SITUATION_CHANGE,
                MessageKind.REPRISAL,
            ):
                # A reprisal or a new turn reopens the file for staff to look again.
                _transition(locked, to_status=SubmissionStatus.UNDER_REVIEW, actor=None, at=now)
    except BaseException:
        _remove_files(written)
        raise
    submission.status = locked.status
    return message


@dataclass(frozen=True)
class SourceStatus:
    """What the source's status page shows; ``status`` may be derived, not stored."""

    status: str
    label: str
    communication_sent_on: dt.date | None = None
    communication_reference: str = ""
    reason_for_source: str = ""


def source_status(submission: Submission) -> SourceStatus:
    """The status as the source sees it: "acted on" as soon as a communication about its
    case file was sent, with the date; the reason staff chose to give for no action."""
    status = submission.status
    sent: Communication | None = None
    case_file = CaseFile.objects.filter(submission=submission).first()
    if case_file is not None:
        sent = (
            Communication.objects.filter(case_files=case_file, status=CommunicationStatus.SENT)
            .order_by("sent_at")
            .first()
        )
    if sent is not None and status in (*OPEN_STATUSES, SubmissionStatus.ACTED_ON):
        status = SubmissionStatus.ACTED_ON
    return SourceStatus(
        status=status,
        label=str(SubmissionStatus(status).label),
        communication_sent_on=sent.sent_at.date() if sent and sent.sent_at else None,
        communication_reference=sent.reference if sent else "",
        reason_for_source=submission.reason_for_source
        if status == SubmissionStatus.NO_ACTION
        else "",
    )


def source_messages(submission: Submission) -> list[SubmissionMessage]:
    """The exchange as the source sees it, oldest first, with its files."""
    return list(
        SubmissionMessage.objects.filter(submission=submission)
        .select_related("submission")
        .order_by("sent_at", "pk")
    )


# The staff's side -------------------------------------------------------------------


def submissions_for_triage(actor: User) -> list[Submission]:
    """The inbox: open submissions, urgent first, then the oldest. Opens no content."""
    _require_triage(actor)
    return list(
        Submission.objects.filter(status__in=OPEN_STATUSES)
        .annotate(victim_count=Count("victims"))
        .select_related("country")
        .order_by("-is_urgent", "received_at")
    )


@transaction.atomic
def submission_read(*, actor: User, submission: Submission) -> Submission:
    """The submission with its victims, messages and files, for staff; the read is logged."""
    _require_triage(actor)
    audit_record(actor=actor, action="submission_read", obj=submission)
    loaded = (
        Submission.objects.select_related("country")
        .prefetch_related("victims__issue_areas", "mandates_wished", "messages", "attachments")
        .get(pk=submission.pk)
    )
    # Children open with their submission's key, already in hand.
    for victim in loaded.victims.all():
        victim.submission = loaded
    for message in loaded.messages.all():
        message.submission = loaded
    for attachment in loaded.attachments.all():
        attachment.submission = loaded
    return loaded


@transaction.atomic
def submission_set_status(
    *, actor: User, submission: Submission, to_status: str, now: dt.datetime | None = None
) -> Submission:
    _require_triage(actor)
    locked = _locked(submission)
    if to_status not in STAFF_STATUSES.get(SubmissionStatus(locked.status), set()):
        raise WorkflowError(
            _("A submission that is %(status)s cannot be set to %(to)s.")
            % {
                "status": locked.get_status_display().lower(),
                "to": str(SubmissionStatus(to_status).label).lower()
                if to_status in SubmissionStatus.values
                else to_status,
            }
        )
    before = locked.status
    _transition(locked, to_status=to_status, actor=actor, at=now or timezone.now())
    audit_record(
        actor=actor, action="submission_status", obj=locked, before=before, after=to_status
    )
    return locked


@transaction.atomic
def submission_assign(*, actor: User, submission: Submission, assignee: User | None) -> Submission:
    _require_triage(actor)
    if assignee is not None and not can_triage(assignee):
        raise WorkflowError(_("Submissions can be assigned only to secretariat officers."))
    locked = _locked(submission)
    locked.assigned_to = assignee
    locked.save(update_fields=["assigned_to", "updated_at"])
    audit_record(
        actor=actor,
        action="submission_assign",
        obj=locked,
        assignee=assignee.pk if assignee is not None else None,
    )
    return locked


def _staff_message(
    *, actor: User, submission: Submission, body: str, kind: str, now: dt.datetime
) -> SubmissionMessage:
    if not body.strip():
        raise SubmissionInvalid(_("Write your message."), "body")
    return SubmissionMessage.objects.create(
        submission=submission, from_source=False, author=actor, kind=kind, body=body, sent_at=now
    )


@transaction.atomic
def staff_message_send(
    *, actor: User, submission: Submission, body: str, now: dt.datetime | None = None
) -> SubmissionMessage:
    _require_triage(actor)
    locked = _locked(submission)
    message = _staff_message(
        actor=actor,
        submission=locked,
        body=body,
        kind=MessageKind.MESSAGE,
        now=now or timezone.now(),
    )
    audit_record(actor=actor, action="submission_message", obj=locked, message=message.pk)
    return message


@transaction.atomic
def info_request(
    *, actor: User, submission: Submission, body: str, now: dt.datetime | None = None
) -> SubmissionMessage:
    """Ask the source for more; the status page says more information is requested."""
    _require_triage(actor)
    now = now or timezone.now()
    locked = _locked(submission)
    if locked.status not in (SubmissionStatus.RECEIVED, SubmissionStatus.UNDER_REVIEW):
        raise WorkflowError(
            _("More information can be requested only while a submission is being reviewed.")
        )
    message = _staff_message(
        actor=actor, submission=locked, body=body, kind=MessageKind.INFO_REQUEST, now=now
    )
    _transition(locked, to_status=SubmissionStatus.INFO_REQUESTED, actor=actor, at=now)
    audit_record(actor=actor, action="submission_info_request", obj=locked, message=message.pk)
    return message


@transaction.atomic
def decision_no_action(
    *,
    actor: User,
    submission: Submission,
    internal_reason: str,
    reason_for_source: str = "",
    now: dt.datetime | None = None,
) -> Submission:
    """No action: the internal reason stays with staff, the other one is shown to the source."""
    _require_triage(actor)
    if not internal_reason.strip():
        raise SubmissionInvalid(_("Say why no action is taken."), "internal_reason")
    locked = _locked(submission)
    if locked.status not in OPEN_STATUSES:
        raise WorkflowError(_("This submission has already been decided."))
    locked.no_action_reason = internal_reason
    locked.reason_for_source = reason_for_source
    locked.save(update_fields=["no_action_reason", "reason_for_source", "updated_at"])
    _transition(locked, to_status=SubmissionStatus.NO_ACTION, actor=actor, at=now or timezone.now())
    audit_record(
        actor=actor,
        action="submission_no_action",
        obj=locked,
        reason_for_source=bool(reason_for_source.strip()),
    )
    return locked


@transaction.atomic
def decision_open_case_file(
    *,
    actor: User,
    submission: Submission,
    country: Country | None = None,
    summary: str = "",
    now: dt.datetime | None = None,
) -> CaseFile:
    """Open a case file from the submission for the communications workflow.

    Each victim becomes a person of the file, with a consent record saying what the
    source reported (from whom, to the State or not, how in public). The answers
    marked not to be transmitted stay listed on the submission, which the case
    file keeps, so ``communication_from_case_files`` leaves them out; so does every
    file marked not to be transmitted.
    """
    _require_triage(actor)
    now = now or timezone.now()
    locked = _locked(submission)
    if locked.status not in OPEN_STATUSES:
        raise WorkflowError(_("This submission has already been decided."))
    if CaseFile.objects.filter(submission=locked).exists():
        raise WorkflowError(_("A case file is already open for this submission."))
    where = country or locked.country
    if where is None:
        raise SubmissionInvalid(_("Choose the country of the case file."), "country")
    case_file = CaseFile.objects.create(
        submission=locked,
        country=where,
        status=CaseFileStatus.OPEN,
        summary=summary,
        opened_at=now,
        opened_by=actor,
    )
    for victim in locked.victims.prefetch_related("issue_areas").order_by("position"):
        victim.submission = locked
        person = Person.objects.create(
            kind=victim.kind, name=victim.name, gender=victim.gender, country=where
        )
        person.issue_areas.set(list(victim.issue_areas.all()))
        if victim.consent_given_by:
            ConsentRecord.objects.create(
                person=person,
                given_by=victim.consent_given_by,
                written=victim.consent_written,
                transmit_to_state=victim.consent_transmit,
                public_naming=victim.consent_public,
                recorded_at=now,
                recorded_by=actor,
            )
        CaseFilePerson.objects.create(case_file=case_file, person=person)
        victim.person = person
        victim.save(update_fields=["person"])
    if locked.status != SubmissionStatus.UNDER_REVIEW:
        _transition(locked, to_status=SubmissionStatus.UNDER_REVIEW, actor=actor, at=now)
    audit_record(actor=actor, action="submission_case_file", obj=locked, case_file=case_file.pk)
    return case_file


def _attachment_bytes(attachment: SubmissionAttachment, copy: str) -> bytes:
    name = attachment.original_path if copy == "original" else attachment.cleaned_path
    return bytes_open(
        attachment.sealing_key(), storage.file_read(name), context=_file_context(attachment, copy)
    )


def attachment_read(
    *, actor: User, attachment: SubmissionAttachment, original: bool = False
) -> bytes:
    """The cleaned copy for staff; the original only with ``view_original_attachment``."""
    if not (can_read_originals(actor) if original else can_triage(actor)):
        raise NotAllowed
    copy = "original" if original else "cleaned"
    data = _attachment_bytes(attachment, copy)
    audit_record(actor=actor, action=f"attachment_read_{copy}", obj=attachment)
    return data


def source_attachment_read(*, submission: Submission, attachment: SubmissionAttachment) -> bytes:
    """The cleaned copy of a file the source sent, for the source itself."""
    if attachment.submission_id != submission.pk:
        raise NotAllowed
    return _attachment_bytes(attachment, "cleaned")


# Retention -----------------------------------------------------------------------


def submissions_to_purge(*, now: dt.datetime, retention: dt.timedelta) -> list[Submission]:
    """Closed or declined submissions with no case file (hence no communication) whose
    last status change is older than ``retention``."""
    return list(
        Submission.objects.filter(
            status__in=(SubmissionStatus.CLOSED, SubmissionStatus.NO_ACTION),
            case_file__isnull=True,
        )
        .annotate(last_change=Max("transitions__at"))
        .filter(
            Q(last_change__lt=now - retention)
            | Q(last_change__isnull=True, received_at__lt=now - retention)
        )
        .order_by("pk")
    )


def submissions_purge(
    *, now: dt.datetime | None = None, retention: dt.timedelta, dry_run: bool = False
) -> tuple[int, int]:
    """Delete what retention allows with its files; return (submissions, files).

    Each deletion is logged in the audit log without content: the submission's
    row number, its status and how many files went with it.
    """
    now = now or timezone.now()
    deleted = files = 0
    for submission in submissions_to_purge(now=now, retention=retention):
        names = [
            name
            for attachment in submission.attachments.all()
            for name in (attachment.original_path, attachment.cleaned_path)
            if name
        ]
        if dry_run:
            deleted += 1
            files += len(names)
            continue
        with transaction.atomic():
            audit_record(
                actor=None,
                action="submission_purged",
                obj=submission,
                status=submission.status,
                files=len(names),
            )
            submission.delete()
        _remove_files(names)
        deleted += 1
        files += len(names)
    if not dry_run:
        logger.info("intake purge: %d submissions and %d files deleted", deleted, files)
    return deleted, files


def data_keys_rewrap() -> int:
    """Wrap every data key with the current master key (after a rotation); content untouched."""
    from spcomms.intake.crypto import data_key_rewrap

    changed = 0
    for pk, wrapped in Submission.objects.values_list("pk", "data_key").iterator():
        rewrapped = data_key_rewrap(wrapped)
        if rewrapped is not None:
            Submission.objects.filter(pk=pk, data_key=wrapped).update(data_key=rewrapped)
            changed += 1
    return changed
