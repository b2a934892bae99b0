"""``communications_import``: load an organisation's communications, all or nothing.

The file is read and checked as a whole first (``reading``, ``validation``);
then, in one transaction, it is compared with the database (``planning``) and
written in bulk (``writing``), with one audit row of counts. A file with any
problem is refused with every problem found, and nothing is written.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from spcomms.accounts.models import User
from spcomms.audit.services import audit_record
from spcomms.communications.importing.planning import Counts, Plan, plan_import
from spcomms.communications.importing.problems import Problem, file_problem
from spcomms.communications.importing.reading import FileFormat, read_file
from spcomms.communications.importing.records import Checked, Lookups
from spcomms.communications.importing.validation import check_file
from spcomms.communications.importing.writing import STEPS, write_plan
from spcomms.communications.models import Communication
from spcomms.covariates.services import Progress, no_progress
from spcomms.reference.models import (
    Country,
    IssueArea,
    Mandate,
    PerpetratorType,
    ReplyClass,
    ViolationType,
)

AUDIT_ACTION = "communications.import"


class CommunicationImportError(Exception):
    """The file was refused; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


@dataclass(frozen=True)
class ImportReport:
    file_name: str
    file_format: FileFormat
    communications: Counts
    persons: Counts
    named: int
    """Persons named, counted once per communication."""
    consents_added: int
    replies: int | None
    """Replies in the file; None when it gives none (CSV without --replies)."""


def _lookups() -> Lookups:
    countries = dict(Country.objects.values_list("iso3", "pk"))
    if not countries:
        raise CommunicationImportError(
            [
                file_problem(
                    gettext(
                        "there are no countries in the database. Run `spcomms reference load` "
                        "first."
                    )
                )
            ]
        )
    return Lookups(
        countries=countries,
        mandates=dict(Mandate.objects.values_list("code", "pk")),
        violations=dict(ViolationType.objects.values_list("code", "pk")),
        perpetrators=dict(PerpetratorType.objects.values_list("code", "pk")),
        issue_areas=dict(IssueArea.objects.values_list("code", "pk")),
        reply_classes=dict(ReplyClass.objects.values_list("code", "pk")),
        today=timezone.now().date(),
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a file is imported.

    A large file becomes millions of small objects that all live until the
    import ends; the collector would walk them again and again for nothing
    (it took a third of the import's time). Reference counting still frees
    what is dropped; the collector resumes, as it was, when the import ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def communications_import(
    *,
    path: Path,
    replies: Path | None = None,
    file_format: FileFormat | None = None,
    actor: User | None = None,
    progress: Progress = no_progress,
) -> ImportReport:
    """Import a file of communications (JSON, or CSV with an optional replies CSV).

    Raises CommunicationImportError with every problem found when the file is
    not valid as a whole; then nothing is written.
    """
    with _collector_paused():
        return _import(
            path=path, replies=replies, file_format=file_format, actor=actor, progress=progress
        )


def _import(
    *,
    path: Path,
    replies: Path | None,
    file_format: FileFormat | None,
    actor: User | None,
    progress: Progress,
) -> ImportReport:
    for given in (path, replies):
        if given is not None and not given.is_file():
            raise CommunicationImportError(
                [file_problem(gettext("there is no file at %(path)s.") % {"path": str(given)})]
            )
    lookups = _lookups()
    size = path.stat().st_size + (replies.stat().st_size if replies is not None else 0)
    with progress(description=gettext("Reading"), total=size, unit="B") as advance:
        raw = read_file(path, file_format=file_format, replies=replies, advance=advance)
    if raw.problems or raw.file_format is None:
        raise CommunicationImportError(raw.problems)
    read_as = raw.file_format
    with progress(
        description=gettext("Checking"), total=len(raw.communications), unit="communications"
    ) as advance:
        checked = check_file(raw, lookups, advance=advance)
    del raw
    if checked.problems:
        raise CommunicationImportError(checked.problems)
    try:
        plan = _store(checked, actor=actor, progress=progress)
    except IntegrityError:
        raise CommunicationImportError(
            [
                file_problem(
                    gettext(
                        "another change to the same communications or persons was saved while "
                        "this file was being imported, so nothing of this file was written. "
                        "Import it again."
                    )
                )
            ]
        ) from None
    return ImportReport(
        file_name=path.name,
        file_format=read_as,
        communications=plan.communications,
        persons=plan.persons,
        named=sum(len(c.mentions) for c in checked.communications),
        consents_added=plan.consents_added,
        replies=_replies_in_file(checked),
    )


def _replies_in_file(checked: Checked) -> int | None:
    given = [c.replies for c in checked.communications if c.replies is not None]
    if not given:
        return None
    return sum(len(replies) for replies in given)


def _store(checked: Checked, *, actor: User | None, progress: Progress) -> Plan:
    with transaction.atomic():
        plan = plan_import(checked, now=timezone.now())
        if plan.problems:
            plan.problems.sort(key=lambda problem: problem.order)
            raise CommunicationImportError(plan.problems)
        with progress(description=gettext("Storing"), total=STEPS, unit="steps") as advance:
            write_plan(plan, actor=actor, advance=advance)
            _audit(plan, checked, actor=actor)
            advance(1)
    return plan


def _audit(plan: Plan, checked: Checked, *, actor: User | None) -> None:
    """One audit row for the import, with counts only, on the file's first communication."""
    code, year, number = checked.communications[0].identity
    first = Communication.objects.only("pk").get(ref_code=code, ref_year=year, ref_number=number)
    audit_record(
        actor=actor,
        action=AUDIT_ACTION,
        obj=first,
        communications=len(checked.communications),
        communications_created=plan.communications.created,
        communications_updated=plan.communications.updated,
        communications_unchanged=plan.communications.unchanged,
        persons_created=plan.persons.created,
        persons_updated=plan.persons.updated,
        persons_unchanged=plan.persons.unchanged,
        consents_added=plan.consents_added,
        replies_created=len(plan.new_replies),
        replies_updated=len(plan.changed_replies),
        replies_removed=len(plan.replies_deleted),
    )
