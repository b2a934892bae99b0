"""The built-in covariates: created once, with their sources and plausible ranges."""

from __future__ import annotations

import pytest

from spcomms.covariates.models import Variable
from spcomms.covariates.services import variables_ensure_builtin

pytestmark = pytest.mark.django_db

BUILTIN_CODES = {
    "polity",
    "fragility",
    "oda_net_usd",
    "gdp_usd",
    "oda_pct_gni",
    "aid_dependency",
    "upr_within_year",
    "vdem_polyarchy",
    "vdem_libdem",
    "vdem_partipdem",
    "vdem_delibdem",
    "vdem_egaldem",
}


def test_it_adds_every_builtin_variable_once() -> None:
    assert variables_ensure_builtin() == len(BUILTIN_CODES)
    assert variables_ensure_builtin() == 0
    assert set(Variable.objects.values_list("code", flat=True)) == BUILTIN_CODES
    assert not Variable.objects.filter(builtin=False).exists()


@pytest.mark.parametrize(
    ("code", "minimum", "maximum"),
    [
        ("polity", -10, 10),
        ("fragility", 0, 25),
        ("oda_net_usd", None, None),
        ("gdp_usd", 0, None),
        ("aid_dependency", None, None),
        ("upr_within_year", 0, 1),
        ("vdem_polyarchy", 0, 1),
        ("vdem_egaldem", 0, 1),
    ],
)
def test_each_builtin_variable_states_its_plausible_range(
    code: str, minimum: float | None, maximum: float | None
) -> None:
    variables_ensure_builtin()
    variable = Variable.objects.get(code=code)
    assert (variable.minimum, variable.maximum) == (minimum, maximum)


def test_each_builtin_variable_names_its_source_and_meaning() -> None:
    variables_ensure_builtin()
    for variable in Variable.objects.all():
        assert variable.label, variable.code
        assert variable.source, variable.code
        assert variable.description, variable.code
    assert "DT.ODA.ODAT.CD" in Variable.objects.get(code="oda_net_usd").source
    assert "Polity" in Variable.objects.get(code="polity").source


def test_an_administrators_edit_of_a_builtin_variable_survives() -> None:
    variables_ensure_builtin()
    Variable.objects.filter(code="fragility").update(label="Fragility (SFI)", maximum=24)
    Variable.objects.create(code="press_freedom", label="Press freedom", minimum=0, maximum=100)
    variables_ensure_builtin()
    fragility = Variable.objects.get(code="fragility")
    assert (fragility.label, fragility.maximum) == ("Fragility (SFI)", 24)
    assert Variable.objects.count() == len(BUILTIN_CODES) + 1
