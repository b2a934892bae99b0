"""The joint communications report to a session of the Human Rights Council: its period,
its replies, the index of sessions, and the page and PDF a reader downloads."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from pypdf import PdfReader

from spcomms.cases.models import PublicNaming
from spcomms.communications.letters import placeholder
from spcomms.communications.models import Addressee, Communication, Reply
from spcomms.demo.models import SyntheticDataset
from spcomms.publication.reports import (
    UnknownSession,
    joint_report,
    reporting_period,
    session_of,
)
from spcomms.reference.models import Country
from tests import factories

pytestmark = pytest.mark.django_db

WITHHELD_NOTICE = "a human rights defender (name withheld)"


def _sent(when: dt.datetime, *, country: str = "COL") -> Communication:
    return factories.communication(country=country, sent_at=when)


def _references(year: int, session: str) -> list[str]:
    report = joint_report(year=year, session=session)
    return [
        entry.record.reference for section in report.sections for entry in section.communications
    ]


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_periods_follow_one_another_without_a_gap() -> None:
    march = reporting_period(year=2016, session="march")
    june = reporting_period(year=2016, session="june")
    september = reporting_period(year=2016, session="september")
    next_march = reporting_period(year=2017, session="march")
    assert (march.sent_from, march.sent_to) == (dt.date(2015, 6, 1), dt.date(2015, 11, 30))
    assert (june.sent_from, june.sent_to) == (dt.date(2015, 12, 1), dt.date(2016, 2, 29))
    assert (march.replies_from, march.replies_to) == (dt.date(2015, 8, 1), dt.date(2016, 1, 31))
    assert september.replies_to == dt.date(2016, 7, 31)
    for earlier, later in ((march, june), (june, september), (september, next_march)):
        assert later.sent_from - earlier.sent_to == dt.timedelta(days=1)
        assert later.replies_from - earlier.replies_to == dt.timedelta(days=1)


def test_every_day_of_the_year_belongs_to_exactly_one_session() -> None:
    day = dt.date(2015, 1, 1)
    while day.year == 2015:
        year, session = session_of(day)
        period = reporting_period(year=year, session=session)
        assert period.sent_from <= day <= period.sent_to
        day += dt.timedelta(days=1)


def test_it_refuses_a_session_that_does_not_exist() -> None:
    with pytest.raises(UnknownSession):
        reporting_period(year=2016, session="july")
    with pytest.raises(UnknownSession):
        reporting_period(year=12, session="march")


def test_a_letter_sent_on_30_november_goes_to_march_and_one_sent_on_1_december_to_june(
    reference: None,
) -> None:
    late_november = _sent(dt.datetime(2015, 11, 30, 23, 30, tzinfo=dt.UTC))
    early_december = _sent(dt.datetime(2015, 12, 1, 0, 30, tzinfo=dt.UTC))
    assert _references(2016, "march") == [late_november.reference]
    assert _references(2016, "june") == [early_december.reference]


def test_only_what_is_published_when_the_report_is_rendered_appears(reference: None) -> None:
    sent = _sent(dt.datetime(2015, 11, 30, 9, tzinfo=dt.UTC))
    before_deadline = dt.datetime(2016, 1, 2, tzinfo=dt.UTC)
    assert joint_report(year=2016, session="march", now=before_deadline).communications == 0
    withheld = _sent(dt.datetime(2015, 11, 2, 9, tzinfo=dt.UTC))
    withheld.withheld = True
    withheld.withheld_reason = "Risk to the source"
    withheld.save()
    report = joint_report(year=2016, session="march")
    assert report.communications == 1
    assert report.sections[0].communications[0].record.reference == sent.reference


def test_replies_are_listed_only_when_received_in_the_window(reference: None) -> None:
    sent = _sent(dt.datetime(2015, 9, 10, 9, tzinfo=dt.UTC))
    factories.reply(to=sent, received_on=dt.date(2015, 7, 31))
    factories.reply(to=sent, received_on=dt.date(2016, 1, 31))
    factories.reply(to=sent, received_on=dt.date(2016, 2, 1))
    march = joint_report(year=2016, session="march")
    assert [entry.reply.received_on for entry in march.sections[0].replies] == [
        dt.date(2016, 1, 31)
    ]
    june = joint_report(year=2016, session="june")
    assert [entry.reply.received_on for entry in june.sections[0].replies] == [dt.date(2016, 2, 1)]
    assert june.communications == 0
    assert june.sections[0].replies[0].reference == sent.reference


def test_a_confidential_reply_shows_only_the_notice(client: Client, reference: None) -> None:
    sent = _sent(dt.datetime(2015, 9, 10, 9, tzinfo=dt.UTC))
    reply = factories.reply(to=sent, received_on=dt.date(2015, 12, 17))
    Reply.objects.filter(pk=reply.pk).update(confidential=True)
    report = joint_report(year=2016, session="march")
    shown = report.sections[0].replies[0].reply
    assert shown.confidential
    assert shown.received_on is None
    assert report.confidential_replies == 1
    html = client.get("/reports/hrc/2016/march/").content.decode()
    assert "at the State&#x27;s request, not made public" in html
    assert "2015-12-17" not in html


def test_states_are_in_alphabetical_order_and_a_joint_letter_is_under_each(
    reference: None,
) -> None:
    to_mexico = _sent(dt.datetime(2015, 10, 1, 9, tzinfo=dt.UTC), country="MEX")
    joint = _sent(dt.datetime(2015, 10, 2, 9, tzinfo=dt.UTC), country="COL")
    Addressee.objects.create(communication=joint, country=Country.objects.get(iso3="BRA"))
    report = joint_report(year=2016, session="march")
    assert [section.iso3 for section in report.sections] == ["BRA", "COL", "MEX"]
    assert report.sections[0].communications[0].record.reference == joint.reference
    assert report.sections[2].communications[0].record.reference == to_mexico.reference
    assert (report.communications, report.states) == (2, 3)


def test_the_page_lists_the_period_and_the_totals(client: Client, reference: None) -> None:
    sent = _sent(dt.datetime(2015, 10, 1, 9, tzinfo=dt.UTC))
    page = client.get("/reports/hrc/2016/march/")
    assert page.status_code == 200
    html = page.content.decode()
    assert sent.reference in html
    assert "2015-06-01" in html
    assert "2015-11-30" in html
    assert "/reports/hrc/2016/march.pdf" in html


def test_an_unknown_session_is_not_found(client: Client, reference: None) -> None:
    assert client.get("/reports/hrc/2016/july/").status_code == 404
    assert client.get("/reports/hrc/2016/july.pdf").status_code == 404
    assert client.get("/reports/hrc/12/march/").status_code == 404


def test_the_index_lists_the_sessions_that_have_communications(
    client: Client, reference: None
) -> None:
    _sent(dt.datetime(2015, 11, 30, 9, tzinfo=dt.UTC))
    _sent(dt.datetime(2016, 4, 5, 9, tzinfo=dt.UTC))
    html = client.get("/reports/hrc/").content.decode()
    assert "/reports/hrc/2016/march/" in html
    assert "/reports/hrc/2016/september/" in html
    assert "/reports/hrc/2016/june/" not in html
    assert html.index("/reports/hrc/2016/september/") < html.index("/reports/hrc/2016/march/")


def test_no_withheld_name_appears_in_the_page_or_the_pdf(client: Client, reference: None) -> None:
    """The attacker downloads the report and searches it for a name that was withheld."""
    withheld = factories.person(name="Dolores Achterberg", public_naming=PublicNaming.WITHHELD)
    no_consent = factories.person(name="Eulalia Brattstrom", public_naming=None)
    named = factories.person(name="Valentina Ospina", public_naming=PublicNaming.FULL)
    sent = factories.communication(
        sent_at=dt.datetime(2015, 10, 1, 9, tzinfo=dt.UTC), persons=(withheld, no_consent, named)
    )
    sent.facts = f"{placeholder(withheld)} and {placeholder(no_consent)} were arrested."
    sent.subject = "Arrest of two defenders"
    sent.save()
    html = client.get("/reports/hrc/2016/march/").content.decode()
    pdf = client.get("/reports/hrc/2016/march.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(_pdf_text(pdf.content).split())
    for shown in (html, text):
        assert "Valentina Ospina" in shown
        assert WITHHELD_NOTICE in shown
        for secret in ("Achterberg", "Dolores", "Eulalia", "Brattstrom"):
            assert secret not in shown
    assert sent.reference in text


def test_the_synthetic_label_is_on_the_page_and_in_the_pdf(client: Client, reference: None) -> None:
    _sent(dt.datetime(2015, 10, 1, 9, tzinfo=dt.UTC))
    html = client.get("/reports/hrc/2016/march/").content.decode()
    text = _pdf_text(client.get("/reports/hrc/2016/march.pdf").content)
    assert "Synthetic data." not in html
    assert "Synthetic data." not in text
    SyntheticDataset.objects.create(seed=1)
    html = client.get("/reports/hrc/2016/march/").content.decode()
    text = _pdf_text(client.get("/reports/hrc/2016/march.pdf").content)
    assert 'data-testid="synthetic-label"' in html
    assert "Synthetic data." in text


def test_the_report_is_translated(client: Client, reference: None) -> None:
    _sent(dt.datetime(2015, 10, 1, 9, tzinfo=dt.UTC))
    html = client.get("/reports/hrc/2016/march/", headers={"accept-language": "fr"})
    assert "session de mars 2016" in html.content.decode()
    html = client.get("/reports/hrc/2016/june/", headers={"accept-language": "es"})
    assert "período de sesiones de junio de 2016" in html.content.decode()
