"""The shipped reference data: countries, regions, mandates, vocabularies."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import translation

from spcomms.reference.models import (
    Country,
    IssueArea,
    Mandate,
    PerpetratorType,
    ReplyClass,
    ReportingRegion,
    UNRegionalGroup,
    ViolationType,
)
from spcomms.reference.services import reference_load

pytestmark = pytest.mark.django_db


def test_it_loads_every_iso_country_and_the_193_member_states(reference: None) -> None:
    assert Country.objects.count() == 249
    assert Country.objects.filter(un_member=True).count() == 193


def test_every_member_state_has_a_regional_group_and_a_reporting_region(reference: None) -> None:
    members = Country.objects.filter(un_member=True)
    assert not members.filter(un_regional_group="").exists()
    assert not members.filter(reporting_region="").exists()
    groups = Counter(members.values_list("un_regional_group", flat=True))
    # The groups as countrygroups 0.13.0 lists them, with Turkey counted once, in
    # WEOG, and the United States (an observer there) counted with WEOG.
    assert groups == {
        UNRegionalGroup.AFRICAN: 54,
        UNRegionalGroup.ASIA_PACIFIC: 54,
        UNRegionalGroup.EASTERN_EUROPEAN: 23,
        UNRegionalGroup.LATIN_AMERICAN_CARIBBEAN: 33,
        UNRegionalGroup.WESTERN_EUROPEAN_OTHERS: 29,
    }


@pytest.mark.parametrize(
    ("iso3", "region"),
    [
        ("EGY", ReportingRegion.MIDDLE_EAST_NORTH_AFRICA),
        ("KAZ", ReportingRegion.EUROPE_NORTH_AMERICA_CENTRAL_ASIA),
        ("USA", ReportingRegion.EUROPE_NORTH_AMERICA_CENTRAL_ASIA),
        ("AUS", ReportingRegion.ASIA_PACIFIC),
        ("KEN", ReportingRegion.AFRICA),
        ("COL", ReportingRegion.LATIN_AMERICA_CARIBBEAN),
        ("PSE", ReportingRegion.MIDDLE_EAST_NORTH_AFRICA),
    ],
)
def test_reporting_regions_follow_the_curated_mapping(
    reference: None, iso3: str, region: ReportingRegion
) -> None:
    assert Country.objects.get(iso3=iso3).reporting_region == region


def test_country_names_follow_the_active_language(reference: None) -> None:
    germany = Country.objects.get(iso3="DEU")
    assert (germany.name_en, germany.name_fr, germany.name_es) == (
        "Germany",
        "Allemagne",
        "Alemania",
    )
    with translation.override("fr"):
        assert str(germany) == "Allemagne"


def test_vocabularies_carry_the_domain_terms(reference: None) -> None:
    assert ViolationType.objects.count() == 16
    assert set(PerpetratorType.objects.filter(is_business=True).values_list("code", flat=True)) == {
        "business_direct",
        "business_indirect",
    }
    assert IssueArea.objects.filter(is_minority=True).count() == 8
    assert not ReplyClass.objects.filter(code="no_reply").exists(), "no reply is derived"
    assert Mandate.objects.filter(code="sr-hrd", kind="sr").exists()


def test_reloading_keeps_an_administrators_edits(reference: None) -> None:
    ViolationType.objects.filter(code="raid").update(name_en="Raid on premises")
    reference_load()
    assert ViolationType.objects.get(code="raid").name_en == "Raid on premises"
    assert ViolationType.objects.count() == 16


def test_the_command_reports_what_it_did(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("reference_load")
    assert "Reference data loaded" in capsys.readouterr().out
    assert Country.objects.count() == 249
