"""``spcomms backup --out DIR_OR_FILE [--keys-out DIR]``: one file with the database and the
stored files, and the keys, if asked, in a folder of their own (docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext, gettext_noop

from spcomms.backup.archive import ArchiveError
from spcomms.backup.services import BackupRefused, backup_create
from spcomms.cli_options import usage_error


class Command(BaseCommand):
    help = gettext_noop(
        "Write a backup of the database and of the stored files (still encrypted) to a new "
        "file; the keys go to another folder with --keys-out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.description = gettext(self.help)
        parser.add_argument(
            "--out",
            required=True,
            help=gettext(
                "A folder (the file is named spcomms-backup-<time>.tar) or the new file's name."
            ),
        )
        parser.add_argument(
            "--keys-out",
            help=gettext(
                "Also copy the master and retired keys into this folder (mode 0600). Keep it "
                "apart from the backups: whoever holds both can read everything."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        keys_out = Path(options["keys_out"]) if options["keys_out"] else None
        try:
            report = backup_create(out=Path(options["out"]), keys_out=keys_out)
        except (BackupRefused, ArchiveError) as refusal:
            raise usage_error(str(refusal)) from None
        self.stdout.write(
            gettext(
                "Backup written to %(path)s: %(rows)d rows in %(tables)d tables, %(files)d "
                "stored files, %(size)d bytes."
            )
            % {
                "path": report.path,
                "rows": report.rows,
                "tables": report.tables,
                "files": report.files,
                "size": report.size,
            }
        )
        self.stdout.write(
            gettext("Restoring it needs the master keys %(ids)s.")
            % {"ids": ", ".join(report.key_ids) or "-"}
        )
        if keys_out is not None:
            self.stdout.write(
                gettext("Keys copied to %(folder)s (%(names)s). Store them apart from the backup.")
                % {"folder": keys_out, "names": ", ".join(report.keys_written) or "-"}
            )
        else:
            self.stdout.write(
                gettext(
                    "The backup holds no key. Keep a copy of the key folder elsewhere "
                    "(spcomms backup --keys-out DIR)."
                )
            )
