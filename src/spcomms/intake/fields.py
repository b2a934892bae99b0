"""A text column sealed with the data key of the submission its row belongs to.

The row's model says which key seals it through ``sealing_key()``: a submission
unwraps its own data key, a victim, message or attachment asks its submission.
Values are opened lazily, when the attribute is first read, so listing
submissions by their clear columns (status, dates, country) opens nothing.

Clear text never reaches SQL: ``save()`` and ``bulk_create()`` seal through
``pre_save``; anything else that tries to write clear text (``QuerySet.update``,
a filter) is refused. The empty string is stored as itself: a sealed empty
value would reveal its length just the same.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from spcomms.intake.crypto import text_open, text_seal


class SealedByDataKey(Protocol):
    def sealing_key(self) -> bytes: ...


class Ciphertext(str):
    """A value as read from or written to the column, still sealed."""

    __slots__ = ()


class _OpeningAttribute(DeferredAttribute):
    """Opens a sealed value on first read and keeps the clear text on the instance."""

    field: SealedTextField

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Ciphertext):
            value = text_open(instance.sealing_key(), value, context=self.field.sealing_context())
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class SealedTextField(models.TextField):  # type: ignore[type-arg]  # TextField's generics are stub-only
    description = "Text encrypted with its submission's data key"
    descriptor_class = _OpeningAttribute

    def sealing_context(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = model_instance.__dict__.get(self.attname)
        if value is None or value == "" or isinstance(value, Ciphertext):
            return value
        owner: SealedByDataKey = model_instance  # type: ignore[assignment]  # the intake models all define sealing_key
        return Ciphertext(
            text_seal(owner.sealing_key(), str(value), context=self.sealing_context())
        )

    def get_prep_value(self, value: Any) -> Any:
        if value is None or value == "":
            return value
        if isinstance(value, Ciphertext):
            return str(value)
        raise TypeError(
            f"{self.sealing_context()} is sealed with its submission's data key: "
            "write it through the model's save(), never as clear text in a query"
        )

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return Ciphertext(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in {"isnull"}:
            raise TypeError(f"sealed field {self.name} cannot be filtered with {lookup_name}")
        return super().get_lookup(lookup_name)
