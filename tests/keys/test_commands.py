"""``spcomms keys rotate`` and ``spcomms keys status`` through the command interface.

The crash-safety of the rotation (killed at any step) is tested with real processes in
``tests/security/test_crash_safety.py``; these tests cover what an operator sees, the
refusals that write nothing, and a running server that meets the new key.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from spcomms.cases.models import Person
from spcomms.core.crypto import Keyring, key_id, new_key
from spcomms.encryption import keyring, keyring_open, load_keyring
from spcomms.keys.files import key_file_write, rotation_lock
from tests.factories import person

pytestmark = pytest.mark.django_db

NAME = "Amina Defender"


@pytest.fixture
def key_dir(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "keys"
    with override_settings(SPCOMMS_KEY_DIR=folder, SPCOMMS_MASTER_KEY=None):
        keyring.cache_clear()
        try:
            yield folder
        finally:
            keyring.cache_clear()


def _stored_name(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM cases_person WHERE id = %s", [pk])
        (value,) = cursor.fetchone() or ("",)
    return str(value)


def _rotate() -> str:
    out = StringIO()
    call_command("keys_rotate", stdout=out)
    return out.getvalue()


def test_a_rotation_reseals_every_value_with_a_new_key_and_keeps_the_old_one_retired(
    reference: None, key_dir: Path
) -> None:
    named = person(name=NAME)
    old_id = keyring().current_id
    output = _rotate()
    ring = load_keyring(key_dir)
    assert ring.current_id != old_id
    assert (key_dir / f"retired-{old_id}.key").stat().st_mode & 0o777 == 0o600
    assert (key_dir / "master.key").stat().st_mode & 0o777 == 0o600
    assert _stored_name(named.pk).startswith(f"enc1${ring.current_id}$")
    assert Person.objects.get(pk=named.pk).name == NAME
    assert f"New master key {ring.current_id}" in output
    assert NAME not in output


def test_keys_status_counts_the_values_under_each_key_without_showing_any(
    reference: None, key_dir: Path
) -> None:
    person(name=NAME)
    old_id = keyring().current_id
    _rotate()
    out = StringIO()
    call_command("keys_status", "--json", stdout=out)
    status = json.loads(out.getvalue())
    assert status["retired"] == [old_id]
    assert status["values"][old_id] == 0
    assert status["values"][status["current"]] >= 1
    text = StringIO()
    call_command("keys_status", stdout=text)
    assert "Every value is sealed with the current key." in text.getvalue()
    assert NAME not in text.getvalue()


def test_an_operator_with_the_key_in_the_environment_is_told_what_to_do_and_nothing_changes(
    reference: None, key_dir: Path
) -> None:
    environment_key = base64.b64encode(new_key()).decode()
    with override_settings(SPCOMMS_MASTER_KEY=environment_key):
        keyring.cache_clear()
        named = person(name=NAME)
        stored = _stored_name(named.pk)
        with pytest.raises(CommandError, match="SPCOMMS_MASTER_KEY") as refused:
            _rotate()
    assert refused.value.returncode == 2
    assert _stored_name(named.pk) == stored
    assert not list(key_dir.glob("retired-*.key"))


def test_a_rotation_refuses_to_start_while_a_value_is_under_a_key_the_folder_lacks(
    reference: None, key_dir: Path
) -> None:
    named = person(name=NAME)
    foreign = Keyring(new_key())
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_person SET name = %s WHERE id = %s",
            [foreign.seal("someone else", context="cases_person.name"), named.pk],
        )
    master = (key_dir / "master.key").read_text()
    with pytest.raises(CommandError, match=foreign.current_id) as refused:
        _rotate()
    assert refused.value.returncode == 2
    assert (key_dir / "master.key").read_text() == master
    assert not list(key_dir.glob("retired-*.key"))


def test_a_second_rotation_while_one_runs_is_refused(reference: None, key_dir: Path) -> None:
    person(name=NAME)
    master = (key_dir / "master.key").read_text()
    with rotation_lock(key_dir), pytest.raises(CommandError, match="Another key rotation"):
        _rotate()
    assert (key_dir / "master.key").read_text() == master


def test_a_value_altered_in_the_database_is_reported_and_the_others_are_resealed(
    reference: None, key_dir: Path
) -> None:
    altered, intact = person(name=NAME), person(name="Second Defender")
    old_id = keyring().current_id
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_person SET name = %s WHERE id = %s",
            [f"enc1${old_id}$" + base64.b64encode(b"\0" * 40).decode(), altered.pk],
        )
    with pytest.raises(CommandError, match=r"cases_person\.name") as reported:
        _rotate()
    assert reported.value.returncode == 1
    current = load_keyring(key_dir).current_id
    assert _stored_name(intact.pk).startswith(f"enc1${current}$")
    assert _stored_name(altered.pk).startswith(f"enc1${old_id}$")


def test_a_server_that_read_the_keys_before_a_rotation_opens_values_under_the_new_key(
    key_dir: Path,
) -> None:
    stale = keyring()
    fresh = new_key()
    key_file_write(key_dir / f"retired-{stale.current_id}.key", stale.current)
    key_file_write(key_dir / "master.key", fresh)
    sealed = Keyring(fresh).seal("after the rotation", context="cases_person.name")
    assert keyring_open(sealed, context="cases_person.name") == "after the rotation"
    assert keyring().current_id == key_id(fresh)


def test_a_key_file_others_can_read_stops_both_commands_with_a_message_and_no_change(
    reference: None, key_dir: Path
) -> None:
    person(name=NAME)
    master = key_dir / "master.key"
    master.chmod(0o644)
    for command in ("keys_rotate", "keys_status"):
        with pytest.raises(CommandError, match="chmod 600") as refused:
            call_command(command, stdout=StringIO())
        assert refused.value.returncode == 2
    assert not list(key_dir.glob("retired-*.key"))
