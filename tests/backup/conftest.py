"""A small but complete instance, built once per test module inside a transaction rolled
back at the end: the demonstration at scale 0.02 (communications, persons, replies,
follow-up, reprisals, visits, intake), plus what it leaves out: staff accounts with an
authenticator app and recovery codes, a group with a permission, a source organisation,
an intake submission with a stored (sealed) file, a reply with its document, a comment
on a reply, rate-limit counts, a session, an admin log entry, covariates and the
public index."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from pytest_django import DjangoDbBlocker

from spcomms.accounts.models import Role, SourceOrganisation, User
from spcomms.communications.models import Reply, ReplyComment
from spcomms.covariates.models import CountryYearValue, Variable
from spcomms.demo.services import demo_build
from spcomms.intake.attachments import attachment_check
from spcomms.intake.services import FileToStore, submission_create
from spcomms.publication.index import publication_sync
from spcomms.reference.models import Country, Mandate
from spcomms.reference.services import reference_load
from spcomms.throttle.services import Rule, throttle_record
from tests.accounts.totp import enrol
from tests.intake.conftest import answers, jpeg_with_exif, victim

SCALE = 0.02
REPLY_DOCUMENT = b"%PDF-1.4\n% a government's reply, as received\n"


@dataclass(frozen=True)
class Instance:
    """The populated instance's folders and a few of its rows, by primary key."""

    media: Path
    intake: Path
    administrator: int
    submission: int
    attachment_bytes: bytes
    reply: int


def populate(media: Path) -> Instance:
    reference_load()
    demo_build(seed=0, scale=SCALE)
    administrator = User.objects.create_user(
        username="ada.admin", password="correct horse battery staple 42",
        role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True,
    )  # fmt: skip
    enrol(administrator)
    holder = User.objects.create_user(username="mara.rapporteur", role=Role.MANDATE_HOLDER)
    holder.mandates.add(Mandate.objects.get(code="sr-hrd"))
    group = Group.objects.create(name="reviewers")
    group.permissions.add(Permission.objects.get(codename="view_user"))
    holder.groups.add(group)
    source = User.objects.create_user(username="ngo.account", role=Role.SOURCE)
    SourceOrganisation.objects.create(user=source, name="Marker Organisation Name")
    checked = attachment_check(jpeg_with_exif())
    receipt = submission_create(
        answers=answers(country=Country.objects.get(iso3="COL")),
        victims=[victim()],
        files=[FileToStore(name="Marker-photo.jpg", checked=checked)],
        source_account=source,
    )
    reply = Reply.objects.order_by("pk").first()
    assert reply is not None
    reply.document.save("reply-note.pdf", ContentFile(REPLY_DOCUMENT))
    ReplyComment.objects.create(
        reply=reply,
        submission=receipt.submission,
        body="Marker comment",
        at=dt.datetime.now(dt.UTC),
    )
    throttle_record(Rule("signin.account", 5, 900), "ada.admin")
    session = SessionStore()
    session["marker"] = 1
    session.create()
    LogEntry.objects.create(
        user=administrator,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(holder.pk),
        object_repr=f"user {holder.pk}",
        action_flag=ADDITION,
        change_message="[]",
    )
    variable = Variable.objects.create(code="marker_index", label="Marker index", minimum=0.0)
    CountryYearValue.objects.create(
        country=Country.objects.get(iso3="COL"), year=2015, variable=variable, value=0.125
    )
    publication_sync()
    return Instance(
        media=media,
        intake=media / "intake",
        administrator=administrator.pk,
        submission=receipt.submission.pk,
        attachment_bytes=checked.cleaned,
        reply=reply.pk,
    )


@pytest.fixture(scope="module")
def instance(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Instance]:
    media = tmp_path_factory.mktemp("instance") / "media"
    with (
        override_settings(MEDIA_ROOT=media, SPCOMMS_INTAKE_DIR=media / "intake"),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield populate(media)
        transaction.set_rollback(True)
    shutil.rmtree(media, ignore_errors=True)
