"""The research dataset of seed 000 (issue 6): every variable on a small record computed by
hand, each file format read back with its labels, and the command's refusals."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from spcomms.analysis.dataset import Selection, build, stata_name, unique_names
from spcomms.analysis.writers import write
from spcomms.audit.models import AuditEvent
from spcomms.cases.models import Gender, Person
from spcomms.communications.models import CommunicationPerson, Reply
from spcomms.covariates.models import CountryYearValue, UPRReview, Variable
from spcomms.covariates.services import variables_ensure_builtin
from spcomms.demo.models import SyntheticDataset
from spcomms.followup.models import Assessment
from spcomms.reference.models import Country, IssueArea, PerpetratorType, ViolationType
from tests import factories

pytestmark = pytest.mark.django_db


def utc(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=dt.UTC)  # type: ignore[misc]


def value(country: str, year: int, code: str, number: float) -> None:
    CountryYearValue.objects.create(
        country=Country.objects.get(iso3=country),
        year=year,
        variable=Variable.objects.get(code=code),
        value=number,
    )


def assess(link: CommunicationPerson, development: str, source: str, level: str) -> Assessment:
    return Assessment.objects.create(
        case=link,
        period_months=12,
        development=development,
        source=source,
        information_level=level,
        assessed_on=dt.date(2017, 3, 1),
    )


def link(communication: Any, person: Person) -> CommunicationPerson:
    return CommunicationPerson.objects.get(communication=communication, person=person)


class Record:
    """The small fixed record every test reads (see the module docstring of each test)."""

    def __init__(self) -> None:
        variables_ensure_builtin()
        self.amina = factories.person(name="Amina Test")
        self.amina.gender = Gender.FEMALE
        self.amina.save()
        self.amina.issue_areas.add(IssueArea.objects.get(code="indigenous_peoples"))
        self.amina.issue_areas.add(IssueArea.objects.get(code="labour_rights"))
        self.bruno = factories.person(name="Bruno Test")
        self.bruno.gender = Gender.MALE
        self.bruno.save()
        self.bruno.issue_areas.add(IssueArea.objects.get(code="labour_rights"))
        self.carla = factories.person(name="Carla Test")  # gender not stated
        # Amina's duplicate record, merged into her.
        self.duplicate = factories.person(name="A. Test")
        self.duplicate.merged_into = self.amina
        self.duplicate.save()

        # 1: UA to Colombia, 1 March 2016, naming Amina and Bruno; published.
        self.first = factories.communication(
            country="COL", sent_at=utc(2016, 3, 1, 9), persons=(self.amina, self.bruno)
        )
        amina_1 = link(self.first, self.amina)
        amina_1.violations.add(
            ViolationType.objects.get(code="arbitrary_detention"),
            ViolationType.objects.get(code="torture"),
        )
        amina_1.perpetrators.add(PerpetratorType.objects.get(code="business_direct"))
        bruno_1 = link(self.first, self.bruno)
        bruno_1.perpetrators.add(PerpetratorType.objects.get(code="police"))
        # A reply that addresses Amina only.
        answer = factories.reply(to=self.first, received_on=dt.date(2016, 4, 20))
        answer.persons_addressed.add(amina_1)
        # Two assessments of Amina at 12 months: the later one (much worse) counts.
        assess(amina_1, "somewhat_better", "survey", "complete")
        assess(amina_1, "much_worse", "desk", "limited")
        assess(bruno_1, "same", "survey", "complete")
        # A 6-month assessment of Bruno does not count as the one-year outcome.
        Assessment.objects.create(
            case=bruno_1,
            period_months=6,
            development="much_better",
            source="desk",
            information_level="limited",
            assessed_on=dt.date(2016, 9, 1),
        )

        # 2: AL to China, 1 June 2016, withheld, naming the duplicate and Carla.
        self.second = factories.communication(
            type="AL",
            country="CHN",
            sent_at=utc(2016, 6, 1, 9),
            persons=(self.duplicate, self.carla),
        )
        self.second.withheld = True
        self.second.withheld_reason = "Safety"
        self.second.save()
        duplicate_2 = link(self.second, self.duplicate)
        duplicate_2.violations.add(ViolationType.objects.get(code="conviction"))
        assess(duplicate_2, "much_better", "survey", "limited")
        # A reply that addresses no one in particular.
        factories.reply(to=self.second, received_on=dt.date(2016, 7, 1))
        # Carla has no assessment.

        # 3: UA to China, 1 May 2017, led by the WGAD, naming Bruno and ten others.
        self.others = [factories.person(name=f"Other {n}") for n in range(10)]
        self.third = factories.communication(
            country="CHN",
            sent_at=utc(2017, 5, 1, 9),
            mandate="wgad",
            persons=(self.bruno, *self.others),
        )
        # A draft naming Amina counts for nothing.
        factories.communication(sent_at=None, persons=(self.amina,))

        value("COL", 2016, "polity", 7)
        value("COL", 2016, "fragility", 10)
        value("COL", 2016, "aid_dependency", 0.5)
        value("CHN", 2016, "polity", -7)
        value("CHN", 2016, "fragility", 8)
        UPRReview.objects.create(
            country=Country.objects.get(iso3="COL"), cycle=3, review_date=dt.date(2016, 11, 1)
        )
        UPRReview.objects.create(
            country=Country.objects.get(iso3="CHN"), cycle=3, review_date=dt.date(2018, 11, 6)
        )


@pytest.fixture
def record(reference: None) -> Record:
    return Record()


def export(tmp_path: Path, name: str, *args: str) -> tuple[Path, str, str]:
    out, err = io.StringIO(), io.StringIO()
    path = tmp_path / name
    call_command("dataset_cases", "--out", str(path), *args, stdout=out, stderr=err)
    return path, out.getvalue(), err.getvalue()


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def rows_by(rows: list[dict[str, str]], comm_id: int, key: Any) -> dict[str, str]:
    (found,) = [
        row for row in rows if row["comm_id"] == str(comm_id) and row["person_key"] == str(key)
    ]
    return found


def test_every_variable_of_each_case_as_computed_by_hand(record: Record, tmp_path: Path) -> None:
    path, out, err = export(tmp_path, "cases.csv")
    rows = read_csv(path)

    # 2 + 2 + 11 cases; the duplicate is Amina, the draft is not there.
    assert len(rows) == 15
    assert "15 rows written" in out
    keys = {row["person_key"] for row in rows}
    assert str(record.duplicate.key) not in keys

    amina_1 = rows_by(rows, record.first.pk, record.amina.key)
    expected_1 = {
        "comm_ref": record.first.reference,
        "comm_type": "1",
        "sent_date": "2016-03-01",
        "year_sent": "2016",
        "country": "COL",
        "region": "2",
        "lead_mandate": "sr-hrd",
        "n_named": "2",
        "person_kind": "1",
        "gender": "1",
        "female_trans": "1",
        "minority": "1",
        "n_mentions": "2",
        "reply_comm": "1",
        "reply": "1",
        "business": "1",
        "v_arbitrary_detention": "1",
        "v_torture": "1",
        "v_conviction": "0",
        "v_disciplinary_measures": "0",
        "v_administrative_harassment": "0",
        "assessed": "1",
        "development": "6",
        "improved": "0",
        "assess_source": "2",
        "info_level": "2",
        "cy_polity": "7.0",
        "regime": "2",
        "cy_fragility": "10.0",
        "cy_aid_dependency": "0.5",
        "upr_1y": "1",
        "synthetic": "0",
    }
    assert {name: amina_1[name] for name in expected_1} == expected_1

    bruno_1 = rows_by(rows, record.first.pk, record.bruno.key)
    expected_bruno = {
        "gender": "2",
        "female_trans": "0",
        "minority": "0",
        "n_mentions": "2",
        "reply_comm": "1",
        "reply": "0",
        "business": "0",
        "v_arbitrary_detention": "0",
        "development": "3",
        "improved": "0",
        "assess_source": "1",
        "info_level": "1",
    }
    assert {name: bruno_1[name] for name in expected_bruno} == expected_bruno

    # Amina again, through her merged duplicate, in the withheld letter to China.
    amina_2 = rows_by(rows, record.second.pk, record.amina.key)
    expected_2 = {
        "comm_ref": "",
        "comm_type": "2",
        "country": "CHN",
        "region": "1",
        "n_named": "2",
        "n_mentions": "2",
        "reply_comm": "1",
        "reply": "0",
        "v_conviction": "1",
        "v_arbitrary_detention": "0",
        "development": "1",
        "improved": "1",
        "assess_source": "1",
        "info_level": "2",
        "cy_polity": "-7.0",
        "regime": "1",
        "cy_aid_dependency": "",
        "upr_1y": "0",
    }
    assert {name: amina_2[name] for name in expected_2} == expected_2

    carla = rows_by(rows, record.second.pk, record.carla.key)
    expected_carla = {
        "gender": "5",
        "female_trans": "",
        "assessed": "0",
        "development": "",
        "improved": "",
        "assess_source": "",
        "info_level": "",
        "n_mentions": "1",
    }
    assert {name: carla[name] for name in expected_carla} == expected_carla

    bruno_3 = rows_by(rows, record.third.pk, record.bruno.key)
    assert bruno_3["n_named"] == "11"
    assert bruno_3["lead_mandate"] == "wgad"
    assert bruno_3["cy_polity"] == ""
    assert bruno_3["regime"] == ""
    # The next review of China (November 2018) falls after the year: no upcoming UPR.
    assert bruno_3["upr_1y"] == "0"

    # Missing covariates: reported, never filled.
    assert "cy_aid_dependency: 13 rows missing (CHN 2016, CHN 2017)." in err
    assert "cy_polity: 11 rows missing (CHN 2017)." in err
    assert "cy_vdem_libdem: no value for any row." in err
    missing = read_csv(tmp_path / "cases.missing.csv")
    assert {"variable": "cy_aid_dependency", "country": "CHN", "year": "2016", "rows": "2"} in (
        missing
    )
    assert {"variable": "cy_polity", "country": "CHN", "year": "2017", "rows": "11"} in missing
    assert not [row for row in missing if row["variable"] == "upr_1y"]


def test_no_name_contact_free_text_or_external_key_leaves(record: Record, tmp_path: Path) -> None:
    record.amina.external_key = "ngo-77"
    record.amina.affiliation = "Secret Affiliation"
    record.amina.save()
    path, _out, _err = export(tmp_path, "cases.csv")
    text = path.read_text(encoding="utf-8") + (tmp_path / "cases.dictionary.csv").read_text()
    for secret in ("Amina", "Bruno", "Carla", "ngo-77", "Secret Affiliation", "Safety", "Other 1"):
        assert secret not in text
    assert path.stat().st_mode & 0o077 == 0
    event = AuditEvent.objects.get(action="dataset_export")
    assert event.detail["rows"] == 15


def test_seed_000_rule_drops_the_communication_naming_eleven(
    record: Record, tmp_path: Path
) -> None:
    path, _out, _err = export(tmp_path, "rule.csv", "--seed000-sample")
    rows = read_csv(path)
    assert len(rows) == 4
    assert {row["comm_id"] for row in rows} == {str(record.first.pk), str(record.second.pk)}
    # The mentions still count the whole record.
    assert rows_by(rows, record.first.pk, record.bruno.key)["n_mentions"] == "2"
    same, _o, _e = export(tmp_path, "same.csv", "--max-named", "10")
    assert same.read_text() == path.read_text()
    eleven, _o, _e = export(tmp_path, "eleven.csv", "--max-named", "11")
    assert len(read_csv(eleven)) == 15


def test_period_and_mandate_select_communications(record: Record, tmp_path: Path) -> None:
    path, _out, _err = export(tmp_path, "mid.csv", "--from", "2016-06-01", "--to", "2016-06-01")
    assert {row["comm_id"] for row in read_csv(path)} == {str(record.second.pk)}
    path, _out, _err = export(tmp_path, "wgad.csv", "--mandate", "wgad")
    assert {row["comm_id"] for row in read_csv(path)} == {str(record.third.pk)}
    path, _out, _err = export(tmp_path, "none.csv", "--from", "2020-01-01")
    assert path.read_text().splitlines()[0].startswith("person_key,comm_id,")
    assert read_csv(path) == []


def test_sample_is_reproducible_with_its_seed(record: Record, tmp_path: Path) -> None:
    first, out, _err = export(tmp_path, "a.csv", "--sample", "5", "--seed", "7")
    again, _o, _e = export(tmp_path, "b.csv", "--sample", "5", "--seed", "7")
    other, _o, _e = export(tmp_path, "c.csv", "--sample", "5", "--seed", "8")
    assert len(read_csv(first)) == 5
    assert first.read_text() == again.read_text()
    assert first.read_text() != other.read_text()
    assert "Random sample of 5 of 15 rows, seed 7." in out
    everything, _o, _e = export(tmp_path, "d.csv", "--sample", "50")
    assert len(read_csv(everything)) == 15


def test_synthetic_data_are_labelled(record: Record, tmp_path: Path) -> None:
    SyntheticDataset.objects.create(seed=1)
    path, out, _err = export(tmp_path, "demo.dta")
    frame, meta = pyreadstat.read_dta(str(path))
    assert set(frame["synthetic"]) == {1}
    assert meta.file_label.startswith("SYNTHETIC DATA")
    assert "synthetic data" in out


def _check_frame(frame: pd.DataFrame, record: Record) -> None:
    assert len(frame) == 15
    row = frame[
        (frame["comm_id"] == record.first.pk) & (frame["person_key"] == str(record.amina.key))
    ]
    assert row["development"].iloc[0] == 6
    assert row["cy_aid_dependency"].iloc[0] == 0.5
    assert row["sent_date"].iloc[0] in (dt.date(2016, 3, 1), pd.Timestamp(2016, 3, 1))
    carla = frame[frame["person_key"] == str(record.carla.key)]
    assert math.isnan(float(carla["development"].iloc[0]))


@pytest.mark.parametrize("suffix", [".dta", ".sav"])
def test_stata_and_spss_files_keep_labels(record: Record, tmp_path: Path, suffix: str) -> None:
    path, _out, _err = export(tmp_path, f"cases{suffix}")
    reader = pyreadstat.read_dta if suffix == ".dta" else pyreadstat.read_sav
    frame, meta = reader(str(path))
    _check_frame(frame, record)
    assert meta.column_names_to_labels["improved"] == "Improvement within one year"
    assert meta.column_names_to_labels["female_trans"] == "Female/trans*"
    assert meta.variable_value_labels["development"][6] == "much worse"
    assert meta.variable_value_labels["comm_type"][1] == "urgent appeal (UA)"
    assert all(len(name) <= 29 and "." not in name for name in meta.column_names)
    if suffix == ".dta":
        assert path.read_bytes().startswith(b"<stata_dta><header><release>118</release>")
    if suffix == ".sav":
        # "not known" is declared missing for SPSS users.
        _frame, declared = pyreadstat.read_sav(str(path), user_missing=True)
        assert declared.missing_ranges["development"] == [{"lo": 9.0, "hi": 9.0}]
    labelled, _meta = reader(str(path), apply_value_formats=True)
    assert "much worse" in set(labelled["development"])


def test_parquet_keeps_types_and_labels(record: Record, tmp_path: Path) -> None:
    path, _out, _err = export(tmp_path, "cases.parquet")
    table = pq.read_table(path)
    _check_frame(table.to_pandas(), record)
    field = table.schema.field("improved")
    assert field.metadata[b"label"] == b"Improvement within one year"
    assert json.loads(table.schema.field("regime").metadata[b"values"])["1"].startswith("closed")
    assert str(table.schema.field("sent_date").type) == "date32[day]"


def test_dictionary_describes_every_column(record: Record, tmp_path: Path) -> None:
    path, _out, _err = export(tmp_path, "cases.csv")
    header = path.read_text().splitlines()[0].split(",")
    dictionary = read_csv(tmp_path / "cases.dictionary.csv")
    assert [entry["name"] for entry in dictionary] == header
    by_name = {entry["name"]: entry for entry in dictionary}
    assert by_name["improved"]["values"] == "0=no; 1=yes"
    assert "Spannagel (2019)" in by_name["n_mentions"]["source"]
    assert by_name["cy_polity"]["source"].startswith("Center for Systemic Peace")
    assert all(entry["definition"] and entry["label"] for entry in dictionary)


def test_names_are_valid_in_stata_and_spss() -> None:
    assert stata_name("cy_some-long.variable-code-from-a-researcher-xyz") == (
        "cy_some_long_variable_code_fr"
    )
    assert stata_name("9lives") == "v9lives"
    taken = {"person_key"}
    long = "v_an_administrator_added_violation_type_"
    assert unique_names([f"{long}one", f"{long}two", "person_key"], taken) == [
        "v_an_administrator_added_viol",
        "v_an_administrator_added_vi_2",
        "person_key_2",
    ]


def test_long_codes_that_meet_after_cutting_stay_apart(record: Record, tmp_path: Path) -> None:
    long = "an_administrator_added_violation_type_"
    for ending in ("one", "two"):
        ViolationType.objects.create(code=f"{long}{ending}", name_en=f"Added {ending}", position=99)
    CommunicationPerson.objects.get(communication=record.first, person=record.amina).violations.add(
        ViolationType.objects.get(code=f"{long}two")
    )
    path, _out, _err = export(tmp_path, "cases.dta")
    frame, meta = pyreadstat.read_dta(str(path))
    amina = frame[frame["person_key"] == str(record.amina.key)].iloc[0]
    assert amina["v_an_administrator_added_viol"] == 0
    assert amina["v_an_administrator_added_vi_2"] == 1
    assert meta.column_names_to_labels["v_an_administrator_added_vi_2"] == ("Violation: Added two")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2016-13-01"], "--from 2016-13-01 is not a date"),
        (["--to", "yesterday"], "--to yesterday is not a date"),
        (["--from", "2017-01-01", "--to", "2016-01-01"], "is after --to"),
        (["--mandate", "sr-nobody"], "No mandate has the code sr-nobody"),
        (["--sample", "0"], "--sample must be a whole number of at least 1"),
        (["--seed", "-3"], "--seed must be a whole number of at least 0"),
        (["--max-named", "ten"], "--max-named must be a whole number"),
    ],
)
def test_bad_arguments_exit_2_and_write_nothing(
    record: Record, tmp_path: Path, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError) as refused:
        export(tmp_path, "cases.csv", *args)
    assert refused.value.returncode == 2
    assert message in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_bad_files_exit_2_and_write_nothing(record: Record, tmp_path: Path) -> None:
    for name, message in [
        ("cases.xlsx", "unknown file type .xlsx"),
        ("cases", "unknown file type (none)"),
        ("missing/cases.csv", "does not exist"),
    ]:
        with pytest.raises(CommandError) as refused:
            export(tmp_path, name)
        assert refused.value.returncode == 2
        assert message in str(refused.value)
    (tmp_path / "taken.dictionary.csv").write_text("mine")
    with pytest.raises(CommandError, match=r"taken\.dictionary\.csv already exists"):
        export(tmp_path, "taken.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken.dictionary.csv"]
    # /proc takes no new file, even from root.
    with pytest.raises(CommandError) as refused:
        export(Path("/proc"), "spcomms-cases.csv")
    assert refused.value.returncode == 2
    assert "could not be written" in str(refused.value)


def test_a_failure_while_writing_leaves_no_file(record: Record, tmp_path: Path) -> None:
    dataset = build(Selection())
    chunks = dataset.chunks

    def failing() -> Iterator[dict[str, list[object]]]:
        yield next(chunks)
        raise OSError(28, "No space left on device")

    dataset.chunks = failing()
    with pytest.raises(OSError, match="No space left"):
        write(dataset, tmp_path / "cases.parquet")
    assert list(tmp_path.iterdir()) == []


def test_a_reply_to_a_merged_row_counts_for_the_person(record: Record, tmp_path: Path) -> None:
    answer = Reply.objects.get(communication=record.second)
    answer.persons_addressed.add(link(record.second, record.duplicate))
    path, _out, _err = export(tmp_path, "cases.csv")
    rows = read_csv(path)
    assert rows_by(rows, record.second.pk, record.amina.key)["reply"] == "1"
    assert rows_by(rows, record.second.pk, record.carla.key)["reply"] == "0"


def test_built_in_covariates_are_columns_even_before_any_import(
    reference: None, tmp_path: Path
) -> None:
    Variable.objects.all().delete()
    factories.communication(persons=(factories.person(),))
    path, _out, err = export(tmp_path, "cases.csv")
    (row,) = read_csv(path)
    for name in ("cy_polity", "cy_fragility", "cy_aid_dependency", "cy_upr_within_year"):
        assert row[name] == ""
        assert f"{name}: no value for any row." in err
    dictionary = {entry["name"]: entry for entry in read_csv(tmp_path / "cases.dictionary.csv")}
    assert dictionary["cy_polity"]["label"] == "Polity score"
    assert Variable.objects.count() == 0


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".dta", ".sav"])
def test_an_empty_selection_writes_every_format(
    record: Record, tmp_path: Path, suffix: str
) -> None:
    path, out, _err = export(tmp_path, f"empty{suffix}", "--from", "2030-01-01")
    assert "0 rows written" in out
    if suffix == ".parquet":
        frame = pq.read_table(path).to_pandas()
    elif suffix == ".csv":
        frame = pd.read_csv(path)
    else:
        reader = pyreadstat.read_dta if suffix == ".dta" else pyreadstat.read_sav
        frame, _meta = reader(str(path))
    assert len(frame) == 0
    assert list(frame.columns)[:3] == ["person_key", "comm_id", "comm_ref"]
