"""Who may use the reprisal register, and permission-checked reads of it.

The register names people at risk and what was done to them: only the staff roles
(``accounts.models.STAFF_ROLES``: the secretariat and administrators) may read or
write it. Mandate holders, researchers and source organisations may not. A missing
allegation and one the user may not see give the same 404.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from spcomms.accounts.models import STAFF_ROLES, User
from spcomms.reprisals.models import ReprisalAllegation

LARGEST_ID = 2**63 - 1


def may_use_register(user: User | AnonymousUser | None) -> bool:
    return bool(
        isinstance(user, User)
        and user.is_authenticated
        and user.is_active
        and user.role in STAFF_ROLES
    )


def allegations_visible(user: User | AnonymousUser | None) -> QuerySet[ReprisalAllegation]:
    """The allegations ``user`` may see: all of them for staff, none for anyone else."""
    if not may_use_register(user):
        return ReprisalAllegation.objects.none()
    return ReprisalAllegation.objects.all()


def access_allegation(user: User | AnonymousUser | None, pk: int | str) -> ReprisalAllegation:
    try:
        number = int(pk)
        if not 0 < number <= LARGEST_ID:
            raise ValueError(pk)
        return allegations_visible(user).get(pk=number)
    except (ReprisalAllegation.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404 from missing
