"""Follow-up due dates and the overdue list across month ends, leap years, time zones,
merges and splits (issue 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytest_django import Settings

from spcomms.cases.models import Person
from spcomms.communications.models import CommunicationPerson
from spcomms.followup import schedule
from spcomms.followup.models import (
    Assessment,
    AssessmentSource,
    CaseDevelopment,
    InformationLevel,
)
from spcomms.followup.schedule import Filters, FollowUpState, add_months, due_on
from tests import factories

pytestmark = pytest.mark.django_db


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), 48, dt.date(2028, 2, 29)),
        (dt.date(2023, 8, 31), 6, dt.date(2024, 2, 29)),
        (dt.date(2022, 8, 31), 6, dt.date(2023, 2, 28)),
        (dt.date(2023, 11, 30), 3, dt.date(2024, 2, 29)),
        (dt.date(2023, 10, 31), 3, dt.date(2024, 1, 31)),
        (dt.date(2023, 12, 31), 12, dt.date(2024, 12, 31)),
        (dt.date(2023, 5, 31), 1, dt.date(2023, 6, 30)),
        (dt.date(2024, 3, 31), -1, dt.date(2024, 2, 29)),
    ],
)
def test_calendar_months_are_clamped_to_the_end_of_a_shorter_month(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert add_months(day, months) == expected


@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)), st.integers(0, 120)
)
def test_adding_months_lands_in_the_right_month_never_later_than_the_same_day(
    day: dt.date, months: int
) -> None:
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day
    if result.day < day.day:  # clamped: only to the last day of the month
        assert (result + dt.timedelta(days=1)).day == 1


def test_a_sending_late_in_the_evening_counts_on_the_project_days_date(settings: Settings) -> None:
    """23:30 UTC on 31 January is already 1 February in Geneva and still 31 January in
    New York: the due date follows the project's time zone."""
    sent = utc(2024, 1, 31, 23, 30)
    settings.TIME_ZONE = "UTC"
    assert due_on(sent, 1) == dt.date(2024, 2, 29)
    assert due_on(sent, 12) == dt.date(2025, 1, 31)
    settings.TIME_ZONE = "Europe/Zurich"
    assert due_on(sent, 1) == dt.date(2024, 3, 1)
    assert due_on(sent, 3) == dt.date(2024, 5, 1)
    settings.TIME_ZONE = "America/New_York"
    assert due_on(utc(2024, 3, 1, 3, 0), 12) == dt.date(2025, 2, 28)  # 29 Feb in New York


def _named(sent_at: dt.datetime, *names: str, country: str = "COL") -> list[Person]:
    persons = [factories.person(name=name, country=country) for name in names]
    factories.communication(sent_at=sent_at, persons=tuple(persons), country=country)
    return persons


def _open(on: dt.date, **filters: object) -> list[tuple[str, int, dt.date, FollowUpState]]:
    found = schedule.open_follow_ups(on=on, filters=Filters(**filters))  # type: ignore[arg-type]
    schedule.attach_communications(found)
    return [
        (item.communication.reference, item.period_months, item.due_on, item.state(on))
        for item in found
        if item.communication is not None
    ]


def test_follow_ups_fall_due_at_3_6_and_12_months_and_are_overdue_after_the_grace(
    reference: None, settings: Settings
) -> None:
    settings.SPCOMMS_FOLLOWUP_GRACE_DAYS = 30
    _named(utc(2023, 11, 30, 10), "A")
    assert _open(dt.date(2024, 2, 28)) == []
    ((_ref, months, due, state),) = _open(dt.date(2024, 2, 29))
    assert (months, due, state) == (3, dt.date(2024, 2, 29), FollowUpState.DUE)
    assert _open(dt.date(2024, 3, 30))[0][3] == FollowUpState.DUE  # the 30th day of grace
    assert _open(dt.date(2024, 3, 31))[0][3] == FollowUpState.OVERDUE
    later = _open(dt.date(2024, 11, 30))
    assert [(m, d, s) for _r, m, d, s in later] == [
        (3, dt.date(2024, 2, 29), FollowUpState.OVERDUE),
        (6, dt.date(2024, 5, 30), FollowUpState.OVERDUE),
        (12, dt.date(2024, 11, 30), FollowUpState.DUE),
    ]


def test_the_overdue_list_follows_the_project_time_zone_at_a_month_end(
    reference: None, settings: Settings
) -> None:
    settings.SPCOMMS_FOLLOWUP_GRACE_DAYS = 0
    _named(utc(2023, 8, 31, 23, 30), "Late evening")
    settings.TIME_ZONE = "UTC"
    assert [(m, d, s) for _r, m, d, s in _open(dt.date(2024, 2, 29))] == [
        (3, dt.date(2023, 11, 30), FollowUpState.OVERDUE),
        (6, dt.date(2024, 2, 29), FollowUpState.DUE),
    ]
    settings.TIME_ZONE = "Asia/Tokyo"  # already 1 September there
    assert [(m, d, s) for _r, m, d, s in _open(dt.date(2024, 2, 29))] == [
        (3, dt.date(2023, 12, 1), FollowUpState.OVERDUE),
    ]
    assert [(m, d, s) for _r, m, d, s in _open(dt.date(2024, 3, 1))] == [
        (3, dt.date(2023, 12, 1), FollowUpState.OVERDUE),
        (6, dt.date(2024, 3, 1), FollowUpState.DUE),
    ]


def test_configured_periods_replace_the_default(reference: None, settings: Settings) -> None:
    settings.SPCOMMS_FOLLOWUP_MONTHS = [1, 24]
    _named(utc(2024, 1, 31, 9), "A")
    assert [(m, d) for _r, m, d, _s in _open(dt.date(2026, 2, 1))] == [
        (1, dt.date(2024, 2, 29)),
        (24, dt.date(2026, 1, 31)),
    ]


def _assess(mention: CommunicationPerson, months: int, **changes: object) -> Assessment:
    values: dict[str, object] = {
        "case": mention,
        "period_months": months,
        "development": CaseDevelopment.SAME,
        "source": AssessmentSource.DESK,
        "information_level": InformationLevel.LIMITED,
        "assessed_on": dt.date(2024, 1, 1),
    }
    values.update(changes)
    return Assessment.objects.create(**values)


def test_an_assessed_follow_up_leaves_the_list_and_drafts_never_enter_it(reference: None) -> None:
    (person,) = _named(utc(2023, 1, 10), "A")
    factories.communication(sent_at=None, persons=(factories.person(name="Draft"),))
    on = dt.date(2023, 4, 10)
    assert len(_open(on)) == 1
    _assess(CommunicationPerson.objects.get(person=person), 3)
    assert _open(on) == []
    assert len(_open(dt.date(2023, 7, 10))) == 1  # the 6-month one is still to do


def test_a_merge_counts_a_person_once_and_a_split_counts_them_apart_again(
    reference: None,
) -> None:
    first, second = _named(utc(2023, 1, 10), "Nabeel", "Nabil")
    on = dt.date(2023, 4, 10)
    assert len(_open(on)) == 2
    second.merged_into = first
    second.save()
    (only,) = schedule.open_follow_ups(on=on)
    assert only.person_id == first.pk
    assert len(only.mention_ids) == 2
    assert only.anchor_id == CommunicationPerson.objects.get(person=first).pk
    # An assessment recorded on the merged person's row counts for the canonical person.
    _assess(CommunicationPerson.objects.get(person=second), 3)
    assert _open(on) == []
    # Undoing the merge: the assessment stays with the row it was made on.
    second.merged_into = None
    second.save()
    (left,) = schedule.open_follow_ups(on=on)
    assert left.person_id == first.pk


def test_a_merge_across_communications_keeps_one_follow_up_per_communication(
    reference: None,
) -> None:
    (first,) = _named(utc(2023, 1, 10), "Nabeel")
    (second,) = _named(utc(2023, 2, 10), "Nabil")
    third = factories.person(name="Nabil H.")
    second.merged_into = third
    second.save()
    third.merged_into = first  # a chain of merges reaches the same canonical person
    third.save()
    on = dt.date(2023, 5, 10)
    follow_ups = schedule.open_follow_ups(on=on)
    assert [item.person_id for item in follow_ups] == [first.pk, first.pk]
    assert len({item.communication_id for item in follow_ups}) == 2


def test_filters_by_state_mandate_and_period(reference: None) -> None:
    _named(utc(2023, 1, 10), "A", country="COL")
    _named(utc(2023, 1, 10), "B", country="KEN")
    on = dt.date(2023, 7, 10)
    from spcomms.reference.models import Country, Mandate

    assert len(_open(on)) == 4
    kenya = Country.objects.get(iso3="KEN").pk
    assert {ref for ref, *_ in _open(on, country=kenya)} == {
        ref for ref, *_ in _open(on) if "KEN" in ref
    }
    assert len(_open(on, country=kenya)) == 2
    assert len(_open(on, period_months=6)) == 2
    assert _open(on, period_months=12) == []
    other = Mandate.objects.exclude(code="sr-hrd").first()
    assert other is not None
    assert _open(on, mandate=other.pk) == []
    assert len(_open(on, mandate=Mandate.objects.get(code="sr-hrd").pk)) == 4


def test_merging_undoing_and_splitting_through_the_persons_services_keep_the_lists_right(
    secretariat_officer: object,
) -> None:
    """The persons' own services (merge, undo, split) and the list read after each."""
    from spcomms.accounts.models import User
    from spcomms.cases.services import person_merge, person_merge_undo, person_split

    assert isinstance(secretariat_officer, User)
    (nabeel,) = _named(utc(2023, 1, 10), "Nabeel Rajab")
    (nabil,) = _named(utc(2023, 2, 10), "Nabil Rajab")
    on = dt.date(2023, 5, 20)
    people = {item.person_id for item in schedule.open_follow_ups(on=on)}
    assert people == {nabeel.pk, nabil.pk}

    merge = person_merge(actor=secretariat_officer, survivor=nabeel, absorbed=nabil)
    merged = schedule.open_follow_ups(on=on)
    assert [item.person_id for item in merged] == [nabeel.pk, nabeel.pk]  # one per communication
    _assess(CommunicationPerson.objects.get(person=nabil), 3)
    assert [item.communication_id for item in schedule.open_follow_ups(on=on)] == [
        merged[0].communication_id
    ]

    person_merge_undo(actor=secretariat_officer, merge=merge)
    assert [item.person_id for item in schedule.open_follow_ups(on=on)] == [nabeel.pk]

    # A split moves a mention, with its assessments, to a new person.
    (second_mention,) = CommunicationPerson.objects.filter(person=nabil)
    split = person_split(
        actor=secretariat_officer, person=nabil, mentions=[second_mention], name="Another Nabil"
    )
    assert schedule.open_follow_ups(on=on)[0].person_id == nabeel.pk
    assert len(schedule.open_follow_ups(on=on)) == 1  # the moved mention stays assessed
    later = schedule.open_follow_ups(on=dt.date(2023, 8, 20))
    assert {item.person_id for item in later} == {nabeel.pk, split.created_id}
