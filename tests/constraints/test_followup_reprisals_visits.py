"""Integrity rules of assessments, reprisals, visits, covariates and reference data."""

from __future__ import annotations

import datetime as dt

import pytest

from spcomms.communications.models import CommunicationPerson
from spcomms.covariates.models import CountryYearValue, UPRReview, Variable
from spcomms.followup.models import (
    Assessment,
    AssessmentSource,
    CaseDevelopment,
    InformationLevel,
)
from spcomms.reference.models import Country, Mandate, ReplyClass
from spcomms.reprisals.models import Cooperation, ReprisalAllegation
from spcomms.visits.models import StandingInvitation, VisitRequest, VisitStatus
from tests import factories
from tests.constraints.conftest import Refusal

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(reference: None) -> CommunicationPerson:
    defender = factories.person()
    return factories.communication(persons=(defender,)).named.get()


def _assessment(case: CommunicationPerson, **fields: object) -> Assessment:
    values: dict[str, object] = {
        "case": case,
        "period_months": 12,
        "development": CaseDevelopment.SOMEWHAT_BETTER,
        "source": AssessmentSource.SURVEY,
        "information_level": InformationLevel.COMPLETE,
        "assessed_on": dt.date(2017, 3, 1),
    }
    values.update(fields)
    return Assessment(**values)


@pytest.mark.parametrize(
    ("fields", "expect"),
    [
        ({"period_months": 0}, "assessment_period_plausible"),
        ({"development": "fine"}, "development"),
        ({"source": "rumour"}, "source"),
        ({"information_level": "total"}, "information_level"),
        ({"impact_attention": "maybe"}, "impact_attention"),
    ],
)
def test_an_assessment_with_invalid_values_is_refused(
    case: CommunicationPerson, refused_twice: Refusal, fields: dict[str, object], expect: str
) -> None:
    refused_twice(_assessment(case, **fields), expect)


def test_improvement_is_much_or_somewhat_better_and_unknown_is_no_answer(
    case: CommunicationPerson,
) -> None:
    assert _assessment(case, development=CaseDevelopment.MUCH_BETTER).improved is True
    assert _assessment(case, development=CaseDevelopment.MIXED).improved is False
    assert _assessment(case, development=CaseDevelopment.NOT_KNOWN).improved is None


def test_a_reprisal_reported_before_it_happened_is_refused(
    reference: None, refused_twice: Refusal
) -> None:
    refused_twice(
        ReprisalAllegation(
            country=Country.objects.get(iso3="BHR"),
            occurred_on=dt.date(2016, 5, 2),
            reported_on=dt.date(2016, 5, 1),
            cooperation=Cooperation.COUNCIL_SESSION,
        ),
        "reprisal_reported_after_occurring",
    )


def test_a_reprisal_with_an_unknown_cooperation_is_refused(
    reference: None, refused_twice: Refusal
) -> None:
    refused_twice(
        ReprisalAllegation(
            country=Country.objects.get(iso3="BHR"),
            reported_on=dt.date(2016, 5, 1),
            cooperation="gossip",
        ),
        "cooperation",
    )


def _visit(**fields: object) -> VisitRequest:
    values: dict[str, object] = {
        "mandate": Mandate.objects.get(code="sr-hrd"),
        "country": Country.objects.get(iso3="HND"),
        "requested_on": dt.date(2015, 1, 10),
    }
    values.update(fields)
    return VisitRequest(**values)


@pytest.mark.parametrize(
    ("fields", "expect"),
    [
        (
            {"start_date": dt.date(2016, 5, 10), "end_date": dt.date(2016, 5, 1)},
            "visit_dates_ordered",
        ),
        ({"accepted_on": dt.date(2014, 12, 1)}, "visit_accepted_after_request"),
        ({"status": VisitStatus.CARRIED_OUT}, "visit_carried_out_has_dates"),
        ({"status": "lost"}, "status"),
    ],
)
def test_a_visit_request_with_inconsistent_dates_or_status_is_refused(
    reference: None, refused_twice: Refusal, fields: dict[str, object], expect: str
) -> None:
    refused_twice(_visit(**fields), expect)


def test_a_state_has_one_open_standing_invitation(reference: None, refused_twice: Refusal) -> None:
    peru = Country.objects.get(iso3="PER")
    StandingInvitation.objects.create(country=peru, extended_on=dt.date(2003, 1, 1))
    refused_twice(
        StandingInvitation(country=peru, extended_on=dt.date(2010, 1, 1)),
        "standinginvitation_one_open_per_state",
    )
    StandingInvitation.objects.create(
        country=peru, extended_on=dt.date(1999, 1, 1), withdrawn_on=dt.date(2001, 1, 1)
    )


def test_a_covariate_value_is_stored_once_per_country_year_and_variable(
    reference: None, refused_twice: Refusal
) -> None:
    polity = Variable.objects.create(code="polity_test", label="Polity", minimum=-10, maximum=10)
    chile = Country.objects.get(iso3="CHL")
    CountryYearValue.objects.create(country=chile, year=2010, variable=polity, value=10)
    refused_twice(
        CountryYearValue(country=chile, year=2010, variable=polity, value=9),
        "already exists",
    )
    refused_twice(
        CountryYearValue(country=chile, year=1066, variable=polity, value=9),
        "countryyearvalue_year_plausible",
    )


def test_a_variable_range_must_be_ordered(reference: None, refused_twice: Refusal) -> None:
    refused_twice(Variable(code="x", label="X", minimum=5, maximum=1), "variable_range_ordered")


def test_a_upr_cycle_is_reviewed_once_per_state(reference: None, refused_twice: Refusal) -> None:
    kenya = Country.objects.get(iso3="KEN")
    UPRReview.objects.create(country=kenya, cycle=2, review_date=dt.date(2015, 1, 21))
    refused_twice(
        UPRReview(country=kenya, cycle=2, review_date=dt.date(2015, 5, 1)),
        "already exists",
    )


def test_country_codes_must_be_capitals(reference: None, refused_twice: Refusal) -> None:
    refused_twice(
        Country(iso2="zz", iso3="ZZZ", numeric="999", name_en="Z", name_fr="Z", name_es="Z"),
        "country_iso2_two_capitals",
    )


def test_a_reply_class_needs_a_known_group(reference: None, refused_twice: Refusal) -> None:
    refused_twice(
        ReplyClass(code="odd", name_en="Odd", name_fr="Odd", name_es="Odd", group="odd"), "group"
    )
