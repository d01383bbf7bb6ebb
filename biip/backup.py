"""Backup and restore of the whole programme as one archive (`manage.py export_programme`
and `manage.py import_programme`).

The archive is a zip file holding:

- `manifest.json`: the format and its version, the app's version, when it was written,
  the database's migration state (every applied migration, by app), and for each table its
  member in the archive and its number of rows, in the order they are loaded;
- `data/NNN-app.model.jsonl`: the rows of every table, one JSON object a line (Django's
  JSON Lines serializer, with datetimes kept to the microsecond), including the change
  history of every record, the many-to-many tables, the users (with their password
  hashes), their groups and permissions and the admin's log;
- `media/...`: every file under MEDIA_ROOT (uploaded evidence, generated report PDFs,
  imported spreadsheets).

Left out, because a freshly migrated database recreates them or they are not programme
data: content types and permissions (recreated by `migrate`; rows that point at them are
written by natural key), sessions, the background task queue and the sign-in lockout logs
(`SKIPPED_APPS`).

Rows are read and written a chunk at a time, never a whole table in memory. Restoring
needs a database migrated to exactly the archive's migration state and holding no
programme data (the groups the migrations create may be there: an archived group is
matched by name and given the archive's permissions).
"""

from __future__ import annotations

import datetime
import io
import json
import os
import shutil
import tempfile
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "improvement-tracker-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_FOLDER = "data/"
MEDIA_FOLDER = "media/"
CHUNK = 2000

# Apps whose rows are not archived, and why (docs/operations.md repeats this).
SKIPPED_APPS = {
    "contenttypes": "recreated by migrate; rows pointing at a content type are written by "
    "natural key",
    "sessions": "signed-in sessions: everyone signs in again after a restore",
    "django_tasks_database": "the background task queue: queued work is not carried over",
    "axes": "sign-in failure and lockout logs",
}
SKIPPED_MODELS = {
    "auth.Permission": "recreated by migrate; written by natural key where used",
    "auth.Group_permissions": "kept with each group, by permission natural key",
}
# Rows a migrated database makes for itself, with ids of its own: whatever points at them
# is written by natural key, not by id.
RECREATED = (ContentType, Permission, Group)


class BackupError(Exception):
    """An archive cannot be written or restored; the message says why, in words."""


# --- what is archived ------------------------------------------------------------------


def archived_models() -> list[type[models.Model]]:
    """Every model whose rows the archive holds, in loading order: groups, then users, then
    the rest with each table after the tables it points at (where there is no cycle)."""
    candidates = []
    for app_config in apps.get_app_configs():
        if app_config.label in SKIPPED_APPS:
            continue
        for model in app_config.get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed or meta.swapped or meta.label in SKIPPED_MODELS:
                continue
            candidates.append(model)
    return dependency_order(candidates)


def dependency_order(candidates: list[type[models.Model]]) -> list[type[models.Model]]:
    first = [m for m in (Group, apps.get_model(settings.AUTH_USER_MODEL)) if m in candidates]
    rest = sorted((m for m in candidates if m not in first), key=lambda m: m._meta.label)
    ordered = list(first)
    while rest:
        placed = set(ordered)
        ready = [
            model
            for model in rest
            if all(target in placed or target not in rest for target in targets_of(model))
        ]
        if not ready:  # a cycle: the database checks foreign keys at commit anyway
            ready = rest[:1]
        ordered.extend(ready)
        rest = [m for m in rest if m not in ready]
    return ordered


def targets_of(model: type[models.Model]) -> set[type[models.Model]]:
    return {
        f.related_model
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is not model
    }


def uses_natural_keys(model: type[models.Model]) -> bool:
    return model is Group or any(t in RECREATED for t in targets_of(model))


def stored_fields(model: type[models.Model]) -> list[str]:
    """The columns of a table, without its many-to-many fields: their tables are archived
    as tables of their own, so that restoring them sends no m2m_changed signal (which would
    write new history rows). A group keeps its permissions, by natural key."""
    names = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    return [*names, "permissions"] if model is Group else names


def member_name(index: int, model: type[models.Model]) -> str:
    return f"{DATA_FOLDER}{index:03d}-{model._meta.label_lower}.jsonl"


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes and times to milliseconds; a backup keeps them to
    the microsecond (the history is ordered by them)."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


def migration_state() -> dict[str, list[str]]:
    applied = MigrationRecorder(connection).applied_migrations()
    state: dict[str, list[str]] = {}
    for app_label, name in sorted(applied):
        state.setdefault(app_label, []).append(name)
    return state


def app_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as file:
            return tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


# --- export ----------------------------------------------------------------------------


@dataclass
class ExportResult:
    path: Path
    rows: int
    tables: int
    files: int
    file_bytes: int
    missing_files: list[str] = field(default_factory=list)


def export_programme(path: Path, *, overwrite: bool = False) -> ExportResult:
    """Write the whole programme to one zip archive at `path`. It is written beside `path`
    under a temporary name and renamed when complete, so a failed export leaves no
    half-written archive (and, with `overwrite`, the previous one intact)."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise BackupError(f"{path} already exists: choose another name, or use --force.")
    if path.is_dir():
        raise BackupError(f"{path} is a folder: give the name of the archive file to write.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            tables, migrations, missing = write_tables(archive)
            files, file_bytes = write_media(archive)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "app_version": app_version(),
                "created_at": timezone.now().isoformat(),
                "database": connection.vendor,
                "migrations": migrations,
                "latest_migrations": {app: names[-1] for app, names in migrations.items()},
                "tables": tables,
                "media": {"files": files, "bytes": file_bytes},
                "left_out": {**SKIPPED_APPS, **SKIPPED_MODELS},
            }
            archive.writestr(
                zip_entry(MANIFEST), json.dumps(manifest, indent=2, ensure_ascii=False)
            )
        if path.exists() and not overwrite:
            raise BackupError(f"{path} was created meanwhile: nothing overwritten.")
        os.replace(partial, path)
    finally:
        Path(partial).unlink(missing_ok=True)
    return ExportResult(
        path=path,
        rows=sum(t["rows"] for t in tables),
        tables=len(tables),
        files=files,
        file_bytes=file_bytes,
        missing_files=missing,
    )


def write_tables(archive: zipfile.ZipFile) -> tuple[list[dict], dict, list[str]]:
    """Every archived table, read in one transaction so that they agree with each other
    and with the migration state (on PostgreSQL a repeatable-read snapshot, while the app
    goes on being used)."""
    tables = []
    missing = []
    # The isolation level can only be set by the first statement of a transaction: inside
    # a transaction a caller opened (a test), the caller's transaction is kept as it is.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        migrations = migration_state()
        for index, model in enumerate(archived_models(), start=1):
            name = member_name(index, model)
            counted = Counted(model._base_manager.order_by("pk").iterator(chunk_size=CHUNK))
            with (
                archive.open(zip_entry(name), "w", force_zip64=True) as raw,
                io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as text,
            ):
                serializers.serialize(
                    "jsonl",
                    counted,
                    stream=text,
                    fields=stored_fields(model),
                    use_natural_foreign_keys=uses_natural_keys(model),
                    cls=ExactJSONEncoder,
                )
            tables.append({"model": model._meta.label, "member": name, "rows": counted.count})
            missing.extend(missing_files(model))
    return tables, migrations, missing


def zip_entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


class Counted:
    """Iterates over rows, counting them."""

    def __init__(self, rows: Iterator):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def missing_files(model: type[models.Model]) -> list[str]:
    if hasattr(model, "instance_type"):
        return []  # history rows point at the same files as their records
    media = Path(settings.MEDIA_ROOT)
    missing = []
    for f in file_fields(model):
        names = model._base_manager.exclude(**{f.attname: ""}).values_list(f.attname, flat=True)
        missing.extend(name for name in names.iterator() if not (media / name).is_file())
    return missing


def media_files() -> Iterator[tuple[Path, str]]:
    """Every regular file under MEDIA_ROOT (symbolic links are not followed), with its
    name in the archive."""
    media = Path(settings.MEDIA_ROOT)
    if not media.is_dir():
        return
    for folder, subfolders, names in os.walk(media):
        subfolders.sort()
        for name in sorted(names):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path, MEDIA_FOLDER + path.relative_to(media).as_posix()


def write_media(archive: zipfile.ZipFile) -> tuple[int, int]:
    files = size = 0
    for path, name in media_files():
        try:
            archive.write(path, name)
            size += path.stat().st_size
        except FileNotFoundError:  # deleted since the folder was listed
            continue
        files += 1
    return files, size


# --- import ----------------------------------------------------------------------------


@dataclass
class ImportResult:
    rows: int
    tables: int
    files: int
    manifest: dict


def import_programme(path: Path, *, progress: Callable[[str], None] | None = None) -> ImportResult:
    """Restore an archive written by `export_programme` into this database, which must be
    migrated to the archive's migration state and hold no programme data. Every row is
    loaded in one transaction, the media files are written before it commits, and if
    anything fails nothing is kept: no row, no file."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file.")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise BackupError(f"{path} is not an archive written by export_programme.") from error
    with archive:
        manifest = read_manifest(archive)
        media = media_targets(archive, manifest)
        check_migration_state(manifest)
        check_database_is_empty()
        check_media_is_free(media)
        written: list[Path] = []
        try:
            with transaction.atomic():
                rows = load_tables(archive, manifest, progress or (lambda message: None))
                for member, target in media:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    written.append(target)
                    with archive.open(member) as source, open(target, "xb") as destination:
                        shutil.copyfileobj(source, destination)
        except BaseException:
            for target in written:
                target.unlink(missing_ok=True)
            raise
    return ImportResult(
        rows=rows, tables=len(manifest["tables"]), files=len(media), manifest=manifest
    )


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError as error:
        raise BackupError(
            "The archive has no manifest.json: it was not written by export_programme."
        ) from error
    except (ValueError, zipfile.BadZipFile) as error:
        raise BackupError(f"The archive's manifest cannot be read: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("The archive was not written by export_programme.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"The archive is in format version {manifest.get('format_version')}; this "
            f"version of the app reads version {FORMAT_VERSION} only."
        )
    tables = manifest.get("tables")
    if not isinstance(tables, list) or not all(
        isinstance(t, dict)
        and isinstance(t.get("model"), str)
        and isinstance(t.get("member"), str)
        and isinstance(t.get("rows"), int)
        for t in tables
    ):
        raise BackupError("The archive's manifest does not list its tables as expected.")
    expected = [model._meta.label for model in archived_models()]
    found = [table["model"] for table in tables]
    if sorted(found) != sorted(expected):
        extra = sorted(set(found) - set(expected))
        lacking = sorted(set(expected) - set(found))
        raise BackupError(
            "The archive's tables are not this app's: "
            f"in the archive only: {', '.join(extra) or 'none'}; "
            f"here only: {', '.join(lacking) or 'none'}."
        )
    listed = {table["member"] for table in manifest["tables"]} | {MANIFEST}
    for member in archive.namelist():
        if member not in listed and not member.startswith(MEDIA_FOLDER):
            raise BackupError(f"The archive holds {member!r}, which its manifest does not list.")
    return manifest


def safe_media_path(member: str, media_root: Path) -> Path:
    """Where a media member of the archive is restored, or BackupError if its name would
    put it outside MEDIA_ROOT: an absolute name, a '..' (or '.' or empty) part, a NUL, or
    one that resolves (through a symbolic link) outside it. (A backslash or a colon is an
    ordinary character in a file name on the Linux servers the app runs on; on Windows,
    where they separate folders and drives, they are refused too.)"""
    relative = member[len(MEDIA_FOLDER) :]
    parts = relative.split("/")
    windows = os.sep == "\\" and ("\\" in relative or ":" in relative)
    if windows or "\x00" in relative or any(part in ("", ".", "..") for part in parts):
        raise BackupError(f"The archive member {member!r} would be written outside MEDIA_ROOT.")
    target = (media_root / Path(*parts)).resolve()
    if not target.is_relative_to(media_root.resolve()):
        raise BackupError(f"The archive member {member!r} would be written outside MEDIA_ROOT.")
    return target


def media_targets(archive: zipfile.ZipFile, manifest: dict) -> list[tuple[str, Path]]:
    media_root = Path(settings.MEDIA_ROOT)
    targets = [
        (info.filename, safe_media_path(info.filename, media_root))
        for info in archive.infolist()
        if info.filename.startswith(MEDIA_FOLDER) and not info.is_dir()
    ]
    expected = manifest.get("media", {}).get("files")
    if expected != len(targets):
        raise BackupError(
            f"The manifest lists {expected} media files but the archive holds {len(targets)}."
        )
    return targets


def check_migration_state(manifest: dict) -> None:
    archived = manifest.get("migrations", {})
    here = migration_state()
    if archived == here:
        return
    differences = []
    for app in sorted(set(archived) | set(here)):
        if archived.get(app) != here.get(app):
            theirs = (archived.get(app) or ["none"])[-1]
            ours = (here.get(app) or ["none"])[-1]
            differences.append(f"{app}: archive {theirs}, database {ours}")
    raise BackupError(
        "The database's migrations are not the archive's: restore with the version of the "
        "app that wrote it, into a database migrated with `manage.py migrate` and nothing "
        "else. Differences (latest migration): " + "; ".join(differences) + "."
    )


def check_database_is_empty() -> None:
    holding = [
        f"{model._meta.label} ({model._base_manager.count()})"
        for model in archived_models()
        if model is not Group and model._base_manager.exists()
    ]
    if holding:
        raise BackupError(
            "The database already holds data, so nothing was restored: restore into a new, "
            "migrated database. Tables with rows: "
            + ", ".join(holding[:10])
            + (f" and {len(holding) - 10} more" if len(holding) > 10 else "")
            + "."
        )


def check_media_is_free(media: list[tuple[str, Path]]) -> None:
    taken = [str(target) for _, target in media if target.exists()]
    if taken:
        raise BackupError(
            f"{len(taken)} files of the archive already exist under MEDIA_ROOT "
            f"({', '.join(taken[:3])}): restore into an empty MEDIA_ROOT."
        )


def load_tables(archive: zipfile.ZipFile, manifest: dict, progress: Callable[[str], None]) -> int:
    loaded = []
    total = 0
    for table in manifest["tables"]:
        model = apps.get_model(table["model"])
        with archive.open(table["member"]) as raw, io.TextIOWrapper(raw, "utf-8") as text:
            count = load_groups(text) if model is Group else load_rows(model, text)
        if count != table["rows"]:
            raise BackupError(
                f"{table['model']}: the manifest lists {table['rows']} rows but the archive "
                f"holds {count}."
            )
        loaded.append(model)
        total += count
        progress(f"{table['model']:<44} {count:>8}")
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), loaded):
            cursor.execute(statement)
    try:
        connection.check_constraints(table_names=[m._meta.db_table for m in loaded])
    except IntegrityError as error:
        raise BackupError(f"The archive's rows do not fit together: {error}") from error
    for table in manifest["tables"]:
        model = apps.get_model(table["model"])
        if model is not Group and model._base_manager.count() != table["rows"]:
            raise BackupError(f"{table['model']}: not every row was restored.")
    return total


def load_rows(model: type[models.Model], text: io.TextIOBase) -> int:
    """Rows as they were saved: with their ids, without save() or signals (so no history
    row is written for them: the archive's history rows are restored as they were)."""
    count = 0
    batch: list[models.Model] = []
    bulk = can_bulk_create(model)
    try:
        for deserialized in serializers.deserialize("jsonl", text, handle_forward_references=False):
            if type(deserialized.object) is not model:
                raise BackupError(
                    f"{model._meta.label}: the archive holds a "
                    f"{deserialized.object._meta.label} row among its rows."
                )
            count += 1
            if bulk:
                batch.append(deserialized.object)
                if len(batch) >= CHUNK:
                    model._base_manager.bulk_create(batch)
                    batch = []
            else:
                deserialized.save()  # raw: no save() logic, and signal handlers see raw=True
        if batch:
            model._base_manager.bulk_create(batch)
    except (serializers.base.DeserializationError, DatabaseError) as error:
        raise BackupError(f"{model._meta.label}: a row cannot be restored: {error}") from error
    return count


def can_bulk_create(model: type[models.Model]) -> bool:
    """bulk_create inserts rows as given, with no signal; it would stamp auto_now fields
    and cannot insert multi-table children, so those are saved one by one."""
    return not model._meta.parents and not any(
        getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        for f in model._meta.concrete_fields
    )


def load_groups(text: io.TextIOBase) -> int:
    """A group is matched by name (the migrations may have made it already) and given the
    archive's permissions, found by natural key."""
    count = 0
    for line in text:
        if not line.strip():
            continue
        row = json.loads(line)
        group, _ = Group.objects.get_or_create(name=row["fields"]["name"])
        permissions = []
        for codename, app_label, model_name in row["fields"].get("permissions", []):
            try:
                permissions.append(
                    Permission.objects.get_by_natural_key(codename, app_label, model_name)
                )
            except Permission.DoesNotExist as error:
                raise BackupError(
                    f"Group {group.name!r}: the permission {app_label}.{codename} does not "
                    "exist in this database."
                ) from error
        group.permissions.set(permissions)
        count += 1
    return count
