"""Permission-checked reads of persons for the staff pages.

Persons carry names across every mandate, so only the secretariat and administrators
see them; mandate holders, researchers, sources and the public see none of it. Each
read returns the object or raises ``Http404``, the same for missing and forbidden.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from spcomms.accounts.models import Role, User
from spcomms.cases.models import Person, PersonMerge

PERSON_ROLES = (Role.SECRETARIAT, Role.ADMINISTRATOR)


def may_manage_persons(user: User | AnonymousUser) -> bool:
    """Whether ``user`` may see persons' names and merge, split or tell them apart."""
    return (
        isinstance(user, User)
        and user.is_authenticated
        and user.is_active
        and user.role in PERSON_ROLES
    )


def access_person(user: User | AnonymousUser, pk: int | str) -> Person:
    if not may_manage_persons(user):
        raise Http404
    try:
        return Person.objects.select_related("country", "merged_into").get(pk=int(pk))
    except (Person.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404 from missing


def access_merge(user: User | AnonymousUser, pk: int | str) -> PersonMerge:
    if not may_manage_persons(user):
        raise Http404
    try:
        return PersonMerge.objects.select_related("survivor", "absorbed").get(pk=int(pk))
    except (PersonMerge.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404 from missing
