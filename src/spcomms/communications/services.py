"""Every write to a communication: drafting, naming, approving, sending, withholding, replies.

Each function takes keyword-only arguments and the acting user, runs in one
transaction, writes an audit row, and records a ``CommunicationTransition`` when
the status changes. An illegal step raises ``WorkflowError`` (the pages answer
409 with its message); an actor without the right raises ``NotAllowed``, which
the pages turn into the same 404 as a missing object. See docs/communications.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Field, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from spcomms.accounts.models import Role, User
from spcomms.audit.services import audit_record
from spcomms.cases.models import CaseFile, Person
from spcomms.communications.letters import Audience, RenderRefused, letter_render, placeholder
from spcomms.communications.models import (
    DEFAULT_REPLY_DAYS,
    NON_STATE_CODE,
    Addressee,
    Communication,
    CommunicationMandate,
    CommunicationPerson,
    CommunicationStatus,
    CommunicationTransition,
    CommunicationType,
    NonStateActor,
    ReferenceCounter,
    Reply,
)
from spcomms.intake.models import TRANSMITTABLE_ANSWERS, Language, Submission
from spcomms.publication.index import publication_invalidate
from spcomms.reference.models import Country, Mandate, PerpetratorType, ReplyClass, ViolationType

DEFAULT_REPLY_PERIOD = dt.timedelta(days=DEFAULT_REPLY_DAYS)
# An other letter (OL) may ask for a reply sooner, but never sooner than this.
SHORTEST_REPLY_PERIOD = dt.timedelta(hours=48)
TEXT_FIELDS = ("facts", "norms", "concerns", "questions")


class CommunicationError(Exception):
    """Base of the errors raised here; the message is meant for the user."""


class WorkflowError(CommunicationError):
    """The step is not allowed in the communication's present state (HTTP 409)."""


class ConsentRefused(WorkflowError):
    """A person cannot be named to the State; ``person`` says who."""

    def __init__(self, message: str, person: Person) -> None:
        super().__init__(message)
        self.person = person


class SendRefused(WorkflowError):
    """Sending is refused; ``reasons`` lists every reason, each telling what to do."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = list(reasons)


class NotAllowed(PermissionDenied):
    """The actor may not do this; the pages answer it as a 404."""


# Permissions ---------------------------------------------------------------


def can_draft(user: User) -> bool:
    """Drafting, editing, sending, withholding and replies are the secretariat's work."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.SECRETARIAT)


def can_approve(user: User, mandate: Mandate) -> bool:
    """A mandate holder approves for their own mandates; the secretariat may record an
    approval given on a mandate's behalf (by e-mail or in a meeting)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role == Role.SECRETARIAT:
        return True
    return user.role == Role.MANDATE_HOLDER and user.mandates.filter(pk=mandate.pk).exists()


def _require_drafter(actor: User) -> None:
    if not can_draft(actor):
        raise NotAllowed


# Helpers -------------------------------------------------------------------


def _invalidate_public(communication_ids: Iterable[int]) -> None:
    """Tell the public index that these communications' public text may have changed;
    the next public request rebuilds their rows (ADR 4)."""
    publication_invalidate(communication_ids=list(communication_ids))


def _transition(
    communication: Communication, *, actor: User, to_status: str, at: dt.datetime
) -> None:
    CommunicationTransition.objects.create(
        communication=communication,
        from_status=communication.status,
        to_status=to_status,
        at=at,
        actor=actor,
    )


def _locked_draft(communication: Communication) -> Communication:
    """The communication re-read under a row lock; refused unless it is still a draft."""
    locked = Communication.objects.select_for_update().get(pk=communication.pk)
    if locked.status != CommunicationStatus.DRAFT:
        raise WorkflowError(
            _("Only a draft can be changed; this communication is %(status)s.")
            % {"status": locked.get_status_display().lower()}
        )
    return locked


def _set_mandates(
    communication: Communication, *, lead: Mandate, joined: Iterable[Mandate]
) -> None:
    others = [mandate for mandate in dict.fromkeys(joined) if mandate.pk != lead.pk]
    communication.mandate_links.all().delete()
    CommunicationMandate.objects.create(communication=communication, mandate=lead, is_lead=True)
    CommunicationMandate.objects.bulk_create(
        CommunicationMandate(communication=communication, mandate=mandate, is_lead=False)
        for mandate in others
    )


def _set_addressees(
    communication: Communication,
    *,
    states: Iterable[Country],
    non_state: Iterable[NonStateActor],
    copied: Iterable[Country],
) -> None:
    addressed = list(dict.fromkeys(states))
    copied_only = [country for country in dict.fromkeys(copied) if country not in addressed]
    communication.addressees.all().delete()
    Addressee.objects.bulk_create(
        [Addressee(communication=communication, country=country) for country in addressed]
        + [
            Addressee(communication=communication, non_state_actor=actor)
            for actor in dict.fromkeys(non_state)
        ]
        + [
            Addressee(communication=communication, country=country, is_copy=True)
            for country in copied_only
        ]
    )


def _reset_approvals(communication: Communication) -> int:
    """An approval covers the text as it was approved: any change asks for it again."""
    return communication.mandate_links.filter(approved_at__isnull=False).update(
        approved_at=None, approved_by=None
    )


# Drafting ------------------------------------------------------------------


@transaction.atomic
def communication_draft(
    *,
    actor: User,
    type: CommunicationType | str,
    subject: str,
    lead_mandate: Mandate,
    joined_mandates: Iterable[Mandate] = (),
    addressee_states: Iterable[Country] = (),
    addressee_non_state: Iterable[NonStateActor] = (),
    copied_states: Iterable[Country] = (),
    case_files: Iterable[CaseFile] = (),
    language: Language | str = Language.ENGLISH,
    facts: str = "",
    norms: str = "",
    concerns: str = "",
    questions: str = "",
    concerns_reprisal: bool = False,
    follow_up_of: Communication | None = None,
) -> Communication:
    """A new draft, with its lead mandate first and its addressees."""
    _require_drafter(actor)
    if type not in CommunicationType.values:
        raise WorkflowError(_("Choose the type of the communication."))
    if language not in Language.values:
        raise WorkflowError(_("Choose English, French or Spanish for the letter."))
    if not subject.strip():
        raise WorkflowError(_("Give the communication a short subject that names no one."))
    draft = Communication.objects.create(
        type=type,
        subject=subject.strip(),
        language=language,
        facts=facts,
        norms=norms,
        concerns=concerns,
        questions=questions,
        concerns_reprisal=concerns_reprisal,
        follow_up_of=follow_up_of,
        created_by=actor,
    )
    _set_mandates(draft, lead=lead_mandate, joined=joined_mandates)
    _set_addressees(
        draft, states=addressee_states, non_state=addressee_non_state, copied=copied_states
    )
    draft.case_files.set(list(case_files))
    CommunicationTransition.objects.create(
        communication=draft,
        from_status="",
        to_status=CommunicationStatus.DRAFT,
        at=timezone.now(),
        actor=actor,
    )
    audit_record(actor=actor, action="communication_draft", obj=draft, type=str(type))
    return draft


@transaction.atomic
def communication_update(
    *,
    actor: User,
    communication: Communication,
    type: CommunicationType | str | None = None,
    subject: str | None = None,
    language: Language | str | None = None,
    facts: str | None = None,
    norms: str | None = None,
    concerns: str | None = None,
    questions: str | None = None,
    concerns_reprisal: bool | None = None,
    lead_mandate: Mandate | None = None,
    joined_mandates: Iterable[Mandate] | None = None,
    addressee_states: Iterable[Country] | None = None,
    addressee_non_state: Iterable[NonStateActor] | None = None,
    copied_states: Iterable[Country] | None = None,
    case_files: Iterable[CaseFile] | None = None,
) -> Communication:
    """Change a draft. ``None`` leaves a field as it is. A change clears the approvals."""
    _require_drafter(actor)
    draft = _locked_draft(communication)
    if type is not None:
        if type not in CommunicationType.values:
            raise WorkflowError(_("Choose the type of the communication."))
        draft.type = type
    if language is not None:
        if language not in Language.values:
            raise WorkflowError(_("Choose English, French or Spanish for the letter."))
        draft.language = language
    if subject is not None:
        if not subject.strip():
            raise WorkflowError(_("Give the communication a short subject that names no one."))
        draft.subject = subject.strip()
    for name, value in (
        ("facts", facts),
        ("norms", norms),
        ("concerns", concerns),
        ("questions", questions),
    ):
        if value is not None:
            setattr(draft, name, value)
    if concerns_reprisal is not None:
        draft.concerns_reprisal = concerns_reprisal
    draft.save()
    if lead_mandate is not None or joined_mandates is not None:
        current_lead = draft.mandate_links.get(is_lead=True).mandate
        current_joined = [
            link.mandate for link in draft.mandate_links.filter(is_lead=False).select_related()
        ]
        _set_mandates(
            draft,
            lead=lead_mandate or current_lead,
            joined=current_joined if joined_mandates is None else joined_mandates,
        )
    if any(x is not None for x in (addressee_states, addressee_non_state, copied_states)):
        links = list(draft.addressees.select_related("country", "non_state_actor"))
        _set_addressees(
            draft,
            states=addressee_states
            if addressee_states is not None
            else [a.country for a in links if a.country and not a.is_copy],
            non_state=addressee_non_state
            if addressee_non_state is not None
            else [a.non_state_actor for a in links if a.non_state_actor],
            copied=copied_states
            if copied_states is not None
            else [a.country for a in links if a.country and a.is_copy],
        )
    if case_files is not None:
        draft.case_files.set(list(case_files))
    cleared = _reset_approvals(draft)
    audit_record(actor=actor, action="communication_update", obj=draft, approvals_cleared=cleared)
    return draft


def consent_problem(person: Person) -> str | None:
    """Why ``person`` may not be named to the State, or None when they may."""
    if person.merged_into_id is not None:
        return _("this record was merged into another person; name that person instead.")
    consent = person.current_consent()
    if consent is None:
        return _("no consent is recorded (or it was revoked); record their consent first.")
    if not consent.transmit_to_state:
        return _("their consent does not allow naming them to the State.")
    return None


@transaction.atomic
def communication_name_person(
    *,
    actor: User,
    communication: Communication,
    person: Person,
    violations: Iterable[ViolationType] = (),
    perpetrators: Iterable[PerpetratorType] = (),
) -> CommunicationPerson:
    """Name ``person`` in a draft (or update what they suffered, if already named).

    Refused, with who and why, when their current consent does not allow
    transmission to the State.
    """
    _require_drafter(actor)
    draft = _locked_draft(communication)
    problem = consent_problem(person)
    if problem is not None:
        raise ConsentRefused(
            _("%(person)s cannot be named: %(reason)s") % {"person": person, "reason": problem},
            person,
        )
    link, created = CommunicationPerson.objects.get_or_create(communication=draft, person=person)
    link.violations.set(list(violations))
    link.perpetrators.set(list(perpetrators))
    cleared = _reset_approvals(draft)
    audit_record(
        actor=actor,
        action="communication_name_person",
        obj=draft,
        person=person.key.hex,
        added=created,
        approvals_cleared=cleared,
    )
    return link


@dataclass
class CaseFileCopy:
    """What ``communication_from_case_files`` did, so staff can act on what it left out."""

    persons_named: list[Person] = field(default_factory=list)
    persons_refused: list[tuple[Person, str]] = field(default_factory=list)
    answers_copied: list[tuple[int, str]] = field(default_factory=list)  # (submission, answer)
    answers_left_out: list[tuple[int, str]] = field(default_factory=list)
    attachments_annexable: list[int] = field(default_factory=list)
    attachments_left_out: list[int] = field(default_factory=list)


def _answer_label(name: str) -> str:
    answer = Submission._meta.get_field(name)
    assert isinstance(answer, Field)  # noqa: S101  # TRANSMITTABLE_ANSWERS are plain fields
    return str(answer.verbose_name).capitalize()


@transaction.atomic
def communication_from_case_files(
    *, actor: User, communication: Communication, case_files: Iterable[CaseFile]
) -> CaseFileCopy:
    """Take the case files into a draft: name their persons and copy the submissions' answers.

    Every answer the source listed in ``Submission.not_to_transmit`` and every
    attachment marked not to transmit is left out and reported. A person whose
    consent does not allow naming to the State is not named; their exact name
    in the copied text is replaced by the withheld phrase, and they are
    reported too. Other persons' exact names become placeholders.
    """
    from spcomms.communications.letters import withheld_phrase

    _require_drafter(actor)
    draft = _locked_draft(communication)
    files = list(case_files)
    result = CaseFileCopy()
    replacements: dict[str, str] = {}
    for case_file in files:
        draft.case_files.add(case_file)
        for entry in case_file.entries.select_related("person").prefetch_related(
            "violations", "perpetrators"
        ):
            person = entry.person
            problem = consent_problem(person)
            if problem is not None:
                result.persons_refused.append((person, problem))
                replacements[str(person.name)] = withheld_phrase(person.kind)
                continue
            link, _created = CommunicationPerson.objects.get_or_create(
                communication=draft, person=person
            )
            link.violations.add(*entry.violations.all())
            link.perpetrators.add(*entry.perpetrators.all())
            result.persons_named.append(person)
            replacements[str(person.name)] = placeholder(person)
    paragraphs: list[str] = []
    with translation.override(draft.language):
        for case_file in files:
            submission = case_file.submission
            if submission is None:
                continue
            left_out = set(submission.not_to_transmit or [])
            for answer in TRANSMITTABLE_ANSWERS:
                text = str(getattr(submission, answer) or "").strip()
                if not text:
                    continue
                if answer in left_out:
                    result.answers_left_out.append((submission.pk, answer))
                    continue
                result.answers_copied.append((submission.pk, answer))
                paragraphs.append(f"{_answer_label(answer)}: {text}")
            for attachment in submission.attachments.all():
                if attachment.not_to_transmit:
                    result.attachments_left_out.append(attachment.pk)
                else:
                    result.attachments_annexable.append(attachment.pk)
    copied = "\n\n".join(paragraphs)
    # Longest names first, so that a name inside a longer one is not replaced half-way.
    for name in sorted(replacements, key=len, reverse=True):
        if name:
            copied = copied.replace(name, replacements[name])
    if copied:
        draft.facts = f"{draft.facts}\n\n{copied}".strip() if draft.facts else copied
        draft.save(update_fields=["facts"])
    cleared = _reset_approvals(draft)
    audit_record(
        actor=actor,
        action="communication_from_case_files",
        obj=draft,
        case_files=len(files),
        persons_named=len(result.persons_named),
        persons_refused=len(result.persons_refused),
        answers_left_out=len(result.answers_left_out),
        attachments_left_out=len(result.attachments_left_out),
        approvals_cleared=cleared,
    )
    return result


# Approval and sending --------------------------------------------------------


@transaction.atomic
def communication_approve(
    *, actor: User, communication: Communication, mandate: Mandate
) -> CommunicationMandate:
    """Record ``mandate``'s approval of a draft (see ``can_approve`` for who may)."""
    if not can_approve(actor, mandate):
        raise NotAllowed
    draft = _locked_draft(communication)
    link = draft.mandate_links.filter(mandate=mandate).first()
    if link is None:
        raise WorkflowError(_("This mandate does not take part in this communication."))
    if link.approved_at is not None:
        raise WorkflowError(_("This mandate has already approved this communication."))
    link.approved_at = timezone.now()
    link.approved_by = actor
    link.save(update_fields=["approved_at", "approved_by"])
    audit_record(
        actor=actor,
        action="communication_approve",
        obj=draft,
        mandate=mandate.code,
        on_behalf=actor.role == Role.SECRETARIAT,
    )
    return link


def send_problems(communication: Communication) -> list[str]:
    """Every reason the communication cannot be sent now; empty when it can."""
    problems: list[str] = []
    if communication.status != CommunicationStatus.DRAFT:
        problems.append(
            _("Only a draft can be sent; this communication is %(status)s.")
            % {"status": communication.get_status_display().lower()}
        )
        return problems
    links = list(communication.mandate_links.select_related("mandate"))
    if not links:
        problems.append(_("Add a lead mandate."))
    waiting = [link.mandate.name for link in links if link.approved_at is None]
    if waiting:
        problems.append(
            _("Waiting for the approval of: %(mandates)s.") % {"mandates": "; ".join(waiting)}
        )
    if not communication.addressees.filter(is_copy=False).exists():
        problems.append(_("Address the communication to a State or a non-State actor."))
    try:
        letter_render(communication=communication, audience=Audience.STATE)
    except RenderRefused as refused:
        problems.append(
            _(
                "%(message)s Remove them from the letter or record their consent. "
                "Concerned: %(keys)s."
            )
            % {"message": refused, "keys": ", ".join(key[:8] for key in refused.person_keys)}
        )
    return problems


def _reference_code(communication: Communication) -> str:
    first = (
        communication.addressees.filter(is_copy=False, country__isnull=False)
        .select_related("country")
        .order_by("pk")
        .first()
    )
    return first.country.iso3 if first is not None and first.country is not None else NON_STATE_CODE


def _highest_given(code: str, year: int) -> int:
    top = Communication.objects.filter(ref_code=code, ref_year=year).aggregate(
        top=Max("ref_number")
    )["top"]
    return int(top or 0)


def _next_number(code: str, year: int) -> int:
    """The next running number for ``code`` and ``year``, taken under a row lock.

    Never below a number already given (a communication loaded without the
    counter), and never given twice, even after a communication is deleted.
    """
    counter = (
        ReferenceCounter.objects.select_for_update().filter(ref_code=code, ref_year=year).first()
    )
    if counter is None:
        number = _highest_given(code, year) + 1
        try:
            with transaction.atomic():
                ReferenceCounter.objects.create(ref_code=code, ref_year=year, last_number=number)
            return number
        except IntegrityError:  # another sending created it first: wait for its lock
            counter = ReferenceCounter.objects.select_for_update().get(ref_code=code, ref_year=year)
    number = max(counter.last_number, _highest_given(code, year)) + 1
    ReferenceCounter.objects.filter(pk=counter.pk).update(last_number=number)
    return number


def reply_period_check(type: str, reply_period: dt.timedelta | None) -> dt.timedelta:
    """The period the State has to reply: 60 days, or for an other letter (OL)
    anything from 48 hours to 60 days."""
    if reply_period is None:
        return DEFAULT_REPLY_PERIOD
    if type != CommunicationType.OTHER_LETTER:
        if reply_period != DEFAULT_REPLY_PERIOD:
            raise WorkflowError(
                _("Only an other letter may set its own reply period; this one has 60 days.")
            )
        return reply_period
    if not SHORTEST_REPLY_PERIOD <= reply_period <= DEFAULT_REPLY_PERIOD:
        raise WorkflowError(
            _("The reply period of an other letter must be between 48 hours and 60 days.")
        )
    return reply_period


@transaction.atomic
def communication_send(
    *,
    actor: User,
    communication: Communication,
    reply_period: dt.timedelta | None = None,
    now: dt.datetime | None = None,
) -> Communication:
    """Send an approved draft: give it its reference, its sending date and its deadline."""
    _require_drafter(actor)
    locked = Communication.objects.select_for_update().get(pk=communication.pk)
    problems = send_problems(locked)
    if problems:
        raise SendRefused(problems)
    period = reply_period_check(locked.type, reply_period)
    sent_at = now or timezone.now()
    year = sent_at.astimezone(dt.UTC).year
    code = _reference_code(locked)
    number = _next_number(code, year)
    changed = Communication.objects.filter(pk=locked.pk, status=CommunicationStatus.DRAFT).update(
        status=CommunicationStatus.SENT,
        sent_at=sent_at,
        reply_due_at=sent_at + period,
        ref_code=code,
        ref_year=year,
        ref_number=number,
    )
    if changed != 1:  # compare-and-set: another sending got there first
        raise SendRefused([_("This communication has already been sent.")])
    _transition(locked, actor=actor, to_status=CommunicationStatus.SENT, at=sent_at)
    locked.refresh_from_db()
    audit_record(
        actor=actor,
        action="communication_send",
        obj=locked,
        ref_code=code,
        ref_year=year,
        ref_number=number,
        reply_hours=int(period.total_seconds() // 3600),
    )
    _invalidate_public([locked.pk])
    communication.refresh_from_db()
    return locked


@transaction.atomic
def communication_abandon(*, actor: User, communication: Communication) -> Communication:
    """Set a draft aside for good; it keeps its history but will never be sent."""
    _require_drafter(actor)
    draft = _locked_draft(communication)
    at = timezone.now()
    _transition(draft, actor=actor, to_status=CommunicationStatus.ABANDONED, at=at)
    Communication.objects.filter(pk=draft.pk, status=CommunicationStatus.DRAFT).update(
        status=CommunicationStatus.ABANDONED
    )
    audit_record(actor=actor, action="communication_abandon", obj=draft)
    communication.refresh_from_db()
    return communication


@transaction.atomic
def communication_withhold(
    *, actor: User, communication: Communication, reason: str
) -> Communication:
    """Keep a sent communication out of the public record, saying why."""
    _require_drafter(actor)
    locked = Communication.objects.select_for_update().get(pk=communication.pk)
    if locked.status != CommunicationStatus.SENT:
        raise WorkflowError(_("Only a sent communication can be withheld from publication."))
    if not reason.strip():
        raise WorkflowError(_("Say why the communication is withheld."))
    locked.withheld = True
    locked.withheld_reason = reason.strip()
    locked.save(update_fields=["withheld", "withheld_reason"])
    audit_record(actor=actor, action="communication_withhold", obj=locked)
    _invalidate_public([locked.pk])
    communication.refresh_from_db()
    return locked


@transaction.atomic
def communication_unwithhold(*, actor: User, communication: Communication) -> Communication:
    """Return a withheld communication to the public record.

    The flag is cleared by compare-and-set; the reason given when it was withheld
    stays on the record as the last reason given, and the audit log keeps when and
    by whom it was withheld and released (codes only, no text). Past its deadline
    the communication is public again at the next public request (ADR 4).
    """
    _require_drafter(actor)
    locked = Communication.objects.select_for_update().get(pk=communication.pk)
    if locked.status != CommunicationStatus.SENT:
        raise WorkflowError(_("Only a sent communication can be withheld or released."))
    changed = Communication.objects.filter(pk=locked.pk, withheld=True).update(withheld=False)
    if changed != 1:
        raise WorkflowError(
            _("This communication is not withheld: it already follows the public record's rules.")
        )
    locked.refresh_from_db()
    audit_record(
        actor=actor,
        action="communication_unwithhold",
        obj=locked,
        reason_kept=bool(locked.withheld_reason),
    )
    _invalidate_public([locked.pk])
    communication.refresh_from_db()
    return locked


# Replies -----------------------------------------------------------------------


@transaction.atomic
def reply_record(
    *,
    actor: User,
    communication: Communication,
    received_on: dt.date,
    language: str,
    document: UploadedFile | None = None,
    confidential: bool = False,
    persons_addressed: Iterable[CommunicationPerson] = (),
) -> Reply:
    """Log a reply received from an addressee of a sent communication."""
    _require_drafter(actor)
    locked = Communication.objects.select_for_update().get(pk=communication.pk)
    if locked.status != CommunicationStatus.SENT or locked.sent_at is None:
        raise WorkflowError(_("A reply can only be logged for a sent communication."))
    if received_on < locked.sent_at.astimezone(dt.UTC).date():
        raise WorkflowError(_("A reply cannot be dated before its communication was sent."))
    if received_on > timezone.now().astimezone(dt.UTC).date():
        raise WorkflowError(_("A reply cannot be dated in the future."))
    code = language.strip().lower()
    if not (2 <= len(code) <= 8 and code.replace("-", "").isalpha()):
        raise WorkflowError(_("Give the reply's language as a code, such as en, fr or ar."))
    addressed = list(persons_addressed)
    if any(link.communication_id != locked.pk for link in addressed):
        raise WorkflowError(_("A reply can only address persons named in its communication."))
    reply = Reply(
        communication=locked,
        received_on=received_on,
        language=code,
        confidential=confidential,
        recorded_by=actor,
    )
    if document is not None:
        reply.document.save(document.name or "reply", document, save=False)
    reply.save()
    reply.persons_addressed.set(addressed)
    audit_record(
        actor=actor,
        action="reply_record",
        obj=reply,
        communication=locked.pk,
        confidential=confidential,
        late=reply.is_late,
    )
    _invalidate_public([locked.pk])
    return reply


@transaction.atomic
def reply_classify(*, actor: User, reply: Reply, reply_class: ReplyClass) -> Reply:
    """Say how the reply answers the communication."""
    _require_drafter(actor)
    locked = Reply.objects.select_for_update().get(pk=reply.pk)
    if not reply_class.active:
        raise WorkflowError(_("This reply class is no longer in use; choose another."))
    previous = locked.reply_class_id
    locked.reply_class = reply_class
    locked.save(update_fields=["reply_class"])
    audit_record(
        actor=actor,
        action="reply_classify",
        obj=locked,
        reply_class=reply_class.code,
        reclassified=previous is not None,
    )
    _invalidate_public([locked.communication_id])
    reply.refresh_from_db()
    return locked
