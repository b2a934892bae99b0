"""PostgreSQL: keep the search vector in a stored generated column.

With an index on the expression ``to_tsvector('simple', search_text)``, a word found
in most documents made PostgreSQL compute the vector of every row again (a
sequential scan, or the recheck of a lossy bitmap). A stored column computes it once,
when the row is written. The model does not know the column: Django never writes it,
and the search reads it in raw SQL. Other databases are unchanged.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

FORWARD = [
    "DROP INDEX IF EXISTS publication_document_search",
    "ALTER TABLE publication_publisheddocument ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    "CREATE INDEX publication_document_vector ON publication_publisheddocument "
    "USING GIN (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS publication_document_vector",
    "ALTER TABLE publication_publisheddocument DROP COLUMN IF EXISTS search_vector",
    "CREATE INDEX publication_document_search ON publication_publisheddocument "
    "USING GIN (to_tsvector('simple'::regconfig, search_text))",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: list[str]) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement)


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, FORWARD)


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("publication", "0003_index_state")]

    operations = [migrations.RunPython(forward, backward)]
