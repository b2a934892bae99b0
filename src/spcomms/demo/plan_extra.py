"""The rest of the plan: follow-up assessments, reprisals, visits and the intake desk."""

from __future__ import annotations

import datetime as dt
import math
import random

from spcomms.demo import targets, texts
from spcomms.demo.names import profile
from spcomms.demo.plan import FIRST_YEAR, LAST_YEAR, Planner
from spcomms.demo.records import (
    LAST_SENT,
    ExtraPlan,
    Plan,
    PlannedAssessment,
    PlannedCaseFile,
    PlannedCommunication,
    PlannedConsent,
    PlannedDraft,
    PlannedMention,
    PlannedPerson,
    PlannedReprisal,
    PlannedSubmission,
    PlannedVictim,
    PlannedVisit,
)
from spcomms.demo.sampling import pick, quota, quota_list, seeded_uuid, working_time

BASE_ASSESSMENTS = 620
NOT_KNOWN_SHARE = 0.06
SURVEY_COMPLETE = 0.8
DESK_COMPLETE = 0.55
# Case-level coefficients of seed 000 Table 1 (all regime types). The generator
# plants their directions in the outcomes, so that the demonstration regression
# has something to find; the country-level predictors (Polity, fragility, UPR,
# aid) are not planted, because covariates are imported, never invented.
COEFFICIENTS = {
    "reply_received": -0.20,
    "mentions": -0.62,
    "business": -1.40,
    "arbitrary_detention": 1.02,
    "torture": -1.20,
    "conviction": 0.97,
    "disciplinary_measures": 2.70,
    "administrative_harassment": -0.09,
    "minority": -0.35,
    "female_trans": 0.28,
}
MINORITY_ISSUES = frozenset(
    {
        "ethnic_minorities",
        "religious_minorities",
        "cultural_minorities",
        "lgbti",
        "womens_rights",
        "indigenous_peoples",
        "migrants",
        "racism",
    }
)
IMPACT_ORDER = ("definitely_yes", "probably_yes", "do_not_know", "probably_not", "definitely_not")

COOPERATION = {
    "communication": 40,
    "submission": 25,
    "council_session": 20,
    "visit": 5,
    "other": 10,
}
UNADDRESSED_REPRISAL_SHARE = 0.15

BASE_VISITS = 150
VISIT_OUTCOMES = {
    "carried_out": 0.30,
    "no_reply": 0.25,
    "reminded": 0.10,
    "requested": 0.05,
    "accepted": 0.08,
    "dates_proposed": 0.05,
    "postponed": 0.07,
    "refused": 0.10,
}
BASE_STANDING_INVITATIONS = 25
BASE_SUBMISSIONS = 12
SUBMISSION_STATUSES = {
    "received": 3,
    "under_review": 2,
    "info_requested": 2,
    "acted_on": 3,
    "no_action": 1,
    "closed": 1,
}
BASE_LINKED_CASE_FILES = 10


class ExtraPlanner:
    def __init__(self, planner: Planner, plan: Plan) -> None:
        self.planner = planner
        self.plan = plan
        self.scale = plan.scale

    def build(self) -> ExtraPlan:
        submissions, case_files = self._intake()
        case_files.extend(self._linked_case_files())
        return ExtraPlan(
            assessments=self._assessments(),
            reprisals=self._reprisals(),
            visits=self._visits(),
            standing_invitations=self._standing_invitations(),
            submissions=submissions,
            case_files=case_files,
        )

    def _count(self, base: int, minimum: int) -> int:
        return max(minimum, round(base * self.scale))

    # -- assessments at 12 months -------------------------------------------------

    def _assessments(self) -> list[PlannedAssessment]:
        rng = self.planner.rng("assessments")
        communications = self.plan.communications
        candidates = [
            (c.index, position)
            for c in communications
            if targets.SAMPLE_FIRST_YEAR <= c.year <= targets.SAMPLE_LAST_YEAR
            and c.type != "OL"
            and 0 < len(c.mentions) <= targets.SAMPLE_MAX_NAMED
            for position in range(len(c.mentions))
        ]
        count = min(len(candidates), self._count(BASE_ASSESSMENTS, 12))
        chosen = sorted(rng.sample(candidates, count))
        assessments = [PlannedAssessment(index, position) for index, position in chosen]
        not_known = round(count * NOT_KNOWN_SHARE)
        rng.shuffle(assessments)
        unknown, known = assessments[:not_known], assessments[not_known:]
        for assessment in known:
            assessment.latent = self._latent(rng, assessment)
        known.sort(key=lambda a: a.latent, reverse=True)
        bands = quota(len(known), targets.DEVELOPMENT_SHARES)
        position = 0
        for code in ("much_better", "somewhat_better"):
            for assessment in known[position : position + bands[code]]:
                assessment.development = code
            position += bands[code]
        middle = known[position : position + bands["same"] + bands["mixed"]]
        for assessment, code in zip(
            middle,
            quota_list(rng, len(middle), {"same": bands["same"], "mixed": bands["mixed"]}),
            strict=True,
        ):
            assessment.development = code
        position += len(middle)
        for code in ("somewhat_worse", "much_worse"):
            for assessment in known[position : position + bands[code]]:
                assessment.development = code
            position += bands[code]
        survey_count = round(len(known) * targets.SURVEY_SHARE)
        survey = rng.sample(known, survey_count)
        for assessment in survey:
            assessment.source = "survey"
            assessment.comment = texts.SURVEY_COMMENT
        self._impacts(rng, survey)
        for assessment in known:
            complete = SURVEY_COMPLETE if assessment.source == "survey" else DESK_COMPLETE
            assessment.information_level = "complete" if rng.random() < complete else "limited"
        for assessment in [*known, *unknown]:
            sent = communications[assessment.communication].sent_at.date()
            assessment.assessed_on = sent + dt.timedelta(days=365 + rng.randint(0, 90))
        return sorted(assessments, key=lambda a: (a.communication, a.mention))

    def _latent(self, rng: random.Random, assessment: PlannedAssessment) -> float:
        communication = self.plan.communications[assessment.communication]
        mention = communication.mentions[assessment.mention]
        person = self.plan.persons[mention.person]
        cues = {
            "reply_received": bool(communication.replies),
            "mentions": person.mentions,
            "business": any(p.startswith("business") for p in mention.perpetrators),
            "minority": bool(MINORITY_ISSUES & set(person.issue_areas)),
            "female_trans": person.gender in ("female", "trans"),
        }
        for violation in (
            "arbitrary_detention",
            "torture",
            "conviction",
            "disciplinary_measures",
            "administrative_harassment",
        ):
            cues[violation] = violation in mention.violations
        score = sum(COEFFICIENTS[name] * float(value) for name, value in cues.items())
        u = min(max(rng.random(), 1e-12), 1 - 1e-12)
        return score + math.log(u / (1 - u))  # plus a standard logistic error

    def _impacts(self, rng: random.Random, survey: list[PlannedAssessment]) -> None:
        """Perceived impact by quota; better outcomes tend to see more impact."""
        rank = {
            code: position
            for position, code in enumerate(targets.DEVELOPMENT_SHARES)  # best to worst
        }
        for counts, attribute in (
            (targets.IMPACT_COUNTS, "impact_communication"),
            (targets.ATTENTION_COUNTS, "impact_attention"),
        ):
            ordered = sorted(survey, key=lambda a: rank[a.development] + rng.gauss(0, 1.5))
            labels = [
                code for code in IMPACT_ORDER for _ in range(quota(len(survey), counts)[code])
            ]
            for assessment, label in zip(ordered, labels, strict=True):
                setattr(assessment, attribute, label)
        negative = round(len(survey) * targets.NEGATIVE_IMPACT_SHARE)
        worst_first = sorted(survey, key=lambda a: -rank[a.development] + rng.gauss(0, 1))
        for assessment in worst_first[:negative]:
            assessment.negative_impact = True

    # -- reprisals ----------------------------------------------------------------

    def _reprisals(self) -> list[PlannedReprisal]:
        rng = self.planner.rng("reprisals")
        first_letter: dict[int, PlannedCommunication] = {}
        reprisals = []
        for communication in self.plan.communications:
            if communication.concerns_reprisal and communication.state and communication.mentions:
                reprisals.append(self._reprisal(rng, communication, first_letter))
            for mention in communication.mentions:
                first_letter.setdefault(mention.person, communication)
        extra = round(len(reprisals) * UNADDRESSED_REPRISAL_SHARE)
        recent = [c for c in self.plan.communications if c.year >= 2014 and c.state and c.mentions]
        for communication in rng.sample(recent, min(extra, len(recent))):
            person = rng.choice(communication.mentions).person
            reported = min(
                communication.sent_at.date() + dt.timedelta(days=rng.randint(30, 300)), LAST_SENT
            )
            reported = max(reported, communication.sent_at.date())
            reprisals.append(
                PlannedReprisal(
                    country=communication.state or "",
                    person=person,
                    occurred_on=reported - dt.timedelta(days=rng.randint(0, 20)),
                    reported_on=reported,
                    cooperation="communication",
                    communication=communication.index,
                    action_communication=None,
                    acts=["reprisal_un", rng.choice(("surveillance", "travel_ban", "defamation"))],
                    perpetrators=["security_services"],
                    raised_with_senior_official=False,
                    sg_report_year=None,
                    status=rng.choice(("alleged", "under_review", "closed")),
                )
            )
        return reprisals

    def _reprisal(
        self,
        rng: random.Random,
        communication: PlannedCommunication,
        first_letter: dict[int, PlannedCommunication],
    ) -> PlannedReprisal:
        mention = communication.mentions[0]
        sent = communication.sent_at.date()
        occurred = sent - dt.timedelta(days=rng.randint(10, 90))
        reported = occurred + dt.timedelta(days=rng.randint(1, 9))
        earlier = first_letter.get(mention.person)
        cooperation = pick(rng, COOPERATION)
        if cooperation == "communication" and earlier is None:
            cooperation = "submission"
        year = communication.year
        in_sg_report = year >= 2010 and rng.random() < 0.45
        return PlannedReprisal(
            country=communication.state or "",
            person=mention.person,
            occurred_on=occurred,
            reported_on=reported,
            cooperation=cooperation,
            communication=earlier.index if cooperation == "communication" and earlier else None,
            action_communication=communication.index,
            acts=list(mention.violations),
            perpetrators=list(mention.perpetrators),
            raised_with_senior_official=year >= 2016 and rng.random() < 0.5,
            sg_report_year=year + 1 if in_sg_report else None,
            status="acted_on",
        )

    # -- visits -------------------------------------------------------------------

    def _visits(self) -> list[PlannedVisit]:
        rng = self.planner.rng("visits")
        states = [c.iso3 for c in self.planner.countries if c.iso3 not in ("VAT", "PSE")]
        visits = []
        for _ in range(self._count(BASE_VISITS, 4)):
            mandate = (
                "sr-hrd" if rng.random() < 0.8 else rng.choice(("sr-freedex", "sr-foaa", "wgad"))
            )
            established = self.planner.mandates.get(mandate) or FIRST_YEAR
            requested = dt.date(max(FIRST_YEAR, established), 1, 1) + dt.timedelta(
                days=rng.randint(0, 364)
            )
            requested = min(requested, dt.date(LAST_YEAR, 10, 31))
            visits.append(self._visit(rng, mandate, rng.choice(states), requested))
        return sorted(visits, key=lambda v: v.requested_on)

    def _visit(
        self, rng: random.Random, mandate: str, country: str, requested: dt.date
    ) -> PlannedVisit:
        status = pick(rng, VISIT_OUTCOMES)
        events = [("requested", requested)]
        on = requested
        visit = PlannedVisit(mandate, country, requested, status, events)

        def step(name: str, low: int, high: int) -> dt.date:
            nonlocal on
            on = min(on + dt.timedelta(days=rng.randint(low, high)), LAST_SENT)
            events.append((name, on))
            return on

        if status in ("reminded", "no_reply", "refused") or (
            status != "requested" and rng.random() < 0.4
        ):
            step("reminded", 120, 400)
        if status in ("no_reply", "refused", "postponed"):
            step(status, 60, 300)
        if status in ("accepted", "dates_proposed", "carried_out"):
            visit.accepted_on = step("accepted", 30, 300)
            if status in ("dates_proposed", "carried_out"):
                step("dates_proposed", 30, 200)
            start = on + dt.timedelta(days=rng.randint(30, 200))
            if status == "carried_out" and start > LAST_SENT:
                visit.status = "dates_proposed"  # too late to have happened in the record
            elif status == "carried_out":
                visit.start_date = start
                visit.end_date = start + dt.timedelta(days=rng.randint(6, 11))
                events.append(("carried_out", visit.end_date))
                for number in range(1, rng.randint(3, 6) + 1):
                    reviewed = visit.end_date + dt.timedelta(days=rng.randint(200, 700))
                    outcome = rng.choice(
                        ("not_assessed", "not_implemented", "partially", "implemented")
                    )
                    visit.recommendations.append(
                        (
                            texts.RECOMMENDATION % {"number": number},
                            outcome,
                            None
                            if outcome == "not_assessed"
                            else min(reviewed, targets.ANALYSIS_DATE),
                        )
                    )
        return visit

    def _standing_invitations(self) -> list[tuple[str, dt.date, dt.date | None]]:
        rng = self.planner.rng("invitations")
        weights = {
            "europe_north_america_central_asia": 4.0,
            "latin_america_caribbean": 3.0,
            "africa": 1.0,
            "asia_pacific": 1.0,
            "middle_east_north_africa": 0.7,
        }
        states = [c for c in self.planner.countries if c.iso3 not in ("VAT", "PSE")]
        chosen = []
        for country in sorted(states, key=lambda c: rng.random() ** (1 / weights[c.region])):
            chosen.append(country.iso3)
        invitations = []
        for iso3 in chosen[-self._count(BASE_STANDING_INVITATIONS, 2) :]:
            extended = dt.date(rng.randint(FIRST_YEAR, LAST_YEAR - 1), rng.randint(1, 12), 1)
            withdrawn = extended + dt.timedelta(days=rng.randint(400, 2000))
            keeps = rng.random() > 0.08 or withdrawn > LAST_SENT
            invitations.append((iso3, extended, None if keeps else withdrawn))
        return invitations

    # -- the intake desk ------------------------------------------------------------

    def _intake(self) -> tuple[list[PlannedSubmission], list[PlannedCaseFile]]:
        rng = self.planner.rng("intake")
        total = self._count(BASE_SUBMISSIONS, 4)
        statuses = quota_list(rng, total, SUBMISSION_STATUSES)
        states = sorted({c.state for c in self.plan.communications if c.state})
        submissions: list[PlannedSubmission] = []
        case_files: list[PlannedCaseFile] = []
        for number, status in enumerate(statuses, start=1):
            country = rng.choice(states)
            shape = profile(country, self.planner.region_of[country])
            received = working_time(
                rng, dt.date(2016, 9, 1) + dt.timedelta(days=rng.randint(0, 85))
            )
            taken_up = status in ("under_review", "info_requested", "acted_on")
            victims = [
                self._victim(rng, country, received, taken_up)
                for _ in range(rng.choice((1, 1, 1, 2, 3)))
            ]
            incident_to = received.date() - dt.timedelta(days=rng.randint(2, 30))
            urgent = rng.random() < 0.4
            submission = PlannedSubmission(
                public_id=seeded_uuid(rng),
                receipt_lookup=f"demo{rng.getrandbits(96):024x}",
                status=status,
                language=shape.language,
                sender_kind=rng.choice(("self", "organisation", "through_organisation")),
                sender_name=self.planner.names.person_name(shape, "any"),
                sender_contact=f"source{number}@example.org",
                is_urgent=urgent,
                act_before=received.date() + dt.timedelta(days=14) if urgent else None,
                country=country,
                incident_from=incident_to - dt.timedelta(days=rng.randint(0, 20)),
                incident_to=incident_to,
                received_at=received,
                not_to_transmit=["context"] if rng.random() < 0.5 else [],
                mandates_wished=["sr-hrd", *(["wgad"] if rng.random() < 0.4 else [])],
                joint_action_wished=rng.choice((True, False, None)),
                press_release_wanted=rng.random() < 0.2,
                victims=victims,
                messages=[("message", texts.MESSAGE_FROM_SOURCE, received)],
                transitions=self._submission_path(rng, status, received),
            )
            if status in ("info_requested", "acted_on"):
                submission.messages.append(
                    ("info_added", texts.MESSAGE_INFO_ADDED, received + dt.timedelta(days=6))
                )
            submissions.append(submission)
            if taken_up:
                case_files.append(self._case_file(rng, submission, len(submissions) - 1))
        return submissions, case_files

    def _victim(
        self, rng: random.Random, country: str, received: dt.datetime, consented: bool
    ) -> PlannedVictim:
        gender = rng.choice(("female", "male", "male", "not_stated"))
        shape = profile(country, self.planner.region_of[country])
        name = self.planner.names.person_name(
            shape, "female" if gender == "female" else "male" if gender == "male" else "any"
        )
        public = rng.choice(("full", "initials", "withheld")) if consented else "withheld"
        person = None
        if consented:
            person = self._intake_person(rng, country, gender, name, public, received)
        return PlannedVictim(
            kind="individual",
            name=name,
            age=rng.randint(22, 70),
            gender=gender,
            consent_given_by="victim" if consented else "",
            consent_transmit=consented,
            consent_public=public,
            consent_written=consented and rng.random() < 0.5,
            person=person,
        )

    def _intake_person(
        self,
        rng: random.Random,
        country: str,
        gender: str,
        name: str,
        public: str,
        received: dt.datetime,
    ) -> int:
        person = PlannedPerson(
            index=len(self.plan.persons),
            key=seeded_uuid(rng),
            kind="individual",
            gender=gender,
            country=country,
            name=name,
            affiliation="",
            issue_areas=[rng.choice(("freedom_of_expression", "land_environment", "democracy"))],
            first_named=received,
        )
        person.consents = [
            PlannedConsent("victim", True, True, public, received + dt.timedelta(days=3))
        ]
        self.plan.persons.append(person)
        return person.index

    def _submission_path(
        self, rng: random.Random, status: str, received: dt.datetime
    ) -> list[tuple[str, str, dt.datetime]]:
        path = {
            "received": ["received"],
            "under_review": ["received", "under_review"],
            "info_requested": ["received", "under_review", "info_requested"],
            "acted_on": ["received", "under_review", "info_requested", "under_review", "acted_on"],
            "no_action": ["received", "under_review", "no_action"],
            "closed": ["received", "under_review", "no_action", "closed"],
        }[status]
        moments = [received + dt.timedelta(days=2 * step, hours=1) for step in range(len(path))]
        return [(path[i - 1] if i else "", path[i], moment) for i, moment in enumerate(moments)]

    def _case_file(
        self, rng: random.Random, submission: PlannedSubmission, index: int
    ) -> PlannedCaseFile:
        mentions = [
            PlannedMention(v.person, ["arbitrary_detention"], ["police"])
            for v in submission.victims
            if v.person is not None
        ]
        opened = (
            submission.transitions[1][2]
            if len(submission.transitions) > 1
            else submission.received_at
        )
        case_file = PlannedCaseFile(
            country=submission.country,
            status="in_communication" if submission.status == "acted_on" else "open",
            opened_at=opened,
            persons=mentions,
            submission=index,
        )
        if submission.status == "acted_on" and mentions:
            language = submission.language
            case_file.draft = PlannedDraft(
                type="UA" if submission.is_urgent else "AL",
                language=language,
                subject=texts.SUBJECT[language]
                % {
                    "violation": texts.VIOLATION_PHRASES[language]["arbitrary_detention"],
                    "whom": texts.WHOM[language][1 if len(mentions) > 1 else 0],
                },
                facts=texts.FACTS[language]
                % {
                    "mark": texts.MARK[language],
                    "count": len(mentions),
                    "violations": texts.VIOLATION_PHRASES[language]["arbitrary_detention"],
                    "month": f"{submission.incident_to:%m/%Y}",
                },
                mentions=mentions,
                created_at=submission.transitions[-1][2] + dt.timedelta(days=1),
            )
        return case_file

    def _linked_case_files(self) -> list[PlannedCaseFile]:
        """A few staff case files behind sent letters, opened from research."""
        rng = self.planner.rng("case-files")
        letters = [c for c in self.plan.communications if c.mentions and c.state and c.year >= 2012]
        files = []
        for communication in rng.sample(
            letters, min(len(letters), self._count(BASE_LINKED_CASE_FILES, 2))
        ):
            files.append(
                PlannedCaseFile(
                    country=communication.state or "",
                    status=rng.choice(("in_communication", "closed")),
                    opened_at=communication.sent_at - dt.timedelta(days=rng.randint(5, 40)),
                    persons=communication.mentions,
                    communication=communication.index,
                )
            )
        return files
