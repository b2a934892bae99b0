"""``spcomms demo`` through ``call_command``: build, sign-ins per role, the log-in file, rebuild."""

from __future__ import annotations

import re
import stat
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from pytest_django import Settings

from spcomms.accounts.models import Role, User
from spcomms.demo.models import SyntheticDataset

SIGN_IN = re.compile(r"^\s+(.+?)\s+user (demo-\S+)\s+password (\S+)$", re.MULTILINE)


@pytest.fixture
def var_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


def run_demo(*arguments: str) -> str:
    out = StringIO()
    call_command("demo", "--no-serve", *arguments, stdout=out)
    return out.getvalue()


def sign_ins(output: str) -> dict[str, str]:
    return {username: password for _, username, password in SIGN_IN.findall(output)}


@pytest.mark.usefixtures("db")
def test_it_builds_and_prints_the_address_and_a_sign_in_for_every_role(var_dir: Path) -> None:
    output = run_demo("--scale", "0.05", "--seed", "3")
    assert "http://127.0.0.1:8000" in output
    assert "Built the synthetic demonstration (seed 3, scale 0.05)" in output
    printed = sign_ins(output)
    users = {user.username: user for user in User.objects.filter(username__in=printed)}
    assert {Role(user.role) for user in users.values()} == {
        Role.SECRETARIAT,
        Role.MANDATE_HOLDER,
        Role.RESEARCHER,
        Role.ADMINISTRATOR,
    }
    for username, password in printed.items():
        assert users[username].check_password(password)
        assert len(password) >= 16
    by_role = {Role(user.role): user for user in users.values()}
    assert by_role[Role.SECRETARIAT].is_staff
    assert not by_role[Role.SECRETARIAT].is_superuser
    assert by_role[Role.ADMINISTRATOR].is_staff
    assert by_role[Role.ADMINISTRATOR].is_superuser
    assert not by_role[Role.RESEARCHER].is_staff
    assert list(by_role[Role.MANDATE_HOLDER].mandates.values_list("code", flat=True)) == ["sr-hrd"]


@pytest.mark.usefixtures("db")
def test_the_sign_ins_are_kept_in_a_file_only_its_owner_can_read(var_dir: Path) -> None:
    printed = sign_ins(run_demo("--scale", "0.05"))
    logins = var_dir / "demo-logins.txt"
    assert stat.S_IMODE(logins.stat().st_mode) == 0o600
    text = logins.read_text()
    for username, password in printed.items():
        assert f"{username} {password}" in text


@pytest.mark.usefixtures("db")
def test_a_second_run_keeps_the_dataset_and_the_passwords(var_dir: Path) -> None:
    first = run_demo("--scale", "0.05")
    dataset = SyntheticDataset.objects.get()
    second = run_demo()
    assert "already built (seed 0, scale 0.05)" in second
    assert sign_ins(second) == sign_ins(first)
    assert SyntheticDataset.objects.get() == dataset


@pytest.mark.usefixtures("db")
def test_a_lost_log_in_file_gets_new_passwords_that_work(var_dir: Path) -> None:
    first = sign_ins(run_demo("--scale", "0.05"))
    (var_dir / "demo-logins.txt").unlink()
    again = sign_ins(run_demo())
    assert set(again) == set(first)
    assert again != first
    for username, password in again.items():
        assert User.objects.get(username=username).check_password(password)


@pytest.mark.usefixtures("transactional_db")  # emptying the database needs it outside a transaction
def test_rebuild_starts_afresh_with_the_new_seed(var_dir: Path) -> None:
    run_demo("--scale", "0.05", "--seed", "1")
    output = run_demo("--rebuild", "--scale", "0.05", "--seed", "2")
    assert SyntheticDataset.objects.get().seed == 2
    assert "Built the synthetic demonstration (seed 2, scale 0.05)" in output
    assert len(sign_ins(output)) == 4
