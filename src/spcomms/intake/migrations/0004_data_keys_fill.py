# Existing rows get a data key each and their values are moved from the master key to that
# data key (and back on reverse). Its own migration, so on PostgreSQL the updates commit before
# 0005 alters the tables.

import uuid

from django.db import migrations

SEALED = {
    "intake_submission": (
        "sender_name", "sender_contact", "urgency_reason", "facts", "places", "perpetrators",
        "context", "action_taken", "requested_action", "press_release_reason",
        "joint_action_reason", "no_action_reason", "reason_for_source",
    ),
    "intake_submissionvictim": ("name", "origin", "residence"),
    "intake_submissionmessage": ("body",),
    "intake_submissionattachment": ("filename",),
}


def _reseal(schema_editor, *, to_data_keys):
    from spcomms.encryption import keyring
    from spcomms.intake.crypto import data_key_unwrap, data_key_wrap, text_open, text_seal
    from spcomms.core.crypto import new_key

    ring = keyring()
    quote = schema_editor.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, data_key FROM intake_submission")
        keys = {}
        for pk, wrapped in cursor.fetchall():
            if to_data_keys:
                keys[pk] = new_key()
                cursor.execute(
                    "UPDATE intake_submission SET data_key = %s WHERE id = %s",
                    [data_key_wrap(keys[pk], ring), pk],
                )
            else:
                keys[pk] = data_key_unwrap(wrapped, ring)
        for table, columns in SEALED.items():
            owner = "id" if table == "intake_submission" else "submission_id"
            cols = ", ".join(quote(c) for c in columns)
            cursor.execute(f"SELECT id, {owner}, {cols} FROM {quote(table)}")
            for pk, submission_id, *values in cursor.fetchall():
                key = keys[submission_id]
                changed = []
                for column, value in zip(columns, values):
                    if not value:
                        changed.append(value)
                        continue
                    context = f"{table}.{column}"
                    if to_data_keys:
                        plain = ring.open(value, context=context)
                        changed.append(text_seal(key, plain, context=context))
                    else:
                        plain = text_open(key, value, context=context)
                        changed.append(ring.seal(plain, context=context))
                assignments = ", ".join(f"{quote(c)} = %s" for c in columns)
                cursor.execute(
                    f"UPDATE {quote(table)} SET {assignments} WHERE id = %s", [*changed, pk]
                )
        if to_data_keys:
            cursor.execute("SELECT id FROM intake_submissionattachment")
            for (pk,) in cursor.fetchall():
                cursor.execute(
                    "UPDATE intake_submissionattachment SET public_id = %s WHERE id = %s",
                    [uuid.uuid4().hex, pk],
                )


def forwards(apps, schema_editor):
    _reseal(schema_editor, to_data_keys=True)


def backwards(apps, schema_editor):
    _reseal(schema_editor, to_data_keys=False)




class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0003_data_keys'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
