"""How fast the public pages answer on a corpus ten times the demonstration.

Builds the demo at scale 10 (about 45,000 communications and 120,000 mentions;
``SPCOMMS_BENCH_SCALE`` changes it) into a fresh temporary SQLite database, then
into the PostgreSQL database ``spcomms_bench_public`` when a server answers
(created before and dropped after). In each, times the first
``publication_sync()`` (the whole index built at once), then measures the server
time of public requests made in-process with Django's test ``Client`` (no
network), each kind warmed up first:

- search: a common word, a rare word, a phrase, and no words, each alone and
  with two facets chosen (year and type);
- State pages: the busiest States and a few with few communications;
- the API list ``/api/v1/communications`` when that URL exists;
- a joint communications report page (fewer requests: it renders every letter
  of a period).

Prints the median and 95th percentile in milliseconds per kind, and the peak
memory of the process. Each kind stops after ``SPCOMMS_BENCH_SECONDS`` (90) seconds
so that pages far slower than the target still finish; the printed ``n`` is the
number of requests measured. The target of the issue is a 95th percentile under
100 ms for search and State pages. Import throughput is measured by
``bench_import.py``.

Each database is measured in a child process of its own, with its own settings,
so that its peak memory is its own.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from benchmarks.harness import (
    bench_scale,
    busiest_year,
    main_or_measure,
    peak_megabytes,
    run_on_both_databases,
    state_sample,
    target_verdict,
)

BENCH_DATABASE = "spcomms_bench_public"
SEED = 0
REQUESTS = 240
WARM_UP = 10
REPORT_REQUESTS = 20
TARGET_MS = 100.0
API_LIST = "/api/v1/communications"
COMMON_CANDIDATES = ("defender", "human", "rights", "detention")
RARE_CANDIDATES = ("raid", "ban", "surveillance", "reprisals", "stigmatisation", "disappearance")
PHRASE = '"arbitrary detention"'
COLD_WORDS = 40


def scale() -> float:
    return bench_scale(10)


def main() -> None:
    run_on_both_databases(
        module="benchmarks.bench_public",
        database=BENCH_DATABASE,
        scale=scale(),
        prefix="spcomms-bench-public-",
    )


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def seconds_per_kind() -> float:
    return float(os.environ.get("SPCOMMS_BENCH_SECONDS", "90"))


def _timed(
    get: Callable[[str], Any], urls: list[str], count: int, *, warm_up: bool = True
) -> list[float]:
    """Milliseconds per request for ``count`` requests cycling through ``urls``, after
    a warm-up of each URL. A kind stops early once it has taken SPCOMMS_BENCH_SECONDS
    (90 s), so that very slow pages still finish; the printed n says how many ran."""
    for url in urls[:WARM_UP] if warm_up else []:
        _check(get(url), url)
    timings: list[float] = []
    deadline = time.perf_counter() + seconds_per_kind()
    for index in range(count):
        if timings and time.perf_counter() > deadline:
            break
        url = urls[index % len(urls)]
        started = time.perf_counter()
        response = get(url)
        timings.append((time.perf_counter() - started) * 1000)
        _check(response, url)
    return timings


def _unseen_words(documents: Any, count: int) -> list[str]:
    """``count`` different words of six letters or more taken from the published text,
    spread over the record, in a fixed order."""
    words: list[str] = []
    ids = list(documents.objects.order_by("pk").values_list("pk", flat=True))
    spread = ids[:: max(1, len(ids) // count)]
    texts = documents.objects.filter(pk__in=spread).order_by("pk")
    for text in texts.values_list("search_text", flat=True):
        long_words = [word for word in text.split() if len(word) >= 6 and word not in words]
        if long_words:
            words.append(long_words[len(long_words) // 2])
        if len(words) == count:
            break
    return words


def _check(response: Any, url: str) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")


def _print_timings(kind: str, timings: list[float], *, target: bool) -> None:
    p95 = _percentile(timings, 0.95)
    verdict = target_verdict(p95, TARGET_MS) if target else ""
    print(
        f"    {kind:<34} n={len(timings):<4} median {statistics.median(timings):7.1f} ms"
        f"   p95 {p95:7.1f} ms   max {max(timings):7.1f} ms{verdict}",
        flush=True,
    )


def measure() -> None:
    import django

    django.setup()
    from urllib.parse import urlencode

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import Resolver404, resolve

    from spcomms.demo.services import demo_build
    from spcomms.publication.index import publication_sync
    from spcomms.publication.mirror import find
    from spcomms.publication.models import PublishedDocument
    from spcomms.publication.reports import reported_sessions
    from spcomms.reference.services import reference_load

    setup_test_environment()  # lets the test Client's host through ALLOWED_HOSTS
    call_command("migrate", verbosity=0)
    reference_load()
    started = time.perf_counter()
    built = demo_build(seed=SEED, scale=scale())
    build_seconds = time.perf_counter() - started
    print(
        f"  {connection.display_name}: demo at scale {scale():g}: "
        f"{built.communications:,} communications, {built.mentions:,} mentions "
        f"(built in {build_seconds:.0f} s)",
        flush=True,
    )
    started = time.perf_counter()
    synced = publication_sync()
    print(
        f"    first publication_sync(): {synced.added:,} documents indexed in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    started = time.perf_counter()
    publication_sync()
    print(
        f"    publication_sync() with nothing to do: "
        f"{(time.perf_counter() - started) * 1000:.1f} ms",
        flush=True,
    )

    def hits(word: str) -> int:
        return len(find(word, {}))

    common = max(COMMON_CANDIDATES, key=hits)
    rare = min((w for w in RARE_CANDIDATES if hits(w)), key=hits, default=RARE_CANDIDATES[0])
    year = busiest_year()
    queries = [common, rare, PHRASE, ""]
    print(
        "    search queries (documents found): "
        + ", ".join(f"{query or '(no words)'} ({hits(query):,})" for query in queries),
        flush=True,
    )
    search_urls = []
    for query in queries:
        search_urls.append("/communications/?" + urlencode({"q": query}))
        search_urls.append(
            "/communications/?" + urlencode({"q": query, "year": year or "", "type": "UA"})
        )
    chosen = state_sample()
    print(
        "    State pages (communications): " + ", ".join(f"{iso3} ({n:,})" for iso3, n in chosen),
        flush=True,
    )
    state_urls = [f"/states/{iso3}/" for iso3, _n in chosen]

    client = Client()
    _print_timings("search", _timed(client.get, search_urls, REQUESTS), target=True)
    # Words never searched before, each once: no kept matches help them.
    unseen = _unseen_words(PublishedDocument, COLD_WORDS)
    cold_urls = ["/communications/?" + urlencode({"q": word}) for word in unseen]
    _print_timings(
        f"  search: {len(unseen)} words, each searched once",
        _timed(client.get, cold_urls, len(cold_urls), warm_up=False),
        target=True,
    )
    for index, url in enumerate(search_urls):
        label = f"  search: {queries[index // 2] or '(no words)'}" + (
            " + 2 facets" if index % 2 else ""
        )
        _print_timings(label, _timed(client.get, [url], REQUESTS // 12), target=True)
    _print_timings("State page", _timed(client.get, state_urls, REQUESTS), target=True)
    busiest = state_urls[0]
    _print_timings(
        f"  State page, busiest ({busiest})",
        _timed(client.get, [busiest], REQUESTS // 12),
        target=True,
    )
    try:
        resolve(API_LIST)
        api = True
    except Resolver404:
        try:
            resolve(API_LIST + "/")
            api = True
        except Resolver404:
            api = False
    if api:
        try:
            api_timings = _timed(client.get, [API_LIST, API_LIST + "?page=2"], REQUESTS)
        except RuntimeError as error:  # the API is being built elsewhere; say so and go on
            print(f"    API list: not measured: {error}", flush=True)
        else:
            _print_timings("API list", api_timings, target=False)
    else:
        print(f"    API list: skipped, {API_LIST} does not exist yet", flush=True)
    sessions = reported_sessions()
    if sessions:
        newest = sessions[min(3, len(sessions) - 1)]
        url = f"/reports/hrc/{newest.year}/{newest.session}/"
        _print_timings(
            f"HRC report page ({newest.session} {newest.year})",
            _timed(client.get, [url], REPORT_REQUESTS),
            target=False,
        )
    print("    import throughput: see bench_import", flush=True)
    print(f"    peak memory (max RSS): {peak_megabytes():.0f} MB", flush=True)


if __name__ == "__main__":
    main_or_measure(main, measure)
