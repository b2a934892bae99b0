"""The demonstration refuses production, real records and bad input, and then writes nothing."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from pytest_django import Settings
from tests import factories

from spcomms.accounts.models import User
from spcomms.communications.models import Communication
from spcomms.demo.calibration import calibration_measure
from spcomms.demo.models import SyntheticDataset
from spcomms.demo.services import DemoRefused, demo_build, demo_reset


@pytest.fixture
def var_dir(settings: Settings, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path
    return tmp_path


def nothing_written(var_dir: Path) -> bool:
    return (
        not SyntheticDataset.objects.exists()
        and not User.objects.filter(username__startswith="demo-").exists()
        and not (var_dir / "demo-logins.txt").exists()
    )


@pytest.mark.usefixtures("reference")
def test_it_refuses_to_run_in_production(settings: Settings, var_dir: Path) -> None:
    settings.SPCOMMS_ENV = "production"
    with pytest.raises(CommandError, match="SPCOMMS_ENV=production"):
        call_command("demo", "--no-serve", "--scale", "0.05", stdout=StringIO())
    with pytest.raises(DemoRefused):
        demo_build(seed=0, scale=0.05)
    assert nothing_written(var_dir)
    assert not Communication.objects.exists()


@pytest.mark.usefixtures("reference")
def test_it_refuses_to_build_into_a_database_with_real_communications(var_dir: Path) -> None:
    real = factories.communication()
    with pytest.raises(CommandError, match="not synthetic"):
        call_command("demo", "--no-serve", "--scale", "0.05", stdout=StringIO())
    assert list(Communication.objects.all()) == [real]
    assert nothing_written(var_dir)


@pytest.mark.usefixtures("reference")
def test_it_refuses_to_empty_a_database_with_real_communications(var_dir: Path) -> None:
    real = factories.communication()
    with pytest.raises(CommandError, match="not synthetic"):
        call_command("demo", "--no-serve", "--rebuild", stdout=StringIO())
    with pytest.raises(DemoRefused):
        demo_reset()
    assert Communication.objects.get() == real
    assert nothing_written(var_dir)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--port", "0"], "--port must be between 1 and 65535"),
        (["--port", "70000"], "--port must be between 1 and 65535"),
        (["--scale", "0"], "--scale must be above 0"),
        (["--scale", "-1"], "--scale must be above 0"),
        (["--scale", "500"], "at most 50"),
        (["--seed", "-3"], "--seed must be between 0"),
    ],
)
@pytest.mark.usefixtures("reference")
def test_it_refuses_bad_options_with_a_clear_message(
    arguments: list[str], message: str, var_dir: Path
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("demo", "--no-serve", *arguments, stdout=StringIO())
    assert nothing_written(var_dir)


def test_it_refuses_to_build_without_the_reference_data(db: None) -> None:
    with pytest.raises(DemoRefused, match="reference load"):
        demo_build(seed=0, scale=0.05)
    assert not Communication.objects.exists()


@pytest.mark.usefixtures("reference")
def test_it_refuses_a_second_dataset_on_top_of_the_first() -> None:
    demo_build(seed=0, scale=0.05)
    count = Communication.objects.count()
    with pytest.raises(DemoRefused, match="--rebuild"):
        demo_build(seed=1, scale=0.05)
    assert Communication.objects.count() == count
    assert SyntheticDataset.objects.count() == 1


@pytest.mark.usefixtures("reference")
def test_the_calibration_of_an_empty_database_shows_empty_cells_not_zeros() -> None:
    rows = {row.target.key: row for row in calibration_measure()}
    assert rows["reply.steps_taken"].measured is None
    assert rows["reply.steps_taken"].n == 0
    assert not rows["reply.steps_taken"].ok
    assert rows["outcome.improvement"].measured is None
