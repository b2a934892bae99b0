"""``{% submission_reprisals submission %}``: on a submission's staff page, the reprisal
allegations registered from it, with links to the register."""

from __future__ import annotations

from typing import Any

from django import template

from spcomms.intake.models import Submission
from spcomms.reprisals.models import ReprisalAllegation

register = template.Library()


@register.inclusion_tag("reprisals/_submission_reprisals.html")
def submission_reprisals(submission: Submission) -> dict[str, Any]:
    return {
        "allegations": list(
            ReprisalAllegation.objects.filter(submission=submission)
            .only("pk", "status", "reported_on", "source_message_id")
            .order_by("reported_on", "pk")
        )
    }
