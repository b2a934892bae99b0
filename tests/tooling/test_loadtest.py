"""The load test's own logic (benchmarks/loadtest.py), without wrk or gunicorn: reading
wrk's results, the answers its form script sends, and the check that no accepted
submission was lost. ``make loadtest`` itself is not part of the suite."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from benchmarks.loadtest import (
    FORM,
    check_receipts,
    cpu_used,
    form_answers,
    lost_submissions,
    parse_wrk,
    process_cpu_seconds,
    read_lookups,
)
from django.test import Client
from pytest_django import Settings

from spcomms.intake.models import Submission

WRK_OUTPUT = """Running 20s test @ http://127.0.0.1:41234/
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    88.10ms   20.31ms 412.00ms   81.20%
    Req/Sec   181.52     25.10   240.00     70.00%
  3630 requests in 20.01s, 41.20MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    181.41
Transfer/sec:      2.06MB
LOADTEST requests=3630 duration_us=20010000 p50_us=85123 p95_us=120456 p99_us=301999\
 max_us=412000 connect=0 read=1 write=0 status=3 timeout=2 accepted=410 refused=0 unexpected=3
"""


def test_it_reads_the_figures_of_a_wrk_run() -> None:
    result = parse_wrk(WRK_OUTPUT)
    assert result.requests == 3630
    assert result.per_second == pytest.approx(181.41, abs=0.01)
    assert (result.p50_us, result.p95_us, result.p99_us) == (85123, 120456, 301999)
    assert result.errors == 6  # one socket error, two timeouts, three answers of 400 and above
    assert (result.accepted, result.refused, result.unexpected) == (410, 0, 3)


def test_a_wrk_run_that_printed_no_figures_is_an_error_not_a_zero() -> None:
    with pytest.raises(ValueError, match="found 0"):
        parse_wrk(WRK_OUTPUT.split("LOADTEST")[0])
    with pytest.raises(ValueError, match="incomplete"):
        parse_wrk("LOADTEST requests=3 duration_us=10\n")


def test_a_submission_shown_a_receipt_but_missing_from_the_database_is_lost() -> None:
    assert lost_submissions(["AAAAA", "BBBBB", "CCCCC"], {"AAAAA", "CCCCC", "DDDDD"}) == ["BBBBB"]
    assert lost_submissions(["AAAAA"], {"AAAAA", "EEEEE"}) == []


def test_it_reads_the_receipts_of_every_thread(tmp_path: Path) -> None:
    (tmp_path / "receipts-1.txt").write_text("AAAAA\nBBBBB\n")
    (tmp_path / "receipts-2.txt").write_text("\nCCCCC\n")
    (tmp_path / "other.txt").write_text("ZZZZZ\n")
    assert read_lookups(tmp_path) == ["AAAAA", "BBBBB", "CCCCC"]


_STEP = re.compile(r"Step (\d+) of")
_DRAFT = re.compile(r'name="draft" value="([^"]+)"')
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_LOOKUP = re.compile(r'data-testid="receipt-code"[^>]*>\s*([0-9A-Z]+)')


@pytest.mark.django_db
def test_the_form_scripts_answers_send_a_submission_that_the_check_then_finds(
    reference: None, settings: Settings, tmp_path: Path
) -> None:
    """Does what benchmarks/wrk/submit.lua does, with CSRF checked: each page's step number
    picks the next answers; the receipt's look-up key is then found, a made-up one lost."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SPCOMMS_INTAKE_DIR = tmp_path / "media" / "intake"
    answers = form_answers()
    client = Client(enforce_csrf_checks=True)
    page = client.get(FORM).content.decode()
    for _step in range(len(answers)):
        step, draft, token = _STEP.search(page), _DRAFT.search(page), _TOKEN.search(page)
        assert step, page[:2000]
        assert draft
        assert token
        body = (
            f"csrfmiddlewaretoken={token.group(1)}&draft={draft.group(1)}&"
            + answers[int(step.group(1)) - 1]
        )
        response = client.post(FORM, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200, response.content.decode()[:2000]
        page = response.content.decode()
        if _LOOKUP.search(page):
            break
    found = _LOOKUP.search(page)
    assert found, "the answers did not lead to a receipt"
    assert check_receipts([found.group(1)], rows_before=0) == 0
    assert check_receipts([found.group(1), "ZZZZZ"], rows_before=Submission.objects.count()) == 1


def test_the_server_cpu_counts_what_each_process_used_since_the_first_sample() -> None:
    # Process 1 used half a second more; 3 started since (counted from zero); 2 is gone.
    assert cpu_used({1: 1.0, 2: 2.0}, {1: 1.5, 3: 0.25}) == pytest.approx(0.75)
    assert process_cpu_seconds(os.getpid()) > 0
    assert process_cpu_seconds(-1) == 0.0
