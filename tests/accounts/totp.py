"""The authenticator app, as tests play it: enrol through the services, make codes from the key."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyotp

from spcomms.accounts.models import TOTPDevice, User
from spcomms.accounts.twofactor import STEP_SECONDS, totp_device_confirm, totp_device_start


@dataclass(frozen=True)
class Enrolment:
    user: User
    recovery_codes: list[str]


def enrol(user: User) -> Enrolment:
    """Set up an app for ``user``, confirmed with the previous step's code.

    The current and the next step stay unused, so a test can sign in twice
    without waiting for the clock.
    """
    device = totp_device_start(user=user)
    previous = pyotp.TOTP(device.secret).at(time.time() - STEP_SECONDS)
    return Enrolment(user, totp_device_confirm(user=user, code=previous))


def next_code(user: User) -> str:
    """The code an app shows for the earliest step the server has not yet accepted.

    That is the current step, or the next one if the current one was used
    (the server accepts one step ahead for clock drift). Past that, it waits
    for the clock, as a person would.
    """
    device = TOTPDevice.objects.get(user=user)
    now = int(time.time()) // STEP_SECONDS
    step = now if device.last_step is None or device.last_step < now else device.last_step + 1
    wait = (step - 1) * STEP_SECONDS - time.time()
    if wait > 0:
        time.sleep(wait + 0.1)
    return pyotp.TOTP(device.secret).at(step * STEP_SECONDS)


def wrong_code(user: User) -> str:
    """Six digits that are not a code of any step the server would accept now."""
    device = TOTPDevice.objects.get(user=user)
    totp = pyotp.TOTP(device.secret)
    now = time.time()
    accepted = {totp.at(now + offset * STEP_SECONDS) for offset in (-2, -1, 0, 1, 2)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in accepted)
