from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from biip.backup import BackupError, import_programme


class Command(BaseCommand):
    help = (
        "Restore an archive written by export_programme into this database and MEDIA_ROOT. "
        "The database must be migrated (manage.py migrate) to exactly the archive's "
        "migration state and hold no programme data; the groups the migrations create may "
        "be there (they are given the archive's permissions). All or nothing: if anything "
        "fails, no row and no file is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The archive to restore")

    def handle(self, *args, path, **options):
        progress = self.stdout.write if options["verbosity"] > 1 else None
        try:
            result = import_programme(path, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {path} (written {manifest['created_at']} by version "
                f"{manifest['app_version']}): {result.rows} rows in {result.tables} tables "
                f"and {result.files} media files."
            )
        )
