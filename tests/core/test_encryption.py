"""Sensitive fields are sealed before they reach the database."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from django.db import connection

from spcomms.cases.models import Person
from spcomms.core.crypto import DecryptionError, Keyring, new_key
from spcomms.core.env import ConfigurationError
from spcomms.encryption import load_keyring
from tests import factories

MARKER = "Zqx Marker Defender"


@pytest.mark.django_db
def test_a_name_is_not_in_the_database_in_clear(reference: None) -> None:
    defender = factories.person(name=MARKER)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM cases_person WHERE id = %s", [defender.pk])
        (raw,) = cursor.fetchone()
    assert MARKER not in raw
    assert raw.startswith("enc1$")
    assert Person.objects.get(pk=defender.pk).name == MARKER


@pytest.mark.django_db
def test_encrypted_fields_cannot_be_searched(reference: None) -> None:
    with pytest.raises(TypeError, match="cannot be filtered"):
        Person.objects.filter(name__icontains="Zqx").count()


def test_a_value_moved_to_another_column_fails_to_open() -> None:
    ring = Keyring(new_key())
    sealed = ring.seal("secret", context="cases_person.name")
    assert ring.open(sealed, context="cases_person.name") == "secret"
    with pytest.raises(DecryptionError):
        ring.open(sealed, context="intake_submission.facts")


def test_tampering_is_detected() -> None:
    ring = Keyring(new_key())
    prefix, kid, body = ring.seal("secret", context="c").split("$")
    raw = bytearray(base64.b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(DecryptionError):
        ring.open(f"{prefix}${kid}${base64.b64encode(bytes(raw)).decode()}", context="c")


def test_a_retired_key_still_opens_and_asks_for_resealing() -> None:
    old, new = new_key(), new_key()
    sealed = Keyring(old).seal("secret", context="c")
    rotated = Keyring(new, retired=(old,))
    assert rotated.open(sealed, context="c") == "secret"
    assert rotated.needs_reseal(sealed)
    assert not rotated.needs_reseal(rotated.seal("secret", context="c"))
    with pytest.raises(DecryptionError, match="does not hold"):
        Keyring(new).open(sealed, context="c")


def test_the_master_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    first = load_keyring(tmp_path / "keys")
    assert oct((tmp_path / "keys" / "master.key").stat().st_mode & 0o777) == "0o600"
    assert load_keyring(tmp_path / "keys").current == first.current


def test_a_master_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    load_keyring(tmp_path)
    os.chmod(tmp_path / "master.key", 0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        load_keyring(tmp_path)


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_malformed_master_key_in_the_environment_is_refused(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigurationError, match="SPCOMMS_MASTER_KEY"):
        load_keyring(tmp_path, value)


def test_a_first_master_key_is_written_whole_and_a_second_writer_keeps_the_first(
    tmp_path: Path,
) -> None:
    from spcomms.encryption import _write_key

    first, second = new_key(), new_key()
    _write_key(tmp_path / "keys" / "master.key", first)
    _write_key(tmp_path / "keys" / "master.key", second)  # a process that started at once

    assert load_keyring(tmp_path / "keys").current == first
    assert sorted(path.name for path in (tmp_path / "keys").iterdir()) == ["master.key"]
    assert (tmp_path / "keys" / "master.key").stat().st_mode & 0o777 == 0o600
