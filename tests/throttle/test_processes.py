"""Two server processes on one database share every rate limit.

Two ``spcomms runserver`` processes serve the same database (the test database itself on
PostgreSQL; on SQLite, a file copy of it). A guesser who spreads wrong receipt codes over
both is refused once the sum reaches the limit; with a count per process each would have
allowed the limit again. Failed sign-ins sent to both at the same moment are each counted
once: the count is raised in the database, so none is lost between processes.
"""

from __future__ import annotations

import http.client
import os
import re
import sqlite3
import subprocess
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from tests.console import SPCOMMS, free_port

CODE_ATTEMPTS = 4
CLIENT_FAILURES = 21
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# The servers read the data this test commits.
pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    cookie: str = ""
    token: str = ""

    def request(
        self, method: str, path: str, fields: dict[str, str] | None = None, client: str = ""
    ) -> tuple[int, str]:
        link = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"X-Real-IP": client} if client else {}
        body = None
        if fields is not None:
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.token, **fields})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookie:
            headers["Cookie"] = self.cookie
        link.request(method, path, body=body, headers=headers)
        answer = link.getresponse()
        text = answer.read().decode()
        cookie = answer.getheader("Set-Cookie") or ""
        if cookie.startswith("csrftoken="):
            self.cookie = cookie.split(";")[0]
        found = _TOKEN.search(text)
        if found:
            self.token = found.group(1)
        link.close()
        return answer.status, text


def _database_url(tmp_path: Path) -> str:
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
        return (
            f"postgres://{settings.get('USER') or 'postgres'}{password}@"
            f"{settings.get('HOST') or '127.0.0.1'}:{settings.get('PORT') or 5432}/"
            f"{settings['NAME']}"
        )
    # The in-memory test database, copied as it is (migrated) into a file both can open.
    copy = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(copy) as target:
        connection.connection.backup(target)
    return f"sqlite:///{copy}"


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[Server]]:
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SPCOMMS_") and key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    environ.update(
        DATABASE_URL=_database_url(tmp_path),
        SPCOMMS_VAR_DIR=str(tmp_path / "var"),  # one set of keys for both, as on one server
        SPCOMMS_CLIENT_ADDRESS_HEADER="X-Real-IP",
        SPCOMMS_INTAKE_CODE_ATTEMPTS=str(CODE_ATTEMPTS),
        SPCOMMS_SIGNIN_CLIENT_FAILURES=str(CLIENT_FAILURES),
        SPCOMMS_SIGNIN_ACCOUNT_FAILURES="100",
    )
    started: list[Server] = []
    try:
        for number in range(2):  # one after the other: the first makes the key files
            port = free_port()
            log = tmp_path / f"server-{number}.log"
            with log.open("wb") as output:  # the server keeps its own copy of the file
                process = subprocess.Popen(  # our own console script, started by this test
                    [str(SPCOMMS), "runserver", "--noreload", f"127.0.0.1:{port}"],
                    env=environ,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            server = Server(port, process)
            started.append(server)
            deadline = time.monotonic() + 60
            while True:
                try:
                    server.request("GET", "/submit/status/")
                    break
                except OSError:
                    assert process.poll() is None, f"the server stopped: {log.read_text()}"
                    assert time.monotonic() < deadline, "the server did not start"
                    time.sleep(0.2)
        yield started
    finally:
        for server in started:
            server.process.terminate()
            server.process.wait(timeout=30)


def test_wrong_codes_spread_over_two_processes_add_up_to_one_limit(
    servers: list[Server],
) -> None:
    first, second = servers
    guesser = "192.0.2.60"
    wrong = {"code": "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA"}

    statuses = [
        server.request("POST", "/submit/status/", wrong, client=guesser)[0]
        for server in (first, second) * (CODE_ATTEMPTS // 2)
    ]

    assert statuses == [400] * CODE_ATTEMPTS, "each process saw only half of them"
    for server in servers:
        status, page = server.request("POST", "/submit/status/", wrong, client=guesser)
        assert status == 429
        assert "Too many wrong codes were entered from your connection" in page
    assert first.request("POST", "/submit/status/", wrong, client="192.0.2.61")[0] == 400


def test_failures_counted_at_once_by_two_processes_are_none_of_them_lost(
    servers: list[Server],
) -> None:
    for server in servers:
        server.request("GET", "/accounts/login/")
    guesser = "192.0.2.70"

    def fail(number: int) -> int:
        server = servers[number % 2]
        fields = {"username": f"nobody-{number}", "password": "wrong"}
        return server.request("POST", "/accounts/login/", fields, client=guesser)[0]

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(fail, range(CLIENT_FAILURES - 1)))
    assert statuses == [200] * (CLIENT_FAILURES - 1)

    # One more reaches the limit only if every one of them was counted.
    assert fail(CLIENT_FAILURES) == 200
    status, page = servers[1].request(
        "POST", "/accounts/login/", {"username": "someone", "password": "x"}, client=guesser
    )
    assert status == 429
    assert "Too many failed attempts from this connection" in page
