from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from biip.backup import SKIPPED_APPS, BackupError, export_programme


class Command(BaseCommand):
    help = (
        "Write the whole programme to one zip archive: every table of the app with its "
        "change history, the users (with their password hashes), groups and permissions, "
        "the admin's log, and every file under MEDIA_ROOT (evidence, report PDFs), with a "
        "manifest of the migration state and row counts. Restore it with import_programme. "
        "The archive is as sensitive as the database: keep it as safe. Left out: "
        + ", ".join(SKIPPED_APPS)
        + "."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The archive to write, e.g. programme.zip")
        parser.add_argument(
            "--force", action="store_true", help="Replace the archive if it already exists."
        )

    def handle(self, *args, path, force=False, **options):
        try:
            result = export_programme(path, overwrite=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for name in result.missing_files[:20]:
            self.stderr.write(f"Missing from MEDIA_ROOT, so not in the archive: {name}")
        if len(result.missing_files) > 20:
            self.stderr.write(f"... and {len(result.missing_files) - 20} more missing files.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {result.path}: {result.rows} rows in {result.tables} tables and "
                f"{result.files} media files ({result.file_bytes} bytes)."
            )
        )
