"""The public replies of a source's case, for the section of its status page
(``templates/intake/reply_comments_section.html``)."""

from __future__ import annotations

from django import template

from spcomms.intake.models import Submission
from spcomms.intake.reply_comments import SourceReply, source_replies

register = template.Library()


@register.simple_tag
def replies_for_source(submission: Submission) -> list[SourceReply]:
    return source_replies(submission)
