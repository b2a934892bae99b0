"""The demonstration dataset planned in memory, before anything is written.

Planning is plain Python over reference codes, so it can be tuned and tested
without a database; ``spcomms.demo.writer`` turns the plan into rows. Every
random choice comes from a ``random.Random`` seeded with the build seed and the
name of its stage, so one stage can change without shifting the others.

Communications are planned in the order they were sent. Each one either
returns to persons named before to the same addressee (most often a new
allegation about them, sometimes a follow-up of the earlier letter) or names
new persons only.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import defaultdict
from collections.abc import Mapping

from spcomms.demo import targets, texts
from spcomms.demo.names import GenderedFirst, NameSource, Profile, profile
from spcomms.demo.records import (
    LAST_SENT,
    CountryInfo,
    Plan,
    PlannedBusiness,
    PlannedCommunication,
    PlannedConsent,
    PlannedMention,
    PlannedPerson,
    PlannedReply,
)
from spcomms.demo.sampling import (
    pick,
    quota,
    quota_list,
    seeded_uuid,
    weighted_order,
    working_day,
    working_time,
)

FIRST_YEAR = 2000
LAST_YEAR = 2016
BASE_COMMUNICATIONS = 4500
MIN_COMMUNICATIONS = 40

# Communications per year: growth to 2009, then a slow decline (shape only; the
# total is fixed by the scale).
YEAR_WEIGHTS: dict[int, float] = {
    2000: 60, 2001: 120, 2002: 170, 2003: 200, 2004: 250, 2005: 280, 2006: 310,
    2007: 330, 2008: 340, 2009: 345, 2010: 330, 2011: 320, 2012: 300, 2013: 275,
    2014: 250, 2015: 215, 2016: 200,
}  # fmt: skip

OTHER_LETTER_SHARE = 0.05
OTHER_LETTER_FROM = 2009
DRAFT_LAW_SHARE = 0.4  # of other letters: analysis of a draft law, answer due in 48 hours
URGENT_SHARE = 0.55  # of the remaining letters; the rest are allegation letters

# Named persons per urgent appeal or allegation letter.
NAMED_COUNT_WEIGHTS: dict[int, float] = {
    1: 50, 2: 18, 3: 10, 4: 6, 5: 4, 6: 3, 7: 2, 8: 1.5, 9: 1.2, 10: 1,
    12: 0.9, 14: 0.7, 16: 0.5, 20: 0.4, 25: 0.3, 30: 0.2, 40: 0.1,
}  # fmt: skip

FOLLOW_UP_SHARE = 0.07
FOLLOW_UP_WINDOW_DAYS = 3 * 365
RECENT_PERSONS = 120  # a repeat mention draws from the persons last named to that addressee
EXTRA_REPEAT_SHARE = 0.01
# Some defenders are named again and again: a repeat mention draws persons in
# proportion to a prominence drawn once per person (log-normal, heavy-tailed).
PROMINENCE_SIGMA = 1.1


def returns_to_known(year: int) -> float:
    """Chance that a letter names someone named before to the same addressee.

    It rises steeply: few persons come back in the first years of the mandate,
    nearly every letter does by 2015 (A/HRC/31/55 para. 5: 184 of 209). Tuned
    together with ``PROMINENCE_SIGMA`` to seed 000's sample (275 of 471 cases
    named once, a mean of about two mentions).
    """
    return max(0.0, min(0.97, -0.2 + 0.085 * (year - FIRST_YEAR)))


PERSON_KINDS = {"individual": 0.80, "organisation": 0.12, "group": 0.05, "community": 0.03}
GENDERS = {"female": 0.32, "male": 0.64, "trans": 0.015, "other": 0.005, "not_stated": 0.02}
ISSUE_WEIGHTS: dict[str, float] = {
    "freedom_of_expression": 20, "democracy": 10, "land_environment": 10, "labour_rights": 7,
    "impunity": 8, "legal_profession": 7, "anti_corruption": 5, "health": 2,
    "ethnic_minorities": 5, "religious_minorities": 4, "cultural_minorities": 1, "lgbti": 3,
    "womens_rights": 6, "indigenous_peoples": 5, "migrants": 2, "racism": 1,
}  # fmt: skip
PUBLIC_NAMING = {"full": 0.45, "initials": 0.25, "withheld": 0.30}
CONSENT_GIVERS = {"victim": 0.6, "family": 0.17, "lawyer": 0.13, "other": 0.1}
CONSENT_CHANGED_SHARE = 0.04

MAIN_VIOLATIONS: dict[str, float] = {
    "arbitrary_detention": 24, "judicial_harassment": 16, "death_threats": 12,
    "physical_attack": 7, "killing": 4, "enforced_disappearance": 3, "torture": 5,
    "conviction": 6, "administrative_harassment": 5, "disciplinary_measures": 2,
    "defamation": 5, "surveillance": 3, "travel_ban": 3, "raid": 3,
    "association_restrictions": 2,
}  # fmt: skip
COMPANION_VIOLATIONS: dict[str, tuple[tuple[str, float], ...]] = {
    "arbitrary_detention": (("judicial_harassment", 0.35), ("torture", 0.12)),
    "conviction": (("arbitrary_detention", 0.5), ("judicial_harassment", 0.3)),
    "judicial_harassment": (("defamation", 0.2), ("travel_ban", 0.08)),
    "death_threats": (("surveillance", 0.2), ("physical_attack", 0.15)),
    "enforced_disappearance": (("torture", 0.2),),
    "raid": (("surveillance", 0.3), ("association_restrictions", 0.2)),
}
GENERIC_EXTRA = (("defamation", 0.06), ("surveillance", 0.04))
PERPETRATORS_BY_VIOLATION: dict[str, tuple[str, ...]] = {
    "arbitrary_detention": ("police", "security_services"),
    "judicial_harassment": ("judiciary",),
    "conviction": ("judiciary",),
    "torture": ("police", "security_services"),
    "killing": ("unknown", "non_state_actor", "military"),
    "enforced_disappearance": ("security_services", "unknown"),
    "death_threats": ("unknown", "non_state_actor"),
    "physical_attack": ("unknown", "non_state_actor", "police"),
    "administrative_harassment": ("administration",),
    "disciplinary_measures": ("administration",),
    "defamation": ("administration", "non_state_actor"),
    "surveillance": ("security_services",),
    "travel_ban": ("administration", "security_services"),
    "raid": ("police",),
    "association_restrictions": ("administration",),
    "reprisal_un": ("security_services", "administration"),
}
BUSINESS_INVOLVEMENT_SHARE = 0.06  # of mentions of land, environment and labour defenders

# Joined mandates: which violation or issue brings a mandate in.
MANDATE_TRIGGERS: tuple[tuple[str, str, float], ...] = (
    ("arbitrary_detention", "wgad", 0.6),
    ("conviction", "wgad", 0.4),
    ("torture", "sr-torture", 0.8),
    ("enforced_disappearance", "wgeid", 0.8),
    ("freedom_of_expression", "sr-freedex", 0.6),
    ("defamation", "sr-freedex", 0.3),
    ("association_restrictions", "sr-foaa", 0.8),
    ("democracy", "sr-foaa", 0.5),
    ("judicial_harassment", "sr-foaa", 0.15),
    ("indigenous_peoples", "sr-indigenous", 0.7),
    ("womens_rights", "sr-vaw", 0.4),
    ("womens_rights", "wg-women", 0.3),
    ("lgbti", "ie-sogi", 0.7),
    ("land_environment", "sr-environment", 0.5),
    ("health", "sr-health", 0.6),
    ("business", "wg-business", 0.8),
    ("cultural_minorities", "sr-cultural", 0.5),
)
LEAD_MANDATE = "sr-hrd"
LEAD_SHARE = 0.85

# Business enterprises as addressees: their home States.
HOME_STATES = ("USA", "CAN", "GBR", "AUS", "CHN", "DEU", "FRA", "NLD", "CHE", "JPN", "BRA", "ZAF")
SECTORS = ("Mining", "Hydropower", "Palm Oil", "Timber", "Energy", "Agribusiness", "Textiles")

# Qualitative pattern of seed 001: States in Europe and the Americas answer
# more often and more constructively than those in Africa and Asia.
REPLY_PROPENSITY = {
    "europe_north_america_central_asia": 1.6,
    "latin_america_caribbean": 1.4,
    "middle_east_north_africa": 0.9,
    "asia_pacific": 0.8,
    "africa": 0.65,
    targets.BUSINESS: 1.5,
}
STEPS_PROPENSITY = {
    "europe_north_america_central_asia": 1.6,
    "latin_america_caribbean": 1.4,
    "middle_east_north_africa": 0.7,
    "asia_pacific": 0.7,
    "africa": 0.9,
    targets.BUSINESS: 1.2,
}
SECOND_REPLY_SHARE = 0.12
CONFIDENTIAL_REPLY_SHARE = 0.03


class Planner:
    """Plans communications, persons and replies; see ``plan_extra`` for the rest."""

    def __init__(
        self,
        *,
        seed: int,
        scale: float,
        countries: list[CountryInfo],
        mandates: Mapping[str, int | None],
        names: NameSource,
    ) -> None:
        self.seed = seed
        self.scale = scale
        self.countries = [c for c in countries if c.region]
        self.region_of = {c.iso3: c.region for c in self.countries}
        self.mandates = mandates
        self.names = names
        self.persons: list[PlannedPerson] = []
        self.communications: list[PlannedCommunication] = []
        self.businesses: list[PlannedBusiness] = []

    def rng(self, stage: str) -> random.Random:
        return random.Random(f"spcomms-demo:{self.seed}:{stage}")  # noqa: S311  # reproducible synthetic data, not secrets

    def plan(self) -> Plan:
        self._frame()
        self._types_and_reprisals()
        self._named_persons()
        self._mandates()
        self._references_and_texts()
        self._replies()
        return Plan(self.seed, self.scale, self.persons, self.communications, self.businesses)

    # -- the frame: when, to whom ---------------------------------------------------

    def _frame(self) -> None:
        rng = self.rng("frame")
        total = max(MIN_COMMUNICATIONS, round(BASE_COMMUNICATIONS * self.scale))
        dates: list[dt.date] = []
        for year, count in quota(total, YEAR_WEIGHTS).items():
            last = LAST_SENT if year == LAST_YEAR else dt.date(year, 12, 31)
            dates.extend(working_day(rng, dt.date(year, 1, 1), last) for _ in range(count))
        dates.sort()
        buckets = quota_list(rng, total, targets.REGION_SHARES)
        by_region: dict[str, list[str]] = defaultdict(list)
        for country in self.countries:
            by_region[country.region].append(country.iso3)
        # Uneven attention, but not so skewed that one small State, drawn at random,
        # receives a sixth of all letters (as a sigma of 1.3 produced).
        weight = {c.iso3: rng.lognormvariate(0, 0.7) for c in self.countries}
        n_businesses = max(1, round(10 * self.scale))
        for number in range(n_businesses):
            sector = SECTORS[number % len(SECTORS)]
            self.businesses.append(
                PlannedBusiness(
                    name=f"Fictitious {sector} Company {number + 1} (synthetic)",
                    home=rng.choice(HOME_STATES),
                )
            )
        operating = [
            c.iso3 for c in self.countries if c.region != "europe_north_america_central_asia"
        ]
        for index, (day, bucket) in enumerate(zip(dates, buckets, strict=True)):
            sent_at = working_time(rng, day)
            if bucket == targets.BUSINESS:
                business = rng.randrange(n_businesses)
                home = self.businesses[business].home
                where = rng.choices(operating, weights=[weight[c] for c in operating])[0]
                copies = [home] if where == home else [home, where]
                self.communications.append(
                    PlannedCommunication(index, bucket, None, business, copies, sent_at)
                )
            else:
                pool = by_region[bucket]
                state = rng.choices(pool, weights=[weight[c] for c in pool])[0]
                self.communications.append(
                    PlannedCommunication(index, bucket, state, None, [], sent_at)
                )

    def _types_and_reprisals(self) -> None:
        rng = self.rng("types")
        total = len(self.communications)
        eligible = [
            c for c in self.communications if c.year >= OTHER_LETTER_FROM and c.state is not None
        ]
        other_letters = {
            id(c)
            for c in rng.sample(eligible, min(len(eligible), round(total * OTHER_LETTER_SHARE)))
        }
        letters = [c for c in self.communications if id(c) not in other_letters]
        types = quota_list(rng, len(letters), {"UA": URGENT_SHARE, "AL": 1 - URGENT_SHARE})
        for communication, kind in zip(letters, types, strict=True):
            communication.type = kind
        for communication in self.communications:
            if id(communication) in other_letters:
                communication.type = "OL"
                communication.draft_law = rng.random() < DRAFT_LAW_SHARE
        # Reprisals concern letters to States, more of them after the Council's
        # resolution 12/2 of 2009.
        candidates = [c for c in letters if c.state is not None]
        weights = [3.0 if c.year >= 2009 else 1.0 for c in candidates]
        n_reprisals = round(total * targets.REPRISAL_SHARE)
        for communication in weighted_order(rng, candidates, weights)[:n_reprisals]:
            communication.concerns_reprisal = True

    # -- named persons ----------------------------------------------------------------

    def _named_persons(self) -> None:
        rng = self.rng("persons")
        recent_persons: dict[str, dict[int, None]] = defaultdict(dict)
        recent_letters: dict[str, list[PlannedCommunication]] = defaultdict(list)
        for communication in self.communications:
            where = communication.state or communication.copies[-1]
            shape = profile(where, self.region_of.get(where, ""))
            communication.language = shape.language
            communication.main_violation = (
                "reprisal_un" if communication.concerns_reprisal else pick(rng, MAIN_VIOLATIONS)
            )
            chosen: list[int] = []
            if communication.type == "OL":
                if rng.random() < 0.3:
                    chosen = [self._new_person(rng, where, shape, communication, "organisation")]
            else:
                wanted = pick(rng, NAMED_COUNT_WEIGHTS)
                chosen = self._returning(rng, communication, where, recent_persons, recent_letters)
                pool = _latest(recent_persons[where])
                while len(chosen) < wanted:
                    known = [p for p in pool if p not in chosen]
                    if known and rng.random() < EXTRA_REPEAT_SHARE:
                        chosen.append(self._prominent(rng, known))
                    else:
                        chosen.append(self._new_person(rng, where, shape, communication, None))
            for person_index in chosen:
                person = self.persons[person_index]
                person.mentions += 1
                communication.mentions.append(self._mention(rng, communication, person))
                recent_persons[where].pop(person_index, None)
                recent_persons[where][person_index] = None
            if chosen:
                recent_letters[where].append(communication)

    def _returning(
        self,
        rng: random.Random,
        communication: PlannedCommunication,
        where: str,
        recent_persons: Mapping[str, dict[int, None]],
        recent_letters: Mapping[str, list[PlannedCommunication]],
    ) -> list[int]:
        """The persons named before whom this letter returns to, if any."""
        earlier = [
            c
            for c in recent_letters.get(where, [])[-40:]
            if (communication.sent_at - c.sent_at).days <= FOLLOW_UP_WINDOW_DAYS
        ]
        if earlier and communication.state and rng.random() < FOLLOW_UP_SHARE:
            followed = rng.choice(earlier)
            communication.follow_up_of = followed.index
            communication.main_violation = followed.main_violation
            persons = [m.person for m in followed.mentions]
            return rng.sample(persons, rng.randint(1, min(3, len(persons))))
        pool = _latest(recent_persons.get(where, {}))
        if pool and rng.random() < returns_to_known(communication.year):
            return [self._prominent(rng, pool)]
        return []

    def _prominent(self, rng: random.Random, pool: list[int]) -> int:
        return rng.choices(pool, weights=[self.persons[p].prominence for p in pool])[0]

    def _new_person(
        self,
        rng: random.Random,
        where: str,
        shape: Profile,
        communication: PlannedCommunication,
        kind: str | None,
    ) -> int:
        kind = kind or pick(rng, PERSON_KINDS)
        gender = pick(rng, GENDERS) if kind == "individual" else "not_stated"
        areas = [pick(rng, ISSUE_WEIGHTS)]
        if rng.random() < 0.35:
            areas.append(pick(rng, ISSUE_WEIGHTS))
        if gender in ("female", "trans") and rng.random() < 0.35:
            areas.append("womens_rights" if gender == "female" else "lgbti")
        areas = sorted(set(areas))
        if kind == "individual":
            first: GenderedFirst = (
                "female" if gender == "female" else "male" if gender == "male" else "any"
            )
            name = self.names.person_name(shape, first)
            affiliation = (
                f"{self.names.place(shape)} {org_word(rng)} (synthetic)"
                if rng.random() < 0.4
                else ""
            )
        elif kind == "organisation":
            name = f"{self.names.place(shape)} {org_word(rng)}"
            affiliation = ""
        elif kind == "group":
            name = f"Members of the {self.names.place(shape)} association"
            affiliation = ""
        else:
            name = f"{self.names.place(shape)} community"
            affiliation = ""
        named = communication.sent_at
        person = PlannedPerson(
            index=len(self.persons),
            key=seeded_uuid(rng),
            kind=kind,
            gender=gender,
            country=where,
            name=name,
            affiliation=affiliation,
            issue_areas=areas,
            first_named=named,
            prominence=rng.lognormvariate(0, PROMINENCE_SIGMA),
        )
        person.consents = self._consents(rng, kind, named)
        self.persons.append(person)
        return person.index

    def _consents(self, rng: random.Random, kind: str, named: dt.datetime) -> list[PlannedConsent]:
        """Consent to be named to the State, recorded before the first letter.

        Every named person may be transmitted; naming in public varies. A few
        persons changed their public naming later: the earlier record is revoked.
        """
        giver = "organisation" if kind == "organisation" else pick(rng, CONSENT_GIVERS)
        recorded = named - dt.timedelta(days=rng.randint(1, 40), hours=rng.randint(0, 8))
        first = PlannedConsent(
            given_by=giver,
            written=rng.random() < 0.4,
            transmit_to_state=True,
            public_naming=pick(rng, PUBLIC_NAMING),
            recorded_at=recorded,
        )
        if rng.random() >= CONSENT_CHANGED_SHARE:
            return [first]
        changed = named + dt.timedelta(days=rng.randint(30, 900))
        first.revoked_at = changed
        second = PlannedConsent(
            given_by=giver,
            written=True,
            transmit_to_state=True,
            public_naming=rng.choice([n for n in PUBLIC_NAMING if n != first.public_naming]),
            recorded_at=changed,
        )
        return [first, second]

    def _mention(
        self, rng: random.Random, communication: PlannedCommunication, person: PlannedPerson
    ) -> PlannedMention:
        main = communication.main_violation
        violations = {main}
        if communication.type == "OL":
            violations = {"association_restrictions"}
        for companion, chance in (*COMPANION_VIOLATIONS.get(main, ()), *GENERIC_EXTRA):
            if rng.random() < chance:
                violations.add(companion)
        if communication.concerns_reprisal and rng.random() < 0.5:
            violations.add("arbitrary_detention" if rng.random() < 0.5 else "travel_ban")
        perpetrators = {rng.choice(PERPETRATORS_BY_VIOLATION[v]) for v in sorted(violations)}
        business_issue = {"land_environment", "labour_rights", "indigenous_peoples"}
        if communication.business is not None:
            perpetrators.add("business_direct")
        elif business_issue & set(person.issue_areas) and rng.random() < BUSINESS_INVOLVEMENT_SHARE:
            perpetrators.add(rng.choice(("business_direct", "business_indirect")))
        return PlannedMention(person.index, sorted(violations), sorted(perpetrators))

    # -- mandates, references and texts ----------------------------------------------

    def _mandates(self) -> None:
        rng = self.rng("mandates")
        for communication in self.communications:
            cues = {communication.main_violation}
            for mention in communication.mentions:
                cues.update(mention.violations)
                cues.update(self.persons[mention.person].issue_areas)
                if any(p.startswith("business") for p in mention.perpetrators):
                    cues.add("business")
            if communication.type == "OL":
                cues.update({"association_restrictions", "freedom_of_expression"})
            joined: list[str] = []
            for cue, code, chance in MANDATE_TRIGGERS:
                established = self.mandates.get(code)
                if (
                    cue in cues
                    and code not in joined
                    and established is not None
                    and established <= communication.year
                    and rng.random() < chance
                ):
                    joined.append(code)
            lead = LEAD_MANDATE if not joined or rng.random() < LEAD_SHARE else rng.choice(joined)
            communication.mandates = [(code, code == lead) for code in [LEAD_MANDATE, *joined]]

    def _references_and_texts(self) -> None:
        rng = self.rng("texts")
        running: dict[tuple[str, int], int] = defaultdict(int)
        for communication in self.communications:
            code = communication.state or "OTH"
            running[(code, communication.year)] += 1
            communication.ref_code = code
            communication.ref_number = running[(code, communication.year)]
            self._texts(rng, communication)

    def _texts(self, rng: random.Random, communication: PlannedCommunication) -> None:
        language = communication.language
        mark = texts.MARK[language]
        phrases = texts.VIOLATION_PHRASES[language]
        if communication.type == "OL":
            subject = texts.LAW_SUBJECT if communication.draft_law else texts.POLICY_SUBJECT
            communication.subject = subject[language]
            communication.facts = texts.LAW_FACTS[language] % {"mark": mark}
        else:
            persons = [self.persons[m.person] for m in communication.mentions]
            whom = texts.WHOM[language]
            if persons and persons[0].kind != "individual":
                target = whom[2]
            else:
                target = whom[1] if len(persons) > 1 else whom[0]
            if communication.business is not None:
                communication.subject = texts.BUSINESS_SUBJECT[language]
            else:
                communication.subject = texts.SUBJECT[language] % {
                    "violation": phrases[communication.main_violation],
                    "whom": target,
                }
            violations = sorted({v for m in communication.mentions for v in m.violations})
            month = communication.sent_at - dt.timedelta(days=rng.randint(3, 40))
            communication.facts = texts.FACTS[language] % {
                "mark": mark,
                "count": len(persons),
                "violations": ", ".join(phrases[v] for v in violations),
                "month": f"{month:%m/%Y}",
            }
        cited = sorted({v for m in communication.mentions for v in m.violations})
        communication.norms = "; ".join(
            [texts.ALWAYS_NORM, *(texts.NORMS[v] for v in cited if v in texts.NORMS)]
        )
        communication.concerns = texts.CONCERNS[language] % {"mark": mark}
        communication.questions = texts.QUESTIONS[language] % {"mark": mark}

    # -- replies ---------------------------------------------------------------------

    def _replies(self) -> None:
        """First replies by quota over all communications, then later replies."""
        rng = self.rng("replies")
        shares = targets.FIRST_REPLY_SHARES
        counts = quota(len(self.communications), shares)
        answered_count = len(self.communications) - counts[""]
        order = weighted_order(
            rng,
            self.communications,
            [REPLY_PROPENSITY[c.region] for c in self.communications],
        )
        answered = order[:answered_count]
        steps_order = weighted_order(rng, answered, [STEPS_PROPENSITY[c.region] for c in answered])
        classes: list[str] = ["steps_taken"] * counts["steps_taken"]
        rest = [
            code
            for code, count in counts.items()
            if code not in ("", "steps_taken")
            for _ in range(count)
        ]
        rng.shuffle(rest)
        classes.extend(rest)
        for communication, reply_class in zip(steps_order, classes, strict=True):
            first = self._reply(rng, communication, reply_class, communication.sent_at.date())
            communication.replies.append(first)
            if reply_class != "translation_awaited" and rng.random() < SECOND_REPLY_SHARE:
                later = rng.choice(
                    ("steps_taken", "responsive_incomplete", "rejected_with_investigation")
                )
                communication.replies.append(
                    self._reply(
                        rng, communication, later, first.received_on + dt.timedelta(days=20)
                    )
                )

    def _reply(
        self,
        rng: random.Random,
        communication: PlannedCommunication,
        reply_class: str,
        after: dt.date,
    ) -> PlannedReply:
        if communication.draft_law:
            delay = rng.randint(1, 30)
        else:
            delay = max(1, min(330, round(rng.lognormvariate(4.0, 0.7))))
        received = min(after + dt.timedelta(days=delay), targets.ANALYSIS_DATE)
        if communication.state is None:
            language = "en"
        else:
            language = profile(communication.state, communication.region).reply_language
        return PlannedReply(
            received_on=received,
            language=language,
            reply_class=reply_class,
            confidential=rng.random() < CONFIDENTIAL_REPLY_SHARE,
            addresses_persons=reply_class not in ("immaterial", "translation_awaited"),
        )


def _latest(persons: dict[int, None]) -> list[int]:
    """The persons last named, most recent first (a dict keeps naming order)."""
    return list(itertools.islice(reversed(persons), RECENT_PERSONS))


def org_word(rng: random.Random) -> str:
    return rng.choice(texts.ORGANISATION_WORDS)
