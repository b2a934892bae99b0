"""Keep the public index in step with changes made through the ORM, wherever they
come from: a service, the admin, a shell, a test factory (ADR 4).

A saved or deleted row of any model the public rendering reads drops the index rows
of the communications it touches (``publication_invalidate``), so the next public
request rebuilds them from the current record. This matters most for consent: once a
person withdraws consent to be named, no search may find the communication by that
name any more. Bulk writes (``bulk_create``, ``QuerySet.update``) send no signal;
the code that uses them calls ``publication_invalidate`` or ``publication_changed``
itself, as the communications import does.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from spcomms.cases.models import ConsentRecord, Person
from spcomms.communications.models import (
    Addressee,
    Communication,
    CommunicationMandate,
    CommunicationPerson,
    CommunicationStatus,
    NonStateActor,
    Reply,
)
from spcomms.publication.index import publication_invalidate
from spcomms.publication.labels import forget
from spcomms.reference.models import Country, Mandate, ViolationType

UID = "spcomms.publication.signals"


def _communications(instance: Model) -> list[int]:
    if isinstance(instance, Communication):
        return [instance.pk] if instance.pk else []
    if isinstance(instance, Addressee | CommunicationMandate | CommunicationPerson | Reply):
        return [instance.communication_id]
    if isinstance(instance, Person):
        return _naming([instance.pk])
    if isinstance(instance, ConsentRecord):
        return _naming([instance.person_id])
    if isinstance(instance, NonStateActor):
        return list(
            Addressee.objects.filter(non_state_actor=instance).values_list(
                "communication_id", flat=True
            )
        )
    return []


def _naming(person_ids: list[int]) -> list[int]:
    """The communications naming these persons, or persons merged into them."""
    return list(
        CommunicationPerson.objects.filter(person_id__in=person_ids)
        .values_list("communication_id", flat=True)
        .union(
            CommunicationPerson.objects.filter(person__merged_into_id__in=person_ids).values_list(
                "communication_id", flat=True
            )
        )
    )


def _sent_only(ids: list[int]) -> list[int]:
    """Drafts never reach the public record: changing them leaves the index in step."""
    if not ids:
        return []
    return list(
        Communication.objects.filter(pk__in=ids, status=CommunicationStatus.SENT).values_list(
            "pk", flat=True
        )
    )


def _saved(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    ids = _sent_only(_communications(instance))
    if ids:
        publication_invalidate(communication_ids=ids)


def _deleted(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    # The rows may be gone already (a cascade): say that the record changed regardless.
    ids = _communications(instance)
    if ids:
        publication_invalidate(communication_ids=ids)


def _relations_changed(
    sender: type[Model],
    instance: Model,
    action: str,
    reverse: bool,
    model: type[Model],
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    if action not in {"pre_clear", "post_add", "post_remove"}:
        return
    if not reverse:
        ids = _communications(instance)
    elif model is Communication:
        ids = list(pk_set or [])
    elif model in (CommunicationPerson, Reply):
        ids = list(
            model._default_manager.filter(pk__in=pk_set or []).values_list(
                "communication_id", flat=True
            )
        )
    else:
        ids = []
    ids = _sent_only(ids)
    if ids:
        publication_invalidate(communication_ids=ids)


WATCHED: tuple[type[Model], ...] = (
    Communication,
    Addressee,
    CommunicationMandate,
    CommunicationPerson,
    Reply,
    Person,
    ConsentRecord,
    NonStateActor,
)


def connect() -> None:
    for named in (Country, Mandate, ViolationType):
        post_save.connect(forget, sender=named, dispatch_uid=f"{UID}.labels.{named.__name__}")
    for model in WATCHED:
        post_save.connect(_saved, sender=model, dispatch_uid=f"{UID}.save.{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"{UID}.delete.{model.__name__}")
    for relation in (
        Communication.mandates.through,
        CommunicationPerson.violations.through,
        CommunicationPerson.perpetrators.through,
        Reply.persons_addressed.through,
    ):
        m2m_changed.connect(
            _relations_changed, sender=relation, dispatch_uid=f"{UID}.m2m.{relation.__name__}"
        )
