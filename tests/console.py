"""The installed ``spcomms`` console script, run as a user runs it: a process of its own.

Tests that check what a user sees at the command line (exit status, messages, no traceback,
progress on a terminal) use these instead of ``call_command``. Each run gets an environment
without the test process's ``SPCOMMS_*`` settings, database or settings module, a data folder of
its own and, unless told otherwise, a fresh SQLite database in that folder.
"""

from __future__ import annotations

import fcntl
import os
import pty
import socket
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

SPCOMMS = Path(sys.executable).with_name("spcomms")


def free_port() -> int:
    """A TCP port on the loopback that nothing listens on, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def console_environment(folder: Path, **settings: str) -> dict[str, str]:
    """The environment of a fresh instance in ``folder``, with ``settings`` on top."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SPCOMMS_") and key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    environ["SPCOMMS_VAR_DIR"] = str(folder / "var")
    environ["DATABASE_URL"] = f"sqlite:///{folder / 'spcomms.sqlite3'}"
    environ.update(settings)
    return environ


def run_console(
    folder: Path, *args: str, timeout: float = 300, **settings: str
) -> subprocess.CompletedProcess[str]:
    """Run ``spcomms ARGS`` in ``folder`` (its working directory) and capture what it printed."""
    return subprocess.run(  # our own console script with arguments from the calling test
        [str(SPCOMMS), *args],
        env=console_environment(folder, **settings),
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_on_terminal(folder: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], bytes]:
    """Run ``spcomms ARGS`` with standard error on a terminal; return it and what that showed.

    Standard output stays a pipe, so a test sees the summary apart from the progress.
    """
    controller, terminal = pty.openpty()
    # A new pseudo-terminal is 0 columns wide, which leaves tqdm nothing to draw in.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    shown: list[bytes] = []

    def read_terminal() -> None:
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal was closed
                return
            if not chunk:
                return
            shown.append(chunk)

    reader = threading.Thread(target=read_terminal)
    reader.start()
    try:
        process = subprocess.run(  # our own console script with arguments from the calling test
            [str(SPCOMMS), *args],
            env=console_environment(folder),
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=terminal,
            text=True,
            timeout=180,
            check=False,
        )
    finally:
        os.close(terminal)
        reader.join(timeout=10)
        os.close(controller)
    return process, b"".join(shown)
