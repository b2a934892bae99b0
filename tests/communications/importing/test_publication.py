"""An import that only adds letters tells the public index to look for them."""

from __future__ import annotations

import pytest

from spcomms.communications.importing.services import communications_import
from spcomms.publication.index import publication_sync
from spcomms.publication.models import PublishedDocument
from tests.communications.importing.conftest import WriteFile, good

pytestmark = pytest.mark.django_db


def test_letters_imported_past_their_deadline_are_public_at_the_next_sync(
    reference: None, write_file: WriteFile
) -> None:
    publication_sync()  # in step, with nothing public and no deadline ahead
    communications_import(path=write_file(good()))
    assert publication_sync().added == 3
    assert PublishedDocument.objects.count() == 3
