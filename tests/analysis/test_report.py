"""The research report (``spcomms report`` and its page): figures, n, period, synthetic label.

A small fixed dataset, counted by hand: two communications of 2015 to Colombia, each naming
one person. The first got a reply classed *steps taken* that addresses its person; the
second got none and its deadline has passed. The first person was assessed after 12 months
through the survey, complete information: somewhat better; international attention
definitely helped, the communication probably did.
"""

from __future__ import annotations

import base64
import datetime as dt
import fcntl
import io
import os
import pty
import re
import select
import struct
import sys
import termios
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from spcomms.accounts.models import Role, User
from spcomms.analysis.report import ReportTable, build_report, report_html, report_pdf, stacked_bars
from spcomms.communications.models import CommunicationPerson
from spcomms.demo.models import SyntheticDataset
from spcomms.followup.models import Assessment
from tests import factories
from tests.communications.clients import client_for
from tests.conftest import PASSWORD
from tests.core.test_settings import run_spcomms

pytestmark = pytest.mark.usefixtures("reference")

START, END = dt.date(2015, 1, 1), dt.date(2015, 12, 31)
NOW = dt.datetime(2016, 12, 31, 12, tzinfo=dt.UTC)
PAGE = "/staff/communications/statistics/report/"
PERIOD = "from=2015-01-01&to=2015-12-31"


def at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 9, tzinfo=dt.UTC)


@pytest.fixture
def small() -> None:
    first_person = factories.person(name="Person One")
    first = factories.communication(country="COL", sent_at=at(2015, 2, 1), persons=(first_person,))
    factories.communication(
        country="COL", sent_at=at(2015, 5, 1), persons=(factories.person(name="Person Two"),)
    )
    answer = factories.reply(to=first, received_on=dt.date(2015, 3, 1))
    answer.persons_addressed.set(first.named.all())
    Assessment.objects.create(
        case=CommunicationPerson.objects.get(communication=first, person=first_person),
        period_months=12,
        development="somewhat_better",
        source="survey",
        information_level="complete",
        impact_attention="definitely_yes",
        impact_communication="probably_yes",
        negative_impact=False,
        assessed_on=dt.date(2016, 2, 1),
    )


def by_key(report_tables: tuple[ReportTable, ...], key: str) -> ReportTable:
    return next(item for item in report_tables if item.table.key == key)


def test_every_figure_carries_the_hand_computed_shares_and_n(small: None) -> None:
    report = build_report(start=START, end=END, now=NOW)
    assert report.synthetic is False
    groups = by_key(report.tables, "replies-groups")
    assert groups.table.n == 2
    # Per communication and per person: one of two in the steps group, one with no reply.
    for bar in stacked_bars(groups.table):
        assert bar.n == 2
        assert sorted(share for share in bar.shares if share) == [50.0, 50.0]
    assert len(stacked_bars(groups.table)) == 2
    development = by_key(report.tables, "case-development")
    assert development.table.n == 1
    shown = stacked_bars(development.table)
    # Only survey-complete and the total have an assessment; both 100 % somewhat better.
    assert [bar.n for bar in shown] == [1, 1]
    keys = [column.key for column in development.table.columns]
    for bar in shown:
        assert bar.shares[keys.index("somewhat_better")] == 100.0
        assert sum(bar.shares) == 100.0
    impact = by_key(report.tables, "perceived-impact")
    assert impact.table.n == 1
    answers = [column.key for column in impact.table.columns]
    attention, communication = stacked_bars(impact.table)
    assert attention.shares[answers.index("definitely_yes")] == 100.0
    assert communication.shares[answers.index("probably_yes")] == 100.0
    for key in ("replies-groups", "replies-region-communications", "case-development"):
        figure = by_key(report.tables, key).figure
        assert figure is not None, key
        assert figure.startswith("data:image/svg+xml;base64,"), key
    # No reprisal in the period: no figure, and the table says so.
    assert by_key(report.tables, "reprisals").figure is None


def test_the_html_shows_period_n_and_figures_and_loads_nothing(small: None) -> None:
    html = report_html(build_report(start=START, end=END, now=NOW))
    assert "Communications sent from 2015-01-01 to 2015-12-31" in html
    assert "n = 2 communications and persons named (cases)" in html
    assert "n = 1 persons named (cases) with a one-year assessment" in html
    assert 'data-testid="empty-reprisals"' in html
    assert 'data-testid="report-model' in html  # the model, or the place where it goes
    assert "synthetic data" not in html
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html, re.IGNORECASE)
    assert "url(" not in html
    assert "@import" not in html
    sources = re.findall(r'<img src="([^"]+)"', html)
    assert len(sources) >= 5
    for source in sources:
        assert source.startswith("data:image/svg+xml;base64,")
        svg = base64.b64decode(source.split(",", 1)[1]).decode()
        assert svg.lstrip().startswith("<?xml")
        assert "<svg" in svg
        assert "<script" not in svg
        assert "<image" not in svg
        # The only http in the SVG are XML namespace names, which nothing fetches.
        linked = re.findall(r'(?:href|src)="(?!#)([^"]+)"', svg)
        assert linked == []
    assert "Person One" not in html
    assert "Person Two" not in html


def test_an_empty_period_gives_empty_tables_and_no_figures(small: None) -> None:
    report = build_report(start=dt.date(2019, 1, 1), end=dt.date(2019, 12, 31), now=NOW)
    assert all(item.figure is None for item in report.tables)
    html = report_html(report)
    assert "n = 0 communications and persons named (cases)" in html
    assert "<img" not in html


def test_synthetic_data_are_labelled(small: None) -> None:
    SyntheticDataset.objects.create(seed=1)
    report = build_report(start=START, end=END, now=NOW)
    assert report.synthetic is True
    assert "These figures are computed from synthetic data made for demonstration." in (
        report_html(report)
    )


def test_the_pdf_is_a_pdf_with_the_figures_text(small: None) -> None:
    SyntheticDataset.objects.create(seed=1)
    pdf = report_pdf(build_report(start=START, end=END, now=NOW))
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 2
    assert "Reply classes overall" in text
    assert "2015-01-01" in text
    assert "2015-12-31" in text
    assert "synthetic data" in text
    assert "Person One" not in text


# The command -------------------------------------------------------------------------


def report(*args: str) -> str:
    out = StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_the_command_writes_html_and_pdf(small: None, tmp_path: Path) -> None:
    html_file, pdf_file = tmp_path / "report.html", tmp_path / "report.pdf"
    said = report("--from", "2015-01-01", "--to", "2015-12-31", "--out", str(html_file))
    assert "Report written to" in said
    assert "figures" in said
    assert "n = 2 communications" in html_file.read_text()
    report("--from", "2015-01-01", "--to", "2015-12-31", "--out", str(pdf_file))
    assert pdf_file.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.pdf"]


def test_a_mandate_narrows_the_report(small: None, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    report("--from", "2015-01-01", "--to", "2015-12-31", "--mandate", "sr-hrd", "--out", str(out))
    assert "the mandate sr-hrd took part" in out.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--out", "{dir}/r.txt"), "unknown file type"),
        (("--out", "{dir}/missing/r.html"), "does not exist"),
        (("--from", "2015-13-01", "--out", "{dir}/r.html"), "is not a date"),
        (("--from", "2016-01-01", "--to", "2015-01-01", "--out", "{dir}/r.html"), ""),
        (("--mandate", "no-such", "--out", "{dir}/r.html"), ""),
    ],
)
def test_bad_arguments_exit_2_and_write_nothing(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    with pytest.raises(CommandError) as refused:
        report(*(arg.format(dir=tmp_path) for arg in args))
    assert refused.value.returncode == 2
    assert message in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    out.write_text("mine")
    with pytest.raises(CommandError) as refused:
        report("--out", str(out))
    assert refused.value.returncode == 2
    assert "already exists" in str(refused.value)
    assert out.read_text() == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_the_real_command_refuses_without_a_traceback(tmp_path: Path) -> None:
    done = run_spcomms(tmp_path, "report", "--out", str(tmp_path / "r.doc"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "unknown file type" in done.stderr


# The page ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["researcher", "secretariat_officer", "administrator"])
def test_researchers_and_staff_see_the_report_with_csv_links(
    request: pytest.FixtureRequest, persona: str, small: None
) -> None:
    user: User = request.getfixturevalue(persona)
    response = client_for(user).get(f"{PAGE}?{PERIOD}")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="figure-case-development"' in html
    assert "n = 2 communications and persons named (cases)" in html
    link = re.search(r'href="([^"]+)" download data-testid="csv-replies-groups"', html)
    assert link is not None
    csv = client_for(user).get(link.group(1).replace("&amp;", "&"))
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")
    assert "Reply groups overall" in csv.content.decode()
    assert "<script>" not in html


def test_the_page_shows_the_synthetic_label(researcher: User, small: None) -> None:
    SyntheticDataset.objects.create(seed=1)
    html = client_for(researcher).get(f"{PAGE}?{PERIOD}").content.decode()
    assert 'data-testid="synthetic-report"' in html


def test_a_bad_period_is_a_400_not_a_500(researcher: User) -> None:
    response = client_for(researcher).get(f"{PAGE}?from=2015-13-01&to=2015-12-31")
    assert response.status_code == 400
    assert 'data-testid="form-error"' in response.content.decode()


@pytest.mark.parametrize("role", [Role.MANDATE_HOLDER, Role.SOURCE])
def test_others_are_refused(role: str, small: None) -> None:
    user = User.objects.create_user(username=f"u-{role}", password=PASSWORD, role=role)
    response = client_for(user).get(f"{PAGE}?{PERIOD}")
    assert response.status_code == 403


def test_the_public_is_sent_to_sign_in(client, small: None) -> None:  # type: ignore[no-untyped-def]
    response = client.get(f"{PAGE}?{PERIOD}")
    assert response.status_code == 302
    assert "/login" in response["Location"] or "sign" in response["Location"]


def test_the_statistics_page_links_to_the_report_for_its_period(
    researcher: User, small: None
) -> None:
    html = client_for(researcher).get(f"/staff/communications/statistics/?{PERIOD}").content
    link = re.search(r'href="([^"]+)" data-testid="report-link"', html.decode())
    assert link is not None
    response = client_for(researcher).get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    assert "Communications sent from 2015-01-01 to 2015-12-31" in response.content.decode()


def test_progress_shows_on_a_terminal_only(
    small: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    report("--from", "2015-01-01", "--to", "2015-12-31", "--out", str(tmp_path / "quiet.html"))
    assert capsys.readouterr().err == ""  # standard error is not a terminal here
    main, side = pty.openpty()
    # A terminal of 24 rows and 100 columns: a new pty has none, and tqdm draws to the width.
    fcntl.ioctl(side, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    with os.fdopen(side, "w", encoding="utf-8", closefd=True) as terminal:
        monkeypatch.setattr(sys, "stderr", terminal)
        report("--from", "2015-01-01", "--to", "2015-12-31", "--out", str(tmp_path / "tty.html"))
        terminal.flush()
    shown = b""
    while select.select([main], [], [], 0.2)[0]:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    assert b"Report" in shown
    assert b"step" in shown


def test_the_model_section_reports_each_fit_or_why_there_is_none(small: None) -> None:
    report = build_report(start=START, end=END, now=NOW)
    assert report.model is not None
    # Two cases, no covariates imported: nothing can be fitted, and the report says why.
    assert report.model.fitted is False
    assert report.model.text.strip() != ""
    html = report_html(report)
    assert 'data-testid="report-model"' in html
    empty = build_report(start=dt.date(2019, 1, 1), end=dt.date(2019, 12, 31), now=NOW)
    assert empty.model is not None
    assert empty.model.text.startswith("No model:")
    without = build_report(start=START, end=END, now=NOW, with_model=False)
    assert without.model is None
    assert 'data-testid="report-model-absent"' in report_html(without)
