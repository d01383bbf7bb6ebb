"""`manage.py export_programme` writes everything, with its history and the media files, to
one archive; `manage.py import_programme` restores it into an empty, migrated database,
record for record."""

import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test import TestCase, TransactionTestCase, override_settings

from biip.backup import BackupError, archived_models, safe_media_path
from biip.models import Organisation, Role
from plans.models import Action, Evidence, ProgressUpdate
from reports.models import Report, ReportVersion
from tests.factories import make_action, make_report, make_risk, make_update, make_user

PDF = b"%PDF-1.7\n% evidence\n%%EOF\n"

# Tables deliberately left out of the archive (docs/operations.md says why). Every other
# table of every installed app must be archived: a new app or model cannot be forgotten.
NOT_ARCHIVED = {
    "contenttypes.ContentType",
    "auth.Permission",
    "auth.Group_permissions",  # kept with each group
    "sessions.Session",
    "django_tasks_database.DBTaskResult",
    "axes.AccessAttempt",
    "axes.AccessAttemptExpiration",
    "axes.AccessFailureLog",
    "axes.AccessLog",
}
RECREATED = (ContentType, Permission, Group)


def every_table() -> list:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label not in NOT_ARCHIVED
    ]


def natural(model, pk):
    return list(model._base_manager.get(pk=pk).natural_key()) if pk is not None else None


def everything() -> dict[str, list[dict]]:
    """Every row of every archived table, as read from the database: each column's value,
    except that content types, permissions and groups (whose ids a migrated database
    chooses for itself) are given by natural key."""
    tables = {}
    for model in every_table():
        related = [f for f in model._meta.concrete_fields if f.related_model in RECREATED]
        rows = []
        for row in model._base_manager.order_by("pk").values():
            for f in related:
                row[f.attname] = natural(f.related_model, row[f.attname])
            rows.append(row)
        if model is Group:
            rows = sorted(
                (
                    row["name"],
                    sorted(
                        p.natural_key() for p in Group.objects.get(pk=row["id"]).permissions.all()
                    ),
                )
                for row in rows
            )
        tables[model._meta.label] = rows
    return tables


def reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(
        no_style(), apps.get_models(include_auto_created=True)
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def media_contents(root) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in Path(root).rglob("*")
        if path.is_file()
    }


def add_what_the_demo_lacks(user: User) -> None:
    """Evidence and a report PDF (files under MEDIA_ROOT), a file no row points at, the
    admin's log, a user's own permission, a group the migrations do not make, and a
    migrated group whose permissions were changed."""
    update = ProgressUpdate.objects.order_by("pk").first()
    evidence = Evidence(
        update=update,
        original_name="Cabinet report – November.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=user,
    )
    evidence.file.save("Cabinet report – November.pdf", ContentFile(PDF))
    report = Report.objects.order_by("pk").first()
    version = ReportVersion(report=report, number=99, created_by=user, status="done")
    version.file.save("version-99.pdf", ContentFile(b"%PDF-1.7\n% report\n%%EOF\n"))
    stray = Path(settings.MEDIA_ROOT) / "notes" / "årsrapport 2019.txt"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"kept as it is\x00\xff")
    action = Action.objects.order_by("pk").first()
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(Action),
        object_id=str(action.pk),
        object_repr=str(action)[:200],
        action_flag=CHANGE,
        change_message="Changed the title.",
    )
    user.user_permissions.add(Permission.objects.get(codename="add_source"))
    auditors = Group.objects.create(name="Auditors")
    auditors.permissions.add(Permission.objects.get(codename="view_action"))
    user.groups.add(auditors)
    panel = Group.objects.get(name=Role.PANEL)
    panel.permissions.remove(panel.permissions.order_by("codename").first())


class PrivateMedia:
    def setUp(self):
        super().setUp()
        self.media = tempfile.mkdtemp(prefix="backup-media-")
        self.folder = Path(tempfile.mkdtemp(prefix="backup-archive-"))
        self.addCleanup(shutil.rmtree, self.media, ignore_errors=True)
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        media_override = override_settings(MEDIA_ROOT=self.media)
        media_override.enable()
        self.addCleanup(media_override.disable)
        self.archive = self.folder / "programme.zip"

    def empty_media(self):
        shutil.rmtree(self.media)
        Path(self.media).mkdir()


class RoundTrip(PrivateMedia, TransactionTestCase):
    """Export, empty the database, import, and find every record and file as it was."""

    serialized_rollback = True

    def setUp(self):
        super().setUp()
        # A test here gives content types new ids: none may stay in the cache after it.
        self.addCleanup(ContentType.objects.clear_cache)
        # The rows a serialized rollback puts back keep their ids, but PostgreSQL's
        # sequences are not moved past them: as after `migrate`, they must be.
        reset_sequences()

    def export(self) -> tuple[dict, dict]:
        before, files = everything(), media_contents(self.media)
        output = io.StringIO()
        call_command("export_programme", str(self.archive), stdout=output)
        self.assertIn(f"Wrote {self.archive}", output.getvalue())
        return before, files

    def restore_and_compare(self, before: dict, files: dict):
        output = io.StringIO()
        call_command("import_programme", str(self.archive), stdout=output)
        self.assertIn("Restored", output.getvalue())
        after = everything()
        self.assertEqual(list(after), list(before))
        for label, rows in before.items():
            with self.subTest(table=label):
                self.assertEqual(after[label], rows)
        self.assertEqual(media_contents(self.media), files)
        # The ids continue after the restored ones (PostgreSQL's sequences were reset).
        highest = Organisation.objects.order_by("-pk").first().pk
        organisation = Organisation.objects.create(name="New", short_name="NEW", kind="partner")
        self.assertGreater(organisation.pk, highest)

    def test_the_demo_data_comes_back_into_a_freshly_migrated_database(self):
        call_command("seed_demo", stdout=io.StringIO())
        add_what_the_demo_lacks(User.objects.get(username="admin"))
        before, files = self.export()
        self.assertGreater(sum(len(rows) for rows in before.values()), 4000)
        self.assertTrue(all(before[m._meta.label] for m in (Evidence, LogEntry, ReportVersion)))
        self.assertEqual(len(files), 3)
        # A freshly migrated database: the database as the test run's migrations left it.
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
        reset_sequences()
        self.empty_media()
        self.assertFalse(User.objects.exists())
        self.restore_and_compare(before, files)

    def test_a_flushed_database_with_other_content_type_ids_takes_it_too(self):
        officer = make_user("olivia", Role.OFFICER)
        alex = make_user("alex", Role.ADMINISTRATOR)
        action = make_action(lead_officer=officer.person)
        action.risks.add(make_risk())  # a many-to-many row, with its history
        make_update(action, officer)
        make_report(alex)
        add_what_the_demo_lacks(alex)
        before, files = self.export()
        # No groups, and content types and permissions made again with new ids.
        call_command("flush", interactive=False, verbosity=0)
        ContentType.objects.all().delete()
        ContentType.objects.create(app_label="elsewhere", model="padding")
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
        ContentType.objects.filter(app_label="elsewhere").delete()
        ContentType.objects.clear_cache()
        self.assertFalse(Group.objects.exists())
        self.empty_media()
        self.restore_and_compare(before, files)


class WhatIsArchived(TestCase):
    def test_every_table_of_every_app_is_archived_except_those_left_out_on_purpose(self):
        self.assertCountEqual([m._meta.label for m in archived_models()], map(label, every_table()))
        history = [m for m in archived_models() if m.__name__.startswith("Historical")]
        self.assertIn(apps.get_model("plans", "HistoricalAction_risks"), history)
        self.assertGreater(len(history), 30)

    def test_groups_and_users_are_loaded_first_and_tables_after_those_they_point_at(self):
        order = archived_models()
        self.assertEqual(order[:2], [Group, User])
        self.assertLess(order.index(Action), order.index(ProgressUpdate))
        self.assertLess(order.index(ProgressUpdate), order.index(Evidence))
        self.assertLess(order.index(Report), order.index(ReportVersion))


def label(model) -> str:
    return model._meta.label


class Refusals(PrivateMedia, TestCase):
    """What each command refuses, and that a refused import changes nothing."""

    def export_one_organisation(self) -> None:
        """An archive of one organisation (and its history row), then a database with
        no programme data left in it."""
        Organisation.objects.create(
            name="Birmingham City Council", short_name="BCC", kind="council"
        )
        call_command("export_programme", str(self.archive), stdout=io.StringIO())
        Organisation.objects.all().delete()
        Organisation.history.model.objects.all().delete()

    def rewrite(self, change_manifest=None, add: dict | None = None) -> None:
        with zipfile.ZipFile(self.archive) as source:
            members = {name: source.read(name) for name in source.namelist()}
        manifest = json.loads(members["manifest.json"])
        if change_manifest:
            change_manifest(manifest)
        members["manifest.json"] = json.dumps(manifest).encode()
        members.update(add or {})
        with zipfile.ZipFile(self.archive, "w") as target:
            for name, data in members.items():
                target.writestr(name, data)

    def import_refused(self, message: str) -> None:
        with self.assertRaisesMessage(CommandError, message):
            call_command("import_programme", str(self.archive), stdout=io.StringIO())
        self.assertFalse(Organisation.objects.exists())
        self.assertFalse(Organisation.history.exists())
        self.assertEqual(media_contents(self.media), {})

    def test_the_restore_of_the_archive_works_when_nothing_is_wrong(self):
        self.export_one_organisation()
        call_command("import_programme", str(self.archive), stdout=io.StringIO())
        self.assertEqual(Organisation.objects.get().short_name, "BCC")
        self.assertEqual(Organisation.history.get().history_type, "+")

    def test_export_refuses_to_overwrite_an_existing_file_without_force(self):
        self.archive.write_bytes(b"yesterday's backup")
        with self.assertRaisesMessage(CommandError, "already exists"):
            call_command("export_programme", str(self.archive), stdout=io.StringIO())
        self.assertEqual(self.archive.read_bytes(), b"yesterday's backup")
        self.assertEqual([p.name for p in self.folder.iterdir()], ["programme.zip"])
        call_command("export_programme", str(self.archive), "--force", stdout=io.StringIO())
        with zipfile.ZipFile(self.archive) as archive:
            self.assertIn("manifest.json", archive.namelist())

    def test_export_refuses_a_folder_that_does_not_exist(self):
        with self.assertRaisesMessage(CommandError, "does not exist"):
            call_command("export_programme", str(self.folder / "no" / "p.zip"))

    def test_the_manifest_says_what_the_archive_holds(self):
        Organisation.objects.create(
            name="Birmingham City Council", short_name="BCC", kind="council"
        )
        (Path(self.media) / "evidence").mkdir()
        (Path(self.media) / "evidence" / "a").write_bytes(PDF)
        call_command("export_programme", str(self.archive), stdout=io.StringIO())
        with zipfile.ZipFile(self.archive) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            self.assertEqual(archive.read("media/evidence/a"), PDF)
        self.assertEqual(manifest["format_version"], 1)
        self.assertEqual(manifest["app_version"], "0.1.0")
        self.assertIn("0001_initial", manifest["migrations"]["plans"])
        self.assertEqual(
            manifest["latest_migrations"]["plans"], manifest["migrations"]["plans"][-1]
        )
        rows = {table["model"]: table["rows"] for table in manifest["tables"]}
        self.assertEqual(rows["biip.Organisation"], 1)
        self.assertEqual(rows["biip.HistoricalOrganisation"], 1)
        self.assertEqual(rows["auth.Group"], 4)
        self.assertEqual(manifest["media"], {"files": 1, "bytes": len(PDF)})
        self.assertIn("sessions", manifest["left_out"])
        # As sensitive as the database: readable by its owner only.
        self.assertEqual(self.archive.stat().st_mode & 0o777, 0o600)

    def test_import_refuses_a_database_holding_programme_data(self):
        Organisation.objects.create(
            name="Birmingham City Council", short_name="BCC", kind="council"
        )
        call_command("export_programme", str(self.archive), stdout=io.StringIO())
        with self.assertRaisesMessage(CommandError, "already holds data"):
            call_command("import_programme", str(self.archive), stdout=io.StringIO())
        self.assertEqual(Organisation.objects.count(), 1)

    def test_import_refuses_a_user_left_in_the_database(self):
        self.export_one_organisation()
        User.objects.create_user("olivia")
        with self.assertRaisesMessage(CommandError, "auth.User (1)"):
            call_command("import_programme", str(self.archive), stdout=io.StringIO())
        self.assertFalse(Organisation.objects.exists())

    def test_import_refuses_an_archive_of_another_migration_state(self):
        self.export_one_organisation()

        def older(manifest):
            manifest["migrations"]["plans"].pop()

        self.rewrite(older)
        self.import_refused("The database's migrations are not the archive's")

    def test_import_refuses_a_member_that_would_escape_media_root(self):
        self.export_one_organisation()
        outside = Path(self.media).parent / "escaped.txt"
        self.addCleanup(outside.unlink, missing_ok=True)

        def one_file(manifest):
            manifest["media"]["files"] = 1

        self.rewrite(one_file, add={f"media/../{outside.name}": b"owned"})
        self.import_refused("would be written outside MEDIA_ROOT")
        self.assertFalse(outside.exists())

    def test_media_names_that_escape_are_refused_and_others_kept_inside(self):
        root = Path(self.media)
        for name in (
            "media/../x",
            "media/a/../../x",
            "media//etc/passwd",
            "media/./x",
            "media/",
            "media/evidence/\x00x",
        ):
            with self.subTest(name=name), self.assertRaises(BackupError):
                safe_media_path(name, root)
        (root / "link").symlink_to(root.parent)
        with self.assertRaises(BackupError):
            safe_media_path("media/link/escaped.txt", root)
        inside = safe_media_path("media/evidence/2019-01/abc", root)
        self.assertEqual(inside, (root / "evidence" / "2019-01" / "abc").resolve())
        # On Linux a backslash is a character of a name, not a folder separator.
        self.assertEqual(safe_media_path("media/..\\x", root).parent, root.resolve())

    def test_import_refuses_a_file_already_in_media_root(self):
        (Path(self.media) / "evidence").mkdir()
        (Path(self.media) / "evidence" / "a").write_bytes(PDF)
        self.export_one_organisation()
        with self.assertRaisesMessage(CommandError, "already exist under MEDIA_ROOT"):
            call_command("import_programme", str(self.archive), stdout=io.StringIO())
        self.assertFalse(Organisation.objects.exists())

    def test_import_of_a_damaged_archive_keeps_nothing(self):
        self.export_one_organisation()

        def one_row_too_many(manifest):
            manifest["tables"][-1]["rows"] += 1

        self.rewrite(one_row_too_many)
        self.import_refused("rows but the archive holds")

    def test_import_refuses_what_is_not_an_archive(self):
        self.archive.write_bytes(b"not a zip")
        with self.assertRaisesMessage(CommandError, "not an archive written by"):
            call_command("import_programme", str(self.archive))
        with zipfile.ZipFile(self.archive, "w") as archive:
            archive.writestr("data.json", "[]")
        with self.assertRaisesMessage(CommandError, "no manifest.json"):
            call_command("import_programme", str(self.archive))
        with self.assertRaisesMessage(CommandError, "does not exist"):
            call_command("import_programme", str(self.folder / "missing.zip"))
