"""Building, emptying and signing in to the demonstration.

The demonstration dataset is synthetic from end to end. These services refuse
to run in production and refuse to touch a database that already holds
communications not generated here, so that a misdirected ``DATABASE_URL`` can
never mix synthetic rows into a real record or wipe one.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils.translation import gettext as _

from spcomms.accounts.models import Role, User
from spcomms.audit.services import audit_record
from spcomms.communications.models import Communication
from spcomms.demo.models import SyntheticDataset
from spcomms.demo.names import NameSource
from spcomms.demo.plan import Planner
from spcomms.demo.plan_extra import ExtraPlanner
from spcomms.demo.records import CountryInfo
from spcomms.demo.writer import Lookups, Writer
from spcomms.reference.models import Country, Mandate

MAX_SCALE = 50.0
Progress = Callable[[str, int, int], None]
STEPS = ("plan", "persons", "communications", "named persons", "replies", "follow-up",
         "visits and intake", "dates")  # fmt: skip


class DemoRefused(Exception):
    """The demonstration cannot be built or emptied here; the message says why."""


@dataclass(frozen=True)
class BuildReport:
    seed: int
    scale: float
    communications: int
    mentions: int
    persons: int
    replies: int
    assessments: int
    rows: int
    seconds: float


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    username: str
    password: str


def _table_exists(model: type[Communication] | type[SyntheticDataset]) -> bool:
    return model._meta.db_table in connection.introspection.table_names()


def demo_preflight() -> None:
    """Refuse production, and databases that hold communications not generated here.

    Safe to call before migrating: tables that do not exist yet hold nothing.
    """
    if settings.SPCOMMS_ENV == "production":
        raise DemoRefused(
            _(
                "The demonstration never runs with SPCOMMS_ENV=production. Use a separate "
                "database and leave SPCOMMS_ENV unset (the demo command sets it to demo)."
            )
        )
    if not _table_exists(Communication):
        return
    synthetic = _table_exists(SyntheticDataset) and SyntheticDataset.objects.exists()
    if not synthetic and Communication.objects.exists():
        raise DemoRefused(
            _(
                "This database already holds communications that are not synthetic. The "
                "demonstration will not write into it or empty it; point DATABASE_URL at an "
                "empty database, or leave it unset to use var/demo.sqlite3."
            )
        )


def demo_build(*, seed: int, scale: float, progress: Progress | None = None) -> BuildReport:
    """Generate the synthetic dataset into an empty database, in one transaction.

    The same seed and scale always give the same data (names and references
    included). ``progress`` is told each step as ``(name, done, total)``.
    """
    demo_preflight()
    if not 0 < scale <= MAX_SCALE:
        raise DemoRefused(
            _("The scale must be above 0 and at most %(max)s; got %(scale)s.")
            % {"max": MAX_SCALE, "scale": scale}
        )
    if SyntheticDataset.objects.exists():
        raise DemoRefused(
            _("This database already holds a demonstration dataset; empty it first (--rebuild).")
        )
    if not Country.objects.filter(reporting_region__gt="").exists():
        raise DemoRefused(_("The reference data are missing: run `spcomms reference load` first."))
    started = time.perf_counter()
    done = 0

    def step(name: str) -> None:
        nonlocal done
        if progress is not None:
            progress(name, done, len(STEPS))
        done += 1

    step("plan")
    countries = [
        CountryInfo(iso3, region)
        for iso3, region in Country.objects.values_list("iso3", "reporting_region")
    ]
    planner = Planner(
        seed=seed,
        scale=scale,
        countries=countries,
        mandates=dict(Mandate.objects.values_list("code", "established")),
        names=NameSource(seed),
    )
    plan = planner.plan()
    extra = ExtraPlanner(planner, plan).build()
    with transaction.atomic():
        writer = Writer(plan, extra, Lookups.load(), step)
        writer.write()
        dataset = SyntheticDataset.objects.create(seed=seed, scale=scale)
        audit_record(actor=None, action="demo.build", obj=dataset, seed=seed, scale=scale)
    if progress is not None:
        progress("done", len(STEPS), len(STEPS))
    return BuildReport(
        seed=seed,
        scale=scale,
        communications=len(plan.communications),
        mentions=sum(len(c.mentions) for c in plan.communications),
        persons=len(plan.persons),
        replies=sum(len(c.replies) for c in plan.communications),
        assessments=len(extra.assessments),
        rows=writer.rows + 1,
        seconds=time.perf_counter() - started,
    )


def demo_reset() -> None:
    """Empty a demonstration database entirely, reference data and accounts included.

    Refused unless the database is marked synthetic (or holds no communication).
    """
    demo_preflight()
    call_command("flush", interactive=False, verbosity=0)


# -- demonstration accounts ------------------------------------------------------------

DEMO_ACCOUNTS: tuple[tuple[Role, str], ...] = (
    (Role.SECRETARIAT, "demo-secretariat"),
    (Role.MANDATE_HOLDER, "demo-rapporteur"),
    (Role.RESEARCHER, "demo-researcher"),
    (Role.ADMINISTRATOR, "demo-admin"),
)
LOGINS_HEADER = (
    "# spcomms demonstration sign-ins: role, user name, password. Synthetic data only.\n"
)


def _read_logins(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3 and not line.startswith("#"):
            found[parts[1]] = parts[2]
    return found


def _write_logins(path: Path, logins: list[DemoLogin]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(LOGINS_HEADER)
        for login in logins:
            handle.write(f"{login.role.value} {login.username} {login.password}\n")


def demo_accounts_ensure(*, path: Path) -> list[DemoLogin]:
    """One account per role, with the passwords kept in ``path`` (mode 0600).

    Accounts that exist and still match the file keep their password; any other
    gets a new random one, and the file is rewritten.
    """
    demo_preflight()
    if not SyntheticDataset.objects.exists():
        raise DemoRefused(_("Demonstration accounts exist only beside a synthetic dataset."))
    known = _read_logins(path)
    logins: list[DemoLogin] = []
    changed = not path.exists()
    with transaction.atomic():
        for role, username in DEMO_ACCOUNTS:
            staff = role in (Role.SECRETARIAT, Role.ADMINISTRATOR)
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "role": role,
                    "is_staff": staff,
                    "is_superuser": role == Role.ADMINISTRATOR,
                },
            )
            password = known.get(username, "")
            if created or not password or not user.check_password(password):
                password = secrets.token_urlsafe(15)
                user.set_password(password)
                user.save(update_fields=["password"])
                changed = True
            if role == Role.MANDATE_HOLDER:
                user.mandates.add(Mandate.objects.get(code="sr-hrd"))
            logins.append(DemoLogin(role, username, password))
    if changed:
        _write_logins(path, logins)
    return logins


def demo_logins_path() -> Path:
    return Path(settings.VAR_DIR) / "demo-logins.txt"
