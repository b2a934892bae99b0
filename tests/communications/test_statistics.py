"""The yearly communications figures (A/HRC/31/55 paras 5-6), computed by hand on small datasets.

Each test builds a few communications whose figures can be counted on one's
fingers, through the service and through ``spcomms stats communications``.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pytest_django import DjangoAssertNumQueries

from spcomms.cases.models import Person, PersonKind
from spcomms.communications.models import (
    Addressee,
    Communication,
    CommunicationMandate,
    CommunicationStatus,
    CommunicationType,
    NonStateActor,
    NonStateKind,
)
from spcomms.communications.statistics import (
    BUSINESS,
    OTHER_NON_STATE,
    UNASSIGNED,
    CommunicationStatistics,
    Share,
    StatisticsRequestError,
    communications_statistics,
    last_complete_year,
)
from spcomms.demo import targets
from spcomms.demo.models import SyntheticDataset
from spcomms.demo.services import demo_build
from spcomms.reference.models import Country, Mandate, ReportingRegion
from tests import factories
from tests.core.test_settings import run_spcomms

pytestmark = pytest.mark.usefixtures("reference")

Y2015 = {"start": dt.date(2015, 1, 1), "end": dt.date(2015, 12, 31)}


def at(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC)


def regions(statistics: CommunicationStatistics) -> dict[str, int]:
    return {share.key: share.count for share in statistics.by_region}


def to_business(communication: Communication, *, copy_home_state: bool = True) -> NonStateActor:
    """Readdress a factory communication to a company, its State kept only as a copy."""
    actor = NonStateActor.objects.create(
        name=f"Mining Company {communication.pk}",
        kind=NonStateKind.BUSINESS,
        home_country=Country.objects.get(iso3="CAN"),
    )
    if copy_home_state:
        communication.addressees.update(is_copy=True)
    else:
        communication.addressees.all().delete()
    Addressee.objects.create(communication=communication, non_state_actor=actor)
    return actor


def stats_command(*args: str) -> str:
    out = StringIO()
    call_command("stats_communications", *args, stdout=out)
    return out.getvalue()


# The follow-up rule


def test_a_person_named_in_december_and_again_in_january_is_a_follow_up_only_in_january() -> None:
    defender = factories.person()
    factories.communication(sent_at=at(2014, 12, 15), persons=(defender,))
    factories.communication(sent_at=at(2015, 1, 10), persons=(defender,))

    december = communications_statistics(start=dt.date(2014, 12, 1), end=dt.date(2014, 12, 31))
    january = communications_statistics(start=dt.date(2015, 1, 1), end=dt.date(2015, 1, 31))
    both = communications_statistics(start=dt.date(2014, 12, 1), end=dt.date(2015, 1, 31))

    assert (december.communications, december.persons, december.follow_ups) == (1, 1, 0)
    assert (january.communications, january.persons, january.follow_ups) == (1, 1, 1)
    assert (both.communications, both.persons, both.follow_ups) == (2, 1, 1)


def test_an_earlier_mention_by_another_mandate_makes_a_follow_up_for_the_mandate_filtered() -> None:
    defender = factories.person()
    factories.communication(sent_at=at(2014, 6, 1), persons=(defender,), mandate="wgad")
    factories.communication(sent_at=at(2015, 6, 1), persons=(defender,), mandate="sr-hrd")

    statistics = communications_statistics(**Y2015, mandate="sr-hrd")

    assert (statistics.communications, statistics.follow_ups) == (1, 1)


def test_a_communication_counts_once_however_many_of_its_persons_were_named_before() -> None:
    first, second, new = factories.person(), factories.person(), factories.person()
    factories.communication(sent_at=at(2015, 2, 1), persons=(first, second))
    factories.communication(sent_at=at(2015, 3, 1), persons=(first, second, new))

    statistics = communications_statistics(**Y2015)

    assert (statistics.persons, statistics.follow_ups) == (3, 1)


def test_an_organisation_named_before_makes_a_follow_up_too() -> None:
    organisation = factories.person(kind=PersonKind.ORGANISATION)
    factories.communication(sent_at=at(2010, 5, 1), persons=(organisation,))
    factories.communication(sent_at=at(2015, 5, 1), persons=(organisation,))

    assert communications_statistics(**Y2015).follow_ups == 1


def test_a_draft_that_named_the_person_earlier_does_not_make_a_follow_up() -> None:
    defender = factories.person()
    factories.communication(sent_at=None, persons=(defender,))
    factories.communication(sent_at=at(2015, 4, 1), persons=(defender,))

    assert communications_statistics(**Y2015).follow_ups == 0


def test_two_communications_sent_at_the_same_moment_do_not_follow_up_on_each_other() -> None:
    defender = factories.person()
    factories.communication(sent_at=at(2015, 4, 1), persons=(defender,))
    factories.communication(sent_at=at(2015, 4, 1), persons=(defender,))
    factories.communication(sent_at=at(2015, 4, 1, hour=10), persons=(defender,))

    assert communications_statistics(**Y2015).follow_ups == 1


# Merged persons


def test_a_merged_duplicate_counts_as_the_person_it_was_merged_into() -> None:
    person = factories.person()
    duplicate = factories.person()
    Person.objects.filter(pk=duplicate.pk).update(merged_into=person)
    other = factories.person()
    factories.communication(sent_at=at(2015, 3, 1), persons=(duplicate,))
    factories.communication(sent_at=at(2015, 6, 1), persons=(person, other))
    factories.communication(sent_at=at(2015, 9, 1), persons=(duplicate, person))

    statistics = communications_statistics(**Y2015)

    assert statistics.persons == 2
    assert statistics.follow_ups == 2


def test_a_mention_of_the_merged_duplicate_makes_a_follow_up_on_the_person() -> None:
    person = factories.person()
    duplicate = factories.person()
    Person.objects.filter(pk=duplicate.pk).update(merged_into=person)
    factories.communication(sent_at=at(2014, 11, 1), persons=(person,))
    factories.communication(sent_at=at(2015, 1, 5), persons=(duplicate,))

    statistics = communications_statistics(**Y2015)

    assert (statistics.persons, statistics.follow_ups) == (1, 1)


# Addressees and regions


def test_a_business_addressee_with_its_home_state_copied_counts_as_business_not_as_a_state() -> (
    None
):
    letter = factories.communication(country="CAN", sent_at=at(2015, 7, 1))
    to_business(letter)
    factories.communication(country="COL", sent_at=at(2015, 7, 2))

    statistics = communications_statistics(**Y2015)

    assert statistics.communications == 2
    assert statistics.states == 1  # Colombia; Canada was only copied
    assert (statistics.business_addressees, statistics.other_non_state_addressees) == (1, 0)
    counted = regions(statistics)
    assert counted[BUSINESS] == 1
    assert counted[ReportingRegion.LATIN_AMERICA_CARIBBEAN] == 1
    assert counted[ReportingRegion.EUROPE_NORTH_AMERICA_CENTRAL_ASIA] == 0


def test_a_communication_to_two_states_counts_once_by_its_first_state_and_both_states_count() -> (
    None
):
    letter = factories.communication(country="KEN", sent_at=at(2015, 8, 1))
    Addressee.objects.create(communication=letter, country=Country.objects.get(iso3="FRA"))

    statistics = communications_statistics(**Y2015)

    assert (statistics.communications, statistics.states) == (1, 2)
    counted = regions(statistics)
    assert counted[ReportingRegion.AFRICA] == 1
    assert counted[ReportingRegion.EUROPE_NORTH_AMERICA_CENTRAL_ASIA] == 0
    assert sum(counted.values()) == 1


def test_a_state_addressed_twice_in_the_period_counts_as_one_state() -> None:
    factories.communication(country="MEX", sent_at=at(2015, 2, 1))
    factories.communication(country="MEX", sent_at=at(2015, 3, 1))
    factories.communication(country="EGY", sent_at=at(2015, 3, 1))

    statistics = communications_statistics(**Y2015)

    assert (statistics.communications, statistics.states) == (3, 2)
    assert regions(statistics)[ReportingRegion.MIDDLE_EAST_NORTH_AFRICA] == 1


def test_other_non_state_actors_and_states_outside_the_regions_have_rows_of_their_own() -> None:
    letter = factories.communication(country="CHE", sent_at=at(2015, 5, 1))
    letter.addressees.all().delete()
    organisation = NonStateActor.objects.create(
        name="An international organisation", kind=NonStateKind.INTERNATIONAL_ORGANISATION
    )
    Addressee.objects.create(communication=letter, non_state_actor=organisation)
    outside = Country.objects.filter(reporting_region="").order_by("iso3").first()
    assert outside is not None
    factories.communication(country=outside.iso3, sent_at=at(2015, 6, 1))

    statistics = communications_statistics(**Y2015)

    counted = regions(statistics)
    assert counted[OTHER_NON_STATE] == 1
    assert counted[UNASSIGNED] == 1
    assert counted[BUSINESS] == 0
    assert (statistics.states, statistics.other_non_state_addressees) == (1, 1)


def test_a_copied_state_is_not_addressed_and_gives_no_region() -> None:
    letter = factories.communication(country="IND", sent_at=at(2015, 5, 1))
    Addressee.objects.create(
        communication=letter, country=Country.objects.get(iso3="PAK"), is_copy=True
    )

    statistics = communications_statistics(**Y2015)

    assert statistics.states == 1
    assert regions(statistics)[ReportingRegion.ASIA_PACIFIC] == 1


def test_the_region_split_carries_counts_exact_fractions_and_one_decimal_percentages() -> None:
    for day in range(1, 3):
        factories.communication(country="CHN", sent_at=at(2015, 1, day))
    factories.communication(country="BRA", sent_at=at(2015, 1, 5))

    statistics = communications_statistics(**Y2015)

    asia = next(s for s in statistics.by_region if s.key == ReportingRegion.ASIA_PACIFIC)
    latin = next(
        s for s in statistics.by_region if s.key == ReportingRegion.LATIN_AMERICA_CARIBBEAN
    )
    assert (asia.count, asia.fraction, asia.percent) == (2, Fraction(2, 3), Decimal("66.7"))
    assert (latin.count, latin.fraction, latin.percent) == (1, Fraction(1, 3), Decimal("33.3"))


@pytest.mark.parametrize(
    ("count", "percent"),
    [(66, "31.6"), (38, "18.2"), (35, "16.7"), (34, "16.3"), (1, "0.5"), (209, "100.0")],
)
def test_percentages_of_the_report_round_half_up_to_one_decimal(count: int, percent: str) -> None:
    share = Share(key="x", label="x", count=count, total=209)

    assert share.percent == Decimal(percent)
    assert share.fraction == Fraction(count, 209)


def test_the_split_by_type_counts_each_communication_once() -> None:
    factories.communication(type=CommunicationType.URGENT_APPEAL, sent_at=at(2015, 1, 1))
    factories.communication(type=CommunicationType.URGENT_APPEAL, sent_at=at(2015, 2, 1))
    factories.communication(type=CommunicationType.ALLEGATION_LETTER, sent_at=at(2015, 3, 1))
    factories.communication(type=CommunicationType.OTHER_LETTER, sent_at=at(2015, 4, 1))

    statistics = communications_statistics(**Y2015)

    assert [(s.key, s.count, s.percent) for s in statistics.by_type] == [
        ("UA", 2, Decimal("50.0")),
        ("AL", 1, Decimal("25.0")),
        ("OL", 1, Decimal("25.0")),
    ]


def test_reprisals_are_the_communications_marked_as_concerning_one() -> None:
    reprisal = factories.communication(sent_at=at(2015, 1, 1))
    Communication.objects.filter(pk=reprisal.pk).update(concerns_reprisal=True)
    factories.communication(sent_at=at(2015, 1, 2))
    earlier = factories.communication(sent_at=at(2014, 1, 2))
    Communication.objects.filter(pk=earlier.pk).update(concerns_reprisal=True)

    assert communications_statistics(**Y2015).reprisals == 1


# Which communications count


def test_the_mandate_filter_keeps_communications_the_mandate_led_or_joined() -> None:
    factories.communication(sent_at=at(2015, 1, 1), mandate="sr-hrd")
    joined = factories.communication(sent_at=at(2015, 2, 1), mandate="wgad")
    CommunicationMandate.objects.create(
        communication=joined, mandate=Mandate.objects.get(code="sr-hrd")
    )
    factories.communication(sent_at=at(2015, 3, 1), mandate="wgad")

    assert communications_statistics(**Y2015, mandate="sr-hrd").communications == 2
    assert communications_statistics(**Y2015, mandate="wgad").communications == 2
    assert communications_statistics(**Y2015, mandate="sr-torture").communications == 0
    assert communications_statistics(**Y2015).communications == 3


def test_drafts_and_abandoned_drafts_do_not_count() -> None:
    defender = factories.person()
    factories.communication(sent_at=None, persons=(defender,))
    abandoned = factories.communication(sent_at=None, country="RUS")
    Communication.objects.filter(pk=abandoned.pk).update(status=CommunicationStatus.ABANDONED)
    factories.communication(sent_at=at(2015, 5, 5), country="COL")

    statistics = communications_statistics(**Y2015)

    assert (statistics.communications, statistics.states, statistics.persons) == (1, 1, 0)


def test_both_ends_of_the_period_are_included_whole_utc_days() -> None:
    inside = [
        dt.datetime(2015, 1, 1, 0, 0, tzinfo=dt.UTC),
        dt.datetime(2015, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
        # 00:30 on 1 January 2016 in Athens is still 31 December 2015 in UTC.
        dt.datetime(2016, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    ]
    outside = [
        dt.datetime(2014, 12, 31, 23, 59, 59, tzinfo=dt.UTC),
        dt.datetime(2016, 1, 1, 0, 0, tzinfo=dt.UTC),
    ]
    for sent_at in [*inside, *outside]:
        factories.communication(sent_at=sent_at)

    assert communications_statistics(**Y2015).communications == len(inside)
    one_day = communications_statistics(start=dt.date(2015, 1, 1), end=dt.date(2015, 1, 1))
    assert one_day.communications == 1


def test_a_period_may_run_from_the_first_to_the_last_date_python_knows() -> None:
    factories.communication(sent_at=at(2015, 5, 5))

    statistics = communications_statistics(start=dt.date.min, end=dt.date.max)

    assert statistics.communications == 1


def test_an_empty_period_gives_zeros_and_no_percentages() -> None:
    factories.communication(sent_at=at(2016, 1, 1))

    statistics = communications_statistics(**Y2015)

    assert statistics.is_empty
    assert (
        statistics.communications,
        statistics.states,
        statistics.non_state_addressees,
        statistics.persons,
        statistics.follow_ups,
        statistics.reprisals,
    ) == (0, 0, 0, 0, 0, 0)
    assert len(statistics.by_region) == 6
    assert len(statistics.by_type) == 3
    for share in (*statistics.by_region, *statistics.by_type):
        assert (share.count, share.fraction, share.percent) == (0, None, None)


def test_it_refuses_a_period_that_ends_before_it_starts() -> None:
    with pytest.raises(StatisticsRequestError, match="is after its end"):
        communications_statistics(start=dt.date(2015, 2, 1), end=dt.date(2015, 1, 31))


def test_it_refuses_an_unknown_mandate_and_lists_the_known_codes() -> None:
    with pytest.raises(
        StatisticsRequestError, match=r"no mandate with the code sr-nobody\..*sr-hrd"
    ):
        communications_statistics(**Y2015, mandate="sr-nobody")


def test_it_takes_a_fixed_number_of_queries_however_many_communications(
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    persons = [factories.person() for _ in range(5)]
    for index in range(30):
        letter = factories.communication(
            sent_at=at(2015, 1 + index % 12, 1 + index % 28), persons=(persons[index % 5],)
        )
        if index % 7 == 0:
            to_business(letter)

    with django_assert_max_num_queries(5):
        statistics = communications_statistics(**Y2015, mandate="sr-hrd")

    assert statistics.communications == 30
    assert statistics.persons == 5


def test_the_last_complete_year_is_the_latest_year_before_this_one_with_communications() -> None:
    today = dt.date(2017, 6, 1)
    assert last_complete_year(today=today) == 2016
    factories.communication(sent_at=at(2014, 3, 1))
    factories.communication(sent_at=at(2017, 3, 1))
    assert last_complete_year(today=today) == 2014


# The command


def _report_year() -> None:
    """A small year in the shape of A/HRC/31/55: follow-ups, a reprisal, a business."""
    named_before = factories.person()
    factories.communication(country="CHN", sent_at=at(2014, 6, 1), persons=(named_before,))
    factories.communication(country="CHN", sent_at=at(2015, 1, 1), persons=(named_before,))
    reprisal = factories.communication(
        country="IND", sent_at=at(2015, 2, 1), persons=(factories.person(),)
    )
    Communication.objects.filter(pk=reprisal.pk).update(concerns_reprisal=True)
    factories.communication(
        country="BRA", sent_at=at(2015, 3, 1), type=CommunicationType.ALLEGATION_LETTER
    )
    to_business(factories.communication(country="CAN", sent_at=at(2015, 4, 1)))


def test_the_command_prints_the_figures_as_a_paragraph_and_a_region_table() -> None:
    _report_year()

    text = stats_command("--from", "2015-01-01", "--to", "2015-12-31")

    assert "From 2015-01-01 to 2015-12-31, 4 communications were sent." in text
    assert "3 States were addressed." in text
    assert "1 non-State actor was addressed (business enterprises: 1)." in text
    assert "2 persons or organisations were named." in text
    assert "1 communication named someone already named in an earlier communication." in text
    assert "1 communication concerned reprisals" in text
    lines = text.splitlines()
    assert any(line.split() == ["Asia-Pacific", "2", "50.0", "%"] for line in lines)
    assert any(line.split() == ["Business", "enterprise", "1", "25.0", "%"] for line in lines)
    assert any(line.split() == ["Allegation", "letter", "1", "25.0", "%"] for line in lines)
    assert "synthetic" not in text


def test_the_command_prints_a_stable_json_structure() -> None:
    _report_year()

    data = json.loads(
        stats_command("--from", "2015-01-01", "--to", "2015-12-31", "--mandate", "sr-hrd", "--json")
    )

    assert data["version"] == 1
    assert data["synthetic"] is False
    assert data["period"] == {"from": "2015-01-01", "to": "2015-12-31"}
    assert data["mandate"] == "sr-hrd"
    assert (data["communications"], data["states"], data["persons"]) == (4, 3, 2)
    assert data["non_state_actors"] == {"business": 1, "other": 0}
    assert (data["follow_ups"], data["reprisals"]) == (1, 1)
    assert [row["key"] for row in data["by_region"]] == [*ReportingRegion.values, BUSINESS]
    asia = data["by_region"][0]
    assert asia == {"key": "asia_pacific", "count": 2, "share": 0.5}
    assert data["by_type"] == [
        {"key": "UA", "count": 3, "share": 0.75},
        {"key": "AL", "count": 1, "share": 0.25},
        {"key": "OL", "count": 0, "share": 0.0},
    ]


def test_the_json_keeps_exact_shares_and_gives_none_for_an_empty_period() -> None:
    for day in range(1, 4):
        factories.communication(country="CHN" if day < 3 else "BRA", sent_at=at(2015, 1, day))

    data = json.loads(stats_command("--from", "2015-01-01", "--to", "2015-12-31", "--json"))
    empty = json.loads(stats_command("--from", "2001-01-01", "--to", "2001-12-31", "--json"))

    assert data["by_region"][0]["share"] == 2 / 3
    assert empty["communications"] == 0
    assert all(row["share"] is None for row in empty["by_region"] + empty["by_type"])


def test_the_command_shows_a_dash_not_a_percentage_for_an_empty_period() -> None:
    text = stats_command("--from", "2001-01-01", "--to", "2001-12-31")

    assert "0 communications were sent." in text
    assert any(line.split() == ["Africa", "0", "—"] for line in text.splitlines())
    assert "%" not in text


def test_the_command_says_when_the_data_are_synthetic() -> None:
    SyntheticDataset.objects.create(seed=1)

    text = stats_command("--from", "2015-01-01", "--to", "2015-12-31")
    data = json.loads(stats_command("--from", "2015-01-01", "--to", "2015-12-31", "--json"))

    assert text.splitlines()[0] == (
        "These figures are computed from synthetic data made for demonstration."
    )
    assert data["synthetic"] is True


def test_the_command_names_the_mandate_it_was_limited_to() -> None:
    text = stats_command("--from", "2015-01-01", "--to", "2015-12-31", "--mandate", "wgad")

    assert "Only communications in which the mandate wgad took part" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2015-02-30", "--to", "2015-12-31"], "--from 2015-02-30 is not a date"),
        (["--from", "2015-01-01", "--to", "31/12/2015"], "--to 31/12/2015 is not a date"),
        (["--from", "2016-01-01", "--to", "2015-12-31"], "(2016-01-01) is after its end"),
        (
            ["--from", "2015-01-01", "--to", "2015-12-31", "--mandate", "SR-HRD"],
            "There is no mandate with the code SR-HRD",
        ),
    ],
)
def test_the_command_refuses_bad_input_with_a_clear_message(args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as refused:
        stats_command(*args)

    assert message in str(refused.value)


def test_spcomms_stats_communications_runs_as_a_sentence_and_fails_cleanly(tmp_path: Path) -> None:
    assert run_spcomms(tmp_path, "migrate", "--no-input").returncode == 0
    assert run_spcomms(tmp_path, "reference", "load").returncode == 0

    result = run_spcomms(
        tmp_path, "stats", "communications", "--from", "2015-01-01", "--to", "2015-12-31", "--json"
    )
    refused = run_spcomms(tmp_path, "stats", "communications", "--from", "x", "--to", "2015-12-31")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["communications"] == 0
    assert refused.returncode != 0
    assert "--from x is not a date" in refused.stderr
    assert "Traceback" not in refused.stderr


# The demonstration dataset


def test_on_the_demo_the_regional_shares_match_the_calibration() -> None:
    demo_build(seed=0, scale=0.05)  # about 225 letters

    statistics = communications_statistics(start=dt.date(1990, 1, 1), end=dt.date(2030, 12, 31))

    assert statistics.communications == Communication.objects.filter(status="sent").count()
    assert statistics.communications > 150
    shares = {share.key: share.fraction for share in statistics.by_region}
    for key, target in targets.REGION_SHARES.items():
        measured = shares[key]
        assert measured is not None
        assert abs(float(measured) - target) <= 0.03, key
    assert sum(share.count for share in statistics.by_region) == statistics.communications
