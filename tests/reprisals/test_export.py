"""The export for the Secretary-General's report: who is named and how, texts that would
name someone without consent, which cases a year holds, cells a spreadsheet would run,
the staff's download and the command line."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent
from spcomms.cases.models import PersonKind, PublicNaming
from spcomms.reprisals.export import export_cases, export_csv, export_html
from spcomms.reprisals.models import ReprisalStatus
from tests import factories
from tests.intake.triage import client_for, submit
from tests.reprisals.builders import REGISTER, allegation

pytestmark = pytest.mark.django_db
OLD = dt.datetime(2016, 3, 1, 9, 0, tzinfo=dt.UTC)


def _only(year: int = 2016) -> dict[str, str]:
    (case,) = export_cases(year)
    return {key: str(value) for key, value in vars(case).items()}


@pytest.mark.parametrize(
    ("naming", "shown"),
    [
        (PublicNaming.FULL, "Maryam Qzname"),
        (PublicNaming.INITIALS, "M. Q."),
        (PublicNaming.WITHHELD, "A human rights defender (name withheld)"),
        (None, "A human rights defender (name withheld)"),
    ],
)
def test_a_person_is_named_only_as_their_consent_allows(
    reference: None, naming: PublicNaming | None, shown: str
) -> None:
    allegation(person=factories.person(name="Maryam Qzname", public_naming=naming))
    assert _only()["person_or_organisation"] == shown


def test_a_revoked_consent_names_no_one(reference: None) -> None:
    person = factories.person(name="Maryam Qzname", public_naming=PublicNaming.FULL)
    person.consents.update(revoked_at=timezone.now())
    allegation(person=person)
    assert "Qzname" not in _only()["person_or_organisation"]


def test_an_organisation_without_a_person_is_described_by_its_kind(reference: None) -> None:
    made = allegation()
    made.subject_kind = PersonKind.ORGANISATION
    made.save()
    assert _only()["person_or_organisation"] == "A civil society organisation (name withheld)"


def test_a_summary_that_names_someone_without_consent_is_withheld(reference: None) -> None:
    hidden = factories.person(name="Maryam Qzname", public_naming=PublicNaming.INITIALS)
    allegation(person=hidden, summary="QZNAME was arrested after speaking in Geneva.")
    case = export_cases(2016)[0]
    assert "Qzname" not in case.summary.casefold().title()
    assert case.summary.startswith("[Withheld")
    assert case.withheld_texts == 1


def test_a_summary_may_name_someone_who_consented(reference: None) -> None:
    named = factories.person(name="Maryam Qzname", public_naming=PublicNaming.FULL)
    allegation(person=named, summary="Maryam Qzname was arrested after speaking in Geneva.")
    assert _only()["summary"] == "Maryam Qzname was arrested after speaking in Geneva."


def test_the_source_and_the_victims_of_the_submission_stay_hidden(reference: None) -> None:
    source = submit(marker="Qzsource").submission  # sender "Qzsource Sender Org"
    made = allegation(summary="Reported by Qzsource on behalf of the family.")
    made.submission = source
    made.save()
    assert _only()["summary"].startswith("[Withheld")


def test_a_year_holds_the_cases_taken_up_and_those_marked_for_its_report(
    reference: None,
) -> None:
    taken_up = allegation(status=ReprisalStatus.UNDER_REVIEW)
    allegation(status=ReprisalStatus.ALLEGED)  # not verified: left out
    marked = allegation(reported_on=dt.date(2015, 11, 2), sg_report_year=2016)
    allegation(reported_on=dt.date(2015, 11, 2))  # another year
    assert [case.case for case in export_cases(2016)] == [marked.pk, taken_up.pk]


def test_actions_cite_a_communication_by_reference_only_once_it_is_public(
    reference: None,
) -> None:
    published = factories.communication(country="BHR", number=4, sent_at=OLD)
    factories.reply(to=published, received_on=dt.date(2016, 4, 2))
    confidential = factories.communication(
        country="BHR", number=9, sent_at=timezone.now() - dt.timedelta(days=3)
    )
    allegation(action_communication=published, raised=True, sg_report_year=2017)
    allegation(action_communication=confidential)
    first, second = export_cases(2016)
    assert "UA BHR 4/2016" in first.action_taken
    assert "senior official" in first.action_taken
    assert "report of 2017" in first.action_taken
    assert first.government_response == "Reply received on 2016-04-02"
    assert confidential.reference not in second.action_taken
    assert "not yet public" in second.action_taken
    assert second.government_response == "No reply received"


def test_csv_cells_never_start_a_formula(reference: None) -> None:
    allegation(summary='=HYPERLINK("http://evil.example","x")', description="x")
    allegation(summary="+1+1", reported_on=dt.date(2016, 6, 1))
    allegation(summary="@SUM(A1)", reported_on=dt.date(2016, 7, 1))
    rows = list(csv.reader(io.StringIO(export_csv(export_cases(2016)))))
    assert rows[0][0] == "Case"
    summaries = [row[7] for row in rows[1:]]
    assert summaries == ['\'=HYPERLINK("http://evil.example","x")', "'+1+1", "'@SUM(A1)"]


def test_the_document_groups_cases_by_state_and_escapes_text(reference: None) -> None:
    allegation(country="MDV", summary="<script>alert(1)</script>")
    allegation(country="BHR")
    html = export_html(export_cases(2016), year=2016)
    assert html.index("<h2>Bahrain</h2>") < html.index("<h2>Maldives</h2>")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "http" not in html.split("<body>")[1]


# The staff's download ---------------------------------------------------------------------


def test_staff_download_the_year_as_csv_and_as_a_document(secretariat_officer: User) -> None:
    allegation(person=factories.person(name="Zq Withheld", public_naming=PublicNaming.WITHHELD))
    client = client_for(secretariat_officer)
    answer = client.get(REGISTER + "export/?year=2016&format=csv")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    assert answer["Content-Disposition"] == 'attachment; filename="reprisals-2016.csv"'
    body = answer.content.decode()
    assert "Bahrain" in body
    assert "Zq Withheld" not in body
    document = client.get(REGISTER + "export/?year=2016&format=html")
    assert document.status_code == 200
    assert "<h2>Bahrain</h2>" in document.content.decode()
    assert AuditEvent.objects.filter(action="reprisal_export").count() == 2


@pytest.mark.parametrize("query", ["year=abc", "year=1800", "year=3000", "year=2016&format=xls"])
def test_a_bad_export_request_is_refused_with_a_message(
    secretariat_officer: User, query: str
) -> None:
    answer = client_for(secretariat_officer).get(REGISTER + "export/?" + query)
    assert answer.status_code == 400
    assert 'data-testid="export-refused"' in answer.content.decode()


# The command line -------------------------------------------------------------------------


def test_the_command_writes_the_year_to_a_new_file(reference: None, tmp_path: Path) -> None:
    allegation(person=factories.person(name="Zq Withheld", public_naming=None))
    out = tmp_path / "cases.csv"
    stdout = io.StringIO()
    call_command("reprisals_export", "--year", "2016", "--out", str(out), stdout=stdout)
    text = out.read_text(encoding="utf-8")
    assert "Bahrain" in text
    assert "Zq Withheld" not in text
    assert "1 cases of 2016 written" in stdout.getvalue()
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    html = tmp_path / "cases.html"
    call_command("reprisals_export", "--year", "2016", "--out", str(html), stdout=io.StringIO())
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_the_command_refuses_to_overwrite_or_to_write_nowhere(
    reference: None, tmp_path: Path
) -> None:
    existing = tmp_path / "exists.csv"
    existing.write_text("keep me", encoding="utf-8")
    with pytest.raises(CommandError, match="already exists"):
        call_command("reprisals_export", "--year", "2016", "--out", str(existing))
    assert existing.read_text(encoding="utf-8") == "keep me"
    with pytest.raises(CommandError, match="does not exist"):
        call_command("reprisals_export", "--year", "2016", "--out", str(tmp_path / "no" / "x"))
    with pytest.raises(CommandError, match="--year must be a year"):
        call_command("reprisals_export", "--year", "twenty", "--out", str(tmp_path / "y.csv"))


def test_spcomms_reprisals_export_fails_cleanly_on_a_bad_year(tmp_path: Path) -> None:
    spcomms = Path(sys.executable).with_name("spcomms")
    environ = {**os.environ, "SPCOMMS_VAR_DIR": str(tmp_path)}
    environ.pop("DATABASE_URL", None)
    done = subprocess.run(
        [str(spcomms), "reprisals", "export", "--year", "x", "--out", str(tmp_path / "a.csv")],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    assert "--year must be a year" in done.stderr
    assert "Traceback" not in done.stderr


# Property and attacker tests -------------------------------------------------------------

NAME = st.from_regex(r"[A-Z][a-z]{3,8} [A-Z][a-z]{3,10}", fullmatch=True)
NAMING = st.sampled_from([PublicNaming.FULL, PublicNaming.INITIALS, PublicNaming.WITHHELD, None])
SPELLING = st.sampled_from([str, str.upper, str.lower, lambda text: text.split()[-1]])


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=NAME, naming=NAMING, spelling=SPELLING, data=st.data())
def test_no_name_without_consent_reaches_the_export_however_it_is_written(
    reference: None, name: str, naming: PublicNaming | None, spelling: object, data: st.DataObject
) -> None:
    """Property: a person not consented for full public naming appears in no exported
    cell, neither as the person nor inside the summary or the response, in any case or
    by the surname alone; a person consented in full may appear."""
    written = spelling(name)  # type: ignore[operator]  # one of the callables above
    made = allegation(
        person=factories.person(name=name, public_naming=naming),
        summary=data.draw(
            st.sampled_from([f"{written} was detained.", "A defender was detained."])
        ),
        reported_on=dt.date(2016, 1, 1) + dt.timedelta(days=data.draw(st.integers(0, 300))),
    )
    made.government_response = data.draw(st.sampled_from(["", f"We deny {written} was held."]))
    made.save()
    cells = " ".join(export_cases(2016)[-1].cells()).casefold()
    made.delete()
    if naming == PublicNaming.FULL:
        return
    for word in name.split():
        assert word.casefold() not in cells


def test_a_source_with_a_status_page_cannot_open_the_register(reference: None) -> None:
    """Attacker: someone holding a receipt code (the status cookie) tries the staff pages."""
    receipt = submit()
    source = Client()
    assert source.post("/submit/status/", {"code": receipt.code}).status_code == 302
    for url in (REGISTER, REGISTER + "export/?year=2016"):
        answer = source.get(url)
        assert answer.status_code == 302
        assert answer["Location"].startswith("/accounts/login/")
