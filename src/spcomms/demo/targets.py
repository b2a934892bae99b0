"""The published aggregates the demonstration dataset is calibrated to.

Each target names its source. The generator draws the calibrated shares by
quota (exact counts for the whole dataset, then assigned at random), so the
measured value differs from the target only by rounding and by the rules
applied afterwards; the tolerances are still set at about two binomial standard
errors for the sample at scale 1, so that they say what the data can support.
The measurement lives in ``spcomms.demo.calibration``; this module holds only
the numbers, so that the generator and the check read the same ones.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from django.utils.translation import gettext_noop as N_

Kind = Literal["share", "count", "mean"]

A_HRC_31_55 = "A/HRC/31/55 (2016), paras. 5-6: 209 communications, 1 Dec 2014 - 30 Nov 2015"
PICCONE = "Piccone (2010/2012), Catalysts for Rights: about 9,000 communications over five years"
SPANNAGEL = "Spannagel (2019), HRD Hub working paper 7: 471 assessed cases"
SPANNAGEL_FIG2 = "Spannagel (2019), Figure 2: 89 survey answers"
SPANNAGEL_DB = "Spannagel (2019): about 12,000 cases in some 4,500 communications, 2000-2016"

# Replies are counted up to this date; every generated reply falls before it.
ANALYSIS_DATE = dt.date(2017, 12, 31)
# The reporting year of A/HRC/31/55, for the share of communications that name
# someone named before.
REPORT_YEAR_START = dt.date(2014, 12, 1)
REPORT_YEAR_END = dt.date(2015, 11, 30)
# Seed 000's sample: communications of 2004-2015 naming fewer than 11 persons.
SAMPLE_FIRST_YEAR = 2004
SAMPLE_LAST_YEAR = 2015
SAMPLE_MAX_NAMED = 10


@dataclass(frozen=True)
class Target:
    key: str
    label: str  # marked for translation; show it through gettext
    source: str
    value: float
    tolerance: float
    kind: Kind = "share"

    def expected(self, scale: float) -> float:
        """The target for a dataset built at ``scale``: counts scale, shares do not."""
        return self.value * scale if self.kind == "count" else self.value

    def allowed(self, scale: float) -> float:
        """Counts carry a relative tolerance; shares and means an absolute one."""
        return self.expected(scale) * self.tolerance if self.kind == "count" else self.tolerance


# Bucket keys: the five reporting regions of A/HRC/31/55 and business enterprises.
BUSINESS = "business"
REGION_SHARES: dict[str, float] = {
    "asia_pacific": 0.316,
    "latin_america_caribbean": 0.182,
    "middle_east_north_africa": 0.1675,
    "europe_north_america_central_asia": 0.1675,
    "africa": 0.163,
    BUSINESS: 0.004,
}

# First-reply classes per communication. Seed 001 publishes three groups; the
# split of "no or immaterial" into its two parts and of the remaining 3 % over
# the other classes is our assumption, not a published figure.
FIRST_REPLY_SHARES: dict[str, float] = {
    "": 0.46,  # no reply before the analysis date
    "immaterial": 0.12,
    "steps_taken": 0.18,
    "rejected_without_substantiation": 0.21,
    "rejected_with_investigation": 0.015,
    "responsive_incomplete": 0.01,
    "translation_awaited": 0.005,
}

# Case development at 12 months among assessments with a known development.
# Seed 000 gives improvement 24 %, same or mixed 50 %, worse 26 % and 17 of 471
# much worse; how each band splits further is our assumption.
DEVELOPMENT_SHARES: dict[str, float] = {
    "much_better": 0.08,
    "somewhat_better": 0.16,
    "same": 0.38,
    "mixed": 0.12,
    "somewhat_worse": 0.26 - 17 / 471,
    "much_worse": 17 / 471,
}
# Seed 000 Figure 2: did the Special Rapporteur positively impact the case?
IMPACT_COUNTS: dict[str, int] = {
    "definitely_yes": 22,
    "probably_yes": 33,
    "probably_not": 21,
    "definitely_not": 3,
    "do_not_know": 10,
}
# International attention in general: 28 definite and 29 probable positive
# impacts, 3 negative, out of 89 (seed 000 text); the rest is our assumption.
ATTENTION_COUNTS: dict[str, int] = {
    "definitely_yes": 28,
    "probably_yes": 29,
    "probably_not": 14,
    "definitely_not": 3,
    "do_not_know": 15,
}
NEGATIVE_IMPACT_SHARE = 3 / 89
SURVEY_SHARE = 89 / 471

REPRISAL_SHARE = 12 / 209
NAMED_BEFORE_SHARE = 184 / 209


IMPACT_LABELS = {
    "definitely_yes": N_("Survey: the communication helped: definitely yes"),
    "probably_yes": N_("Survey: the communication helped: probably yes"),
    "probably_not": N_("Survey: the communication helped: probably not"),
    "definitely_not": N_("Survey: the communication helped: definitely not"),
    "do_not_know": N_("Survey: the communication helped: I do not know"),
}


def _share(key: str, label: str, source: str, value: float, tolerance: float) -> Target:
    return Target(key, label, source, value, tolerance)


TARGETS: tuple[Target, ...] = (
    Target("communications", N_("Communications sent"), SPANNAGEL_DB, 4500, 0.02, "count"),
    Target("mentions", N_("Named-person mentions"), SPANNAGEL_DB, 12000, 0.05, "count"),
    _share("region.asia_pacific", N_("Region: Asia-Pacific"), A_HRC_31_55, 0.316, 0.015),
    _share(
        "region.latin_america_caribbean",
        N_("Region: Latin America and the Caribbean"),
        A_HRC_31_55,
        0.182,
        0.015,
    ),
    _share(
        "region.middle_east_north_africa",
        N_("Region: Middle East and North Africa"),
        A_HRC_31_55,
        0.1675,
        0.015,
    ),
    _share(
        "region.europe_north_america_central_asia",
        N_("Region: Europe, North America and Central Asia"),
        A_HRC_31_55,
        0.1675,
        0.015,
    ),
    _share("region.africa", N_("Region: Africa"), A_HRC_31_55, 0.163, 0.015),
    _share("region.business", N_("Addressed to a business enterprise"), A_HRC_31_55, 0.004, 0.003),
    _share("reprisals", N_("Communications about reprisals"), A_HRC_31_55, REPRISAL_SHARE, 0.015),
    _share(
        "named_before",
        N_("Communications naming someone named before (reporting year 2014-15)"),
        A_HRC_31_55,
        NAMED_BEFORE_SHARE,
        0.08,
    ),
    _share("reply.no_or_immaterial", N_("First reply: none or immaterial"), PICCONE, 0.58, 0.02),
    _share("reply.steps_taken", N_("First reply: steps taken"), PICCONE, 0.18, 0.02),
    _share(
        "reply.rejected_without_investigation",
        N_("First reply: rejected without evidence of investigation"),
        PICCONE,
        0.21,
        0.02,
    ),
    _share("reply.other", N_("First reply: other classes"), PICCONE, 0.03, 0.015),
    _share("outcome.improvement", N_("12 months: much or somewhat better"), SPANNAGEL, 0.24, 0.035),
    _share("outcome.same_or_mixed", N_("12 months: same or mixed"), SPANNAGEL, 0.50, 0.04),
    _share("outcome.worse", N_("12 months: somewhat or much worse"), SPANNAGEL, 0.26, 0.035),
    _share("outcome.much_worse", N_("12 months: much worse"), SPANNAGEL, 17 / 471, 0.015),
    *(
        _share(
            f"impact.{code}",
            IMPACT_LABELS[code],
            SPANNAGEL_FIG2,
            count / 89,
            0.06 if count > 5 else 0.03,
        )
        for code, count in IMPACT_COUNTS.items()
    ),
    _share(
        "mentions.singleton",
        N_("Sample cases whose person is named only once"),
        SPANNAGEL + " (275 of 471)",
        275 / 471,
        0.06,
    ),
    Target(
        "mentions.mean",
        N_("Sample cases: mean number of mentions of the person"),
        SPANNAGEL + " ('about two')",
        2.0,
        0.4,
        "mean",
    ),
)
