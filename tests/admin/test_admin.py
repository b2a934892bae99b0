"""Every model has an admin page that works, and only staff roles reach it."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse

from spcomms.accounts.models import User
from tests import factories
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# The public search index is derived from the record and rebuilt from it on
# demand: there is nothing in it to edit, so it has no admin page.
DERIVED_MODELS = {
    "publication.PublishedDocument",
    "publication.PublishedFacet",
    "publication.IndexState",
}
# Rate-limit counters hold keyed hashes and expire by themselves: nothing in them
# is anyone's to read or edit. An organisation's sealed name is shown to the
# organisation and on its submissions' staff pages; its account is the user's row.
NOT_EDITED = {
    "throttle.ThrottleCount",
    "throttle.ThrottleKey",
    "accounts.SourceOrganisation",
}
PROJECT_MODELS = [
    model
    for model in apps.get_models()
    if model.__module__.startswith("spcomms.")
    and not model._meta.abstract
    and model._meta.label not in DERIVED_MODELS | NOT_EDITED
]


INLINE_MODELS = {
    inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines
}
REGISTERED = [model for model in PROJECT_MODELS if admin.site.is_registered(model)]


def _admin_url(model: type[models.Model], view: str) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda m: m._meta.label)
def test_every_model_has_an_admin_page_or_is_edited_inline(model: type[models.Model]) -> None:
    assert admin.site.is_registered(model) or model in INLINE_MODELS


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_every_admin_list_and_form_opens_for_an_administrator(
    client: Client, administrator: User, model: type[models.Model]
) -> None:
    defender = factories.person(name="Zqx Admin Marker")
    factories.communication(persons=(defender,))
    client.force_login(administrator)
    listing = client.get(_admin_url(model, "changelist"))
    assert listing.status_code == 200
    assert b"Zqx Admin Marker" not in listing.content, "names never appear in admin lists"
    if admin.site._registry[model].has_add_permission(listing.wsgi_request):
        assert client.get(_admin_url(model, "add")).status_code == 200


def test_an_administrator_can_open_a_person_and_read_the_name(
    client: Client, administrator: User
) -> None:
    defender = factories.person(name="Zqx Admin Marker")
    client.force_login(administrator)
    page = client.get(reverse("admin:cases_person_change", args=[defender.pk]))
    assert page.status_code == 200
    assert b"Zqx Admin Marker" in page.content


@pytest.mark.parametrize("persona", ["researcher", "mandate_holder"])
def test_non_staff_roles_are_sent_to_the_admin_login(
    client: Client, request: pytest.FixtureRequest, persona: str
) -> None:
    user = request.getfixturevalue(persona)
    assert client.login(username=user.username, password=PASSWORD)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_audit_log_cannot_be_edited_in_the_admin(client: Client, administrator: User) -> None:
    client.force_login(administrator)
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
