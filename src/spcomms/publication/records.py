"""What the public may see of a communication, as frozen records.

Every public page, download and API answer is built from these records, and
the records are built from ``Communication.objects.published()`` only. The
letter's text and the persons it names come from the guarded public rendering
(``letter_render`` for ``Audience.PUBLIC``, ADR 4); nothing here reads sources,
submissions, case files, assessments, consent records or any other encrypted
field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from spcomms.communications.letters import (
    TEXT_FIELDS,
    Audience,
    RenderRefused,
    guard_trips,
    letter_render,
)
from spcomms.communications.models import (
    Addressee,
    Communication,
    CommunicationMandate,
    CommunicationPerson,
    Reply,
)

SLUG = re.compile(r"^(ua|al|ol)-([a-z]{3})-([1-9][0-9]{0,6})-([0-9]{4})$")


@dataclass(frozen=True)
class PublicAddressee:
    name: str
    iso3: str  # empty for a non-State actor
    non_state_kind: str  # empty for a State


@dataclass(frozen=True)
class PublicMandate:
    code: str
    name: str
    is_lead: bool


@dataclass(frozen=True)
class PublicViolation:
    code: str
    name: str


@dataclass(frozen=True)
class PublicReply:
    """A reply as the public sees it; a confidential one shows nothing but its existence."""

    confidential: bool
    received_on: dt.date | None
    language: str
    class_code: str
    class_label: str
    class_group: str
    late: bool | None

    @property
    def notice(self) -> str:
        if self.confidential:
            return _("A reply was received and, at the State's request, not made public.")
        return ""


@dataclass(frozen=True)
class PublicCommunication:
    pk: int
    reference: str
    slug: str
    type: str
    type_label: str
    sent_on: dt.date
    reply_due_on: dt.date
    addressees: tuple[PublicAddressee, ...]
    copied: tuple[PublicAddressee, ...]
    mandates: tuple[PublicMandate, ...]  # the lead first
    subject: str
    texts: tuple[tuple[str, str], ...]  # (field, guarded public text), in TEXT_FIELDS order
    persons: tuple[str, ...]  # each named person as the public sees them
    genders: tuple[str, ...]  # the gender of each named person, as stored codes
    violations: tuple[PublicViolation, ...]
    replies: tuple[PublicReply, ...]
    withheld_by_guard: bool

    @property
    def states(self) -> tuple[PublicAddressee, ...]:
        return tuple(entry for entry in self.addressees if entry.iso3)

    def text(self, field: str) -> str:
        return dict(self.texts).get(field, "")

    def searchable_text(self) -> str:
        """Everything the public reads on the communication's page, for the search index."""
        parts = [self.reference, self.subject, *(text for _field, text in self.texts)]
        parts.extend(self.persons)
        parts.extend(entry.name for entry in (*self.addressees, *self.copied))
        parts.extend(mandate.name for mandate in self.mandates)
        parts.extend(violation.name for violation in self.violations)
        return "\n".join(part for part in parts if part)


def reference_slug(communication: Communication) -> str:
    """``UA CHN 5/2016`` becomes ``ua-chn-5-2016``."""
    return (
        f"{communication.type}-{communication.ref_code}-"
        f"{communication.ref_number}-{communication.ref_year}"
    ).lower()


def _published_with_relations(now: dt.datetime | None) -> QuerySet[Communication]:
    return Communication.objects.published(now).prefetch_related(
        Prefetch(
            "addressees",
            queryset=Addressee.objects.select_related("country", "non_state_actor").order_by("pk"),
        ),
        Prefetch(
            "mandate_links",
            queryset=CommunicationMandate.objects.select_related("mandate").order_by(
                "-is_lead", "mandate__code"
            ),
        ),
        Prefetch(
            "named",
            queryset=CommunicationPerson.objects.select_related("person")
            .prefetch_related("violations", "person__consents")
            .order_by("pk"),
            to_attr="named_for_public",
        ),
        Prefetch(
            "replies",
            queryset=Reply.objects.select_related("reply_class").order_by("received_on", "pk"),
        ),
    )


def _addressee(entry: Addressee) -> PublicAddressee:
    if entry.country is not None:
        return PublicAddressee(entry.country.name, entry.country.iso3, "")
    actor = entry.non_state_actor
    if actor is None:  # the database requires a State or a non-State actor
        return PublicAddressee("", "", "")
    return PublicAddressee(actor.name, "", actor.kind)


def _reply(reply: Reply, due: dt.date) -> PublicReply:
    if reply.confidential:
        return PublicReply(True, None, "", "", "", "", None)
    klass = reply.reply_class
    return PublicReply(
        confidential=False,
        received_on=reply.received_on,
        language=reply.language,
        class_code=klass.code if klass else "",
        class_label=klass.name if klass else "",
        class_group=klass.group if klass else "",
        late=reply.received_on > due,
    )


def _record(communication: Communication) -> PublicCommunication:
    sent_at, due_at = communication.sent_at, communication.reply_due_at
    if sent_at is None or due_at is None:  # published() guarantees both
        raise ValueError(communication.pk)
    due = due_at.astimezone(dt.UTC).date()
    prefetched: list[CommunicationPerson] | None = getattr(communication, "named_for_public", None)
    named = (
        prefetched if prefetched is not None else list(communication.named.select_related("person"))
    )
    notice = _("This text is withheld while it is reviewed.")
    try:
        letter = letter_render(communication=communication, audience=Audience.PUBLIC, named=named)
        texts = tuple((field, letter.texts[field]) for field in TEXT_FIELDS)
        persons = tuple(entry.shown_as for entry in letter.persons)
        guarded = letter.withheld_by_guard
        hidden = [entry.hidden_name for entry in letter.persons if entry.hidden_name]
    except RenderRefused:
        # A text staff must repair: the public sees the notice, never the raw text.
        texts = tuple((field, notice) for field in TEXT_FIELDS)
        persons = ()
        guarded = True
        hidden = [str(link.person.name) for link in named]
    # The subject should name no one, but staff type it: it passes the same guard.
    subject = notice if guard_trips([communication.subject], hidden) else communication.subject
    violations: dict[str, PublicViolation] = {}
    for link in named:
        for violation in link.violations.all():
            violations.setdefault(violation.code, PublicViolation(violation.code, violation.name))
    addressees = [_addressee(entry) for entry in communication.addressees.all()]
    copies = [entry.is_copy for entry in communication.addressees.all()]
    return PublicCommunication(
        pk=communication.pk,
        reference=communication.reference,
        slug=reference_slug(communication),
        type=communication.type,
        type_label=str(communication.get_type_display()),
        sent_on=sent_at.astimezone(dt.UTC).date(),
        reply_due_on=due,
        addressees=tuple(a for a, copy in zip(addressees, copies, strict=True) if not copy),
        copied=tuple(a for a, copy in zip(addressees, copies, strict=True) if copy),
        mandates=tuple(
            PublicMandate(link.mandate.code, link.mandate.name, link.is_lead)
            for link in communication.mandate_links.all()
        ),
        subject=subject,
        texts=texts,
        persons=persons,
        genders=tuple(link.person.gender for link in named),
        violations=tuple(sorted(violations.values(), key=lambda v: v.code)),
        replies=tuple(_reply(reply, due) for reply in communication.replies.all()),
        withheld_by_guard=guarded,
    )


def public_communications(
    *, ids: Iterable[int] | None = None, now: dt.datetime | None = None
) -> list[PublicCommunication]:
    """The published communications (those among ``ids`` if given), newest first."""
    communications = _published_with_relations(now)
    if ids is not None:
        communications = communications.filter(pk__in=list(ids))
    return [_record(communication) for communication in communications]


def public_communication(
    *, slug: str, now: dt.datetime | None = None
) -> PublicCommunication | None:
    """The published communication with this reference slug; None if there is none to show,
    whether it does not exist or is not public."""
    match = SLUG.match(slug)
    if match is None:
        return None
    type_, code, number, year = match.groups()
    found = _published_with_relations(now).filter(
        type=type_.upper(), ref_code=code.upper(), ref_number=int(number), ref_year=int(year)
    )
    communication = found.first()
    return _record(communication) if communication is not None else None
