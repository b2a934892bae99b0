"""Reply classes, case developments, perceived impact and reprisals, counted by hand.

Each test builds a handful of communications, replies, assessments and allegations
whose figures can be counted on one's fingers, and compares every cell of the tables
of ``research_statistics`` with them: the main dataset, an empty period, a single
State, a period where every reply is missing, and subsets with no events.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from spcomms.cases.models import Person
from spcomms.communications.models import (
    Communication,
    CommunicationMandate,
    CommunicationPerson,
    Reply,
)
from spcomms.communications.research_statistics import (
    AWAITING,
    CLOSED,
    NEUTRAL,
    NO_REPLY,
    NO_SCORE,
    NO_STATE,
    OPEN,
    OUTCOMES,
    REPLIES,
    REPRISALS,
    ResearchStatistics,
    Row,
    Table,
    regime_of,
    research_statistics,
)
from spcomms.communications.statistics import StatisticsRequestError
from spcomms.covariates.models import CountryYearValue, Variable
from spcomms.covariates.services import variables_ensure_builtin
from spcomms.followup.models import Assessment
from spcomms.reference.models import Country, Mandate, ReplyClass
from spcomms.reprisals.models import ReprisalStatus
from tests import factories
from tests.reprisals.builders import allegation

pytestmark = pytest.mark.usefixtures("reference")

Data = dict[str, Any]  # communications A-D and persons p1-p4, by name
Y2015 = {"start": dt.date(2015, 1, 1), "end": dt.date(2015, 12, 31)}
# Communication C of the dataset is sent on 20 December 2015: its deadline (18 February 2016)
# has not passed on 10 January 2016 and has passed on 1 March 2016.
BEFORE_C_DUE = dt.datetime(2016, 1, 10, tzinfo=dt.UTC)
AFTER_C_DUE = dt.datetime(2016, 3, 1, tzinfo=dt.UTC)


def at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 9, tzinfo=dt.UTC)


def table(statistics: ResearchStatistics, key: str) -> Table:
    return statistics.tables[key]


def row(found: Table, key: str) -> Row:
    return next(item for item in found.rows if item.key == key)


def cells(found: Table, key: str) -> dict[str, int]:
    """The non-zero counts of a row, by column key."""
    item = row(found, key)
    return {
        column.key: count for column, count in zip(found.columns, item.counts, strict=True) if count
    }


def polity(iso3: str, year: int, value: float) -> None:
    variables_ensure_builtin()
    CountryYearValue.objects.create(
        country=Country.objects.get(iso3=iso3),
        year=year,
        variable=Variable.objects.get(code="polity"),
        value=value,
    )


def reply(to: Communication, on: dt.date, klass: str | None, *addressed: Person) -> Reply:
    created = factories.reply(to=to, received_on=on, reply_class=klass)
    created.persons_addressed.set(
        CommunicationPerson.objects.filter(communication=to, person__in=addressed)
    )
    return created


def assess(
    communication: Communication,
    person: Person,
    development: str,
    *,
    source: str = "survey",
    level: str = "complete",
    months: int = 12,
    attention: str = "",
    helped: str = "",
    negative: bool = False,
) -> Assessment:
    return Assessment.objects.create(
        case=CommunicationPerson.objects.get(communication=communication, person=person),
        period_months=months,
        development=development,
        source=source,
        information_level=level,
        impact_attention=attention,
        impact_communication=helped,
        negative_impact=negative,
        assessed_on=dt.date(2016, 6, 1),
    )


@pytest.fixture
def dataset() -> Data:
    """Three communications in 2015 and one in 2016:

    - A, to Colombia (open: Polity 7), names p1 and p2; a reply classed *immaterial*
      addressing no one, then one classed *steps taken* addressing p1;
    - B, to China (closed: Polity -7), led by wgad and joined by sr-hrd, names p3; one
      reply not yet classified, addressing p3;
    - C, to China on 20 December 2015, names p4; no reply;
    - D, to Colombia in 2016, names p1 again; a reply classed *steps taken*.
    """
    p1, p2, p3, p4 = (factories.person(name=f"Person {n}") for n in range(1, 5))
    a = factories.communication(country="COL", sent_at=at(2015, 3, 1), persons=(p1, p2))
    b = factories.communication(
        country="CHN", sent_at=at(2015, 6, 1), persons=(p3,), mandate="wgad"
    )
    CommunicationMandate.objects.create(
        communication=b, mandate=Mandate.objects.get(code="sr-hrd"), is_lead=False
    )
    c = factories.communication(country="CHN", sent_at=at(2015, 12, 20), persons=(p4,))
    d = factories.communication(country="COL", sent_at=at(2016, 2, 1), persons=(p1,))
    reply(a, dt.date(2015, 4, 1), "immaterial")
    reply(a, dt.date(2015, 4, 10), "steps_taken", p1)
    reply(b, dt.date(2015, 7, 1), None, p3)
    reply(d, dt.date(2016, 3, 1), "steps_taken", p1)
    polity("COL", 2015, 7)
    polity("CHN", 2015, -7)
    return {"A": a, "B": b, "C": c, "D": d, "p1": p1, "p2": p2, "p3": p3, "p4": p4}


# Reply classes -------------------------------------------------------------------------


def test_each_communication_takes_the_class_of_its_first_classified_reply(
    dataset: Data,
) -> None:
    """A: immaterial (its first classified reply); B: a reply not yet classified; C: deadline
    not passed yet on 10 January 2016. D is sent in 2016 and does not count."""
    found = table(research_statistics(**Y2015, now=BEFORE_C_DUE), "replies-overall")
    communications = row(found, "communications")
    assert communications.n == 3
    assert cells(found, "communications") == {"immaterial": 1, "unclassified": 1, AWAITING: 1}
    assert communications.replied == 2
    assert communications.reply_rate == Decimal("66.7")
    assert communications.share(1) == Decimal("33.3")


def test_each_person_takes_the_class_of_the_first_classified_reply_that_addresses_them(
    dataset: Data,
) -> None:
    """p1: steps taken (the immaterial reply addresses no one); p2: no reply, A's deadline has
    passed; p3: reply not yet classified; p4: awaiting."""
    found = table(research_statistics(**Y2015, now=BEFORE_C_DUE), "replies-overall")
    cases = row(found, "cases")
    assert cases.n == 4
    assert cells(found, "cases") == {
        "steps_taken": 1,
        NO_REPLY: 1,
        "unclassified": 1,
        AWAITING: 1,
    }
    assert cases.replied == 2
    assert cases.reply_rate == Decimal("50.0")


def test_once_the_deadline_passes_an_unanswered_communication_has_no_reply(
    dataset: Data,
) -> None:
    statistics = research_statistics(**Y2015, now=AFTER_C_DUE)
    overall = table(statistics, "replies-overall")
    assert cells(overall, "communications") == {"immaterial": 1, "unclassified": 1, NO_REPLY: 1}
    groups = table(statistics, "replies-groups")
    # No reply joins immaterial replies in Piccone's "no or immaterial reply".
    assert cells(groups, "communications") == {"no_or_immaterial": 2, "unclassified": 1}
    assert cells(groups, "cases") == {"no_or_immaterial": 2, "steps_taken": 1, "unclassified": 1}
    assert row(groups, "cases").share(2) == Decimal("50.0")


def test_reply_groups_by_region_and_un_group(dataset: Data) -> None:
    statistics = research_statistics(**Y2015, now=AFTER_C_DUE)
    by_region = table(statistics, "replies-region-communications")
    assert by_region.n == 3
    assert row(by_region, "latin_america_caribbean").n == 1
    assert cells(by_region, "latin_america_caribbean") == {"no_or_immaterial": 1}
    assert row(by_region, "asia_pacific").n == 2
    assert cells(by_region, "asia_pacific") == {"unclassified": 1, "no_or_immaterial": 1}
    assert row(by_region, "asia_pacific").replied == 1
    africa = row(by_region, "africa")
    assert (africa.n, africa.share(0), africa.reply_rate) == (0, None, None)
    by_group = table(statistics, "replies-un-group-cases")
    assert row(by_group, "latin_american_caribbean").n == 2
    assert cells(by_group, "latin_american_caribbean") == {
        "steps_taken": 1,
        "no_or_immaterial": 1,
    }
    assert row(by_group, "asia_pacific").n == 2


def test_reply_groups_by_regime_follow_the_polity_score_of_the_year_sent(
    dataset: Data,
) -> None:
    statistics = research_statistics(**Y2015, now=AFTER_C_DUE)
    by_regime = table(statistics, "replies-regime-communications")
    assert row(by_regime, OPEN).n == 1
    assert row(by_regime, CLOSED).n == 2
    assert {item.key for item in by_regime.rows} == {OPEN, CLOSED}
    cases = table(statistics, "replies-regime-cases")
    assert cells(cases, OPEN) == {"steps_taken": 1, "no_or_immaterial": 1}


def test_a_state_without_a_polity_score_for_the_year_is_counted_apart(
    dataset: Data,
) -> None:
    """D is sent in 2016, a year with no score for Colombia."""
    statistics = research_statistics(start=dt.date(2016, 1, 1), end=dt.date(2016, 12, 31))
    by_regime = table(statistics, "replies-regime-communications")
    assert row(by_regime, NO_SCORE).n == 1
    assert row(by_regime, OPEN).n == 0


@pytest.mark.parametrize(
    ("score", "has_state", "expected"),
    [
        (-10, True, CLOSED),
        (-0.5, True, CLOSED),
        (0, True, NEUTRAL),
        (0.5, True, OPEN),
        (10, True, OPEN),
        (None, True, NO_SCORE),
        (None, False, NO_STATE),
    ],
)
def test_regime_is_closed_below_zero_and_open_above(
    score: float | None, has_state: bool, expected: str
) -> None:
    assert regime_of(score, has_state=has_state) == expected


def test_a_joint_communication_counts_under_each_of_its_mandates(
    dataset: Data,
) -> None:
    statistics = research_statistics(**Y2015, now=AFTER_C_DUE)
    by_mandate = table(statistics, "replies-mandate-communications")
    assert row(by_mandate, "sr-hrd").n == 3
    assert row(by_mandate, "wgad").n == 1
    assert cells(by_mandate, "wgad") == {"unclassified": 1}
    assert by_mandate.n == 3  # each communication once, although the rows add up to 4


def test_a_mandate_narrows_every_table_to_its_communications(
    dataset: Data,
) -> None:
    statistics = research_statistics(**Y2015, mandate="wgad", now=AFTER_C_DUE)
    overall = table(statistics, "replies-overall")
    assert row(overall, "communications").n == 1
    assert cells(overall, "cases") == {"unclassified": 1}
    assert table(statistics, "case-development").n == 0


def test_reply_classes_by_year_sent(dataset: Data) -> None:
    statistics = research_statistics(
        start=dt.date(2015, 1, 1), end=dt.date(2016, 12, 31), now=AFTER_C_DUE
    )
    by_year = table(statistics, "replies-year-communications")
    assert [(item.key, item.n) for item in by_year.rows] == [("2015", 3), ("2016", 1)]
    assert cells(by_year, "2016") == {"steps_taken": 1}
    by_year_cases = table(statistics, "replies-year-cases")
    assert cells(by_year_cases, "2016") == {"steps_taken": 1}


def test_all_replies_missing_gives_no_reply_everywhere() -> None:
    """Two communications past their deadline with no reply at all."""
    person = factories.person()
    factories.communication(country="COL", sent_at=at(2015, 2, 1), persons=(person,))
    factories.communication(country="BRA", sent_at=at(2015, 5, 1))
    statistics = research_statistics(**Y2015, now=AFTER_C_DUE)
    overall = table(statistics, "replies-overall")
    assert cells(overall, "communications") == {NO_REPLY: 2}
    assert row(overall, "communications").replied == 0
    assert row(overall, "communications").reply_rate == Decimal("0.0")
    assert row(overall, "communications").share(2) == Decimal("100.0")
    assert cells(overall, "cases") == {NO_REPLY: 1}
    groups = table(statistics, "replies-groups")
    assert cells(groups, "communications") == {"no_or_immaterial": 2}


def test_a_single_state_fills_one_row_and_leaves_the_others_empty() -> None:
    for month in (1, 2, 3):
        factories.communication(country="COL", sent_at=at(2015, month, 1))
    first = Communication.objects.order_by("sent_at").first()
    assert first is not None
    factories.reply(to=first, received_on=dt.date(2015, 1, 20), reply_class="steps_taken")
    polity("COL", 2015, 7)
    statistics = research_statistics(**Y2015, now=AFTER_C_DUE)
    by_region = table(statistics, "replies-region-communications")
    assert row(by_region, "latin_america_caribbean").n == 3
    assert cells(by_region, "latin_america_caribbean") == {"steps_taken": 1, "no_or_immaterial": 2}
    assert row(by_region, "latin_america_caribbean").share(1) == Decimal("33.3")
    others = [item for item in by_region.rows if item.key != "latin_america_caribbean"]
    assert others
    assert all(item.n == 0 and item.share(0) is None for item in others)
    by_regime = table(statistics, "replies-regime-communications")
    assert row(by_regime, OPEN).n == 3
    assert row(by_regime, CLOSED).n == 0


def test_a_communication_to_a_company_only_has_no_state_and_no_regime() -> None:
    from spcomms.communications.models import Addressee, NonStateActor, NonStateKind

    sent = factories.communication(country="CAN", sent_at=at(2015, 2, 1))
    sent.addressees.update(is_copy=True)
    actor = NonStateActor.objects.create(name="A Mining Company", kind=NonStateKind.BUSINESS)
    Addressee.objects.create(communication=sent, non_state_actor=actor)
    statistics = research_statistics(**Y2015, now=AFTER_C_DUE)
    assert row(table(statistics, "replies-region-communications"), "business").n == 1
    assert row(table(statistics, "replies-regime-communications"), NO_STATE).n == 1
    assert row(table(statistics, "replies-un-group-communications"), NO_STATE).n == 1


def test_an_empty_period_gives_zeros_and_no_shares(dataset: Data) -> None:
    statistics = research_statistics(start=dt.date(2010, 1, 1), end=dt.date(2010, 12, 31))
    for found in statistics.tables.values():
        assert found.n == 0, found.key
        for item in found.rows:
            assert item.n == 0
            assert set(item.counts) <= {0}
            assert item.share(0) is None
            assert item.reply_rate is None
    assert table(statistics, "reprisals").rows == ()
    assert table(statistics, "replies-year-communications").rows == ()


def test_drafts_never_count(dataset: Data) -> None:
    factories.communication(sent_at=None, persons=(factories.person(),))
    found = table(research_statistics(**Y2015, now=AFTER_C_DUE), "replies-overall")
    assert row(found, "communications").n == 3


def test_a_bad_period_or_mandate_is_refused() -> None:
    with pytest.raises(StatisticsRequestError, match="after its end"):
        research_statistics(start=dt.date(2016, 1, 1), end=dt.date(2015, 1, 1))
    with pytest.raises(StatisticsRequestError, match="no mandate with the code nope"):
        research_statistics(**Y2015, mandate="nope")


def test_the_reply_tables_take_a_fixed_number_of_queries(
    dataset: Data,
) -> None:
    """Adding communications, persons and replies adds no query."""
    with CaptureQueriesContext(connection) as small:
        research_statistics(**Y2015, parts=[REPLIES, OUTCOMES, REPRISALS])
    for day in range(1, 20):
        made = factories.communication(
            country="BRA", sent_at=at(2015, 9, day), persons=(factories.person(),)
        )
        factories.reply(to=made, received_on=dt.date(2015, 10, 1))
    with CaptureQueriesContext(connection) as large:
        research_statistics(**Y2015, parts=[REPLIES, OUTCOMES, REPRISALS])
    assert len(large) == len(small) <= 15


def test_class_columns_follow_the_reference_vocabulary(dataset: Data) -> None:
    found = table(research_statistics(**Y2015), "replies-overall")
    keys = [column.key for column in found.columns]
    assert keys[0] == NO_REPLY
    assert keys[-2:] == ["unclassified", AWAITING]
    assert set(keys[1:-2]) == set(ReplyClass.objects.values_list("code", flat=True))


# Case development and perceived impact ------------------------------------------------


@pytest.fixture
def assessed(dataset: Data) -> Data:
    """p1 in A: assessed twice at 12 months, the later one (somewhat better) counts; p2 in A:
    desk research, limited, not known; p3 in B: only a 6-month assessment (does not count);
    p4 in C: survey, limited, same, with a negative impact."""
    a, b, c = dataset["A"], dataset["B"], dataset["C"]
    p1, p2, p3, p4 = (dataset[k] for k in ("p1", "p2", "p3", "p4"))
    assess(a, p1, "much_worse", attention="definitely_not", helped="definitely_not")
    assess(a, p1, "somewhat_better", attention="definitely_yes", helped="probably_yes")
    assess(a, p2, "not_known", source="desk", level="limited")
    assess(b, p3, "much_better", months=6)
    assess(c, p4, "same", level="limited", helped="do_not_know", negative=True)
    return dataset


def test_case_development_by_source_and_information_level(
    assessed: Data,
) -> None:
    found = table(research_statistics(**Y2015, parts=[OUTCOMES]), "case-development")
    assert found.n == 3
    assert cells(found, "survey-complete") == {"somewhat_better": 1}
    assert cells(found, "survey-limited") == {"same": 1}
    assert cells(found, "desk-complete") == {}
    assert row(found, "desk-complete").share(0) is None
    assert cells(found, "desk-limited") == {"not_known": 1}
    assert cells(found, "all") == {"somewhat_better": 1, "same": 1, "not_known": 1}
    assert row(found, "all").share(1) == Decimal("33.3")


def test_perceived_impact_counts_the_latest_survey_assessments(
    assessed: Data,
) -> None:
    found = table(research_statistics(**Y2015, parts=[OUTCOMES]), "perceived-impact")
    assert found.n == 2
    assert cells(found, "attention") == {"definitely_yes": 1, "no_answer": 1}
    assert cells(found, "communication") == {"probably_yes": 1, "do_not_know": 1}
    assert row(found, "communication").share(1) == Decimal("50.0")
    assert "1" in str(found.note)  # one negative impact reported


def test_a_subset_with_no_assessment_gives_empty_figures(
    assessed: Data,
) -> None:
    """D (2016) has no assessment."""
    statistics = research_statistics(
        start=dt.date(2016, 1, 1), end=dt.date(2016, 12, 31), parts=[OUTCOMES]
    )
    for key in ("case-development", "perceived-impact"):
        found = table(statistics, key)
        assert found.n == 0
        assert all(item.n == 0 and item.share(0) is None for item in found.rows)
    assert statistics.replies == ()


# Reprisals --------------------------------------------------------------------------


def test_reprisals_per_state_and_year_are_the_public_counts() -> None:
    allegation(country="BHR", reported_on=dt.date(2015, 3, 1), sg_report_year=2015)
    allegation(country="CHN", reported_on=dt.date(2015, 4, 1), sg_report_year=2015)
    allegation(country="CHN", reported_on=dt.date(2016, 4, 1), sg_report_year=2016)
    allegation(country="CHN", reported_on=dt.date(2014, 4, 1), sg_report_year=2014)
    # Neither is counted in public: unverified, or acted on with no public action yet.
    allegation(country="BHR", reported_on=dt.date(2015, 5, 1), status=ReprisalStatus.ALLEGED)
    allegation(country="BHR", reported_on=dt.date(2015, 6, 1))
    now = dt.datetime(2017, 1, 1, tzinfo=dt.UTC)

    one_year = table(research_statistics(**Y2015, now=now, parts=[REPRISALS]), "reprisals")
    assert one_year.n == 2
    assert [column.key for column in one_year.columns] == ["2015"]
    assert [(item.key, item.counts, item.n) for item in one_year.rows] == [
        ("BHR", (1,), 1),
        ("CHN", (1,), 1),
    ]
    assert not one_year.shares

    two_years = table(
        research_statistics(
            start=dt.date(2015, 1, 1), end=dt.date(2016, 12, 31), now=now, parts=[REPRISALS]
        ),
        "reprisals",
    )
    assert [column.key for column in two_years.columns] == ["2015", "2016"]
    assert [(item.key, item.counts) for item in two_years.rows] == [
        ("CHN", (1, 1)),
        ("BHR", (1, 0)),
    ]


def test_a_period_without_reprisals_gives_an_empty_table() -> None:
    allegation(country="BHR", reported_on=dt.date(2015, 3, 1), sg_report_year=2015)
    found = table(
        research_statistics(
            start=dt.date(2012, 1, 1), end=dt.date(2013, 12, 31), parts=[REPRISALS]
        ),
        "reprisals",
    )
    assert (found.n, found.rows, found.columns) == (0, (), ())


# Merged persons -----------------------------------------------------------------------


def test_a_person_named_twice_in_one_communication_through_a_duplicate_is_one_case() -> None:
    """The communication names a person and a duplicate since merged into them: one case,
    as in the research dataset. The reply addresses the duplicate, so it addresses the
    person; the latest assessment of either record counts."""
    kept = factories.person(name="Kept Person")
    duplicate = factories.person(name="Duplicate Person")
    other = factories.person(name="Other Person")
    made = factories.communication(
        country="COL", sent_at=at(2015, 2, 1), persons=(kept, duplicate, other)
    )
    Person.objects.filter(pk=duplicate.pk).update(merged_into=kept)
    reply(made, dt.date(2015, 3, 1), "steps_taken", duplicate)
    assess(made, kept, "much_worse", source="desk")
    assess(made, duplicate, "much_better", source="desk")
    statistics = research_statistics(**Y2015, now=AFTER_C_DUE)
    overall = table(statistics, "replies-overall")
    assert row(overall, "cases").n == 2
    assert cells(overall, "cases") == {"steps_taken": 1, NO_REPLY: 1}
    development = table(statistics, "case-development")
    assert development.n == 1
    assert cells(development, "desk-complete") == {"much_better": 1}


def test_the_year_sent_is_the_utc_year_to_the_last_instant() -> None:
    """The last second of 2013 is 2013; the first instant of 2016 is 2016; 2014 and 2015
    have nothing and get no row."""
    factories.communication(
        country="COL", sent_at=dt.datetime(2013, 12, 31, 23, 59, 59, tzinfo=dt.UTC)
    )
    factories.communication(country="COL", sent_at=dt.datetime(2016, 1, 1, tzinfo=dt.UTC))
    statistics = research_statistics(
        start=dt.date(2013, 1, 1), end=dt.date(2016, 12, 31), parts=[REPLIES]
    )
    by_year = table(statistics, "replies-year-communications")
    assert [(item.key, item.n) for item in by_year.rows] == [("2013", 1), ("2016", 1)]
