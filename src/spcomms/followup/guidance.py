"""What each step of the case-development scale means for a kind of violation.

After the examples in the appendix of seed 000 (Spannagel 2019), told in our own
words. The questionnaire shows the guidance for the violations of the case beside
the question; violation types the appendix does not cover get the general rule only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from spcomms.followup.models import CaseDevelopment


@dataclass(frozen=True)
class Guidance:
    key: str
    title: StrOrPromise
    steps: tuple[tuple[CaseDevelopment, StrOrPromise], ...]


GENERAL = _(
    "If the situation moved both ways within the period (for example, a release followed by a "
    "new arrest some months later), choose the answer for equally important positive and "
    "negative developments. If several violations apply, new ones occurred, or what happened "
    "is not in the examples, weigh the whole situation in the same spirit."
)

_B, _SB, _S, _SW, _W = (
    CaseDevelopment.MUCH_BETTER,
    CaseDevelopment.SOMEWHAT_BETTER,
    CaseDevelopment.SAME,
    CaseDevelopment.SOMEWHAT_WORSE,
    CaseDevelopment.MUCH_WORSE,
)

DETENTION = Guidance(
    "detention",
    _("Detention"),
    (
        (_B, _("Freed with no conditions attached.")),
        (_SB, _("Freed on conditions such as bail, or still held but in better conditions.")),
        (_S, _("Still held.")),
        (_SW, _("Still held, with new charges or threats.")),
        (_W, _("Still held and tortured, disappeared, or died in custody.")),
    ),
)
TORTURE = Guidance(
    "torture",
    _("Torture in detention"),
    (
        (_B, _("Freed; the torture allegations were credibly investigated and redress given.")),
        (_SB, _("Still held, but the torture ended and the allegations were investigated.")),
        (_S, _("Still held; the allegations were not investigated.")),
        (_SW, _("Still held, and the torture went on.")),
        (_W, _("Disappeared, or died in custody.")),
    ),
)
TRIAL = Guidance(
    "trial",
    _("Prosecution or trial"),
    (
        (_B, _("The charges were dropped and the proceedings ended.")),
        (_SB, _("The trial went on but ended in an acquittal.")),
        (_S, _("The trial was still under way.")),
        (_SW, _("The trial went on and ended in a sentence.")),
        (_W, _("The trial went on and ended in a comparatively heavy sentence.")),
    ),
)
THREATS = Guidance(
    "threats",
    _("Death threats or physical attack"),
    (
        (_B, _("Protection given, a credible investigation, and those responsible prosecuted.")),
        (_SB, _("Protection given and a credible investigation, without a conclusive result.")),
        (_S, _("No credible investigation, but the threats or attacks stopped.")),
        (_SW, _("No credible investigation, and the threats or attacks went on.")),
        (_W, _("No credible investigation, and the person was injured or killed.")),
    ),
)
DISAPPEARANCE = Guidance(
    "disappearance",
    _("Enforced disappearance or killing"),
    (
        (
            _B,
            _("A credible investigation (the person was found) and those responsible prosecuted."),
        ),
        (_SB, _("A credible investigation was opened.")),
        (_S, _("No investigation was opened.")),
        (_SW, _("A sham investigation to cover up (the person still missing).")),
        (
            _W,
            _(
                "A sham investigation that prosecuted the wrong people, or other defenders "
                "disappeared or were killed."
            ),
        ),
    ),
)
ADMINISTRATIVE = Guidance(
    "administrative",
    _("Administrative harassment"),
    (
        (_B, _("The harassment stopped and compensation was paid.")),
        (_SB, _("The harassment stopped, for example the withheld documents were issued.")),
        (_S, _("The harassment went on as before.")),
        (_SW, _("The harassment grew worse.")),
        (_W, _("Other violations were added.")),
    ),
)
DEFAMATION = Guidance(
    "defamation",
    _("Defamation or stigmatisation"),
    (
        (_B, _("Officials publicly condemned the statements, or they were credibly investigated.")),
        (_SB, _("The defamatory statements stopped.")),
        (_S, _("The statements went on, without official condemnation or investigation.")),
        (_SW, _("The statements went on and more officials endorsed them.")),
        (_W, _("Other violations were added.")),
    ),
)

# Violation type codes (reference data) to the example that fits them.
BY_VIOLATION: dict[str, Guidance] = {
    "arbitrary_detention": DETENTION,
    "torture": TORTURE,
    "judicial_harassment": TRIAL,
    "conviction": TRIAL,
    "death_threats": THREATS,
    "physical_attack": THREATS,
    "enforced_disappearance": DISAPPEARANCE,
    "killing": DISAPPEARANCE,
    "administrative_harassment": ADMINISTRATIVE,
    "defamation": DEFAMATION,
}
ORDER = (DETENTION, TORTURE, TRIAL, THREATS, DISAPPEARANCE, ADMINISTRATIVE, DEFAMATION)


def guidance_for(violation_codes: Iterable[str]) -> list[Guidance]:
    """The examples for these violation types, once each, in the order of the appendix."""
    wanted = {BY_VIOLATION[code].key for code in violation_codes if code in BY_VIOLATION}
    return [item for item in ORDER if item.key in wanted]
