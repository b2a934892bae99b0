"""The statistics page for researchers and staff, and its CSV downloads, by role.

Researchers, the secretariat and administrators see every sent communication's figures;
a mandate holder, a source organisation and the public do not, since the figures count
letters still confidential. The public page keeps counting only the published record.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone, translation
from pytest_django import DjangoAssertNumQueries

from spcomms.accounts.models import Role, User
from spcomms.communications.models import CommunicationMandate
from spcomms.reference.models import Mandate, MandateKind
from tests import factories
from tests.communications.clients import client_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("reference")

PAGE = "/staff/communications/statistics/"
PERIOD = "from=2015-01-01&to=2015-12-31"


def at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 9, tzinfo=dt.UTC)


@pytest.fixture
def sent() -> None:
    """Two communications of 2015 to Colombia: one answered (steps taken), one not."""
    first = factories.communication(
        country="COL", sent_at=at(2015, 2, 1), persons=(factories.person(),)
    )
    factories.communication(country="COL", sent_at=at(2015, 5, 1))
    factories.reply(to=first, received_on=dt.date(2015, 3, 1))


def source_account() -> User:
    return User.objects.create_user(username="sam.source", password=PASSWORD, role=Role.SOURCE)


@pytest.mark.parametrize("persona", ["researcher", "secretariat_officer", "administrator"])
def test_researchers_and_staff_see_every_table(
    request: pytest.FixtureRequest, persona: str, sent: None
) -> None:
    user: User = request.getfixturevalue(persona)
    response = client_for(user).get(f"{PAGE}?{PERIOD}")
    assert response.status_code == 200
    html = response.content.decode()
    for key in (
        "replies-overall",
        "replies-groups",
        "replies-region-communications",
        "replies-regime-cases",
        "replies-mandate-communications",
        "replies-year-cases",
        "case-development",
        "perceived-impact",
        "reprisals",
    ):
        assert f'data-testid="table-{key}"' in html, key
        assert f'data-testid="csv-{key}"' in html, key
    assert "n = 2 communications and persons named (cases)" in html


def test_the_overall_row_shows_counts_and_shares(researcher: User, sent: None) -> None:
    response = client_for(researcher).get(f"{PAGE}?{PERIOD}")
    html = response.content.decode()
    start = html.index('data-testid="replies-overall-communications"')
    row = html[start : html.index("</tr>", start)]
    assert "<td>2</td>" in row  # n
    # Steps taken, no reply, and replied: one of two communications each.
    assert row.count('1 <span class="share">(50.0&nbsp;%)</span>') == 3


@pytest.mark.parametrize("persona", ["mandate_holder", "source"])
def test_a_mandate_holder_or_a_source_is_refused(
    request: pytest.FixtureRequest, persona: str, sent: None
) -> None:
    user = source_account() if persona == "source" else request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(f"{PAGE}?{PERIOD}").status_code == 403
    assert client.get(f"{PAGE}replies-overall.csv?{PERIOD}").status_code == 403


def test_the_public_is_sent_to_sign_in(sent: None) -> None:
    client = client_for(None)
    for url in (f"{PAGE}?{PERIOD}", f"{PAGE}reprisals.csv?{PERIOD}"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response["Location"] or "next=" in response["Location"]


def test_the_public_page_still_counts_only_the_published_record(researcher: User) -> None:
    """A letter sent yesterday is confidential: the researchers' page counts it, the public
    page does not."""
    yesterday = timezone.now() - dt.timedelta(days=1)
    factories.communication(country="COL", sent_at=yesterday)
    day = yesterday.date().isoformat()
    query = f"from={day}&to={day}"
    public = client_for(None).get(f"/statistics/?{query}").content.decode()
    assert 'data-testid="communications">0<' in public
    staff = client_for(researcher).get(f"{PAGE}?{query}").content.decode()
    assert "n = 1 communications and persons named (cases)" in staff


def test_a_table_downloads_as_csv_with_its_period_and_n(researcher: User, sent: None) -> None:
    response = client_for(researcher).get(f"{PAGE}replies-overall.csv?{PERIOD}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment;" in response["Content-Disposition"]
    text = response.content.decode()
    comment, *lines = text.splitlines()
    assert comment.startswith("# Reply classes overall. n = 2 ")
    assert "2015-01-01 to 2015-12-31" in comment
    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    header = rows[0]
    assert header[:2] == ["Counted", "n"]
    communications = dict(zip(header, rows[1], strict=True))
    assert communications["n"] == "2"
    assert communications["Steps taken to address the allegation"] == "1"
    assert communications["No reply (deadline passed)"] == "1"
    assert communications["Replied"] == "1"


def test_a_csv_cell_that_looks_like_a_formula_is_neutralised(researcher: User) -> None:
    """An administrator named a mandate like a spreadsheet formula: the download must not
    run it."""
    mandate = Mandate.objects.create(
        code="formula",
        kind=MandateKind.values[0],
        name_en='=HYPERLINK("http://evil.example","x")',
        name_fr="=x",
        name_es="=x",
    )
    made = factories.communication(country="COL", sent_at=at(2015, 2, 1))
    CommunicationMandate.objects.create(communication=made, mandate=mandate)
    response = client_for(researcher).get(f"{PAGE}replies-mandate-communications.csv?{PERIOD}")
    text = response.content.decode()
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text
    assert ",=HYPERLINK" not in text


def test_an_unknown_table_is_a_404(researcher: User) -> None:
    assert client_for(researcher).get(f"{PAGE}nope.csv?{PERIOD}").status_code == 404


def test_bad_input_answers_400_and_keeps_what_was_typed(researcher: User) -> None:
    client = client_for(researcher)
    response = client.get(f"{PAGE}?from=2015-02-30&to=2015-12-31")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-from"' in html
    assert 'value="2015-02-30"' in html
    assert 'data-testid="figures"' not in html
    backwards = client.get(f"{PAGE}?from=2016-01-01&to=2015-12-31")
    assert backwards.status_code == 400
    assert 'data-testid="error-to"' in backwards.content.decode()
    csv_refused = client.get(f"{PAGE}case-development.csv?from=x&to=2015-12-31")
    assert csv_refused.status_code == 400
    assert "YYYY-MM-DD" in csv_refused.content.decode()


def test_an_empty_period_shows_dashes_and_says_nothing_to_count(researcher: User) -> None:
    response = client_for(researcher).get(f"{PAGE}?from=2001-01-01&to=2001-12-31")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="empty-reprisals"' in html
    assert '0 <span class="share">(—)</span>' in html


def test_the_page_takes_a_fixed_number_of_queries(
    researcher: User, sent: None, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_for(researcher)
    client.get(f"{PAGE}?{PERIOD}")
    with django_assert_max_num_queries(30):
        assert client.get(f"{PAGE}?{PERIOD}").status_code == 200


def test_the_page_is_translated(researcher: User, sent: None) -> None:
    client = client_for(researcher)
    # The middleware activates French for this thread; override() puts the language back.
    with translation.override("en"):
        response = client.get(f"{PAGE}?{PERIOD}", headers={"accept-language": "fr"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Statistiques des réponses et des suites" in html
    assert "Réponses" in html


def test_the_navigation_marks_only_the_statistics_link_current(secretariat_officer: User) -> None:
    html = client_for(secretariat_officer).get(f"{PAGE}?{PERIOD}").content.decode()
    assert html.count('aria-current="page"') == 1
    assert f'href="{PAGE}" aria-current="page"' in html
