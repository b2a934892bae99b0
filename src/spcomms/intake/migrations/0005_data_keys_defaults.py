# The final defaults: a fresh wrapped data key per submission, a unique identifier per file.

import uuid

from django.db import migrations, models

import spcomms.intake.crypto


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0004_data_keys_fill'),
    ]

    operations = [
        migrations.AlterField(
            model_name='submission',
            name='data_key',
            field=models.TextField(default=spcomms.intake.crypto.data_key_new, editable=False, verbose_name='wrapped data key'),
        ),
        migrations.AlterField(
            model_name='submissionattachment',
            name='public_id',
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='public identifier'),
        ),
    ]
