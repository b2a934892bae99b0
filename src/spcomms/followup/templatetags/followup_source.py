"""The follow-ups due for a source's case, for the section of its status page
(``templates/followup/source_section.html``)."""

from __future__ import annotations

from django import template

from spcomms.followup.services import SourceFollowUp, source_follow_ups
from spcomms.intake.models import Submission

register = template.Library()


@register.simple_tag
def follow_ups_for_source(submission: Submission) -> list[SourceFollowUp]:
    return source_follow_ups(submission)
