"""The one rate-limit mechanism: counts per hashed subject in the database, windows from the
first attempt or on the clock, rotating keys, and nothing kept once its time has passed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from pytest_django import Settings

from spcomms.throttle.models import ThrottleCount, ThrottleKey
from spcomms.throttle.services import (
    KEY_SECONDS,
    Rule,
    client_address,
    throttle_clear,
    throttle_count,
    throttle_prune,
    throttle_record,
)

pytestmark = pytest.mark.django_db

GUESSES = Rule("test.guesses", attempts=3, seconds=600)
SLICES = Rule("test.slices", attempts=3, seconds=600, aligned=True)
ADDRESS = "203.0.113.41"
# A moment at the start of a key period and of a clock slice, so that the tests can move
# through them knowingly.
START = dt.datetime.fromtimestamp(KEY_SECONDS * 450_000, tz=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return START + dt.timedelta(seconds=seconds)


def test_a_count_grows_per_subject_and_pauses_from_the_attempt_reaching_the_limit() -> None:
    assert throttle_count(GUESSES, ADDRESS, now=at(0)) is None
    assert [throttle_record(GUESSES, ADDRESS, now=at(s)).count for s in (0, 100, 200)] == [1, 2, 3]

    counted = throttle_count(GUESSES, ADDRESS, now=at(250))
    assert counted is not None
    assert counted.reached(GUESSES)
    assert counted.until == at(200 + 600), "the pause runs from the third attempt"
    assert counted.seconds_left(at(250)) == 550
    assert throttle_count(GUESSES, "203.0.113.42", now=at(250)) is None
    assert throttle_count(SLICES, ADDRESS, now=at(250)) is None
    assert throttle_count(GUESSES, ADDRESS, now=at(800)) is None, "the pause is over"


def test_a_window_that_ran_out_starts_the_count_again() -> None:
    throttle_record(GUESSES, ADDRESS, now=at(0))
    throttle_record(GUESSES, ADDRESS, now=at(10))

    again = throttle_record(GUESSES, ADDRESS, now=at(700))

    assert again.count == 1
    assert again.until == at(1300)


def test_windows_on_the_clock_end_with_their_slice_whatever_the_first_attempt() -> None:
    first = throttle_record(SLICES, ADDRESS, now=at(550))
    throttle_record(SLICES, ADDRESS, now=at(560))
    third = throttle_record(SLICES, ADDRESS, now=at(590))

    assert first.until == third.until == at(600), "no pause beyond the slice"
    assert throttle_record(SLICES, ADDRESS, now=at(601)).count == 1


def test_clearing_forgets_one_subject_only() -> None:
    throttle_record(GUESSES, "alice", now=at(0))
    throttle_record(GUESSES, "bob", now=at(0))

    throttle_clear(GUESSES, "alice")

    assert throttle_count(GUESSES, "alice", now=at(1)) is None
    bob = throttle_count(GUESSES, "bob", now=at(1))
    assert bob is not None
    assert bob.count == 1


def test_no_subject_is_stored_and_the_bucket_changes_with_the_key() -> None:
    throttle_record(GUESSES, ADDRESS, now=at(0))
    throttle_record(GUESSES, ADDRESS, now=at(KEY_SECONDS + 1))  # a new period: a new key

    stored = [*ThrottleCount.objects.values(), *ThrottleKey.objects.values()]
    assert ADDRESS not in repr(stored)
    assert ADDRESS.replace(".", "") not in repr(stored)
    assert ThrottleKey.objects.count() == 1, "the first key went with its last count"
    assert ThrottleCount.objects.count() == 1


def test_a_count_made_under_the_last_key_goes_on_under_the_next_one() -> None:
    long_rule = Rule("test.long", attempts=10, seconds=2 * KEY_SECONDS)
    throttle_record(long_rule, ADDRESS, now=at(KEY_SECONDS - 5))

    later = throttle_record(long_rule, ADDRESS, now=at(KEY_SECONDS + 5))
    other = throttle_record(long_rule, "198.51.100.1", now=at(KEY_SECONDS + 6))

    assert later.count == 2
    assert ThrottleKey.objects.count() == 2, "the old key lives while a count needs it"
    assert set(ThrottleCount.objects.values_list("key__period", flat=True)) == {
        START.timestamp() // KEY_SECONDS,
        START.timestamp() // KEY_SECONDS + 1,
    }
    assert other.count == 1


def test_pruning_deletes_what_ran_out_and_the_keys_nothing_needs(settings: Settings) -> None:
    throttle_record(GUESSES, ADDRESS, now=at(0))
    throttle_record(Rule("test.short", 5, 60), "x", now=at(0))

    assert throttle_prune(now=at(100)) == (1, 0)
    assert throttle_prune(now=at(KEY_SECONDS + 1)) == (1, 1)
    assert not ThrottleCount.objects.exists()
    assert not ThrottleKey.objects.exists()


def test_the_prune_command_says_what_it_deleted() -> None:
    throttle_record(Rule("test.past", 5, 60), ADDRESS, now=at(0))
    out = io.StringIO()

    call_command("throttle_prune", stdout=out)

    assert out.getvalue().strip() == "1 rate-limit counts and 1 keys deleted."


def test_the_client_address_is_the_first_of_a_forwarded_list(
    rf: RequestFactory, settings: Settings
) -> None:
    settings.SPCOMMS_CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.5, 10.0.0.1")

    assert client_address(request) == "192.0.2.5"
