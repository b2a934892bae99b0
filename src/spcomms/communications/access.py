"""Permission-checked reads of communications and replies for the staff pages.

Each returns the object or raises ``Http404``, with the same answer whether it is
missing or the user may not see it, so a page never reveals that a draft exists.
The secretariat and administrators see every communication; a mandate holder sees
those in which one of their mandates takes part; no one else sees any.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from spcomms.accounts.models import Role, User
from spcomms.communications.models import Communication, CommunicationQuerySet, Reply


def _user(user: User | AnonymousUser) -> User | None:
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return None
    return user


def may_use_staff_pages(user: User | AnonymousUser) -> bool:
    signed_in = _user(user)
    return signed_in is not None and signed_in.role in (
        Role.SECRETARIAT,
        Role.ADMINISTRATOR,
        Role.MANDATE_HOLDER,
    )


def communications_visible(user: User | AnonymousUser) -> CommunicationQuerySet:
    """The communications ``user`` may see on the staff pages."""
    signed_in = _user(user)
    if signed_in is None:
        return Communication.objects.none()
    if signed_in.role in (Role.SECRETARIAT, Role.ADMINISTRATOR):
        return Communication.objects.all()
    if signed_in.role == Role.MANDATE_HOLDER:
        return Communication.objects.filter(
            mandate_links__mandate__in=signed_in.mandates.all()
        ).distinct()
    return Communication.objects.none()


def access_communication(user: User | AnonymousUser, pk: int | str) -> Communication:
    try:
        return communications_visible(user).get(pk=int(pk))
    except (Communication.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404 from missing


def access_reply(user: User | AnonymousUser, pk: int | str) -> Reply:
    try:
        return Reply.objects.select_related("communication").get(
            pk=int(pk), communication__in=communications_visible(user)
        )
    except (Reply.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404 from missing
