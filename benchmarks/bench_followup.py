"""How long the follow-up list takes when years of communications are on record.

Builds ten times a base of 1,500 sent communications (15,000 by default, about twenty
years of letters from all mandates at the rates of seed 004; ``SPCOMMS_BENCH_SCALE``
changes it), each naming one to three persons (about 30,000 named), with an
assessment for a third of the follow-ups already due, straight into a fresh
temporary SQLite database, then into the PostgreSQL database ``spcomms_bench_followup``
when a server answers. Prints the median and 95th percentile in milliseconds of:

- ``open_follow_ups()``, which derives every due date from the sending dates;
- the staff list ``/staff/follow-up/``, whole and filtered by State and by period;
- one follow-up's page.

No target is set by the issue; the figures say what a list derived at every request
costs, against storing the schedule (see docs/follow-up.md).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from benchmarks.harness import (
    bench_scale,
    main_or_measure,
    p95,
    peak_megabytes,
    run_on_both_databases,
    timed,
)

BENCH_DATABASE = "spcomms_bench_followup"
BASE_COMMUNICATIONS = 1_500
REQUESTS = 20


def scale() -> float:
    return bench_scale(10)


def main() -> None:
    run_on_both_databases(
        module="benchmarks.bench_followup",
        database=BENCH_DATABASE,
        scale=scale(),
        prefix="spcomms-bench-followup-",
    )


def _timed(call: Callable[[], Any]) -> list[float]:
    return timed(call, warm=2, requests=REQUESTS)


def _print(kind: str, timings: list[float]) -> None:
    print(
        f"    {kind:<40} n={len(timings):<3} median {statistics.median(timings):8.1f} ms"
        f"   p95 {p95(timings):8.1f} ms",
        flush=True,
    )


def _build(count: int) -> None:
    from django.utils import timezone

    from spcomms.cases.models import Person
    from spcomms.communications.models import (
        Addressee,
        Communication,
        CommunicationMandate,
        CommunicationPerson,
    )
    from spcomms.followup.models import Assessment
    from spcomms.followup.schedule import due_on
    from spcomms.reference.models import Country, Mandate

    rng = random.Random(0)  # noqa: S311  # synthetic benchmark data, not a secret
    countries = list(Country.objects.order_by("iso3"))
    mandates = list(Mandate.objects.order_by("code"))
    now = timezone.now()
    span = (now - dt.datetime(2006, 1, 1, tzinfo=dt.UTC)).total_seconds()
    numbers: dict[tuple[str, int], int] = {}
    communications = []
    for _index in range(count):
        country = rng.choice(countries)
        sent = now - dt.timedelta(seconds=rng.random() * span)
        key = (country.iso3, sent.year)
        numbers[key] = numbers.get(key, 0) + 1
        communications.append(
            Communication(
                type=rng.choice(("UA", "AL")),
                status="sent",
                subject="Situation of human rights defenders",
                ref_code=country.iso3,
                ref_year=sent.year,
                ref_number=numbers[key],
                sent_at=sent,
                reply_due_at=sent + dt.timedelta(days=60),
            )
        )
    created = Communication.objects.bulk_create(communications, batch_size=1000)
    CommunicationMandate.objects.bulk_create(
        [
            CommunicationMandate(communication=row, mandate=rng.choice(mandates), is_lead=True)
            for row in created
        ],
        batch_size=1000,
    )
    by_code = {country.iso3: country for country in countries}
    Addressee.objects.bulk_create(
        [Addressee(communication=row, country=by_code[str(row.ref_code)]) for row in created],
        batch_size=1000,
    )
    named: list[tuple[Communication, Person]] = []
    persons = []
    for row in created:
        for _person in range(rng.choice((1, 1, 2, 3))):
            persons.append(Person(kind="individual", name=f"Defender {len(persons)}"))
            named.append((row, persons[-1]))
    Person.objects.bulk_create(persons, batch_size=1000)
    mentions = CommunicationPerson.objects.bulk_create(
        [CommunicationPerson(communication=row, person=person) for row, person in named],
        batch_size=1000,
    )
    today = now.date()
    assessments = [
        Assessment(
            case=mention,
            period_months=months,
            development=rng.choice(("same", "somewhat_better", "much_worse")),
            source="desk",
            information_level="limited",
            assessed_on=today,
            channel="import",
        )
        for mention, (row, _person) in zip(mentions, named, strict=True)
        for months in (3, 6, 12)
        if row.sent_at is not None and due_on(row.sent_at, months) <= today and rng.random() < 0.33
    ]
    Assessment.objects.bulk_create(assessments, batch_size=1000)


def measure() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from spcomms.accounts.models import Role, User
    from spcomms.communications.models import Communication, CommunicationPerson
    from spcomms.followup.models import Assessment
    from spcomms.followup.schedule import open_follow_ups
    from spcomms.reference.services import reference_load

    setup_test_environment()
    call_command("migrate", verbosity=0)
    reference_load()
    started = time.perf_counter()
    _build(round(BASE_COMMUNICATIONS * scale()))
    open_now = open_follow_ups()
    print(
        f"  {connection.display_name}: {Communication.objects.count():,} communications, "
        f"{CommunicationPerson.objects.count():,} named, {Assessment.objects.count():,} "
        f"assessments, built in {time.perf_counter() - started:.1f} s; "
        f"{len(open_now):,} follow-ups due or overdue",
        flush=True,
    )
    first = open_now[0]
    state = str(Communication.objects.get(pk=first.communication_id).ref_code)
    client = Client()
    staff = User.objects.create_user(username="bench.staff", password=None, role=Role.SECRETARIAT)
    client.force_login(staff)
    _print("open_follow_ups()", _timed(open_follow_ups))
    _print("staff list /staff/follow-up/", _timed(lambda: client.get("/staff/follow-up/")))
    _print(
        f"staff list, State {state}",
        _timed(lambda: client.get("/staff/follow-up/", {"country": state})),
    )
    _print(
        "staff list, 12 months",
        _timed(lambda: client.get("/staff/follow-up/", {"period": "12"})),
    )
    url = f"/staff/follow-up/{first.anchor_id}/{first.period_months}/"
    _print("one follow-up's page", _timed(lambda: client.get(url)))
    print(f"    peak memory {peak_megabytes():.0f} MB", flush=True)


if __name__ == "__main__":
    main_or_measure(main, measure)
