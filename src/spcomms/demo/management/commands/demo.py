"""``spcomms demo``: build the synthetic demonstration, print a sign-in per role, serve it.

``spcomms`` runs this command in demo mode on ``var/demo.sqlite3`` unless
DATABASE_URL says otherwise (see ``spcomms.cli.demo_environment``).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext, gettext_noop
from tqdm import tqdm

from spcomms.demo.calibration import CalibrationRow, calibration_measure
from spcomms.demo.models import SyntheticDataset
from spcomms.demo.services import (
    MAX_SCALE,
    DemoLogin,
    DemoRefused,
    demo_accounts_ensure,
    demo_build,
    demo_logins_path,
    demo_preflight,
    demo_reset,
)
from spcomms.publication.index import publication_sync
from spcomms.reference.services import reference_load

DEFAULT_SEED = 0
MAX_SEED = 2**63 - 1


class Command(BaseCommand):
    help = gettext_noop(
        "Build the synthetic demonstration dataset if the database has none, create one "
        "account per role, print the address and the sign-ins, and serve the site."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = gettext(self.help)
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help=gettext("Empty the demonstration database and build it afresh."),
        )
        parser.add_argument(
            "--seed",
            type=int,
            help=gettext("The random seed of a new build (default %(default)s).")
            % {"default": DEFAULT_SEED},
        )
        parser.add_argument(
            "--scale",
            type=float,
            help=gettext("Multiply every count of a new build (default 1: about 4,500 letters)."),
        )
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help=gettext("Build and print the sign-ins, then stop without serving."),
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help=gettext(
                "Print the calibration table (each published figure beside the measured one) "
                "and fail if any is outside its tolerance; does not serve."
            ),
        )
        parser.add_argument("--addr", default="127.0.0.1", help=gettext("Address to serve on."))
        parser.add_argument("--port", type=int, default=8000, help=gettext("Port to serve on."))

    def handle(
        self,
        *args: Any,
        rebuild: bool,
        seed: int | None,
        scale: float | None,
        no_serve: bool,
        check: bool,
        addr: str,
        port: int,
        **options: Any,
    ) -> None:
        self._validate(seed=seed, scale=scale, port=port)
        try:
            demo_preflight()
            call_command("migrate", interactive=False, verbosity=0)
            reference_load()
            if rebuild:
                demo_reset()
                reference_load()
            self._build_if_missing(seed=seed, scale=scale)
            logins = demo_accounts_ensure(path=demo_logins_path())
        except DemoRefused as refusal:
            raise CommandError(str(refusal)) from None
        if check:
            self._check()
            return
        self._announce(addr=addr, port=port, logins=logins)
        if not no_serve:
            call_command("runserver", f"{addr}:{port}", use_reloader=False)

    def _validate(self, *, seed: int | None, scale: float | None, port: int) -> None:
        if not 1 <= port <= 65535:
            raise CommandError(
                gettext("--port must be between 1 and 65535; got %(port)s.") % {"port": port}
            )
        if scale is not None and not 0 < scale <= MAX_SCALE:
            raise CommandError(
                gettext("--scale must be above 0 and at most %(max)s; got %(scale)s.")
                % {"max": MAX_SCALE, "scale": scale}
            )
        if seed is not None and not 0 <= seed <= MAX_SEED:
            raise CommandError(
                gettext("--seed must be between 0 and %(max)s; got %(seed)s.")
                % {"max": MAX_SEED, "seed": seed}
            )

    def _build_if_missing(self, *, seed: int | None, scale: float | None) -> None:
        existing = SyntheticDataset.objects.order_by("-generated_at").first()
        if existing is not None:
            self.stdout.write(
                gettext(
                    "The demonstration dataset is already built (seed %(seed)s, scale %(scale)s);"
                    " --rebuild starts afresh."
                )
                % {"seed": existing.seed, "scale": existing.scale}
            )
            return
        on_terminal = self.stdout.isatty() and sys.stderr.isatty()
        with tqdm(
            total=1,
            desc=gettext("Building the demonstration"),
            leave=False,
            file=sys.stderr,
            disable=not on_terminal,
        ) as bar:

            def progress(step: str, done: int, total: int) -> None:
                bar.total = total
                bar.set_postfix_str(step)
                bar.n = done
                bar.refresh()

            report = demo_build(
                seed=DEFAULT_SEED if seed is None else seed,
                scale=1.0 if scale is None else scale,
                progress=progress,
            )
        self.stdout.write(
            gettext(
                "Built the synthetic demonstration (seed %(seed)s, scale %(scale)s): "
                "%(communications)s communications naming %(persons)s persons "
                "%(mentions)s times, %(replies)s replies, %(assessments)s assessments; "
                "%(rows)s rows in %(seconds).1f s."
            )
            % {
                "seed": report.seed,
                "scale": report.scale,
                "communications": report.communications,
                "persons": report.persons,
                "mentions": report.mentions,
                "replies": report.replies,
                "assessments": report.assessments,
                "rows": report.rows,
                "seconds": report.seconds,
            }
        )
        # The public index builds itself on the first public request; doing it now
        # spares the first visitor the wait.
        started = time.monotonic()
        synced = publication_sync()
        self.stdout.write(
            gettext(
                "Indexed %(count)s published communications for public search in %(seconds).1f s."
            )
            % {"count": synced.added, "seconds": time.monotonic() - started}
        )

    def _announce(self, *, addr: str, port: int, logins: list[DemoLogin]) -> None:
        self.stdout.write("")
        self.stdout.write(
            gettext("The demonstration runs at http://%(addr)s:%(port)s")
            % {"addr": addr, "port": port}
        )
        self.stdout.write(gettext("Every record in it is synthetic. Sign in as:"))
        for login in logins:
            self.stdout.write(
                gettext("  %(role)-22s user %(username)-18s password %(password)s")
                % {
                    "role": login.role.label,
                    "username": login.username,
                    "password": login.password,
                }
            )
        self.stdout.write(
            gettext("The sign-ins are kept in %(path)s (readable by you only).")
            % {"path": demo_logins_path()}
        )
        self.stdout.write(_two_factor_notice())
        self.stdout.flush()  # before the server takes over the process

    def _check(self) -> None:
        rows = calibration_measure()
        self.stdout.write(calibration_table(rows))
        failed = [row for row in rows if not row.ok]
        if failed:
            raise CommandError(
                gettext("%(count)d of %(total)d calibration targets are outside their tolerance.")
                % {"count": len(failed), "total": len(rows)}
            )
        self.stdout.write(
            gettext("All %(total)d calibration targets are within their tolerance.")
            % {"total": len(rows)}
        )


def _two_factor_notice() -> str:
    if settings.SPCOMMS_REQUIRE_2FA:
        return gettext(
            "Two-factor authentication is required (SPCOMMS_REQUIRE_2FA=1): at their first "
            "sign-in, the staff accounts set up an authenticator app from the setup key or QR "
            "code the page shows."
        )
    return gettext(
        "Two-factor authentication is optional in the demonstration: any account may set up "
        "an authenticator app under Sign-in security in its workspace. Production requires it "
        "of staff (SPCOMMS_REQUIRE_2FA)."
    )


def _number(value: float | None, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "share":
        return f"{100 * value:.2f} %"
    if kind == "count":
        return f"{value:,.0f}"
    return f"{value:.2f}"


def calibration_table(rows: list[CalibrationRow]) -> str:
    """A plain-text table: target, tolerance, measured value, denominator, verdict."""
    header = (
        gettext("figure"),
        gettext("target"),
        gettext("tolerance"),
        gettext("measured"),
        gettext("n"),
        gettext("within"),
    )
    lines = [header]
    for row in rows:
        kind = row.target.kind
        tolerance = (
            f"± {100 * row.allowed:.2f} pp"
            if kind == "share"
            else f"± {_number(row.allowed, kind)}"
        )
        lines.append(
            (
                gettext(row.target.label),
                _number(row.expected, kind),
                tolerance,
                _number(row.measured, kind),
                f"{row.n:,}",
                gettext("yes") if row.ok else gettext("NO"),
            )
        )
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    text = [
        "  ".join(
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    ]
    sources = sorted({row.target.source for row in rows})
    text.append("")
    text.append(gettext("Sources:"))
    text.extend(f"  {source}" for source in sources)
    return "\n".join(text)
