"""Writing a planned demonstration dataset through the real models, in bulk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, models

from spcomms.cases.models import CaseFile, CaseFilePerson, ConsentRecord, Person
from spcomms.communications.models import (
    Addressee,
    Communication,
    CommunicationMandate,
    CommunicationPerson,
    CommunicationStatus,
    CommunicationTransition,
    NonStateActor,
    NonStateKind,
    Reply,
)
from spcomms.demo import texts
from spcomms.demo.records import (
    ExtraPlan,
    Plan,
    PlannedCaseFile,
    PlannedCommunication,
    PlannedDraft,
    PlannedMention,
)
from spcomms.followup.models import Assessment
from spcomms.intake.models import (
    Submission,
    SubmissionMessage,
    SubmissionTransition,
    SubmissionVictim,
)
from spcomms.reference.models import (
    Country,
    IssueArea,
    Mandate,
    PerpetratorType,
    ReplyClass,
    ViolationType,
)
from spcomms.reprisals.models import ReprisalAllegation
from spcomms.visits.models import Recommendation, StandingInvitation, VisitEvent, VisitRequest

M = TypeVar("M", bound=models.Model)
Step = Callable[[str], None]
BATCH = 2000
# Submissions carry no usable receipt code: the hash field holds Django's marker
# for an unusable secret, so no code can open a synthetic submission.
UNUSABLE_RECEIPT = "!synthetic-demo-without-receipt"
DRAFTED_BEFORE_SENDING = dt.timedelta(days=4)
ENTERED_BEFORE_NAMING = dt.timedelta(days=45)  # consent is recorded 1 to 40 days before


@dataclass
class Lookups:
    """Reference codes to primary keys."""

    countries: dict[str, int]
    mandates: dict[str, int]
    violations: dict[str, int]
    perpetrators: dict[str, int]
    issues: dict[str, int]
    reply_classes: dict[str, int]

    @classmethod
    def load(cls) -> Lookups:
        def codes(model: type[Any]) -> dict[str, int]:
            return dict(model.objects.values_list("code", "pk"))

        return cls(
            countries=dict(Country.objects.values_list("iso3", "pk")),
            mandates=codes(Mandate),
            violations=codes(ViolationType),
            perpetrators=codes(PerpetratorType),
            issues=codes(IssueArea),
            reply_classes=codes(ReplyClass),
        )


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC)


class Writer:
    """Writes the plan in dependency order and counts the rows it wrote."""

    def __init__(self, plan: Plan, extra: ExtraPlan, lookups: Lookups, step: Step) -> None:
        self.plan = plan
        self.extra = extra
        self.ref = lookups
        self.step = step
        self.rows = 0
        self.person_pk: list[int] = []
        self.communication_pk: list[int] = []
        self.mention_pk: dict[tuple[int, int], int] = {}
        self.stamped: list[tuple[type[models.Model], list[Any], str]] = []

    def _create(self, model: type[M], objects: Sequence[M]) -> list[M]:
        created = model._default_manager.bulk_create(objects, batch_size=BATCH)
        self.rows += len(created)
        return created

    def _links(self, through: type[models.Model], rows: Iterable[dict[str, int]]) -> None:
        self._create(through, [through(**row) for row in rows])

    def write(self) -> None:
        self.step("persons")
        self._persons()
        self.step("communications")
        businesses = self._businesses()
        self._communications(businesses)
        self.step("named persons")
        self._mentions()
        self.step("replies")
        self._replies()
        self.step("follow-up")
        self._assessments()
        self._reprisals()
        self.step("visits and intake")
        self._visits()
        self._intake()
        self.step("dates")
        self._dates()

    # -- persons ---------------------------------------------------------------------

    def _persons(self) -> None:
        created = self._create(
            Person,
            [
                Person(
                    key=p.key,
                    kind=p.kind,
                    name=p.name,
                    gender=p.gender,
                    country_id=self.ref.countries[p.country],
                    affiliation=p.affiliation,
                )
                for p in self.plan.persons
            ],
        )
        self.person_pk = [person.pk for person in created]
        unnamed = []
        for person, planned in zip(created, self.plan.persons, strict=True):
            if not planned.mentions:  # persons of the intake desk, named in no sent letter
                person.created_at = planned.first_named
                unnamed.append(person)
        self.stamped.append((Person, unnamed, "created_at"))
        self._links(
            Person.issue_areas.through,
            (
                {"person_id": pk, "issuearea_id": self.ref.issues[code]}
                for p, pk in zip(self.plan.persons, self.person_pk, strict=True)
                for code in p.issue_areas
            ),
        )
        self._create(
            ConsentRecord,
            [
                ConsentRecord(
                    person_id=pk,
                    given_by=c.given_by,
                    written=c.written,
                    transmit_to_state=c.transmit_to_state,
                    public_naming=c.public_naming,
                    recorded_at=c.recorded_at,
                    revoked_at=c.revoked_at,
                )
                for p, pk in zip(self.plan.persons, self.person_pk, strict=True)
                for c in p.consents
            ],
        )

    # -- communications ----------------------------------------------------------------

    def _businesses(self) -> list[int]:
        pks = []
        for business in self.plan.businesses:
            actor, created = NonStateActor.objects.get_or_create(
                name=business.name,
                kind=NonStateKind.BUSINESS,
                defaults={"home_country_id": self.ref.countries[business.home]},
            )
            self.rows += int(created)
            pks.append(actor.pk)
        return pks

    def _communication(self, c: PlannedCommunication) -> Communication:
        return Communication(
            type=c.type,
            status=CommunicationStatus.SENT,
            language=c.language,
            subject=c.subject,
            ref_code=c.ref_code,
            ref_number=c.ref_number,
            ref_year=c.year,
            sent_at=c.sent_at,
            reply_due_at=c.reply_due_at,
            concerns_reprisal=c.concerns_reprisal,
            facts=c.facts,
            norms=c.norms,
            concerns=c.concerns,
            questions=c.questions,
        )

    def _communications(self, businesses: list[int]) -> None:
        communications = self.plan.communications
        created = self._create(Communication, [self._communication(c) for c in communications])
        self.communication_pk = [c.pk for c in created]
        follow_ups = []
        for planned, row in zip(communications, created, strict=True):
            if planned.follow_up_of is not None:
                row.follow_up_of_id = self.communication_pk[planned.follow_up_of]
                follow_ups.append(row)
        Communication.objects.bulk_update(follow_ups, ["follow_up_of"], batch_size=BATCH)
        mandate_links: list[CommunicationMandate] = []
        addressees: list[Addressee] = []
        transitions: list[CommunicationTransition] = []
        for planned, pk in zip(communications, self.communication_pk, strict=True):
            approved = planned.sent_at - dt.timedelta(days=1)
            created_at = planned.sent_at - DRAFTED_BEFORE_SENDING
            mandate_links.extend(
                CommunicationMandate(
                    communication_id=pk,
                    mandate_id=self.ref.mandates[code],
                    is_lead=lead,
                    approved_at=approved,
                )
                for code, lead in planned.mandates
            )
            if planned.business is not None:
                addressees.append(
                    Addressee(communication_id=pk, non_state_actor_id=businesses[planned.business])
                )
            else:
                assert planned.state is not None  # noqa: S101  # a letter goes to a State or a business
                addressees.append(
                    Addressee(communication_id=pk, country_id=self.ref.countries[planned.state])
                )
            addressees.extend(
                Addressee(communication_id=pk, country_id=self.ref.countries[iso3], is_copy=True)
                for iso3 in planned.copies
            )
            transitions.append(
                CommunicationTransition(
                    communication_id=pk, from_status="", to_status="draft", at=created_at
                )
            )
            transitions.append(
                CommunicationTransition(
                    communication_id=pk, from_status="draft", to_status="sent", at=planned.sent_at
                )
            )
        self._create(CommunicationMandate, mandate_links)
        self._create(Addressee, addressees)
        self._create(CommunicationTransition, transitions)

    def _mention_rows(
        self, communication_pk: int, mentions: Sequence[PlannedMention]
    ) -> list[CommunicationPerson]:
        return [
            CommunicationPerson(
                communication_id=communication_pk, person_id=self.person_pk[m.person]
            )
            for m in mentions
        ]

    def _mention_links(self, pairs: Sequence[tuple[int, PlannedMention]]) -> None:
        self._links(
            CommunicationPerson.violations.through,
            (
                {"communicationperson_id": pk, "violationtype_id": self.ref.violations[code]}
                for pk, mention in pairs
                for code in mention.violations
            ),
        )
        self._links(
            CommunicationPerson.perpetrators.through,
            (
                {"communicationperson_id": pk, "perpetratortype_id": self.ref.perpetrators[code]}
                for pk, mention in pairs
                for code in mention.perpetrators
            ),
        )

    def _mentions(self) -> None:
        rows: list[CommunicationPerson] = []
        keys: list[tuple[int, int]] = []
        planned: list[PlannedMention] = []
        for c, pk in zip(self.plan.communications, self.communication_pk, strict=True):
            rows.extend(self._mention_rows(pk, c.mentions))
            keys.extend((c.index, position) for position in range(len(c.mentions)))
            planned.extend(c.mentions)
        created = self._create(CommunicationPerson, rows)
        self.mention_pk = {key: row.pk for key, row in zip(keys, created, strict=True)}
        self._mention_links([(row.pk, m) for row, m in zip(created, planned, strict=True)])

    def _replies(self) -> None:
        rows, owners = [], []
        for c, pk in zip(self.plan.communications, self.communication_pk, strict=True):
            for reply in c.replies:
                rows.append(
                    Reply(
                        communication_id=pk,
                        received_on=reply.received_on,
                        language=reply.language,
                        reply_class_id=self.ref.reply_classes[reply.reply_class],
                        confidential=reply.confidential,
                    )
                )
                owners.append((c, reply.addresses_persons))
        created = self._create(Reply, rows)
        for row in created:
            row.recorded_at = noon(row.received_on)
        self.stamped.append((Reply, created, "recorded_at"))
        self._links(
            Reply.persons_addressed.through,
            (
                {"reply_id": row.pk, "communicationperson_id": self.mention_pk[(c.index, position)]}
                for row, (c, addresses) in zip(created, owners, strict=True)
                if addresses
                for position in range(len(c.mentions))
            ),
        )

    # -- follow-up and reprisals ----------------------------------------------------------

    def _assessments(self) -> None:
        created = self._create(
            Assessment,
            [
                Assessment(
                    case_id=self.mention_pk[(a.communication, a.mention)],
                    period_months=12,
                    development=a.development,
                    source=a.source,
                    information_level=a.information_level,
                    impact_attention=a.impact_attention,
                    impact_communication=a.impact_communication,
                    negative_impact=a.negative_impact,
                    comment=a.comment,
                    assessed_on=a.assessed_on,
                )
                for a in self.extra.assessments
            ],
        )
        for row in created:
            row.recorded_at = noon(row.assessed_on)
        self.stamped.append((Assessment, created, "recorded_at"))

    def _reprisals(self) -> None:
        def letter(index: int | None) -> int | None:
            return None if index is None else self.communication_pk[index]

        planned = self.extra.reprisals
        created = self._create(
            ReprisalAllegation,
            [
                ReprisalAllegation(
                    person_id=None if r.person is None else self.person_pk[r.person],
                    country_id=self.ref.countries[r.country],
                    occurred_on=r.occurred_on,
                    reported_on=r.reported_on,
                    cooperation=r.cooperation,
                    communication_id=letter(r.communication),
                    action_communication_id=letter(r.action_communication),
                    description=texts.REPRISAL_DESCRIPTION,
                    raised_with_senior_official=r.raised_with_senior_official,
                    sg_report_year=r.sg_report_year,
                    status=r.status,
                )
                for r in planned
            ],
        )
        self._links(
            ReprisalAllegation.acts.through,
            (
                {"reprisalallegation_id": row.pk, "violationtype_id": self.ref.violations[code]}
                for row, r in zip(created, planned, strict=True)
                for code in r.acts
            ),
        )
        self._links(
            ReprisalAllegation.perpetrators.through,
            (
                {"reprisalallegation_id": row.pk, "perpetratortype_id": self.ref.perpetrators[code]}
                for row, r in zip(created, planned, strict=True)
                for code in r.perpetrators
            ),
        )

    # -- visits -------------------------------------------------------------------------

    def _visits(self) -> None:
        planned = self.extra.visits
        created = self._create(
            VisitRequest,
            [
                VisitRequest(
                    mandate_id=self.ref.mandates[v.mandate],
                    country_id=self.ref.countries[v.country],
                    requested_on=v.requested_on,
                    status=v.status,
                    accepted_on=v.accepted_on,
                    start_date=v.start_date,
                    end_date=v.end_date,
                )
                for v in planned
            ],
        )
        self._create(
            VisitEvent,
            [
                VisitEvent(request_id=row.pk, status=status, on=on)
                for row, v in zip(created, planned, strict=True)
                for status, on in v.events
            ],
        )
        self._create(
            Recommendation,
            [
                Recommendation(visit_id=row.pk, text=text, status=status, reviewed_on=reviewed)
                for row, v in zip(created, planned, strict=True)
                for text, status, reviewed in v.recommendations
            ],
        )
        self._create(
            StandingInvitation,
            [
                StandingInvitation(
                    country_id=self.ref.countries[iso3],
                    extended_on=extended,
                    withdrawn_on=withdrawn,
                )
                for iso3, extended, withdrawn in self.extra.standing_invitations
            ],
        )

    # -- the intake desk ------------------------------------------------------------------

    def _intake(self) -> None:
        planned = self.extra.submissions
        created = self._create(
            Submission,
            [
                Submission(
                    public_id=s.public_id,
                    receipt_lookup=s.receipt_lookup,
                    receipt_hash=UNUSABLE_RECEIPT,
                    status=s.status,
                    language=s.language,
                    sender_kind=s.sender_kind,
                    sender_name=s.sender_name,
                    sender_contact=s.sender_contact,
                    is_urgent=s.is_urgent,
                    urgency_reason=texts.URGENCY_REASON if s.is_urgent else "",
                    act_before=s.act_before,
                    country_id=self.ref.countries[s.country],
                    incident_from=s.incident_from,
                    incident_to=s.incident_to,
                    facts=texts.SUBMISSION_FACTS,
                    places=texts.SUBMISSION_PLACES,
                    perpetrators=texts.SUBMISSION_PERPETRATORS,
                    context=texts.SUBMISSION_CONTEXT,
                    action_taken=texts.SUBMISSION_ACTION,
                    requested_action=texts.SUBMISSION_REQUEST,
                    press_release_wanted=s.press_release_wanted,
                    joint_action_wished=s.joint_action_wished,
                    not_to_transmit=s.not_to_transmit,
                    received_at=s.received_at,
                )
                for s in planned
            ],
        )
        self._links(
            Submission.mandates_wished.through,
            (
                {"submission_id": row.pk, "mandate_id": self.ref.mandates[code]}
                for row, s in zip(created, planned, strict=True)
                for code in s.mandates_wished
            ),
        )
        self._create(
            SubmissionVictim,
            [
                SubmissionVictim(
                    submission_id=row.pk,
                    position=position,
                    kind=v.kind,
                    name=v.name,
                    age=v.age,
                    gender=v.gender,
                    consent_given_by=v.consent_given_by,
                    consent_transmit=v.consent_transmit,
                    consent_public=v.consent_public,
                    consent_written=v.consent_written,
                    person_id=None if v.person is None else self.person_pk[v.person],
                )
                for row, s in zip(created, planned, strict=True)
                for position, v in enumerate(s.victims)
            ],
        )
        self._create(
            SubmissionMessage,
            [
                SubmissionMessage(
                    submission_id=row.pk, from_source=True, kind=kind, body=body, sent_at=at
                )
                for row, s in zip(created, planned, strict=True)
                for kind, body, at in s.messages
            ],
        )
        self._create(
            SubmissionTransition,
            [
                SubmissionTransition(
                    submission_id=row.pk, from_status=before, to_status=after, at=at
                )
                for row, s in zip(created, planned, strict=True)
                for before, after, at in s.transitions
            ],
        )
        self._case_files([row.pk for row in created])

    def _case_files(self, submission_pks: list[int]) -> None:
        planned = self.extra.case_files
        created = self._create(
            CaseFile,
            [
                CaseFile(
                    submission_id=None if f.submission is None else submission_pks[f.submission],
                    country_id=self.ref.countries[f.country],
                    status=f.status,
                    summary=texts.SUMMARY,
                    opened_at=f.opened_at,
                )
                for f in planned
            ],
        )
        entries = self._create(
            CaseFilePerson,
            [
                CaseFilePerson(case_file_id=row.pk, person_id=self.person_pk[m.person])
                for row, f in zip(created, planned, strict=True)
                for m in f.persons
            ],
        )
        mentions = [m for f in planned for m in f.persons]
        self._links(
            CaseFilePerson.violations.through,
            (
                {"casefileperson_id": e.pk, "violationtype_id": self.ref.violations[code]}
                for e, m in zip(entries, mentions, strict=True)
                for code in m.violations
            ),
        )
        self._links(
            CaseFilePerson.perpetrators.through,
            (
                {"casefileperson_id": e.pk, "perpetratortype_id": self.ref.perpetrators[code]}
                for e, m in zip(entries, mentions, strict=True)
                for code in m.perpetrators
            ),
        )
        links = [
            {"communication_id": self.communication_pk[f.communication], "casefile_id": row.pk}
            for row, f in zip(created, planned, strict=True)
            if f.communication is not None
        ]
        for row, f in zip(created, planned, strict=True):
            if f.draft is not None:
                links.append({"communication_id": self._draft(f, f.draft), "casefile_id": row.pk})
        self._links(Communication.case_files.through, links)

    def _draft(self, case_file: PlannedCaseFile, draft: PlannedDraft) -> int:
        """A letter awaiting the mandate holder's approval: no reference, no date sent."""
        communication = Communication.objects.create(
            type=draft.type,
            status=CommunicationStatus.DRAFT,
            language=draft.language,
            subject=draft.subject,
            facts=draft.facts,
            concerns=texts.CONCERNS[draft.language] % {"mark": texts.MARK[draft.language]},
            questions=texts.QUESTIONS[draft.language] % {"mark": texts.MARK[draft.language]},
        )
        Communication.objects.filter(pk=communication.pk).update(created_at=draft.created_at)
        # The same stamp fix as ``_dates``, for one row written on its own.
        self.rows += 1
        self._create(
            CommunicationMandate,
            [
                CommunicationMandate(
                    communication_id=communication.pk,
                    mandate_id=self.ref.mandates["sr-hrd"],
                    is_lead=True,
                )
            ],
        )
        self._create(
            Addressee,
            [
                Addressee(
                    communication_id=communication.pk,
                    country_id=self.ref.countries[case_file.country],
                )
            ],
        )
        self._create(
            CommunicationTransition,
            [
                CommunicationTransition(
                    communication_id=communication.pk,
                    from_status="",
                    to_status="draft",
                    at=draft.created_at,
                )
            ],
        )
        rows = self._create(
            CommunicationPerson, self._mention_rows(communication.pk, draft.mentions)
        )
        self._mention_links([(row.pk, m) for row, m in zip(rows, draft.mentions, strict=True)])
        return int(communication.pk)

    def _analyze(self) -> None:
        """Give PostgreSQL statistics on the tables just filled.

        Without them its planner takes the freshly loaded tables for empty and
        runs the correlated update below as nested scans (seconds become minutes).
        """
        if connection.vendor != "postgresql":
            return
        tables = [model._meta.db_table for model in (Person, Communication, CommunicationPerson)]
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")

    # -- dates that Django stamps on creation ---------------------------------------------

    def _dates(self) -> None:
        """Set the creation stamps to the dataset's own time instead of the build's.

        Django stamps ``auto_now_add`` fields with the present on insert. Sent
        letters were drafted four days before sending, and persons entered the
        records before the consent that preceded their first letter; both are
        one UPDATE each. The other rows already hold their dates in memory.
        """
        self._analyze()
        Communication.objects.filter(status=CommunicationStatus.SENT).update(
            created_at=models.F("sent_at") - DRAFTED_BEFORE_SENDING
        )
        first_letter = (
            CommunicationPerson.objects.filter(
                person=models.OuterRef("pk"), communication__status=CommunicationStatus.SENT
            )
            .order_by("communication__sent_at")
            .values("communication__sent_at")[:1]
        )
        Person.objects.filter(mentions__communication__status=CommunicationStatus.SENT).update(
            created_at=models.ExpressionWrapper(
                models.Subquery(first_letter) - ENTERED_BEFORE_NAMING,
                output_field=models.DateTimeField(),
            )
        )
        for model, rows, field_name in self.stamped:
            model._default_manager.bulk_update(rows, [field_name], batch_size=1000)
