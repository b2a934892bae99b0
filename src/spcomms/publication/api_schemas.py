"""The shapes of the public open data: one communication as the API and the JSON download
give it, and the CSV row made from the same shape.

Everything here is built from ``spcomms.publication.records``, so the public text is the
guarded rendering and persons appear only as their consent allows (ADR 4).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from ninja import Field, Schema

from spcomms.publication.records import PublicCommunication

NO_REPLY = "no_reply"
REPLY_NOT_PUBLIC = "reply_not_public"
REPLIED = "replied"


class AddresseeOut(Schema):
    name: str
    iso3: str
    non_state_kind: str


class MandateOut(Schema):
    code: str
    name: str
    is_lead: bool


class ViolationOut(Schema):
    code: str
    name: str


class ProblemOut(Schema):
    type: str = Field(description="A code for the kind of problem, e.g. int_parsing")
    loc: list[str | int] = Field(description="Where: the part of the request and the parameter")
    msg: str = Field(description="What is wrong with it")


class ValidationErrorOut(Schema):
    """The 422 answer to a parameter out of range or of the wrong kind."""

    detail: list[ProblemOut]


class ReplyOut(Schema):
    confidential: bool
    received_on: dt.date | None
    language: str
    class_code: str
    class_label: str
    class_group: str
    late: bool | None
    notice: str


class CommunicationOut(Schema):
    reference: str
    slug: str
    url: str
    type: str
    type_label: str
    sent_on: dt.date
    reply_due_on: dt.date
    addressees: list[AddresseeOut]
    copied: list[AddresseeOut]
    mandates: list[MandateOut]
    subject: str
    facts: str
    concerns: str
    questions: str
    norms: str
    text_withheld: bool
    persons: list[str]
    violations: list[ViolationOut]
    reply_status: str
    replies: list[ReplyOut]


def reply_status(record: PublicCommunication) -> str:
    """``no_reply``, ``reply_not_public`` (every reply confidential) or ``replied``."""
    if not record.replies:
        return NO_REPLY
    if all(reply.confidential for reply in record.replies):
        return REPLY_NOT_PUBLIC
    return REPLIED


def communication_out(record: PublicCommunication) -> CommunicationOut:
    return CommunicationOut(
        reference=record.reference,
        slug=record.slug,
        url=reverse("publication:communication", args=[record.slug]),
        type=record.type,
        type_label=record.type_label,
        sent_on=record.sent_on,
        reply_due_on=record.reply_due_on,
        addressees=[AddresseeOut(**vars(entry)) for entry in record.addressees],
        copied=[AddresseeOut(**vars(entry)) for entry in record.copied],
        mandates=[MandateOut(**vars(mandate)) for mandate in record.mandates],
        subject=record.subject,
        facts=record.text("facts"),
        concerns=record.text("concerns"),
        questions=record.text("questions"),
        norms=record.text("norms"),
        text_withheld=record.withheld_by_guard,
        persons=list(record.persons),
        violations=[ViolationOut(**vars(violation)) for violation in record.violations],
        reply_status=reply_status(record),
        replies=[ReplyOut(**vars(reply), notice=reply.notice) for reply in record.replies],
    )


CSV_COLUMNS = (
    "reference",
    "url",
    "type",
    "sent_on",
    "reply_due_on",
    "addressees",
    "addressee_iso3",
    "copied",
    "mandates",
    "lead_mandate",
    "subject",
    "violations",
    "persons",
    "reply_status",
    "reply_dates",
    "reply_classes",
    "replies_late",
    "facts",
    "concerns",
    "questions",
    "norms",
    "text_withheld",
)
LIST_SEPARATOR = "; "


def csv_row(item: CommunicationOut) -> list[str]:
    """One CSV row, in ``CSV_COLUMNS`` order; lists joined with ``; ``. Confidential replies
    add nothing to the reply columns but count in ``reply_status``."""

    def join(values: list[str]) -> str:
        return LIST_SEPARATOR.join(value for value in values if value)

    public = [reply for reply in item.replies if not reply.confidential]
    lead = [mandate.code for mandate in item.mandates if mandate.is_lead]
    return [
        item.reference,
        item.url,
        item.type,
        item.sent_on.isoformat(),
        item.reply_due_on.isoformat(),
        join([entry.name for entry in item.addressees]),
        join([entry.iso3 for entry in item.addressees]),
        join([entry.name for entry in item.copied]),
        join([mandate.code for mandate in item.mandates]),
        lead[0] if lead else "",
        item.subject,
        join([violation.code for violation in item.violations]),
        join(item.persons),
        item.reply_status,
        join([reply.received_on.isoformat() for reply in public if reply.received_on]),
        join([reply.class_code for reply in public]),
        str(sum(1 for reply in public if reply.late)),
        item.facts,
        item.concerns,
        item.questions,
        item.norms,
        "yes" if item.text_withheld else "no",
    ]
