"""``make loadtest``: the application under gunicorn, driven over HTTP by wrk.

Serves the benchmark corpus (the demo at scale 10, seed 0: about 45,000 communications;
``SPCOMMS_BENCH_SCALE`` changes it) from PostgreSQL with gunicorn on a free loopback port,
with production settings (``SPCOMMS_ENV=production``, DEBUG off, TLS settings on, requests
marked as coming through the TLS proxy with ``X-Forwarded-Proto``), and drives with wrk,
at each concurrency of ``SPCOMMS_LOAD_LEVELS`` (1,4,16,64) for ``SPCOMMS_LOAD_SECONDS``
(20) seconds each:

- search: public search with a list of queries, with and without facets;
- State pages: busy, middling and quiet States;
- API list and API detail: ``/api/v1/communications`` pages and searches, and single
  communications;
- the submission form: sources walking the seven steps of ``/submit/form/`` with the CSRF
  token and sealed draft of each page, then sending (``benchmarks/wrk/submit.lua``); it runs
  for at least 2 s per connection, so that its chains of eight requests can finish.

Before measuring, each reading endpoint is run for 10 s unreported, so that every worker has
loaded its copy of the search index. wrk runs with one thread on the same machine, and the
machine's load average is printed before and after: other work on it slows the figures.

Prints, for each endpoint and level, requests per second, the 50th, 95th and 99th latency
percentiles, the server's CPU time per request (gunicorn's processes and the PostgreSQL
backends serving them, from /proc: a figure that other work on the machine changes far less
than the latencies), and the errors (socket errors, timeouts, answers of 400 and above); for the
form, whose latencies are those of each of its requests (a step's page or the sending), the
submissions accepted (receipt page shown) and refused (429). Then checks that
every accepted submission is in the database, by the look-up half of its receipt code
(stored in clear; the secret half never leaves the response), and exits 1 if any is missing,
or if no submission was accepted at all (a form that stopped working would otherwise pass).

The per-client limit of submissions (``SPCOMMS_INTAKE_SUBMISSIONS``, 5 per 15 minutes)
would refuse all but five of the run's submissions, which all come from 127.0.0.1: the run
raises it to 1,000,000 so that every submission goes through the whole path, the limit's
counting included; a refusal (429) would still be counted apart from the errors.

The corpus is built once into the database ``spcomms_loadtest_corpus`` and kept: its
comment holds a fingerprint of the scale, the seed and the source of the demo generator,
the reference data and every migration, and it is rebuilt only when that changes (or when
its master key under ``var/loadtest/keys`` is gone). Each run copies it into a fresh
``spcomms_loadtest`` (``CREATE DATABASE ... TEMPLATE``), applies any new migration, and
drops that copy at the end; nothing else is dropped. ``SPCOMMS_BENCH_PG_URL`` names the
server (default ``postgres://postgres@127.0.0.1:5432/postgres``).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg
from psycopg import sql
from tests.console import free_port

from benchmarks.harness import bench_scale, busiest_year, state_sample
from benchmarks.run import machine, postgres_admin_url

REPOSITORY = Path(__file__).resolve().parents[1]
WRK_SCRIPTS = Path(__file__).resolve().parent / "wrk"
VAR = REPOSITORY / "var" / "loadtest"
CORPUS_DATABASE = "spcomms_loadtest_corpus"
RUN_DATABASE = "spcomms_loadtest"
SEED = 0
BUILD_FLAG = "--build"
FORM = "/submit/form/"
HOST = "127.0.0.1"
# Sources of the corpus: a change to any of them makes the kept corpus stale.
CORPUS_SOURCES = ("src/spcomms/demo", "src/spcomms/reference")
SUBMISSION_LIMIT = 1_000_000
WARM_UP_SECONDS = 10

_LINE = re.compile(r"^LOADTEST (.*)$", re.MULTILINE)
_FIELD = re.compile(r"(\w+)=(\d+)")


# Reading wrk's results --------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One wrk run: what ``benchmarks/wrk/summary.lua`` prints, times in microseconds."""

    requests: int
    duration_us: int
    p50_us: int
    p95_us: int
    p99_us: int
    max_us: int
    connect: int
    read: int
    write: int
    status: int
    timeout: int
    accepted: int = 0
    refused: int = 0
    unexpected: int = 0

    @property
    def per_second(self) -> float:
        return self.requests / (self.duration_us / 1e6) if self.duration_us else 0.0

    @property
    def socket_errors(self) -> int:
        return self.connect + self.read + self.write

    @property
    def errors(self) -> int:
        """Requests that failed: socket errors, timeouts, and answers of 400 and above."""
        return self.socket_errors + self.timeout + self.status


def parse_wrk(output: str) -> Result:
    """The figures of the ``LOADTEST`` line of a wrk run's output."""
    found = _LINE.findall(output)
    if len(found) != 1:
        raise ValueError(f"expected one LOADTEST line in wrk's output, found {len(found)}")
    values = {name: int(value) for name, value in _FIELD.findall(found[0])}
    try:
        return Result(**values)
    except TypeError as error:
        raise ValueError(f"the LOADTEST line is incomplete or unknown: {error}") from None


def read_lookups(folder: Path) -> list[str]:
    """The receipt look-up keys the form's threads wrote, one per line, in every file."""
    lookups: list[str] = []
    for path in sorted(folder.glob("receipts-*.txt")):
        lookups.extend(line.strip() for line in path.read_text().splitlines() if line.strip())
    return lookups


def lost_submissions(accepted: Sequence[str], stored: Iterable[str]) -> list[str]:
    """The look-up keys shown to a source whose submission the database does not hold."""
    kept = set(stored)
    return [lookup for lookup in accepted if lookup not in kept]


def row(endpoint: str, connections: int, result: Result, cpu_seconds: float = 0.0) -> str:
    ms = 1000.0
    line = (
        f"  {endpoint:<14} c={connections:<3} {result.per_second:8.1f} req/s"
        f"  p50 {result.p50_us / ms:7.1f}  p95 {result.p95_us / ms:7.1f}"
        f"  p99 {result.p99_us / ms:7.1f} ms"
        f"  server CPU {cpu_seconds * ms / max(1, result.requests):6.1f} ms/req"
        f"  errors {result.errors} (socket {result.socket_errors}, timeout {result.timeout},"
        f" status {result.status})"
    )
    if endpoint == "form":
        seconds = result.duration_us / 1e6
        line += (
            f"  submissions {result.accepted} ({result.accepted / seconds:.1f}/s),"
            f" refused {result.refused}, unexpected {result.unexpected}"
        )
    return line


# The corpus --------------------------------------------------------------------------------


def scale() -> float:
    return bench_scale(10)


def fingerprint(corpus_scale: float) -> str:
    """What the kept corpus was built from: scale, seed, and the files that make it."""
    digest = hashlib.sha256(f"scale={corpus_scale:g} seed={SEED}\n".encode())
    paths = [p for folder in CORPUS_SOURCES for p in (REPOSITORY / folder).rglob("*")]
    paths += list((REPOSITORY / "src" / "spcomms").glob("*/migrations/*.py"))
    for path in sorted(p for p in paths if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(REPOSITORY)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _database_url(name: str) -> str:
    base, _, _ = postgres_admin_url().rpartition("/")
    return f"{base}/{name}"


def _environment(**changes: str) -> dict[str, str]:
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SPCOMMS_") and key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    environ.update(
        {
            "SPCOMMS_VAR_DIR": str(VAR),
            "SPCOMMS_KEY_DIR": str(VAR / "keys"),
            "DJANGO_SETTINGS_MODULE": "spcomms.settings",
        }
    )
    environ.update(changes)
    return environ


def _kept_fingerprint(admin: psycopg.Connection[Any]) -> str | None:
    found = admin.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
        (CORPUS_DATABASE,),
    ).fetchone()
    return str(found[0]) if found and found[0] else None


def corpus_ready(admin: psycopg.Connection[Any]) -> None:
    """Build the corpus database unless the one kept was built from the same sources."""
    wanted = fingerprint(scale())
    if _kept_fingerprint(admin) == wanted and (VAR / "keys" / "master.key").exists():
        print(f"  corpus: kept from an earlier run ({CORPUS_DATABASE}, unchanged sources)")
        return
    print(f"  corpus: building the demo at scale {scale():g} into {CORPUS_DATABASE}...")
    name = sql.Identifier(CORPUS_DATABASE)
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
    admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
    shutil.rmtree(VAR / "keys", ignore_errors=True)  # a new corpus, a new master key
    started = time.perf_counter()
    subprocess.run(  # noqa: S603  # our own interpreter running this module
        [sys.executable, "-m", "benchmarks.loadtest", BUILD_FLAG],
        cwd=REPOSITORY,
        env=_environment(
            SPCOMMS_ENV="demo",
            DATABASE_URL=_database_url(CORPUS_DATABASE),
            SPCOMMS_BENCH_SCALE=str(scale()),
        ),
        check=True,
    )
    admin.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(name, sql.Literal(wanted)))
    print(f"  corpus: built in {time.perf_counter() - started:.0f} s")


def build() -> None:
    """In the child process: the corpus into an empty database, indexed for the public."""
    import django

    django.setup()
    from django.core.management import call_command

    from spcomms.demo.services import demo_build
    from spcomms.publication.index import publication_sync
    from spcomms.reference.services import reference_load

    call_command("migrate", verbosity=0)
    reference_load()
    built = demo_build(seed=SEED, scale=scale())
    synced = publication_sync()
    print(
        f"  corpus: {built.communications:,} communications, {built.mentions:,} mentions,"
        f" {synced.added:,} published documents"
    )


def run_database(admin: psycopg.Connection[Any]) -> None:
    name = sql.Identifier(RUN_DATABASE)
    admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
    admin.execute(
        sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(name, sql.Identifier(CORPUS_DATABASE))
    )


# The server -----------------------------------------------------------------------------------


def process_cpu_seconds(pid: int) -> float:
    """The CPU time (user and system) a process has used so far, 0 if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # after the command name: field 3 onwards
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def server_processes(server: subprocess.Popen[bytes], admin: psycopg.Connection[Any]) -> list[int]:
    """gunicorn's master and workers, and the PostgreSQL backends serving the run."""
    try:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    except OSError:
        children = []
    backends = admin.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s", (RUN_DATABASE,)
    ).fetchall()
    return [server.pid, *(int(pid) for pid in children), *(int(pid) for (pid,) in backends)]


def cpu_sample(server: subprocess.Popen[bytes], admin: psycopg.Connection[Any]) -> dict[int, float]:
    return {pid: process_cpu_seconds(pid) for pid in server_processes(server, admin)}


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """The CPU seconds the server used between two samples (a process new since the first
    counts from zero; one gone since is not counted)."""
    return sum(max(0.0, seconds - before.get(pid, 0.0)) for pid, seconds in after.items())


def workers() -> int:
    """gunicorn's advice for synchronous workers: two per core, plus one."""
    return int(os.environ.get("SPCOMMS_LOAD_WORKERS", 2 * (os.cpu_count() or 1) + 1))


def server_environment() -> dict[str, str]:
    return _environment(
        SPCOMMS_ENV="production",
        SPCOMMS_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=_database_url(RUN_DATABASE),
        SPCOMMS_DB_CONN_MAX_AGE="60",
        SPCOMMS_ALLOWED_HOSTS=HOST,
        # TLS ends at the proxy, which also redirects plain HTTP; the requests say so.
        SPCOMMS_SSL_REDIRECT="0",
        SPCOMMS_INTAKE_SUBMISSIONS=str(SUBMISSION_LIMIT),
    )


def _command(name: str, *args: str, environ: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603  # the project's own console scripts
        [str(Path(sys.executable).parent / name), *args],
        cwd=REPOSITORY,
        env=environ,
        check=True,
    )


def _get(url: str, *, headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(  # noqa: S310  # http to our own loopback server
        url, headers={"X-Forwarded-Proto": "https", **(headers or {})}
    )
    return urllib.request.urlopen(request, timeout=30)  # noqa: S310  # as above


def wait_ready(base: str, server: subprocess.Popen[bytes], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped before it answered: see var/loadtest/gunicorn.log")
        try:
            with _get(base + "/") as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s")


def stop(server: subprocess.Popen[bytes]) -> None:
    """Ask gunicorn to finish its requests and stop (SIGTERM), then insist after 30 s."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# What the load test asks for ----------------------------------------------------------------


def _path_lists() -> dict[str, list[str]]:
    """The paths of each reading endpoint, chosen from the corpus."""

    from spcomms.publication.models import PublishedDocument

    year = busiest_year()
    queries = ["defender", "detention", '"arbitrary detention"', "surveillance", "raid", ""]
    search = []
    for query in queries:
        search.append("/communications/?" + urlencode({"q": query}))
        search.append("/communications/?" + urlencode({"q": query, "year": year, "type": "UA"}))
    states = [iso3 for iso3, _count in state_sample()]
    slugs = list(PublishedDocument.objects.order_by("pk").values_list("slug", flat=True))
    spread = slugs[:: max(1, len(slugs) // 40)][:40]
    api = "/api/v1/communications"
    return {
        "search": search,
        "state page": [f"/states/{iso3}/" for iso3 in states],
        "API list": [api, api + "?page=2", api + "?q=detention", f"{api}?year={year}&type=UA"],
        "API detail": [f"{api}/{slug}" for slug in spread],
    }


def form_answers() -> list[str]:
    """The answers of each step of the form, url-encoded, one line per step (1 to 7)."""
    import datetime as dt

    from spcomms.reference.models import Country, IssueArea, Mandate

    today = dt.date.today()
    country = Country.objects.order_by("iso3").filter(iso3="COL").first() or Country.objects.first()
    mandate = Mandate.objects.filter(active=True).order_by("pk").first()
    area = IssueArea.objects.filter(active=True).order_by("pk").first()
    if country is None or mandate is None or area is None:
        raise RuntimeError("the reference data is missing: run spcomms reference load")
    steps: list[list[tuple[str, str]]] = [
        [("sender_kind", "anonymous"), ("language", "en")],
        [("is_urgent", "no")],
        [
            ("v0-name", "Load test person"),
            ("v0-kind", "individual"),
            ("v0-gender", "female"),
            ("v0-issue_areas", str(area.pk)),
            ("v0-consent_given_by", "victim"),
            ("v0-consent_transmit", "yes"),
            ("v0-consent_public", "withheld"),
        ],
        [
            ("country", str(country.pk)),
            ("incident_from", (today - dt.timedelta(days=9)).isoformat()),
            ("facts", "Synthetic facts written by the load test."),
        ],
        [("context", "Synthetic context written by the load test.")],
        [("press_release_wanted", "no"), ("mandates_wished", str(mandate.pk))],
    ]
    lines = [urlencode([("action", "next"), *fields]) for fields in steps]
    lines.append(urlencode([("action", "send"), ("confirm", "on")]))
    return lines


def csrf_cookie(base: str) -> str:
    """The CSRF cookie the form's page gives a new visitor, as a ``Cookie`` header value."""
    with _get(base + FORM) as answer:
        cookies = SimpleCookie()
        for header in answer.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
    # `csrftoken`, or `__Host-csrftoken` under the production settings the load test runs.
    names = [name for name in cookies if name in ("csrftoken", "__Host-csrftoken")]
    if not names:
        raise RuntimeError("the form gave no CSRF cookie")
    return f"{names[0]}={cookies[names[0]].value}"


def wrk(
    base: str, script: str, connections: int, seconds: int, args: Sequence[str], folder: Path
) -> Result:
    combined = folder / f"{Path(script).stem}.lua"
    combined.write_text(
        (WRK_SCRIPTS / script).read_text() + "\n" + (WRK_SCRIPTS / "summary.lua").read_text()
    )
    completed = subprocess.run(  # noqa: S603  # wrk on our own loopback server
        [
            shutil.which("wrk") or "/usr/bin/wrk",
            "--threads",
            "1",
            "--connections",
            str(connections),
            "--duration",
            f"{seconds}s",
            "--timeout",
            "10s",
            "--script",
            str(combined),
            base + "/",
            "--",
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return parse_wrk(completed.stdout)


def levels() -> list[int]:
    text = os.environ.get("SPCOMMS_LOAD_LEVELS", "1,4,16,64")
    return [int(part) for part in text.split(",") if part.strip()]


def seconds_per_run() -> int:
    return int(os.environ.get("SPCOMMS_LOAD_SECONDS", "20"))


def form_seconds(connections: int) -> int:
    """How long the form runs: a submission takes eight requests, so at 64 connections on a
    busy machine 20 s may end every chain before its sending; at least 2 s per connection."""
    return max(seconds_per_run(), 2 * connections)


def check_receipts(lookups: list[str], rows_before: int) -> int:
    """Print the check of the accepted submissions; the number lost."""
    from spcomms.intake.models import Submission

    stored: set[str] = set()
    for start in range(0, len(lookups), 1000):
        chunk = lookups[start : start + 1000]
        stored.update(
            Submission.objects.filter(receipt_lookup__in=chunk).values_list(
                "receipt_lookup", flat=True
            )
        )
    lost = lost_submissions(lookups, stored)
    added = Submission.objects.count() - rows_before
    print(
        f"\n  submissions: {len(lookups)} accepted (receipt shown), {len(lookups) - len(lost)}"
        f" of them in the database, {len(lost)} lost; {added} rows added in all"
        + (
            f" ({added - len(lookups)} stored whose receipt the run ended before reading)"
            if added > len(lookups)
            else ""
        )
    )
    return len(lost)


def _load_average() -> str:
    """The machine's load average over 1, 5 and 15 minutes: others' work slows the figures."""
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is missing: `make loadtest` installs Debian's wrk (apt-get install wrk).")
        return 2
    print("== machine ==")
    for line in machine():
        print(f"  {line}")
    print(f"  load: gunicorn with {workers()} workers; wrk with 1 thread, on the same machine")
    print(f"  load average before: {_load_average()}")
    VAR.mkdir(parents=True, exist_ok=True)
    try:
        admin = psycopg.connect(postgres_admin_url(), autocommit=True, connect_timeout=3)
    except psycopg.Error:
        print(f"PostgreSQL does not answer at {postgres_admin_url()}: no load test.")
        return 2
    with admin:
        corpus_ready(admin)
        run_database(admin)
        environ = server_environment()
        # This process reads the run's database too (the paths, then the receipts check),
        # with the settings of the demo, which need no secret key given.
        os.environ.update(
            {
                "SPCOMMS_ENV": "demo",
                "DATABASE_URL": _database_url(RUN_DATABASE),
                "SPCOMMS_VAR_DIR": str(VAR),
                "SPCOMMS_KEY_DIR": str(VAR / "keys"),
                "DJANGO_SETTINGS_MODULE": "spcomms.settings",
            }
        )
        import django

        django.setup()
        from django.db import connection

        _command("spcomms", "migrate", "--no-input", "-v", "0", environ=environ)
        _command("spcomms", "collectstatic", "--no-input", "-v", "0", environ=environ)
        from spcomms.intake.models import Submission

        paths = _path_lists()
        answers = form_answers()
        rows_before = Submission.objects.count()
        connection.close()
        port = free_port()
        base = f"http://{HOST}:{port}"
        log = (VAR / "gunicorn.log").open("wb")
        server = subprocess.Popen(  # noqa: S603  # gunicorn from our own virtual environment
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "spcomms.wsgi",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(workers()),
                "--timeout",
                "60",
            ],
            cwd=REPOSITORY,
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            lost = _drive(base, server, admin, paths, answers, rows_before)
        finally:
            stop(server)
            log.close()
            connection.close()
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(RUN_DATABASE)
                )
            )
    return lost


def _drive(
    base: str,
    server: subprocess.Popen[bytes],
    admin: psycopg.Connection[Any],
    paths: dict[str, list[str]],
    answers: list[str],
    rows_before: int,
) -> int:
    wait_ready(base, server)
    seconds = seconds_per_run()
    with tempfile.TemporaryDirectory(prefix="spcomms-loadtest-") as temporary:
        folder = Path(temporary)
        files = {}
        for endpoint, listed in paths.items():
            files[endpoint] = folder / f"{endpoint.replace(' ', '-')}.txt"
            files[endpoint].write_text("\n".join(listed) + "\n")
        (folder / "answers.txt").write_text("\n".join(answers) + "\n")
        receipts = folder / "receipts"
        receipts.mkdir()
        cookie = csrf_cookie(base)
        # Each worker loads its own copy of the search index on its first search (0.6 to 2 s
        # at this size, more on a busy machine): warm every worker before measuring, as on a
        # server that has run a while; these runs are not reported.
        for path_file in files.values():
            wrk(base, "paths.lua", workers() * 2, WARM_UP_SECONDS, [str(path_file)], folder)
        print(f"\n== wrk, {seconds} s per run ==", flush=True)
        for connections in levels():
            for endpoint, path_file in files.items():
                before = cpu_sample(server, admin)
                result = wrk(base, "paths.lua", connections, seconds, [str(path_file)], folder)
                used = cpu_used(before, cpu_sample(server, admin))
                print(row(endpoint, connections, result, used), flush=True)
            form_args = [cookie, str(folder / "answers.txt"), str(receipts / str(connections))]
            (receipts / str(connections)).mkdir()
            before = cpu_sample(server, admin)
            result = wrk(
                base, "submit.lua", connections, form_seconds(connections), form_args, folder
            )
            used = cpu_used(before, cpu_sample(server, admin))
            print(row("form", connections, result, used), flush=True)
        lookups = [lookup for level in sorted(receipts.iterdir()) for lookup in read_lookups(level)]
    print(f"  load average after: {_load_average()}")
    if not lookups:
        print("\n  no submission was accepted: the form did not work under load.")
        return 1
    return 1 if check_receipts(lookups, rows_before) else 0


if __name__ == "__main__":
    if BUILD_FLAG in sys.argv[1:]:
        build()
    else:
        sys.exit(main())
