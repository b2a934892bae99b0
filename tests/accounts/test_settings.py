"""The staff sign-in settings: strict parsers and the deployment check."""

from __future__ import annotations

import pytest
from pytest_django import Settings

from spcomms.accounts.checks import two_factor_required_in_production
from spcomms.core.env import ConfigurationError, env_http_header


def test_a_header_name_becomes_its_request_meta_key() -> None:
    assert env_http_header("H", {"H": "X-Real-IP"}) == "HTTP_X_REAL_IP"
    assert env_http_header("H", {"H": " "}) is None
    assert env_http_header("H", {}) is None


def test_a_malformed_header_name_stops_the_process() -> None:
    with pytest.raises(ConfigurationError, match="H must be a header name"):
        env_http_header("H", {"H": "X Real IP"})


def test_production_without_required_two_factor_is_warned_about(settings: Settings) -> None:
    settings.PRODUCTION = True
    settings.SPCOMMS_REQUIRE_2FA = False

    (warning,) = two_factor_required_in_production()

    assert warning.id == "spcomms.accounts.W001"
    settings.SPCOMMS_REQUIRE_2FA = True
    assert two_factor_required_in_production() == []
