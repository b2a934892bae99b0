"""What country visits add to the State page, the API and the staff list.

Builds ten times the demonstration's visits (1,500 requests with their steps, about
1,400 recommendations and 250 standing invitations; ``SPCOMMS_BENCH_SCALE`` changes
it) straight into a fresh temporary SQLite database, then into the PostgreSQL
database ``spcomms_bench_visits`` when a server answers. No communication is built:
the State page's own figures are measured by ``bench_public.py``. Prints the median
and 95th percentile in milliseconds of:

- the visit record of the busiest State (``state_visits``; the comparison with all
  States is kept for a minute) and the figures over all requests (``all_states_figures``);
- the State page and the API's State answer of that State, and for comparison the
  State page of a State with the median number of requests and of one without any;
- the staff list ``/staff/visits/``, first page and filtered by State.

The State page's target is a 95th percentile under 100 ms (bench_public.py).
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
    target_verdict,
    timed,
)

BENCH_DATABASE = "spcomms_bench_visits"
BASE_REQUESTS = 150
BASE_INVITATIONS = 25
REQUESTS = 200
TARGET_MS = 100.0


def scale() -> float:
    return bench_scale(10)


def main() -> None:
    run_on_both_databases(
        module="benchmarks.bench_visits",
        database=BENCH_DATABASE,
        scale=scale(),
        prefix="spcomms-bench-visits-",
    )


def _timed(call: Callable[[], Any]) -> list[float]:
    return timed(call, warm=5, requests=REQUESTS)


def _print(kind: str, timings: list[float], *, target: bool = False) -> None:
    slowest = p95(timings)
    verdict = target_verdict(slowest, TARGET_MS) if target else ""
    print(
        f"    {kind:<36} n={len(timings):<4} median {statistics.median(timings):7.1f} ms"
        f"   p95 {slowest:7.1f} ms{verdict}",
        flush=True,
    )


def _build(count: int, invitations: int) -> None:
    """``count`` requests spread over the States (a fifth of them to five busy ones),
    each with its steps, and the visits carried out with recommendations."""
    from spcomms.reference.models import Country, Mandate
    from spcomms.visits.models import (
        Recommendation,
        StandingInvitation,
        VisitEvent,
        VisitRequest,
    )

    rng = random.Random(0)  # noqa: S311  # synthetic benchmark data, not a secret
    countries = list(Country.objects.order_by("iso3"))
    busy = countries[:5]
    mandates = list(Mandate.objects.order_by("code"))
    requests, plans = [], []
    for _index in range(count):
        country = rng.choice(busy) if rng.random() < 0.2 else rng.choice(countries)
        requested = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randint(0, 6000))
        steps = [("requested", requested)]
        fate = rng.choice(("carried_out", "refused", "no_reply", "reminded", "accepted"))
        day = requested
        for status in {
            "carried_out": ("reminded", "accepted", "dates_proposed"),
            "refused": ("reminded", "refused"),
            "no_reply": ("reminded", "reminded", "no_reply"),
            "reminded": ("reminded",),
            "accepted": ("accepted",),
        }[fate]:
            day += dt.timedelta(days=rng.randint(30, 300))
            steps.append((status, day))
        start = end = None
        if fate == "carried_out":
            start = day + dt.timedelta(days=60)
            end = start + dt.timedelta(days=9)
            steps.append(("carried_out", end))
        requests.append(
            VisitRequest(
                mandate=rng.choice(mandates),
                country=country,
                requested_on=requested,
                status=fate,
                accepted_on=next((on for s, on in steps if s == "accepted"), None),
                start_date=start,
                end_date=end,
            )
        )
        plans.append(steps)
    created = VisitRequest.objects.bulk_create(requests, batch_size=500)
    VisitEvent.objects.bulk_create(
        [
            VisitEvent(request=row, status=status, on=on)
            for row, steps in zip(created, plans, strict=True)
            for status, on in steps
        ],
        batch_size=1000,
    )
    Recommendation.objects.bulk_create(
        [
            Recommendation(visit=row, text=f"Recommendation {number}.", status="not_assessed")
            for row in created
            if row.status == "carried_out"
            for number in range(rng.randint(3, 6))
        ],
        batch_size=1000,
    )
    StandingInvitation.objects.bulk_create(
        [
            StandingInvitation(country=country, extended_on=dt.date(2001, 1, 1))
            for country in rng.sample(countries, min(invitations, len(countries)))
        ]
    )


def measure() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from spcomms.accounts.models import Role, User
    from spcomms.reference.models import Country
    from spcomms.reference.services import reference_load
    from spcomms.visits.models import Recommendation, VisitEvent, VisitRequest
    from spcomms.visits.public import all_states_figures, state_visits

    setup_test_environment()
    call_command("migrate", verbosity=0)
    reference_load()
    started = time.perf_counter()
    _build(round(BASE_REQUESTS * scale()), round(BASE_INVITATIONS * scale()))
    counts: dict[str, int] = {}
    for iso3 in VisitRequest.objects.values_list("country__iso3", flat=True):
        counts[iso3] = counts.get(iso3, 0) + 1
    iso3 = max(counts, key=lambda code: counts[code])
    country = Country.objects.get(iso3=iso3)
    print(
        f"  {connection.display_name}: {VisitRequest.objects.count():,} requests, "
        f"{VisitEvent.objects.count():,} steps, {Recommendation.objects.count():,} "
        f"recommendations, built in {time.perf_counter() - started:.1f} s; busiest State "
        f"{iso3} ({counts[iso3]} requests)",
        flush=True,
    )
    client = Client()
    _print("state_visits (busiest State)", _timed(lambda: state_visits(country)))
    _print("all_states_figures", _timed(all_states_figures))
    _print(
        f"State page /states/{iso3}/", _timed(lambda: client.get(f"/states/{iso3}/")), target=True
    )
    _print(f"API /api/v1/states/{iso3}", _timed(lambda: client.get(f"/api/v1/states/{iso3}")))
    typical = sorted(counts, key=lambda code: (counts[code], code))[len(counts) // 2]
    _print(
        f"State page /states/{typical}/ ({counts[typical]} requests)",
        _timed(lambda: client.get(f"/states/{typical}/")),
        target=True,
    )
    without = Country.objects.exclude(iso3__in=counts).order_by("iso3").first()
    if without is not None:
        _print(
            f"State page /states/{without.iso3}/ (none)",
            _timed(lambda: client.get(f"/states/{without.iso3}/")),
            target=True,
        )
    staff = User.objects.create_user(username="bench.staff", password=None, role=Role.SECRETARIAT)
    client.force_login(staff)
    _print("staff list /staff/visits/", _timed(lambda: client.get("/staff/visits/")))
    _print(
        "staff list, one State",
        _timed(lambda: client.get("/staff/visits/", {"country": iso3})),
    )
    print(f"    peak memory {peak_megabytes():.0f} MB", flush=True)


if __name__ == "__main__":
    main_or_measure(main, measure)
