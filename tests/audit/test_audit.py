"""The audit log keeps identifiers and codes, never free text."""

from __future__ import annotations

import pytest

from spcomms.accounts.models import User
from spcomms.audit.models import AuditEvent
from spcomms.audit.services import audit_record
from tests import factories

pytestmark = pytest.mark.django_db


def test_it_records_who_did_what_to_which_object(
    reference: None, secretariat_officer: User
) -> None:
    defender = factories.person()
    event = audit_record(actor=secretariat_officer, action="person_view", obj=defender, fields=3)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.action, stored.object_type, stored.object_id) == (
        secretariat_officer,
        "person_view",
        "cases.person",
        str(defender.pk),
    )
    assert stored.detail == {"fields": 3}


@pytest.mark.parametrize("detail", ["Name of a defender", "x" * 65, ["a list"]])
def test_it_refuses_free_text_in_the_detail(reference: None, detail: object) -> None:
    with pytest.raises(ValueError, match="audit detail"):
        audit_record(actor=None, action="person_view", obj=factories.person(), note=detail)
    assert not AuditEvent.objects.exists()
