"""The installed ``spcomms demo`` command, run as a user runs it, answering over real HTTP."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.console import free_port

START_TIMEOUT = 120
SIGN_IN = re.compile(r"^\s+(.+?)\s+user (demo-\S+)\s+password (\S+)$", re.MULTILINE)
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class RunningDemo:
    url: str
    log: Path
    var_dir: Path


def wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"spcomms demo exited with {process.returncode}:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"spcomms demo did not answer within {START_TIMEOUT} s:\n{log.read_text()}")


@pytest.fixture(scope="module")
def running_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningDemo]:
    var_dir = tmp_path_factory.mktemp("demo-var")
    log = var_dir / "demo.log"
    port = free_port()
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "SPCOMMS_ENV", "DJANGO_SETTINGS_MODULE")
    }
    environ["SPCOMMS_VAR_DIR"] = str(var_dir)
    environ["PYTHONUNBUFFERED"] = "1"
    command = [
        str(Path(sys.executable).with_name("spcomms")),
        "demo",
        "--scale",
        "0.05",
        "--port",
        str(port),
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(  # our own installed command, fixed arguments
            command, cwd=var_dir, env=environ, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_for(port, process, log)
        yield RunningDemo(f"http://127.0.0.1:{port}", log, var_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def fetch(opener: urllib.request.OpenerDirector, url: str, data: bytes | None = None) -> str:
    with opener.open(url, data=data, timeout=30) as response:
        assert response.status == 200
        body: bytes = response.read()
        return body.decode()


def test_the_home_page_says_the_data_are_synthetic(running_demo: RunningDemo) -> None:
    page = fetch(urllib.request.build_opener(), running_demo.url + "/")
    assert 'data-testid="synthetic-label"' in page
    assert "Synthetic data." in page
    assert (running_demo.var_dir / "demo.sqlite3").exists()


def test_every_printed_sign_in_opens_the_workspace(running_demo: RunningDemo) -> None:
    printed = SIGN_IN.findall(running_demo.log.read_text())
    assert len(printed) == 4
    for _, username, password in printed:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login_url = running_demo.url + "/accounts/login/"
        form = fetch(opener, login_url)
        token = CSRF_FIELD.search(form)
        assert token, "the sign-in form carries a CSRF token"
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token[1], "username": username, "password": password}
        ).encode()
        request = urllib.request.Request(  # noqa: S310  # http to the server this test started
            login_url, data=data, headers={"Referer": login_url}
        )
        with opener.open(request, timeout=30) as response:
            assert response.status == 200
            assert response.url.endswith("/accounts/home/"), username
            assert 'data-testid="synthetic-label"' in response.read().decode()
