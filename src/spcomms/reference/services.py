"""Loading the reference data shipped with spcomms.

Countries come from pycountry (ISO 3166-1 codes and their French and Spanish
names), the UN regional groups from countrygroups, and the Special Rapporteur's
reporting regions, mandates and vocabularies from the files in ``data/``.
Loading adds what is missing and leaves existing rows alone, so an
administrator's edits survive a reload.
"""

from __future__ import annotations

import csv
import gettext
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import countrygroups
import pycountry
from django.db import transaction

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

UN_GROUP_KEYS = {
    "AFRICAN_GROUP": UNRegionalGroup.AFRICAN,
    "ASIA_PACIFIC_GROUP": UNRegionalGroup.ASIA_PACIFIC,
    "EASTERN_EUROPEAN_GROUP": UNRegionalGroup.EASTERN_EUROPEAN,
    "GRULAC": UNRegionalGroup.LATIN_AMERICAN_CARIBBEAN,
    "WEOG": UNRegionalGroup.WESTERN_EUROPEAN_OTHERS,
}
# Turkey takes part in both the Asia-Pacific Group and the Western European and
# others Group; it is counted with the latter, where it stands for elections.
UN_GROUP_OVERRIDES = {"TUR": UNRegionalGroup.WESTERN_EUROPEAN_OTHERS}


@dataclass(frozen=True)
class LoadReport:
    countries: int
    mandates: int
    terms: int


def _data_file(name: str) -> str:
    return (resources.files("spcomms.reference") / "data" / name).read_text(encoding="utf-8")


@cache
def un_regional_groups() -> dict[str, UNRegionalGroup]:
    """ISO3 code to UN regional group, for the 193 member States."""
    groups: dict[str, UNRegionalGroup] = {}
    for key, group in UN_GROUP_KEYS.items():
        for iso3 in getattr(countrygroups.UN_REGIONAL_GROUPS, key):
            groups.setdefault(iso3, group)
    groups.update(UN_GROUP_OVERRIDES)
    return groups


@cache
def reporting_regions() -> dict[str, ReportingRegion]:
    """ISO3 code to the reporting region of A/HRC/31/55, from our curated file."""
    reader = csv.DictReader(_data_file("reporting_regions.csv").splitlines())
    return {row["iso3"]: ReportingRegion(row["reporting_region"]) for row in reader}


def _translator(language: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])


def _translated(translator: gettext.NullTranslations, common: str, official: str) -> str:
    """The translation of a country's common name, else of its official name."""
    text = translator.gettext(common)
    return text if text != common else translator.gettext(official)


def country_rows() -> list[Country]:
    french, spanish = _translator("fr"), _translator("es")
    groups, regions = un_regional_groups(), reporting_regions()
    rows = []
    for entry in pycountry.countries:
        english = getattr(entry, "common_name", None) or entry.name
        rows.append(
            Country(
                iso2=entry.alpha_2,
                iso3=entry.alpha_3,
                numeric=entry.numeric,
                name_en=english,
                name_fr=_translated(french, english, entry.name),
                name_es=_translated(spanish, english, entry.name),
                un_member=entry.alpha_3 in groups,
                un_regional_group=groups.get(entry.alpha_3, ""),
                reporting_region=regions.get(entry.alpha_3, ""),
            )
        )
    return rows


def _term_rows(model: type[Any], entries: list[list[Any]]) -> list[Any]:
    rows = []
    for position, entry in enumerate(entries):
        code, name_en, name_fr, name_es, *extra = entry
        attributes = extra[0] if extra else {}
        rows.append(
            model(
                code=code,
                name_en=name_en,
                name_fr=name_fr,
                name_es=name_es,
                position=position * 10,
                **attributes,
            )
        )
    return rows


def _add_missing(model: type[Any], rows: list[Any]) -> int:
    """Insert the rows whose unique key is not taken yet; return how many were added."""
    before = model.objects.count()
    model.objects.bulk_create(rows, ignore_conflicts=True)
    added: int = model.objects.count() - before
    return added


@transaction.atomic
def reference_load() -> LoadReport:
    """Add every shipped country, mandate and vocabulary term that is missing."""
    countries = _add_missing(Country, country_rows())
    mandates = _add_missing(
        Mandate,
        [
            Mandate(code=code, kind=kind, established=year, name_en=en, name_fr=fr, name_es=es)
            for code, kind, year, en, fr, es in json.loads(_data_file("mandates.json"))
        ],
    )
    vocabularies = json.loads(_data_file("vocabularies.json"))
    terms = sum(
        _add_missing(model, _term_rows(model, vocabularies[key]))
        for model, key in (
            (ViolationType, "violation_types"),
            (PerpetratorType, "perpetrator_types"),
            (IssueArea, "issue_areas"),
            (ReplyClass, "reply_classes"),
        )
    )
    return LoadReport(countries=countries, mandates=mandates, terms=terms)
