"""Killed at any moment, an import, a publication sync or a key rotation leaves the database whole.

The attacker here is the machine itself (or an operator's ``kill -9``, an out-of-memory
killer, a power cut): the ``spcomms`` process dies between any two steps, and no
``finally`` runs. Each test starts real ``spcomms`` processes against a database file
(SQLite) or the test database itself (PostgreSQL) and kills them with SIGKILL:

- at a seeded random choice of the points where the process changes stored state (just
  before its N-th writing SQL statement, commit or key file rename), which the test seam
  ``tests/security/crashpoint/sitecustomize.py`` counts and acts on inside the process;
- and from outside, after a seeded random delay, wherever the process happens to be.

After every kill the database is compared with what it was: an import holds the whole file
or none of it, the public index is wholly the old one or wholly the new one, and after a
key rotation every sealed value still opens to the same clear text, and running the
command again finishes the rotation.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from spcomms.cases.models import Person
from spcomms.communications.models import Communication, CommunicationPerson
from spcomms.core.crypto import Keyring
from spcomms.covariates.models import CountryYearValue, Variable
from spcomms.encryption import keyring, load_keyring
from spcomms.intake.crypto import data_key_unwrap, text_open
from spcomms.intake.fields import SealedTextField
from spcomms.intake.models import Submission, SubmissionMessage, SubmissionVictim
from spcomms.keys.services import sealed_columns
from spcomms.publication.models import IndexState, PublishedDocument, PublishedFacet
from spcomms.reference.models import Country
from tests.console import SPCOMMS

SEAM = Path(__file__).with_name("crashpoint")
# Points inside each operation at which a process is killed, besides the kill just before
# its first commit, and kills from outside after a random delay.
INSIDE_KILLS = 3
TIMED_KILLS = 2

# The processes write to the database this test commits to.
pytestmark = pytest.mark.django_db(transaction=True)

Row = tuple[Any, ...]


@dataclass(frozen=True)
class Outcome:
    returncode: int
    seconds: float
    steps: dict[str, Any]
    stdout: str
    stderr: str

    @property
    def killed(self) -> bool:
        return self.returncode == -signal.SIGKILL


@dataclass
class Instance:
    """An spcomms instance: a database, a key folder, and ``spcomms`` processes on them."""

    folder: Path
    url: str = ""
    sqlite: Path | None = None

    @property
    def key_dir(self) -> Path:
        return self.folder / "keys"

    def share(self) -> None:
        """Make the test database, as it is now, the instance's: the database itself on
        PostgreSQL, a file copy of the in-memory test database on SQLite. On SQLite the
        test reads the copy from then on, never the test database."""
        settings = connection.settings_dict
        if connection.vendor == "postgresql":
            password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
            self.url = (
                f"postgres://{settings.get('USER') or 'postgres'}{password}@"
                f"{settings.get('HOST') or '127.0.0.1'}:{settings.get('PORT') or 5432}/"
                f"{settings['NAME']}"
            )
            return
        self.sqlite = self.folder / "spcomms.sqlite3"
        connection.ensure_connection()
        with closing(sqlite3.connect(self.sqlite)) as target:
            connection.connection.backup(target)
        self.url = f"sqlite:///{self.sqlite}"

    def _environ(self, seam: dict[str, str]) -> dict[str, str]:
        environ = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("SPCOMMS_", "CRASH_TEST_"))
            and key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH")
        }
        environ.update(
            DATABASE_URL=self.url,
            SPCOMMS_VAR_DIR=str(self.folder / "var"),
            SPCOMMS_KEY_DIR=str(self.key_dir),
        )
        if seam:
            environ.update(PYTHONPATH=str(SEAM), **seam)
        return environ

    def run(self, *args: str, kill_at: str = "") -> Outcome:
        """Run ``spcomms ARGS``; with ``kill_at`` (``KIND:N``), it kills itself there."""
        report = self.folder / "steps.json"
        report.unlink(missing_ok=True)
        seam = {"CRASH_TEST_REPORT": str(report)}
        if kill_at:
            seam["CRASH_TEST_KILL_AT"] = kill_at
        started = time.monotonic()
        done = subprocess.run(  # our own console script, with arguments from this test
            [str(SPCOMMS), *args, "--skip-checks"],
            env=self._environ(seam),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        steps = json.loads(report.read_text()) if report.exists() else {}
        return Outcome(done.returncode, time.monotonic() - started, steps, done.stdout, done.stderr)

    def run_killed_after(self, *args: str, delay: float) -> Outcome:
        """Start ``spcomms ARGS`` and send it SIGKILL after ``delay`` seconds, if still running."""
        started = time.monotonic()
        process = subprocess.Popen(  # our own console script, with arguments from this test
            [str(SPCOMMS), *args, "--skip-checks"],
            env=self._environ({}),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=300)
        return Outcome(process.returncode, time.monotonic() - started, {}, stdout, stderr)

    def rows(self, sql: str) -> list[Row]:
        """Rows of ``sql``, read from the instance's database as it stands (committed)."""
        if self.sqlite is not None:
            with closing(sqlite3.connect(self.sqlite)) as reader:
                return [tuple(row) for row in reader.execute(sql).fetchall()]
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return [tuple(row) for row in cursor.fetchall()]

    def tables(self) -> list[str]:
        if self.sqlite is not None:
            found = self.rows(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        else:
            found = self.rows("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return sorted(name for (name,) in found)

    def fingerprint(self) -> str:
        """A digest of every row of every table."""
        digest = hashlib.sha256()
        for table in self.tables():
            digest.update(table.encode())
            for line in sorted(repr(row) for row in self.rows(f'SELECT * FROM "{table}"')):  # noqa: S608
                digest.update(line.encode())
        return digest.hexdigest()

    def keyring(self) -> Keyring:
        return load_keyring(self.key_dir)


@pytest.fixture
def instance(tmp_path: Path, reference: None) -> Iterator[Instance]:
    """A fresh instance with its own key folder, which this process also seals with."""
    keys = tmp_path / "keys"
    with override_settings(SPCOMMS_KEY_DIR=keys, SPCOMMS_MASTER_KEY=None):
        keyring.cache_clear()
        try:
            yield Instance(tmp_path)
        finally:
            keyring.cache_clear()


def _import_file(folder: Path, *, state: str, count: int) -> Path:
    """A JSON import file of ``count`` letters to ``state``, each naming one person."""
    communications = [
        {
            "reference": f"AL {state} {number}/2016",
            "sent_on": "2016-03-01",
            "subject": f"Situation of defender {state}-{number}",
            "mandates": {"lead": "sr-hrd"},
            "addressees": [{"state": state}],
            "facts": f"Facts of letter {state}-{number}.",
            "concerns": f"Concerns of letter {state}-{number}.",
            "persons": [
                {
                    "key": f"{state}-{number}",
                    "name": f"Defender {state}-{number}",
                    "country": state,
                    "consent": {
                        "given_by": "victim",
                        "transmit_to_state": True,
                        "public_naming": "full",
                        "written": True,
                        "recorded_on": "2016-02-20",
                    },
                }
            ],
            "replies": [],
        }
        for number in range(1, count + 1)
    ]
    path = folder / f"letters-{state}.json"
    path.write_text(json.dumps({"communications": communications}))
    return path


def _table(model: type[Any]) -> str:
    return str(model._meta.db_table)


def _imported(instance: Instance) -> tuple[list[Row], list[str], int]:
    """What an import leaves, in clear: the letters (reference, subject, facts), the names
    of the persons, and how many times persons are named."""
    ring = instance.keyring()
    table = _table(Communication)
    letters = sorted(
        (code, number, year, subject, ring.open(facts, context=f"{table}.facts"))
        for code, number, year, subject, facts in instance.rows(
            f'SELECT ref_code, ref_number, ref_year, subject, facts FROM "{table}"'  # noqa: S608
        )
    )
    persons = _table(Person)
    names = sorted(
        ring.open(name, context=f"{persons}.name")
        for (name,) in instance.rows(f'SELECT name FROM "{persons}"')  # noqa: S608
    )
    mentions = _table(CommunicationPerson)
    (named,) = instance.rows(f'SELECT COUNT(*) FROM "{mentions}"')[0]  # noqa: S608
    return letters, names, int(named)


def _expected(state: str, count: int) -> tuple[list[Row], list[str], int]:
    letters = sorted(
        (state, n, 2016, f"Situation of defender {state}-{n}", f"Facts of letter {state}-{n}.")
        for n in range(1, count + 1)
    )
    return letters, sorted(f"Defender {state}-{n}" for n in range(1, count + 1)), count


def _seeded(seed: int) -> random.Random:
    """Kill points chosen at random, the same in every run: a failure can be replayed."""
    return random.Random(seed)  # noqa: S311  # chooses kill points, not secrets


def _inside_points(rng: random.Random, total: int) -> list[int]:
    """A seeded choice of step numbers among ``total``, in order."""
    return sorted(rng.sample(range(1, total + 1), k=min(INSIDE_KILLS, total)))


def _kill_an_import(
    instance: Instance,
    command: tuple[str, ...],
    *,
    rng: random.Random,
    whole: Callable[[], object],
    expected: object,
) -> None:
    """Kill ``command`` just before its commit, before seeded random writes and after random
    delays, then let it finish: after each kill the database is as before or, once the import
    finished, ``whole()`` gives ``expected``."""
    before = instance.fingerprint()
    last_moment = instance.run(*command, kill_at="commit:1")
    assert last_moment.killed, last_moment.stderr
    assert instance.fingerprint() == before
    writes = last_moment.steps.get("write", 0)
    assert writes >= INSIDE_KILLS, "the import committed before it wrote the file"

    for point in _inside_points(rng, writes):
        outcome = instance.run(*command, kill_at=f"write:{point}")
        assert outcome.killed, outcome.stderr
        assert instance.fingerprint() == before, f"after a kill before write {point}/{writes}"

    for _ in range(TIMED_KILLS):
        outcome = instance.run_killed_after(
            *command, delay=rng.uniform(0.3, 1.1) * last_moment.seconds
        )
        if instance.fingerprint() != before:
            assert whole() == expected, f"killed after {outcome.seconds:.2f} s"

    finished = instance.run(*command)
    assert finished.returncode == 0, finished.stderr
    assert whole() == expected


def test_an_import_of_communications_killed_at_any_moment_writes_all_of_the_file_or_none_of_it(
    instance: Instance,
) -> None:
    instance.share()
    path = _import_file(instance.folder, state="COL", count=80)
    _kill_an_import(
        instance,
        ("import", "communications", str(path)),
        rng=_seeded(7001),
        whole=lambda: _imported(instance),
        expected=_expected("COL", 80),
    )


def test_an_import_of_covariates_killed_at_any_moment_writes_all_of_the_file_or_none_of_it(
    instance: Instance,
) -> None:
    countries = list(Country.objects.order_by("iso3").values_list("iso3", flat=True)[:60])
    instance.share()
    lines = ["country,year,polity,fragility"]
    expected = []
    for position, iso3 in enumerate(countries):
        for year in range(2010, 2020):
            polity, fragility = (position + year) % 21 - 10, (position * year) % 26
            lines.append(f"{iso3},{year},{polity},{fragility}")
            expected += [(iso3, year, "fragility", fragility), (iso3, year, "polity", polity)]
    path = instance.folder / "covariates.csv"
    path.write_text("\n".join(lines) + "\n")
    values, variables = _table(CountryYearValue), _table(Variable)
    country_table = _table(Country)

    def stored() -> list[Row]:
        return sorted(
            (iso3, year, code, round(value))
            for iso3, year, code, value in instance.rows(
                f'SELECT c.iso3, v.year, k.code, v.value FROM "{values}" v '  # noqa: S608
                f'JOIN "{country_table}" c ON c.id = v.country_id '
                f'JOIN "{variables}" k ON k.id = v.variable_id'
            )
        )

    _kill_an_import(
        instance,
        ("import", "covariates", str(path)),
        rng=_seeded(7004),
        whole=stored,
        expected=sorted(expected),
    )


def _index(instance: Instance) -> tuple[list[Row], list[Row], list[Row]]:
    """The public index, without its build times: documents, facet values, state row."""
    documents = _table(PublishedDocument)
    facets = _table(PublishedFacet)
    return (
        sorted(
            instance.rows(
                f'SELECT communication_id, reference, subject, search_text FROM "{documents}"'  # noqa: S608
            )
        ),
        sorted(
            instance.rows(
                f'SELECT d.communication_id, f.facet, f.value FROM "{facets}" f '  # noqa: S608
                f'JOIN "{documents}" d ON d.id = f.document_id'
            )
        ),
        instance.rows(
            f'SELECT version, synced_token, token FROM "{_table(IndexState)}"'  # noqa: S608
        ),
    )


def test_a_publication_sync_killed_at_any_moment_leaves_the_index_wholly_old_or_wholly_new(
    instance: Instance,
) -> None:
    rng = _seeded(7002)
    instance.share()
    assert (
        instance.run(
            "import", "communications", str(_import_file(instance.folder, state="COL", count=40))
        ).returncode
        == 0
    )
    assert instance.run("publication", "sync").returncode == 0
    # More than one batch of documents to add: a sync committed batch by batch would be
    # caught half-way.
    assert (
        instance.run(
            "import", "communications", str(_import_file(instance.folder, state="BRA", count=260))
        ).returncode
        == 0
    )
    old = _index(instance)
    assert len(old[0]) == 40

    last_moment = instance.run("publication", "sync", kill_at="commit:1")
    assert last_moment.killed, last_moment.stderr
    assert _index(instance) == old
    # Every write comes before the one commit; a sync committed in parts would commit first.
    writes = last_moment.steps.get("write", 0)
    assert writes >= INSIDE_KILLS, "the sync committed before it wrote the new index"

    seen = []
    for point in _inside_points(rng, writes):
        outcome = instance.run("publication", "sync", kill_at=f"write:{point}")
        assert outcome.killed, outcome.stderr
        assert _index(instance) == old, f"after a kill before write {point}/{writes}"
    for _ in range(TIMED_KILLS):
        instance.run_killed_after(
            "publication", "sync", delay=rng.uniform(0.3, 1.1) * last_moment.seconds
        )
        seen.append(_index(instance))

    finished = instance.run("publication", "sync")
    assert finished.returncode == 0, finished.stderr
    new = _index(instance)
    assert len(new[0]) == 300
    assert all(state in (old, new) for state in seen)


def _intake_seed(count: int) -> None:
    """Submissions with a sender, facts, a victim and a message, sealed with their data keys."""
    now = timezone.now()
    for number in range(count):
        submission = Submission.objects.create(
            receipt_lookup=f"crash-{number}",
            receipt_hash="not-a-real-hash",
            sender_kind="organisation",
            sender_name=f"Sender {number}",
            facts=f"What happened to victim {number}.",
            received_at=now,
        )
        SubmissionVictim.objects.create(submission=submission, name=f"Victim {number}")
        SubmissionMessage.objects.create(
            submission=submission, from_source=True, body=f"Message {number}", sent_at=now
        )


def _clear(instance: Instance) -> tuple[dict[tuple[str, Any], str], Counter[str]]:
    """Every value sealed by the master keyring, opened with the keys in the key folder, and
    every value sealed with a submission's data key, opened with it; and which master key
    ids seal the values. Fails if any value does not open."""
    ring = instance.keyring()
    opened: dict[tuple[str, Any], str] = {}
    used: Counter[str] = Counter()
    for column in sealed_columns():
        for pk, sealed in instance.rows(
            f'SELECT "{column.pk}", "{column.column}" FROM "{column.table}" '  # noqa: S608
            f'WHERE "{column.column}" IS NOT NULL'
        ):
            opened[(column.label, pk)] = ring.open(sealed, context=column.context)
            used[sealed.split("$")[1]] += 1
    submissions = _table(Submission)
    data_keys = {
        pk: data_key_unwrap(wrapped, ring)
        for pk, wrapped in instance.rows(f'SELECT id, data_key FROM "{submissions}"')  # noqa: S608
    }
    for model in (Submission, SubmissionVictim, SubmissionMessage):
        owner = "id" if model is Submission else "submission_id"
        for field in model._meta.concrete_fields:
            if not isinstance(field, SealedTextField):
                continue
            label = f"{_table(model)}.{field.column}"
            for pk, submission, sealed in instance.rows(
                f'SELECT id, {owner}, "{field.column}" FROM "{_table(model)}"'  # noqa: S608
            ):
                if sealed:
                    opened[(label, pk)] = text_open(data_keys[submission], sealed, context=label)
    return opened, used


def test_a_key_rotation_killed_at_any_moment_leaves_every_value_openable_and_a_rerun_finishes_it(
    instance: Instance,
) -> None:
    rng = _seeded(7003)
    _intake_seed(10)
    instance.share()
    assert (
        instance.run(
            "import", "communications", str(_import_file(instance.folder, state="COL", count=70))
        ).returncode
        == 0
    )
    clear, used = _clear(instance)
    old_id = instance.keyring().current_id
    assert used == {old_id: sum(used.values())}
    assert len(clear) > 400

    def check(after: str) -> Counter[str]:
        now, used = _clear(instance)
        assert now == clear, f"a value changed after {after}"
        return used

    # Killed before the old key is saved as a retired key, then before the new key replaces it.
    outcome = instance.run("keys", "rotate", kill_at="replace:1")
    assert outcome.killed, outcome.stderr
    assert check("a kill before the first key file") == used
    outcome = instance.run("keys", "rotate", kill_at="replace:2")
    assert outcome.killed, outcome.stderr
    assert check("a kill before the second key file") == used
    assert (instance.key_dir / f"retired-{old_id}.key").exists()
    assert instance.keyring().current_id == old_id

    # Killed half-way through re-sealing: each kill leaves some of the values to re-seal.
    mixed = 0
    total = sum(used.values())
    keys_now = used
    for number in range(INSIDE_KILLS):
        current = instance.keyring().current_id
        pending = total if current == old_id else total - keys_now[current]
        point = rng.randint(1, max(1, pending - 1))
        outcome = instance.run("keys", "rotate", kill_at=f"write:{point}")
        assert outcome.killed, outcome.stderr
        keys_now = check(f"kill {number + 1}, before write {point} of {pending}")
        assert old_id in instance.keyring().key_ids
        mixed += len(keys_now) > 1
    assert mixed >= 1, "no kill landed while some values were re-sealed and others not"
    outcome = instance.run("keys", "rotate", kill_at="commit:2")
    assert outcome.killed, outcome.stderr
    check("a kill before a commit")
    for _ in range(TIMED_KILLS):
        instance.run_killed_after("keys", "rotate", delay=rng.uniform(0.3, 1.1) * outcome.seconds)
        check("a kill after a random delay")

    finished = instance.run("keys", "rotate")
    assert finished.returncode == 0, finished.stderr
    new_id = instance.keyring().current_id
    assert new_id != old_id
    assert check("the rerun") == {new_id: total}
    status = json.loads(instance.run("keys", "status", "--json").stdout)
    assert status["current"] == new_id
    assert old_id in status["retired"]
    assert status["values"][new_id] == total
    assert status["values"][old_id] == 0
    # No column of any table, sealed field or not, still holds a value under the old key.
    marker = f"enc1${old_id}$"
    for table in instance.tables():
        for row in instance.rows(f'SELECT * FROM "{table}"'):  # noqa: S608
            assert not any(isinstance(value, str) and value.startswith(marker) for value in row), (
                table
            )
    for path in instance.key_dir.iterdir():
        assert path.stat().st_mode & 0o077 == 0, path.name
