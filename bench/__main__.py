"""The benchmark runner: `python -m bench` (`make bench`).

For each database and size: a fresh database (a SQLite file under bench/.data/, or the
PostgreSQL database biip_bench_<N>, dropped and created; PostgreSQL is started if it is
down), `migrate`, `generate_scale_data --actions N` (timed), then every measurement in a
process of its own with DJANGO_SETTINGS_MODULE=bench.settings and DATABASE_URL set, so that
what is measured runs in a clean process: the pages (bench.pages), the XLSX export
against raw openpyxl (bench.exports), the PDFs (bench.pdfs), and on PostgreSQL at the
largest size the query plans (bench.explain) and the load test (bench.load). The results
go to bench/.data/results.json, and docs/benchmarks.md is written from them
(bench.report).

This process never imports Django's settings: it only starts processes and talks to the
database server to drop and create databases."""

import argparse
import datetime
import importlib.util
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench import report
from bench.pages import RESULT_PREFIX
from bench.pdfs import KINDS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_HOST, PG_PORT = "127.0.0.1", "5432"
MARKER = "bench_generated"
PAGE_REPEAT, EXPORT_REPEAT, PDF_REPEAT = 7, 3, 3
PDF_SLOW_SECONDS = 20.0
PDF_TIMEOUT_SECONDS = 1800  # a PDF still rendering after this is recorded as timed out
EXPLAIN_PAGES = ("dashboard_panel", "dashboard_as_at", "actions_first", "actions_last")


class BenchFailed(Exception):
    """A step of the bench failed: the message says which and why."""


def say(text: str) -> None:
    print(text, flush=True)


# Processes.


def measuring_env(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(DJANGO_SETTINGS_MODULE="bench.settings", DATABASE_URL=database_url)
    env.pop("PYTHONSTARTUP", None)
    return env


def manage(database_url: str, *args: str) -> tuple[float, str]:
    """Run a manage.py command on the bench database; its wall time and output."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=measuring_env(database_url),
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise BenchFailed(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return seconds, done.stdout


def measure(database_url: str, module: str, *args: str, timeout: float | None = None) -> dict:
    """Run one measurement in a process of its own and read its result line."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=measuring_env(database_url),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise BenchFailed(
            f"python -m {module} {' '.join(args)} failed ({done.returncode}):\n"
            f"{done.stdout[-2000:]}{done.stderr[-4000:]}"
        )
    for line in done.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    raise BenchFailed(f"python -m {module} printed no result:\n{done.stdout}{done.stderr}")


# Databases.


def ensure_postgresql() -> None:
    """Start the local cluster if it is down, as .ci/run does."""
    ready = ["pg_isready", "-q", "-h", PG_HOST, "-p", PG_PORT]
    if subprocess.run(ready).returncode == 0:
        return
    versions = sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(p) for p in v.split(".")])
    say("PostgreSQL is down: starting the local cluster")
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"], check=True
    )
    for _ in range(30):
        if subprocess.run(ready).returncode == 0:
            return
        time.sleep(1)
    raise BenchFailed("PostgreSQL did not start")


def pg_connect(name: str):
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/{name}", autocommit=True)


def pg_server_version() -> str:
    with pg_connect("postgres") as connection:
        return connection.execute("SHOW server_version").fetchone()[0]


class SQLiteDatabase:
    vendor = "sqlite"

    def __init__(self, size: int, data: Path):
        self.path = data / f"bench_{size}.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def marker(self) -> dict | None:
        if not self.path.exists():
            return None
        with sqlite3.connect(self.path) as connection:
            return read_marker(connection.execute, sqlite3.OperationalError)

    def recreate(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def analyse(self) -> None:
        with sqlite3.connect(self.path) as connection:
            connection.execute("ANALYZE")

    def write_marker(self, record: dict) -> None:
        with sqlite3.connect(self.path) as connection:
            write_marker(connection.execute, record, "?")


class PostgreSQLDatabase:
    vendor = "postgresql"

    def __init__(self, size: int, data: Path):
        self.name = f"biip_bench_{size}"
        self.url = f"{PG_SERVER}/{self.name}"

    def marker(self) -> dict | None:
        import psycopg

        try:
            with pg_connect(self.name) as connection:
                return read_marker(connection.execute, psycopg.errors.UndefinedTable)
        except psycopg.OperationalError:
            return None  # no such database

    def recreate(self) -> None:
        with pg_connect("postgres") as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{self.name}"')

    def analyse(self) -> None:
        with pg_connect(self.name) as connection:
            connection.execute("VACUUM ANALYZE")

    def write_marker(self, record: dict) -> None:
        with pg_connect(self.name) as connection:
            write_marker(connection.execute, record, "%s")


def read_marker(execute, missing) -> dict | None:
    try:
        row = execute(f"SELECT record FROM {MARKER}").fetchone()
    except missing:
        return None
    return json.loads(row[0]) if row else None


def write_marker(execute, record: dict, placeholder: str) -> None:
    """A table in the bench database saying the generation finished, and how long it took
    (what --reuse looks for)."""
    execute(f"DROP TABLE IF EXISTS {MARKER}")
    execute(f"CREATE TABLE {MARKER} (record TEXT NOT NULL)")
    execute(f"INSERT INTO {MARKER} (record) VALUES ({placeholder})", (json.dumps(record),))


def database_for(vendor: str, size: int, data: Path):
    return {"sqlite": SQLiteDatabase, "postgresql": PostgreSQLDatabase}[vendor](size, data)


def prepare(database, size: int, reuse: bool) -> dict:
    """A database holding the generated data at `size`; how long making it took."""
    if reuse:
        record = database.marker()
        if record and record.get("actions") == size:
            say(f"  reusing the data generated on {record['finished_at']}")
            manage(database.url, "migrate", "--noinput", "-v", "0")  # the code's migrations
            database.analyse()
            return {**record, "reused": True}
    database.recreate()
    migrate_s, _ = manage(database.url, "migrate", "--noinput", "-v", "0")
    say(f"  migrated in {migrate_s:.1f} s; generating {size:,} actions")
    generate_s, output = manage(database.url, "generate_scale_data", "--actions", str(size))
    analyse_start = time.perf_counter()
    database.analyse()
    record = {
        "actions": size,
        "migrate_s": migrate_s,
        "generate_s": generate_s,
        "analyse_s": time.perf_counter() - analyse_start,
        "generator_output": output.strip().splitlines()[:1],
        "finished_at": datetime.datetime.now().isoformat(timespec="seconds"),
    }
    database.write_marker(record)
    say(f"  generated in {generate_s:.1f} s")
    return {**record, "reused": False}


# Measurements.


def measure_all(vendor: str, url: str, size, args, largest: bool, data: Path) -> dict:
    page_repeat = args.repeat or PAGE_REPEAT
    export_repeat = min(args.repeat or EXPORT_REPEAT, EXPORT_REPEAT)
    pdf_repeat = min(args.repeat or PDF_REPEAT, PDF_REPEAT)
    found = measure(url, "bench.pages", "targets")
    targets, pages = found["targets"], found["pages"]
    if not targets["admin_is_superuser"]:
        raise BenchFailed("The user 'admin' is not a superuser: the admin change list needs one.")
    run = {"database": vendor, "size": size, "targets": targets, "pages": [], "pdfs": []}
    for page in pages:
        result = measure(
            url, "bench.pages", "measure", "--url", page["url"], "--user", page["user"],
            "--repeat", str(page_repeat),
        )  # fmt: skip
        run["pages"].append({**page, **result})
        say(f"  {page['key']:<18} {result['median_ms']:9.1f} ms {result['queries']:4} queries")
    run["export"] = measure(
        url, "bench.exports", "--plan", str(targets["plan"]), "--repeat", str(export_repeat)
    )
    export = run["export"]
    say(
        f"  {'xlsx export':<18} {export['app']['median_ms']:9.1f} ms against "
        f"{export['peer']['median_ms']:.1f} ms ({export['rows']} rows, same rows: "
        f"{export['same_rows']})"
    )
    if not args.skip_pdf:
        for kind in KINDS:
            try:
                pdf = measure(
                    url, "bench.pdfs", "--kind", kind, "--repeat", str(pdf_repeat),
                    "--slow-seconds", str(PDF_SLOW_SECONDS), timeout=PDF_TIMEOUT_SECONDS,
                )  # fmt: skip
            except subprocess.TimeoutExpired:
                pdf = {"kind": kind, "label": KINDS[kind], "timed_out": PDF_TIMEOUT_SECONDS}
                say(f"  {kind + ' pdf':<18} still rendering after {PDF_TIMEOUT_SECONDS} s")
            else:
                say(
                    f"  {kind + ' pdf':<18} {pdf['median_s']:9.2f} s  {pdf['peak_mb']:.0f} MB "
                    f"peak, {pdf['pages']} pages"
                )
            run["pdfs"].append(pdf)
    if vendor == "postgresql" and largest:
        chosen = [p for p in pages if p["key"] in EXPLAIN_PAGES]
        explain_args = [arg for p in chosen for arg in ("--page", p["key"], p["user"], p["url"])]
        run["explain"] = measure(url, "bench.explain", *explain_args)
        scans = sum(len(q["large_seq_scans"]) > 0 for p in run["explain"]["pages"]
                    for q in p["queries"])  # fmt: skip
        say(f"  explain: {scans} queries scan a large table sequentially")
        if not args.skip_load:
            run["load"] = load_test(url, size)
    return run


def load_test(url: str, size) -> dict:
    if importlib.util.find_spec("bench.load") is None:
        say("  load test skipped: bench/load.py is not there")
        return {"skipped": "bench/load.py is not there"}
    from bench import load

    say("  load test (gunicorn and wrk)")
    return {"rows": load.run(url, str(size))}


# The machine.


def read_first(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip() if ":" in line else line.split("=", 1)[1]
    except OSError:
        pass
    return "unknown"


def machine(vendors: list[str]) -> dict:
    import django

    memory = read_first("/proc/meminfo", "MemTotal")
    os_name = read_first("/etc/os-release", "PRETTY_NAME=").strip('"')
    info = {
        "cpu": read_first("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "memory_gb": round(int(memory.split()[0]) / 1024**2, 1) if memory[0].isdigit() else None,
        "os": f"{os_name} (Linux {platform.release()})",
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": None,
    }
    if "postgresql" in vendors:
        info["postgresql"] = pg_server_version()
    return info


# The command.


def parse(argv):
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure the app at scale against baselines; write docs/benchmarks.md.",
    )
    parser.add_argument("--sizes", default="2000,20000", help="numbers of actions (N)")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql")
    parser.add_argument(
        "--repeat",
        type=int,
        help=f"timed runs of each (default {PAGE_REPEAT} for pages, {EXPORT_REPEAT} for the "
        f"export and the PDFs; exports and PDFs never more than {PDF_REPEAT})",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the data an earlier run generated at the same N"
    )
    parser.add_argument("--skip-load", action="store_true", help="no load test")
    parser.add_argument("--skip-pdf", action="store_true", help="no PDFs")
    parser.add_argument("--output", default="docs/benchmarks.md", help="the report to write")
    # Measure a database made elsewhere (e.g. the demo data), without creating anything.
    parser.add_argument("--existing", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    # Where the SQLite files and results.json go (the smoke test uses a temporary folder).
    parser.add_argument("--data-dir", default=str(DATA), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.sizes = sorted({int(size.replace(",", "").replace("_", "")) for size in
                         args.sizes.split(",") if size.strip()})  # fmt: skip
    args.databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    for name in args.databases:
        if name not in ("sqlite", "postgresql"):
            parser.error(f"unknown database {name!r}: sqlite or postgresql")
    return args


def run(args) -> dict:
    data = Path(args.data_dir)
    data.mkdir(parents=True, exist_ok=True)
    if args.existing:
        vendors = ["postgresql" if args.existing.startswith("postgres") else "sqlite"]
    else:
        vendors = args.databases
    if "postgresql" in vendors:
        ensure_postgresql()
    results = {
        "started": datetime.datetime.now().isoformat(timespec="seconds"),
        "command": "python -m bench " + " ".join(sys.argv[1:]),
        "machine": machine(vendors),
        "sizes": args.sizes if not args.existing else ["existing"],
        "databases": vendors,
        "repeat": args.repeat,
        "runs": [],
        "generation": [],
    }
    results_path = data / "results.json"
    if args.existing:
        say(f"{vendors[0]}, existing database")
        results["runs"].append(measure_all(vendors[0], args.existing, "existing", args, True, data))
    for vendor in [] if args.existing else vendors:
        for size in args.sizes:
            say(f"{vendor}, N = {size:,}")
            database = database_for(vendor, size, data)
            generation = prepare(database, size, args.reuse)
            results["generation"].append({"database": vendor, "size": size, **generation})
            largest = size == args.sizes[-1]
            results["runs"].append(measure_all(vendor, database.url, size, args, largest, data))
            results_path.write_text(json.dumps(results, indent=1))
    results["finished"] = datetime.datetime.now().isoformat(timespec="seconds")
    results_path.write_text(json.dumps(results, indent=1))
    return results


def main(argv=None) -> int:
    args = parse(argv)
    if shutil.which("pg_isready") is None and "postgresql" in args.databases:
        say("bench: PostgreSQL's client tools are not installed (pg_isready)")
        return 2
    try:
        results = run(args)
    except BenchFailed as error:
        say(f"bench: {error}")
        return 1
    output = Path(args.output)
    report.write(results, output)
    say(f"Wrote {output} and {report.explain_path(output)}; results in {args.data_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
