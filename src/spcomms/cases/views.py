"""Staff pages for persons, mounted at ``staff/persons/``: the list, a person's file, the
possible duplicates, and the actions merge, undo, not the same, split.

Only the secretariat and administrators reach them (``spcomms.cases.access``);
everyone else, and every missing object, gets the same 404. A step the persons' state
does not allow answers 409 with the service's message. Views parse input and call
one service.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from spcomms.accounts.models import User
from spcomms.cases import proposals as proposing
from spcomms.cases.access import access_merge, access_person, may_manage_persons
from spcomms.cases.matching import THRESHOLD
from spcomms.cases.models import CaseFilePerson, ConsentRecord, Person
from spcomms.cases.services import (
    PersonError,
    group_of,
    merges_of,
    person_mark_distinct,
    person_merge,
    person_merge_undo,
    person_split,
)
from spcomms.communications.models import Communication, CommunicationPerson, CommunicationStatus

PAGE_SIZE = 50
PROPOSALS_SHOWN = 200
BAD_REQUEST = 400
CONFLICT = 409


class PairForm(forms.Form):
    other = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    score = forms.FloatField(required=False, min_value=0, max_value=100, widget=forms.HiddenInput)


class SplitForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the new person"), max_length=300, strip=True)
    mentions = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Communications that name the new person"),
        coerce=int,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, mentions: list[CommunicationPerson], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["mentions"]
        assert isinstance(field, forms.TypedMultipleChoiceField)  # noqa: S101  # declared above
        field.choices = [(mention.pk, str(mention.communication)) for mention in mentions]


def _staff(request: HttpRequest) -> User:
    user = request.user
    if isinstance(user, AnonymousUser) or not may_manage_persons(user):
        raise Http404
    assert isinstance(user, User)  # noqa: S101  # may_manage_persons checked it
    return user


@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    found = (
        Person.objects.canonical()
        .with_mention_count()
        .select_related("country")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/person_list.html", {"page": page})


@require_GET
def duplicate_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    found = proposing.proposals()
    return render(
        request,
        "cases/duplicates.html",
        {"proposals": found[:PROPOSALS_SHOWN], "total": len(found), "threshold": THRESHOLD},
    )


@dataclass(frozen=True)
class Naming:
    """One communication that names the person, as the person's file shows it."""

    mention: CommunicationPerson
    communication: Communication
    follow_up: bool
    through: Person | None
    """The record merged into this person that the communication names, if not them."""


def _namings(person: Person, group: list[int]) -> list[Naming]:
    mentions = list(
        CommunicationPerson.objects.filter(person_id__in=group)
        .select_related("communication", "person")
        .order_by("communication__sent_at", "communication_id")
    )
    naming_ids = {mention.communication_id for mention in mentions}
    found = []
    for mention in mentions:
        communication = mention.communication
        found.append(
            Naming(
                mention=mention,
                communication=communication,
                # A follow-up on the same violation: it returns to a communication that
                # named this person too; any other repeat mention is a new allegation.
                follow_up=communication.follow_up_of_id in naming_ids,
                through=mention.person if mention.person_id != person.pk else None,
            )
        )
    return found


def _file_context(user: User, person: Person) -> dict[str, Any]:
    group = group_of(person) if person.merged_into_id is None else [person.pk]
    namings = _namings(person, group)
    sent = [naming for naming in namings if naming.communication.status == CommunicationStatus.SENT]
    entries = (
        CaseFilePerson.objects.filter(person_id__in=group)
        .select_related("case_file", "case_file__country")
        .order_by("-case_file__opened_at")
    )
    consents = (
        ConsentRecord.objects.filter(person_id__in=group)
        .select_related("person")
        .order_by("-recorded_at", "-pk")
    )
    members = list(Person.objects.filter(pk__in=group).exclude(pk=person.pk).order_by("pk"))
    return {
        "person": person,
        "members": members,
        "namings": namings,
        "mention_count": len({naming.communication.pk for naming in sent}),
        "follow_up_count": len({naming.communication.pk for naming in sent if naming.follow_up}),
        "entries": entries,
        "consents": consents,
        "current_consent": person.current_consent(),
        "merges": merges_of(person),
        "candidates": proposing.proposals_for(person),
        "split_form": SplitForm(mentions=[naming.mention for naming in namings], prefix="split"),
    }


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    person = access_person(user, pk)
    return render(request, "cases/person_detail.html", _file_context(user, person))


def _refused(
    request: HttpRequest, user: User, person: Person, message: str, status: int, **extra: Any
) -> HttpResponse:
    context = _file_context(user, person)
    context["action_error"] = message
    context.update(extra)
    return render(request, "cases/person_detail.html", context, status=status)


def _pair(request: HttpRequest, user: User) -> tuple[Person, float | None] | None:
    """The other person of a pair action and the score it was proposed with; None when
    the form is wrong or the person is not one the user may see."""
    form = PairForm(request.POST)
    if not form.is_valid():
        return None
    try:
        return access_person(user, form.cleaned_data["other"]), form.cleaned_data["score"]
    except Http404:
        return None


@require_POST
def person_merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge the person given as ``other`` into this one, which is kept."""
    user = _staff(request)
    survivor = access_person(user, pk)
    pair = _pair(request, user)
    if pair is None:
        return _refused(request, user, survivor, _("Choose a person to merge."), BAD_REQUEST)
    absorbed, score = pair
    try:
        person_merge(actor=user, survivor=survivor, absorbed=absorbed, score=score)
    except PersonError as error:
        return _refused(request, user, survivor, str(error), CONFLICT)
    messages.success(request, _("The two records are now one person. The merge can be undone."))
    return redirect("cases:detail", survivor.pk)


@require_POST
def person_distinct_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    person = access_person(user, pk)
    pair = _pair(request, user)
    if pair is None:
        return _refused(request, user, person, _("Choose a person."), BAD_REQUEST)
    other, _score = pair
    try:
        person_mark_distinct(actor=user, first=person, second=other)
    except PersonError as error:
        return _refused(request, user, person, str(error), CONFLICT)
    messages.success(
        request, _("Noted: they are not the same person. They will not be proposed again.")
    )
    if request.POST.get("next") == "duplicates":
        return redirect("cases:duplicates")
    return redirect("cases:detail", person.pk)


@require_POST
def person_split_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    person = access_person(user, pk)
    group = group_of(person) if person.merged_into_id is None else [person.pk]
    mentions = list(
        CommunicationPerson.objects.filter(person_id__in=group).select_related("communication")
    )
    form = SplitForm(request.POST, mentions=mentions, prefix="split")
    if not form.is_valid():
        return _refused(
            request,
            user,
            person,
            _("Correct the split below."),
            BAD_REQUEST,
            split_form=form,
        )
    chosen = [mention for mention in mentions if mention.pk in form.cleaned_data["mentions"]]
    try:
        split = person_split(
            actor=user, person=person, mentions=chosen, name=form.cleaned_data["name"]
        )
    except PersonError as error:
        return _refused(request, user, person, str(error), CONFLICT, split_form=form)
    messages.success(request, _("The chosen communications now name a new person."))
    return redirect("cases:detail", split.created_id)


@require_POST
def merge_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request)
    merge = access_merge(user, pk)
    try:
        person_merge_undo(actor=user, merge=merge)
    except PersonError as error:
        return _refused(request, user, merge.survivor, str(error), CONFLICT)
    messages.success(request, _("The merge was undone: the two records stand apart again."))
    return redirect("cases:detail", merge.absorbed_id)
