"""The ``spcomms`` command.

Every subcommand is a Django management command. Two-word commands such as
``spcomms import covariates FILE`` run the command ``import_covariates``; the
words read as a sentence while each command stays one module.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping
from pathlib import Path


def resolve(argv: list[str]) -> list[str]:
    """Join the first two words into one command name when such a command exists."""
    from django.core.management import get_commands

    if len(argv) >= 2 and not argv[1].startswith("-"):
        joined = f"{argv[0]}_{argv[1]}"
        if joined in get_commands():
            return [joined, *argv[2:]]
    return argv


def demo_environment(environ: MutableMapping[str, str]) -> None:
    """The demonstration runs in demo mode on its own SQLite file, so that it never
    writes synthetic data into a real database by accident."""
    environ.setdefault("SPCOMMS_ENV", "demo")
    if "DATABASE_URL" not in environ:
        var_dir = Path(environ.get("SPCOMMS_VAR_DIR", Path.cwd() / "var"))
        environ["DATABASE_URL"] = f"sqlite:///{var_dir.resolve() / 'demo.sqlite3'}"


def database_refusal(error: Exception) -> str:
    """What to tell the operator when the database refuses a command: the first line of its
    message (the lines after it may quote values) and, for a missing table, what to run."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    message = f"spcomms: the database refused: {first}\n"
    if "no such table" in first or ("relation" in first and "does not exist" in first):
        message += (
            "spcomms: the database lacks spcomms' tables; run `spcomms migrate` to create or "
            "update them, then run the command again.\n"
        )
    return message


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spcomms.settings")
    from django.core.management import execute_from_command_line

    from spcomms.core.env import ConfigurationError

    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["demo"]:
        demo_environment(os.environ)
    try:
        import django

        django.setup()
    except ConfigurationError as error:
        sys.stderr.write(f"spcomms: configuration error: {error}\n")
        raise SystemExit(2) from None
    from django.db import DatabaseError

    try:
        execute_from_command_line(["spcomms", *resolve(args)])
    except DatabaseError as error:
        sys.stderr.write(database_refusal(error))
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
