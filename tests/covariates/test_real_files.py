"""Importing the real public files: V-Dem, the World Development Indicators, our own CSV.

Expected numbers are read from the files here with the csv module (or quoted
from the files), not from the importer, so the two are checked against each
other.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pycountry
import pytest

from spcomms.audit.models import AuditEvent
from spcomms.covariates.formats import FileFormat, SkipReason
from spcomms.covariates.models import CountryYearValue, Variable
from spcomms.covariates.services import CovariateImportError, covariates_import
from tests.covariates.conftest import WriteFile, stored

pytestmark = pytest.mark.django_db

ISO3 = frozenset(country.alpha_3 for country in pycountry.countries)
VDEM_COLUMNS = ("v2x_polyarchy", "v2x_libdem", "v2x_partipdem", "v2x_delibdem", "v2x_egaldem")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _values(code: str) -> dict[tuple[str, int], float]:
    return {
        (iso3, year): value
        for iso3, year, value in CountryYearValue.objects.filter(variable__code=code).values_list(
            "country__iso3", "year", "value"
        )
    }


def test_the_vdem_file_gives_the_five_indices_of_every_iso_country(
    reference: None, shared_data: Path
) -> None:
    path = shared_data / "vdem_simple_1946_2024.csv"
    rows = _rows(path)
    expected = sum(
        1
        for row in rows
        if row["country_text_id"] in ISO3
        for column in VDEM_COLUMNS
        if row[column]
    )

    report = covariates_import(path=path)

    assert report.file_format == FileFormat.VDEM
    assert report.rows == len(rows)
    assert report.values == expected == CountryYearValue.objects.count()
    # Kenya, 2015, as the file has it.
    assert stored("KEN", 2015, "vdem_polyarchy") == 0.535
    assert stored("KEN", 2015, "vdem_libdem") == 0.422
    assert stored("KEN", 2015, "vdem_partipdem") == 0.377
    assert stored("KEN", 2015, "vdem_delibdem") == 0.431
    assert stored("KEN", 2015, "vdem_egaldem") == 0.33
    assert stored("MEX", 1946, "vdem_polyarchy") == 0.192


def test_vdem_entities_outside_iso_3166_are_skipped_and_counted(
    reference: None, shared_data: Path
) -> None:
    path = shared_data / "vdem_simple_1946_2024.csv"
    outside = [row for row in _rows(path) if row["country_text_id"] not in ISO3]

    report = covariates_import(path=path)

    skipped = report.skipped[SkipReason.NOT_ISO]
    assert skipped.rows == len(outside)
    assert {"DDR", "VDR", "YMD", "SML", "ZZB"} <= skipped.codes
    assert set(report.skipped) == {SkipReason.NOT_ISO}


def test_an_empty_vdem_cell_stores_no_value(reference: None, shared_data: Path) -> None:
    path = shared_data / "vdem_simple_1946_2024.csv"
    row = next(r for r in _rows(path) if r["country_text_id"] in ISO3 and not r["v2x_libdem"])
    year = int(row["year"])

    covariates_import(path=path)

    assert stored(row["country_text_id"], year, "vdem_libdem") is None
    assert stored(row["country_text_id"], year, "vdem_polyarchy") == float(row["v2x_polyarchy"])


def test_the_world_bank_files_give_oda_gdp_and_aid_dependency(
    reference: None, shared_data: Path
) -> None:
    oda_path = shared_data / "wdi" / "dt.oda.odat.cd.csv"
    gdp_path = shared_data / "wdi" / "ny.gdp.mktp.cd.csv"

    oda_report = covariates_import(path=oda_path)
    gdp_report = covariates_import(path=gdp_path)

    assert (oda_report.indicator, gdp_report.indicator) == ("DT.ODA.ODAT.CD", "NY.GDP.MKTP.CD")
    # Kenya, 2015, as the files have it.
    oda, gdp = 2463558593.75, 70120446896.8359
    assert stored("KEN", 2015, "oda_net_usd") == oda
    assert stored("KEN", 2015, "gdp_usd") == gdp
    assert stored("KEN", 2015, "aid_dependency") == pytest.approx(100 * oda / gdp)
    assert stored("KEN", 2015, "aid_dependency") == pytest.approx(3.5133, abs=1e-4)
    # Aid dependency exactly where both exist, GDP is not zero, and the code is a country.
    oda_values = {
        (r["Country Code"], int(r["Year"])): float(r["Value"])
        for r in _rows(oda_path)
        if r["Country Code"] in ISO3 and r["Value"]
    }
    gdp_values = {
        (r["Country Code"], int(r["Year"])): float(r["Value"])
        for r in _rows(gdp_path)
        if r["Country Code"] in ISO3 and r["Value"]
    }
    both = {key for key in oda_values.keys() & gdp_values.keys() if gdp_values[key]}
    aid = _values("aid_dependency")
    assert set(aid) == both
    assert gdp_report.aid_dependency is not None
    assert gdp_report.aid_dependency.created == len(both)
    assert all(aid[key] == pytest.approx(100 * oda_values[key] / gdp_values[key]) for key in both)


def test_world_bank_aggregates_and_other_codes_are_skipped_and_counted(
    reference: None, shared_data: Path
) -> None:
    path = shared_data / "wdi" / "ny.gdp.mktp.cd.csv"
    rows = _rows(path)

    report = covariates_import(path=path)

    aggregates = report.skipped[SkipReason.AGGREGATE]
    assert {"WLD", "ARB", "EAP", "HIC", "EUU"} <= aggregates.codes
    assert report.skipped[SkipReason.NOT_ISO].codes == {"XKX", "CHI"}
    kept = sum(1 for r in rows if r["Country Code"] in ISO3)
    assert kept + aggregates.rows + report.skipped[SkipReason.NOT_ISO].rows == len(rows)
    assert report.values == kept
    assert not CountryYearValue.objects.filter(country__iso3__in=["WLD", "ARB"]).exists()


def test_aid_dependency_follows_whichever_of_oda_and_gdp_comes_last(
    reference: None, shared_data: Path, write_file: WriteFile
) -> None:
    covariates_import(path=shared_data / "wdi" / "ny.gdp.mktp.cd.csv")
    assert stored("KEN", 2015, "aid_dependency") is None

    covariates_import(path=shared_data / "wdi" / "dt.oda.odat.cd.csv")
    assert stored("KEN", 2015, "aid_dependency") == pytest.approx(3.5133, abs=1e-4)

    # A corrected ODA figure for one country-year recomputes that one only.
    report = covariates_import(
        path=write_file("country,year,oda_net_usd\nKEN,2015,701204468.968359\n")
    )
    assert stored("KEN", 2015, "aid_dependency") == pytest.approx(1.0)
    assert report.aid_dependency is not None
    assert (report.aid_dependency.created, report.aid_dependency.updated) == (0, 1)
    assert stored("KEN", 2014, "aid_dependency") is not None


def test_oda_as_a_share_of_gni_is_its_own_variable(reference: None, shared_data: Path) -> None:
    report = covariates_import(path=shared_data / "wdi" / "dt.oda.odat.gn.zs.csv")

    assert report.indicator == "DT.ODA.ODAT.GN.ZS"
    assert set(report.by_variable) == {"oda_pct_gni"}
    assert report.aid_dependency is None
    assert stored("KEN", 2010, "oda_pct_gni") == 3.7379602418569
    # Negative net ODA exists (repayments) and is kept.
    assert CountryYearValue.objects.filter(variable__code="oda_pct_gni", value__lt=0).exists()


def _world_bank_download(long_file: Path, indicator: str, name: str) -> str:
    """The long data-package file laid out as the World Bank's own download (wide)."""
    by_country: dict[tuple[str, str], dict[int, str]] = {}
    for row in _rows(long_file):
        by_country.setdefault((row["Country Name"], row["Country Code"]), {})[int(row["Year"])] = (
            row["Value"]
        )
    years = range(1960, 2024)
    lines = [
        '"Data Source","World Development Indicators",',
        "",
        '"Last Updated Date","2024-06-28",',
        "",
        ",".join(
            f'"{cell}"'
            for cell in ["Country Name", "Country Code", "Indicator Name", "Indicator Code", *years]
        )
        + ",",
    ]
    for (country, code), values in by_country.items():
        cells = [country, code, name, indicator, *(values.get(year, "") for year in years)]
        lines.append(",".join(f'"{cell}"' for cell in cells) + ",")
    return "\ufeff" + "\n".join(lines) + "\n"


def test_the_world_bank_download_layout_imports_like_the_data_package(
    reference: None, shared_data: Path, write_file: WriteFile
) -> None:
    long_file = shared_data / "wdi" / "dt.oda.odat.cd.csv"
    wide = write_file(
        _world_bank_download(long_file, "DT.ODA.ODAT.CD", "Net ODA received (current US$)"),
        name="API_DT.ODA.ODAT.CD_DS2_en_csv_v2_1234.csv",
    )

    report = covariates_import(path=wide)
    from_download = _values("oda_net_usd")
    CountryYearValue.objects.all().delete()
    covariates_import(path=long_file)

    assert report.file_format == FileFormat.WORLD_BANK
    assert report.indicator == "DT.ODA.ODAT.CD"
    assert from_download == _values("oda_net_usd")
    assert len(from_download) == report.values > 8000
    assert "WLD" in report.skipped[SkipReason.AGGREGATE].codes


def test_a_wide_file_with_several_indicators_can_be_narrowed_to_one(
    reference: None, write_file: WriteFile
) -> None:
    header = '"Country Name","Country Code","Indicator Name","Indicator Code","2014","2015"\n'
    path = write_file(
        header
        + '"Kenya","KEN","GDP","NY.GDP.MKTP.CD","61445345999.0","70120446896.8359"\n'
        + '"Kenya","KEN","Population","SP.POP.TOTL","46024250","47236259"\n'
    )

    with pytest.raises(CovariateImportError) as refused:
        covariates_import(path=path)
    assert "SP.POP.TOTL has no variable in spcomms" in str(refused.value.problems[0])

    report = covariates_import(path=path, indicator="ny.gdp.mktp.cd")
    assert report.skipped[SkipReason.OTHER_INDICATOR].codes == {"SP.POP.TOTL"}
    assert stored("KEN", 2015, "gdp_usd") == 70120446896.8359


def test_a_researchers_variable_can_hold_any_world_bank_indicator(
    reference: None, write_file: WriteFile
) -> None:
    Variable.objects.create(code="population", label="Population", minimum=0)
    path = write_file("Country Name,Country Code,Year,Value\nKenya,KEN,2015,47236259\n", "pop.csv")

    report = covariates_import(path=path, indicator="SP.POP.TOTL", variable="population")

    assert set(report.by_variable) == {"population"}
    assert stored("KEN", 2015, "population") == 47236259


def test_a_long_file_takes_its_indicator_from_the_datapackage_beside_it(
    reference: None, shared_data: Path, tmp_path: Path, write_file: WriteFile
) -> None:
    source = shared_data / "wdi" / "ny.gdp.mktp.cd.csv"
    package = json.loads((shared_data / "wdi" / "ny.gdp.mktp.cd.datapackage.json").read_text())
    head = "".join(source.open(encoding="utf-8").readlines()[:200])
    renamed = write_file(head, name="data.csv")

    with pytest.raises(CovariateImportError) as refused:
        covariates_import(path=renamed)
    assert "--indicator" in str(refused.value.problems[0])

    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    report = covariates_import(path=renamed)
    assert report.indicator == "NY.GDP.MKTP.CD"
    assert report.values > 0


def test_the_spcomms_format_takes_alpha3_and_alpha2_codes_in_any_case(
    reference: None, write_file: WriteFile
) -> None:
    path = write_file(
        "country,year,polity,fragility,upr_within_year\n"
        "ke,2015,9,,1\n"
        "KEN,2016,9,12.5,0\n"
        "\n"
        "bra,2016,8,7,\n"
    )

    report = covariates_import(path=path)

    assert report.file_format == FileFormat.SPCOMMS
    assert (report.rows, report.values) == (3, 7)
    assert stored("KEN", 2015, "polity") == 9
    assert stored("KEN", 2015, "fragility") is None
    assert stored("KEN", 2016, "fragility") == 12.5
    assert stored("BRA", 2016, "upr_within_year") is None
    assert CountryYearValue.objects.filter(origin="covariates.csv").count() == 7


def test_importing_the_same_file_twice_changes_nothing(reference: None, shared_data: Path) -> None:
    path = shared_data / "vdem_simple_1946_2024.csv"
    first = covariates_import(path=path)
    before = list(CountryYearValue.objects.order_by("pk").values_list("pk", "value", "imported_at"))

    second = covariates_import(path=path)

    assert first.totals.created == second.totals.unchanged == len(before)
    assert (second.totals.created, second.totals.updated) == (0, 0)
    assert (
        list(CountryYearValue.objects.order_by("pk").values_list("pk", "value", "imported_at"))
        == before
    )


def test_reimporting_oda_leaves_aid_dependency_unchanged(
    reference: None, shared_data: Path
) -> None:
    covariates_import(path=shared_data / "wdi" / "ny.gdp.mktp.cd.csv")
    first = covariates_import(path=shared_data / "wdi" / "dt.oda.odat.cd.csv")
    second = covariates_import(path=shared_data / "wdi" / "dt.oda.odat.cd.csv")

    assert first.aid_dependency is not None
    assert second.aid_dependency is not None
    assert second.aid_dependency.unchanged == first.aid_dependency.created > 0
    assert (second.aid_dependency.created, second.aid_dependency.updated) == (0, 0)


def test_a_changed_value_is_updated_and_the_rest_left_alone(
    reference: None, write_file: WriteFile
) -> None:
    covariates_import(path=write_file("country,year,polity\nKEN,2015,9\nKEN,2016,9\n", "a.csv"))

    report = covariates_import(
        path=write_file("country,year,polity\nKEN,2015,9\nKEN,2016,7\n", "b.csv")
    )

    assert (report.totals.created, report.totals.updated, report.totals.unchanged) == (0, 1, 1)
    assert stored("KEN", 2016, "polity") == 7
    assert CountryYearValue.objects.get(country__iso3="KEN", year=2016).origin == "b.csv"
    assert CountryYearValue.objects.get(country__iso3="KEN", year=2015).origin == "a.csv"


def test_each_import_leaves_one_audit_row_per_variable(
    reference: None, write_file: WriteFile
) -> None:
    covariates_import(
        path=write_file("country,year,polity,oda_net_usd,gdp_usd\nKEN,2015,9,10,1000\n")
    )

    events = AuditEvent.objects.filter(action="covariates.import")
    touched = Variable.objects.filter(pk__in=[int(e.object_id) for e in events])
    assert set(touched.values_list("code", flat=True)) == {
        "polity",
        "oda_net_usd",
        "gdp_usd",
        "aid_dependency",
    }
    aid = events.get(object_id=str(Variable.objects.get(code="aid_dependency").pk))
    assert aid.detail["created"] == 1
    assert stored("KEN", 2015, "aid_dependency") == 1.0


def test_the_full_vdem_layout_imports_with_its_extra_columns_and_early_years(
    reference: None, write_file: WriteFile
) -> None:
    """The full V-Dem file starts in 1789 and has thousands of other columns; it writes NA."""
    path = write_file(
        "country_name,country_text_id,country_id,year,v2x_polyarchy,v2x_polyarchy_codelow,"
        "v2x_libdem,v2x_partipdem,v2x_delibdem,v2x_egaldem,v2elvotbuy\n"
        "Sweden,SWE,5,1850,0.1,0.05,0.1,0.1,0.1,0.1,1.2\n"
        "Sweden,SWE,5,2020,0.9,0.85,0.88,NA,0.86,0.85,3.1\n"
        "Somaliland,SML,139,2020,0.4,0.3,0.3,0.3,0.3,0.3,0.1\n"
    )

    report = covariates_import(path=path)

    assert report.values == 4
    assert stored("SWE", 2020, "vdem_polyarchy") == 0.9
    assert stored("SWE", 2020, "vdem_partipdem") is None
    assert report.skipped[SkipReason.YEAR_OUT_OF_RANGE].rows == 1
    assert report.skipped[SkipReason.NOT_ISO].codes == {"SML"}


def test_aid_dependency_is_removed_when_gdp_becomes_zero(
    reference: None, write_file: WriteFile
) -> None:
    covariates_import(path=write_file("country,year,oda_net_usd,gdp_usd\nKEN,2015,50,1000\n"))
    assert stored("KEN", 2015, "aid_dependency") == 5.0

    report = covariates_import(path=write_file("country,year,gdp_usd\nKEN,2015,0\n", "fix.csv"))

    assert report.aid_dependency is not None
    assert report.aid_dependency.removed == 1
    assert stored("KEN", 2015, "aid_dependency") is None
    assert stored("KEN", 2015, "oda_net_usd") == 50
