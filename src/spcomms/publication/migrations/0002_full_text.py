"""Full-text search over the public text: FTS5 on SQLite, a GIN expression index on PostgreSQL.

On SQLite, ``publication_fts`` is an external-content FTS5 table over
``publication_publisheddocument.search_text``, kept in step by triggers. On
PostgreSQL, the index is on ``to_tsvector('simple', search_text)``, the very
expression the search uses. Other databases get neither.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE publication_fts USING fts5(
        search_text,
        content='publication_publisheddocument',
        content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER publication_fts_insert AFTER INSERT ON publication_publisheddocument
    BEGIN
        INSERT INTO publication_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER publication_fts_delete AFTER DELETE ON publication_publisheddocument
    BEGIN
        INSERT INTO publication_fts(publication_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER publication_fts_update AFTER UPDATE ON publication_publisheddocument
    BEGIN
        INSERT INTO publication_fts(publication_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO publication_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    "INSERT INTO publication_fts(publication_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS publication_fts_update",
    "DROP TRIGGER IF EXISTS publication_fts_delete",
    "DROP TRIGGER IF EXISTS publication_fts_insert",
    "DROP TABLE IF EXISTS publication_fts",
]
POSTGRESQL_CREATE = [
    "CREATE INDEX publication_document_search ON publication_publisheddocument "
    "USING GIN (to_tsvector('simple'::regconfig, search_text))",
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS publication_document_search"]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE})


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


class Migration(migrations.Migration):
    dependencies = [("publication", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
