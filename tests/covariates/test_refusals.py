"""Bad files are refused as a whole, with every problem by line and column, and write nothing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from spcomms.audit.models import AuditEvent
from spcomms.covariates import services
from spcomms.covariates.formats import FileFormat
from spcomms.covariates.models import CountryYearValue, Variable
from spcomms.covariates.services import CovariateImportError, covariates_import
from tests.covariates.conftest import WriteFile, stored

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Bad:
    content: str | bytes
    expected: str
    name: str = "covariates.csv"
    encoding: str = "utf-8"
    file_format: FileFormat | None = None
    indicator: str | None = None
    variable: str | None = None


BAD_FILES = {
    "unknown country": Bad(
        "country,year,polity\nXYZ,2015,5\n",
        "line 2, column country: unknown country code 'XYZ': use an ISO 3166-1 alpha-3 (KEN) "
        "or alpha-2 (KE) code.",
    ),
    "empty country": Bad("country,year,polity\n,2015,5\n", "line 2, column country: the country"),
    "non-numeric value": Bad(
        "country,year,polity\nKEN,2015,high\n", "line 2, column polity: 'high' is not a number."
    ),
    "decimal comma": Bad(
        'country,year,fragility\nKEN,2015,"12,5"\n',
        "line 2, column fragility: '12,5' is not a number: use a dot as the decimal separator "
        "(12.5).",
    ),
    "not a number": Bad("country,year,polity\nKEN,2015,nan\n", "'nan' is not a number."),
    "infinity": Bad("country,year,gdp_usd\nKEN,2015,inf\n", "'inf' is not a number."),
    "value above the range": Bad(
        "country,year,polity\nKEN,2015,11\n",
        "line 2, column polity: 11 is outside the range of polity (from -10 to 10).",
    ),
    "polity special code": Bad(
        "country,year,polity\nKEN,2015,-88\n", "-88 is outside the range of polity"
    ),
    "value below the minimum": Bad(
        "country,year,gdp_usd\nKEN,2015,-1\n",
        "line 2, column gdp_usd: -1 is outside the range of gdp_usd (at least 0).",
    ),
    "binary variable": Bad(
        "country,year,upr_within_year\nKEN,2015,0.5\n",
        "line 2, column upr_within_year: 0.5 is not allowed: upr_within_year is 0 or 1.",
    ),
    "duplicate country and year": Bad(
        "country,year,polity\nKEN,2015,5\nKE,2015,6\n",
        "line 3: KE 2015 already appears on line 2.",
    ),
    "year not a number": Bad(
        "country,year,polity\nKEN,20x5,5\n",
        "line 2, column year: '20x5' is not a year from 1900 to 2100.",
    ),
    "year out of range": Bad(
        "country,year,polity\nKEN,1850,5\n", "line 2, column year: '1850' is not a year"
    ),
    "year with a fraction": Bad("country,year,polity\nKEN,2015.5,5\n", "'2015.5' is not a year"),
    "unknown column": Bad(
        "country,year,polty\nKEN,2015,5\n",
        "line 1, column polty: unknown column: no variable has the code polty. Did you mean "
        "polity?",
    ),
    "computed column": Bad(
        "country,year,aid_dependency\nKEN,2015,5\n",
        "line 1, column aid_dependency: aid_dependency is computed from oda_net_usd and gdp_usd; "
        "import those instead.",
    ),
    "missing required column": Bad(
        "country,polity\nKEN,5\n", "line 1: the required column year is missing."
    ),
    "no variable column": Bad("country,year\nKEN,2015\n", "line 1: there are no variable columns"),
    "duplicate column": Bad(
        "country,year,polity,Polity\nKEN,2015,5,5\n",
        "line 1, column Polity: this column appears twice (columns 3 and 4).",
    ),
    "row longer than the header": Bad(
        "country,year,polity\nKEN,2015,5,7\n",
        "line 2: this row has 4 cells but the header names only 3.",
    ),
    "latin-1 file": Bad(
        "country,year,polity\nKEN,2015,5\nCIV,2015,0\n# Côte d'Ivoire\n",
        "line 4: the file is not UTF-8 (byte 0xF4 cannot be read). Re-save it as UTF-8",
        encoding="latin-1",
    ),
    "utf-16 file": Bad(
        "country,year,polity\nKEN,2015,5\n", "line 1: the file is not UTF-8", encoding="utf-16"
    ),
    "spreadsheet": Bad(
        b"PK\x03\x04\x14\x00\x06\x00",
        "this is a spreadsheet (.xlsx or .ods), not a CSV file. Save it as CSV UTF-8",
        name="covariates.xlsx",
    ),
    "empty file": Bad(b"", "the file is empty: there is no header and no data."),
    "blank file with a byte order mark": Bad(b"\xef\xbb\xbf\n\n", "the file is empty"),
    "header without rows": Bad(
        "country,year,polity\n", "line 1: the file has a header but no data rows below it."
    ),
    "unknown layout": Bad(
        "iso,yr,polity\nKEN,2015,5\n", "line 1: cannot tell the format from this header"
    ),
    "lines above a spcomms header": Bad(
        "Polity scores\ncountry,year,polity\nKEN,2015,5\n",
        "line 1: cannot tell the format from this header (Polity scores).",
    ),
    "semicolons": Bad(
        "country;year;polity\nKEN;2015;5\n", "the columns are separated by semicolons"
    ),
    "broken quoting": Bad(
        'country,year,polity\nKEN,"2015"x,5\n', "line 2: the file cannot be read as CSV"
    ),
    "vdem value out of range": Bad(
        "country_text_id,year,v2x_polyarchy\nKEN,2015,1.2\n",
        "line 2, column v2x_polyarchy: 1.2 is outside the range of vdem_polyarchy (from 0 to 1).",
    ),
    "vdem duplicate": Bad(
        "country_text_id,year,v2x_polyarchy\nKEN,2015,0.5\nKEN,2015,0.6\n",
        "line 3: KEN 2015 already appears on line 2.",
    ),
    "vdem bad year": Bad(
        "country_text_id,year,v2x_polyarchy\nKEN,,0.5\n", "line 2, column year: '' is not a year"
    ),
    "vdem without indices": Bad(
        "country_text_id,year,v2x_foo\nKEN,2015,0.5\n", "none of the V-Dem indices is here"
    ),
    "world bank negative gdp": Bad(
        "Country Name,Country Code,Year,Value\nKenya,KEN,2015,-5\n",
        "line 2, column Value: -5 is outside the range of gdp_usd (at least 0).",
        name="ny.gdp.mktp.cd.csv",
    ),
    "world bank missing value column": Bad(
        "Country Name,Country Code,Year\nKenya,KEN,2015\n",
        "line 1: the required column Value is missing.",
        name="ny.gdp.mktp.cd.csv",
    ),
    "world bank long without an indicator": Bad(
        "Country Name,Country Code,Year,Value\nKenya,KEN,2015,5\n",
        "cannot tell which indicator this file holds",
        name="gdp.csv",
    ),
    "world bank unknown indicator": Bad(
        "Country Name,Country Code,Year,Value\nKenya,KEN,2015,5\n",
        "the indicator SP.POP.TOTL has no variable in spcomms",
        indicator="SP.POP.TOTL",
    ),
    "world bank unknown target variable": Bad(
        "Country Name,Country Code,Year,Value\nKenya,KEN,2015,5\n",
        "there is no variable populaton.",
        indicator="SP.POP.TOTL",
        variable="populaton",
    ),
    "world bank wide with a column that is not a year": Bad(
        '"Country Name","Country Code","Indicator Name","Indicator Code","2015","Notes"\n'
        '"Kenya","KEN","GDP","NY.GDP.MKTP.CD","70120446896.8359",""\n',
        "line 1, column Notes: unknown column",
    ),
    "world bank wide duplicate": Bad(
        '"Country Name","Country Code","Indicator Name","Indicator Code","2015"\n'
        '"Kenya","KEN","GDP","NY.GDP.MKTP.CD","7"\n'
        '"Kenya","KEN","GDP","NY.GDP.MKTP.CD","8"\n',
        "line 3: KEN NY.GDP.MKTP.CD already appears on line 2.",
    ),
    "indicator given for a spcomms file": Bad(
        "country,year,polity\nKEN,2015,5\n",
        "--indicator and --variable apply to World Bank files only",
        indicator="NY.GDP.MKTP.CD",
    ),
    "format given that the header does not match": Bad(
        "country,year,polity\nKEN,2015,5\n",
        "line 1: the required column country_text_id is missing.",
        file_format=FileFormat.VDEM,
    ),
}


@pytest.mark.parametrize("bad", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_it_refuses_a_bad_file_saying_where_and_writes_nothing(
    reference: None, write_file: WriteFile, bad: Bad
) -> None:
    path = write_file(bad.content, name=bad.name, encoding=bad.encoding)

    with pytest.raises(CovariateImportError) as refused:
        covariates_import(
            path=path, file_format=bad.file_format, indicator=bad.indicator, variable=bad.variable
        )

    messages = [str(problem) for problem in refused.value.problems]
    assert any(bad.expected in message for message in messages), messages
    assert not CountryYearValue.objects.exists()
    assert not Variable.objects.exists()
    assert not AuditEvent.objects.exists()


def test_every_problem_is_reported_not_only_the_first(
    reference: None, write_file: WriteFile
) -> None:
    path = write_file(
        "country,year,polity,fragility,bogus\n"
        "KEN,2015,5,3,\n"
        "XYZ,2015,5,3,\n"
        "KEN,2016,eleven,30,\n"
        "KEN,2015,5,3,\n"
    )

    with pytest.raises(CovariateImportError) as refused:
        covariates_import(path=path)

    where = [(problem.line, problem.column) for problem in refused.value.problems]
    assert where == [(1, "bogus"), (3, "country"), (4, "polity"), (4, "fragility"), (5, None)]


def test_a_refused_file_leaves_earlier_values_as_they_were(
    reference: None, write_file: WriteFile
) -> None:
    covariates_import(path=write_file("country,year,polity\nKEN,2015,9\n", "good.csv"))

    with pytest.raises(CovariateImportError):
        covariates_import(
            path=write_file("country,year,polity\nKEN,2015,-3\nKEN,2016,99\n", "bad.csv")
        )

    assert stored("KEN", 2015, "polity") == 9
    assert CountryYearValue.objects.count() == 1


def test_a_utf8_byte_order_mark_is_accepted(reference: None, write_file: WriteFile) -> None:
    path = write_file("\ufeffcountry,year,polity\r\nKEN,2015,9\r\n")

    report = covariates_import(path=path)

    assert report.file_format == FileFormat.SPCOMMS
    assert stored("KEN", 2015, "polity") == 9


def test_it_asks_for_reference_data_when_there_are_no_countries(
    db: None, write_file: WriteFile
) -> None:
    with pytest.raises(CovariateImportError) as refused:
        covariates_import(path=write_file("country,year,polity\nKEN,2015,9\n"))

    assert "spcomms reference load" in str(refused.value.problems[0])


def test_it_says_when_the_file_does_not_exist(reference: None, tmp_path: Path) -> None:
    with pytest.raises(CovariateImportError) as refused:
        covariates_import(path=tmp_path / "missing.csv")

    assert "there is no file at" in str(refused.value.problems[0])


def test_a_clash_with_a_concurrent_import_is_refused_cleanly(
    reference: None, write_file: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another import stores the same key between our check and our write."""
    real_insert = services._insert

    def racing_insert(rows: list[services.NewValue], **kwargs: object) -> None:
        country_id, year, variable_id, _value = rows[0]
        CountryYearValue.objects.create(
            country_id=country_id, year=year, variable_id=variable_id, value=1, origin="other.csv"
        )
        real_insert(rows, **kwargs)  # type: ignore[arg-type]  # passes the caller's keywords on

    monkeypatch.setattr(services, "_insert", racing_insert)

    with pytest.raises(CovariateImportError) as refused:
        covariates_import(path=write_file("country,year,polity\nKEN,2015,9\n"))

    assert "Import it again" in str(refused.value.problems[0])
    assert not CountryYearValue.objects.exists()
    assert not AuditEvent.objects.exists()
