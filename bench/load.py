"""The load test (issue 8, point 4): the app under gunicorn, on the database given, with 32
concurrent signed-in users hitting one page at a time for `duration` seconds with wrk.

`run(database_url, label)` measures three pages under the same load, one after the other:
the bench's baseline page (/bench/baseline/), the home dashboard (/) and the action list of
the current plan (/actions/?plan=<pk>). For each it returns the throughput, the latency
percentiles, the number of requests and the errors: connection errors, timeouts, and every
response that was not 200 (a redirect means the session was not accepted, so it counts).

How it runs:
1. A child process (`python -m bench.load --prepare`, with DATABASE_URL and the settings
   module in its environment, so the caller's own Django setup does not matter) collects
   static files if the settings need a manifest, signs in 32 users (8 panel members, 24
   council officers; when the database has fewer users, e.g. the demo data, they are reused
   round-robin, and the row's `users` says how many distinct ones there were) by saving
   sessions through django.contrib.auth's login machinery (Client.force_login), and prints
   their session cookies and the current plan.
2. gunicorn serves `biip.wsgi` on 127.0.0.1 and a free port, DEBUG off, with the settings
   module (bench.settings by default): one gthread worker a core with 4 threads each (why:
   the comment at WORKER_CLASS).
3. For each page: one signed-in request must answer 200; unmeasured bursts warm it up
   (warm_up); wrk (scripts/bench-deps installs it) runs with 2 threads and 32 connections,
   bench/wrk.lua handing out the cookies round-robin, checking every status and printing
   summary lines parsed here; then the workers are left to finish what wrk left in
   flight (wait_until_idle), so one page's tail does not slow the next.
4. gunicorn is stopped at the end, also on failure.

Each row: page, url, requests_per_s, p50_ms, p95_ms, p99_ms, errors, requests (the
contract with bench/__main__.py), and also users (distinct users signed in), statuses
(count of each status that was not 200) and worker_rss_mb (the largest gunicorn worker's
resident memory after the page's run).

Run alone: `python -m bench.load DATABASE_URL [--duration S]` prints a table; `--workers`,
`--worker-class` and `--threads` try other gunicorn configurations.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA_SCRIPT = Path(__file__).resolve().parent / "wrk.lua"
PREPARE_PREFIX = "BENCH-LOAD "
DEFAULT_SETTINGS = "bench.settings"
SESSIONS = 32
PANEL_SESSIONS = 8
CONNECTIONS = 32
WRK_THREADS = 2
# A request slower than this is an error (wrk's default is 2 s, which under 32 connections
# queued on a handful of workers would turn slow pages into "errors" instead of latencies).
WRK_TIMEOUT = "30s"
WARM_UP = 3  # seconds of a burst of unmeasured load (warm_up)
# gunicorn: one gthread worker a core, 4 threads each (2 x 4 on this 2-core machine). Tried
# on N = 2,000 against (2 x cores) + 1 = 5 sync workers, 5 x 1 and 3 x 2 gthread (6-10 s
# each, on a machine other jobs were also using, so the figures were noisy): 2 x 4 served
# the most on the baseline and the list in every try, and on the dashboard in all but one
# (3 x 2 then, 11.6 against 8.6 req/s); sync workers the least. The sync worker serves one
# connection at a time and closes it (it expects a buffering proxy in front); with wrk's 32
# keep-alive connections it stalled (32 timeouts, 76 req/s on the baseline against 263 for
# 2 x 4; with "Connection: close" 196). On the dashboard and the list 2 x 4 also won (e.g.
# 10.5 and 14.0 req/s against 1.6 and 7.8): the threads overlap the database waits, and
# fewer processes mean fewer cold copies of the per-process cache (the dashboard's trend
# counts, seconds to fill at N = 20,000), less memory and fewer database connections.
WORKER_CLASS = "gthread"
THREADS = 4


def workers_for(cores: int) -> int:
    """One gthread worker a core (with THREADS threads each)."""
    return max(1, cores)


class LoadError(Exception):
    """The load test could not run (gunicorn did not start, wrk failed or printed nothing)."""


# -- the child process: sessions and targets -------------------------------------------------


def prepare(sessions: int = SESSIONS) -> dict:
    """Inside Django: collect static files if the storage needs a manifest, sign in
    `sessions` users, and find the current plan. Returns cookies, users and the plan."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
    from django.core.management import call_command
    from django.test import Client

    from plans.models import ImprovementPlan

    collected = False
    if isinstance(staticfiles_storage, ManifestFilesMixin) and not staticfiles_storage.hashed_files:
        # A manifest storage with no manifest yet: every {% static %} would fail.
        call_command("collectstatic", interactive=False, verbosity=0)
        collected = True

    users = choose_users(User, sessions)
    if not users:
        raise LoadError("no active users in the database to sign in")
    cookie_name = settings.SESSION_COOKIE_NAME
    cookies = []
    for user in users:
        client = Client()
        client.force_login(user)
        cookies.append(f"{cookie_name}={client.cookies[cookie_name].value}")
    plan = ImprovementPlan.objects.current()
    if plan is None:
        raise LoadError("no improvement plan in the database")
    return {
        "cookies": cookies,
        "users": len({user.pk for user in users}),
        "usernames": sorted({user.username for user in users}),
        "plan": plan.pk,
        "collected_static": collected,
    }


def choose_users(User, count: int) -> list:
    """`count` users to sign in: panel members first (up to PANEL_SESSIONS), then council
    officers, then anyone else active; reused round-robin when there are fewer."""
    active = User.objects.filter(is_active=True).order_by("username")
    panel = list(active.filter(groups__name="Panel member").distinct()[:PANEL_SESSIONS])
    officers = list(
        active.filter(groups__name="Council officer")
        .exclude(pk__in=[user.pk for user in panel])
        .distinct()[: count - len(panel)]
    )
    chosen = panel + officers
    if len(chosen) < count:
        taken = [user.pk for user in chosen]
        chosen += list(active.exclude(pk__in=taken)[: count - len(chosen)])
    if not chosen:
        return []
    return [chosen[index % len(chosen)] for index in range(count)]


def prepare_in_child(env: dict) -> dict:
    """Run prepare() in a fresh Python process with the bench's environment."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.load", "--prepare"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    for line in completed.stdout.splitlines():
        if line.startswith(PREPARE_PREFIX):
            return json.loads(line[len(PREPARE_PREFIX) :])
    raise LoadError(
        f"preparing sessions failed (exit {completed.returncode}):\n"
        f"{completed.stdout[-2000:]}{completed.stderr[-4000:]}"
    )


# -- gunicorn ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(
    env: dict, port: int, log_path: Path, workers: int, worker_class: str, threads: int
) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [
        str(gunicorn) if gunicorn.exists() else "gunicorn",
        "biip.wsgi",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", worker_class,
        "--threads", str(threads),
        "--timeout", "120",
        "--log-level", "warning",
        "--error-logfile", str(log_path),
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def wait_until_answering(process: subprocess.Popen, port: int, timeout: float = 60) -> None:
    """Until gunicorn answers an HTTP request (any status: unsigned, it redirects)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LoadError(f"gunicorn exited with {process.returncode} before answering")
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/bench/baseline/")
            connection.getresponse().read()
            connection.close()
            return
        except OSError:
            time.sleep(0.2)
    raise LoadError(f"gunicorn did not answer on port {port} within {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn (the master stops its workers), and kill it if it will not stop."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def worker_pids(master: int) -> list[str]:
    """gunicorn's workers: the master's children (Linux /proc); none if unreadable."""
    try:
        return Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []


def worker_rss_mb(master: int) -> float:
    """The largest resident memory of gunicorn's workers, in MB (Linux /proc); 0 where
    it cannot be read."""
    largest = 0
    for child in worker_pids(master):
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except OSError:
            continue
        found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        largest = max(largest, int(found.group(1)) if found else 0)
    return round(largest / 1024, 1)


def check_signed_in(port: int, path: str, cookie: str) -> None:
    """One request before the load: the page must be 200 with a session (not a redirect)."""
    connection = HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 200:
        raise LoadError(f"{path} answered {response.status} to a signed-in request")


# -- wrk --------------------------------------------------------------------------------------

FIELD = re.compile(r"(\w+)=(-?\d+)")


def parse_wrk(output: str) -> dict:
    """The BENCH lines bench/wrk.lua prints in done(), as numbers."""
    values: dict = {"statuses": {}}
    for line in output.splitlines():
        fields = {key: int(value) for key, value in FIELD.findall(line)}
        if line.startswith("BENCH_STATUS "):
            values["statuses"][fields["code"]] = fields["count"]
        elif line.startswith(("BENCH ", "BENCH_LATENCY ")):
            values.update(fields)
    if "requests" not in values or "p50_us" not in values:
        raise LoadError(f"wrk printed no summary:\n{output[-3000:]}")
    return values


def run_wrk(url: str, cookie_file: Path, duration: int, connections: int = CONNECTIONS) -> dict:
    command = [
        "wrk",
        f"-t{min(WRK_THREADS, connections)}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout", WRK_TIMEOUT,
        "-s", str(LUA_SCRIPT),
        url,
        "--", str(cookie_file),
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        raise LoadError(f"wrk failed ({completed.returncode}): {completed.stderr[-2000:]}")
    return parse_wrk(completed.stdout)


def warm_up(url: str, cookie_file: Path, slots: int, master: int, limit: float = 180) -> None:
    """Unmeasured load until the page is warm: each worker's first requests load the URLs,
    compile the templates, open database connections and fill the per-process cache (the
    dashboard's trend counts take seconds at N = 20,000, and concurrent first requests all
    compute them). Bursts of WARM_UP seconds with one connection a thread (so that what a
    burst leaves in flight is at most one request a thread), until a burst completes a
    request a thread; then until the workers are idle."""
    deadline = time.monotonic() + limit
    while True:
        values = run_wrk(url, cookie_file, WARM_UP, connections=slots)
        if values["requests"] >= slots or time.monotonic() > deadline:
            break
    wait_until_idle(master)


def cpu_ticks(master: int) -> int:
    """CPU time used so far by gunicorn's workers, in clock ticks (Linux /proc)."""
    total = 0
    for child in worker_pids(master):
        try:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def wait_until_idle(master: int, limit: float = 300) -> None:
    """Until the workers have finished what wrk left in flight (wrk stops at the end of
    its time but the server still serves the requests it had read): their CPU time has
    not moved by more than 20 ms in half a second. So one page's tail does not slow the
    next page's measurement."""
    deadline = time.monotonic() + limit
    before = cpu_ticks(master)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        after = cpu_ticks(master)
        if after - before <= 2:
            return
        before = after


def row(page: str, url: str, values: dict, users: int) -> dict:
    seconds = values["duration_us"] / 1e6
    socket_errors = sum(values[key] for key in ("connect", "read", "write", "timeout"))
    return {
        "page": page,
        "url": url,
        "requests_per_s": round(values["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": round(values["p50_us"] / 1000, 1),
        "p95_ms": round(values["p95_us"] / 1000, 1),
        "p99_ms": round(values["p99_us"] / 1000, 1),
        "errors": values["non200"] + socket_errors,
        "requests": values["requests"],
        "users": users,
        "statuses": {str(code): count for code, count in sorted(values["statuses"].items())},
    }


# -- the whole run ----------------------------------------------------------------------------


def run(
    database_url: str,
    label: str,
    duration: int = 60,
    *,
    settings: str = DEFAULT_SETTINGS,
    workers: int | None = None,
    worker_class: str = WORKER_CLASS,
    threads: int = THREADS,
) -> list[dict]:
    """The baseline page, the dashboard and the action list, each under 32 concurrent
    signed-in users for `duration` seconds, served by gunicorn on `database_url`. One row a
    page (see the module docstring); `label` names the run in messages and the log file."""
    if shutil.which("wrk") is None:
        raise LoadError("wrk is not installed: run scripts/bench-deps")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings,
        "DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
    }
    env.setdefault("SECRET_KEY", "bench-load-only-not-secret-0123456789abcdefghijklmnop")
    prepared = prepare_in_child(env)
    if prepared["users"] < SESSIONS:
        say(f"[{label}] only {prepared['users']} users in the database: reused round-robin "
            f"for {SESSIONS} sessions")  # fmt: skip
    workers = workers or workers_for(os.cpu_count() or 1)
    pages = [
        ("baseline", "/bench/baseline/"),
        ("dashboard", "/"),
        ("action list", f"/actions/?plan={prepared['plan']}"),
    ]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-load-") as scratch:
        cookie_file = Path(scratch) / "cookies.txt"
        cookie_file.write_text("\n".join(prepared["cookies"]) + "\n")
        log_path = Path(scratch) / "gunicorn.log"
        port = free_port()
        process = start_gunicorn(env, port, log_path, workers, worker_class, threads)
        try:
            wait_until_answering(process, port)
            for page, path in pages:
                check_signed_in(port, path, prepared["cookies"][0])
                warm_up(
                    f"http://127.0.0.1:{port}{path}", cookie_file, workers * threads, process.pid
                )
                say(f"[{label}] {page}: {duration} s, {CONNECTIONS} connections")
                values = run_wrk(f"http://127.0.0.1:{port}{path}", cookie_file, duration)
                rows.append(row(page, path, values, prepared["users"]))
                rows[-1]["worker_rss_mb"] = worker_rss_mb(process.pid)
                wait_until_idle(process.pid)
        except Exception:
            log = log_path.read_text()[-3000:] if log_path.exists() else ""
            if log:
                say(f"[{label}] gunicorn's log:\n{log}")
            raise
        finally:
            stop(process)
    return rows


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def table(rows: list[dict]) -> str:
    lines = [
        f"{'page':<12} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'requests':>9} {'errors':>6} {'users':>5} {'RSS MB':>7}"
    ]
    for item in rows:
        lines.append(
            f"{item['page']:<12} {item['requests_per_s']:>8.1f} {item['p50_ms']:>8.1f} "
            f"{item['p95_ms']:>8.1f} {item['p99_ms']:>8.1f} {item['requests']:>9} "
            f"{item['errors']:>6} {item['users']:>5} {item.get('worker_rss_mb', 0):>7.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load",
        description="Load test: gunicorn + wrk, 32 signed-in users, baseline/dashboard/list.",
    )
    parser.add_argument("database_url", nargs="?", help="postgres://... or sqlite:///...")
    parser.add_argument("--duration", type=int, default=60, help="seconds a page (60)")
    parser.add_argument("--label", default="load")
    parser.add_argument("--settings", default=DEFAULT_SETTINGS)
    parser.add_argument("--workers", type=int, help="gunicorn workers (one a core)")
    parser.add_argument("--worker-class", default=WORKER_CLASS, help="sync or gthread")
    parser.add_argument("--threads", type=int, default=THREADS, help="threads a worker")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON too")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        sys.stdout.write(PREPARE_PREFIX + json.dumps(prepare()) + "\n")
        return 0
    if not args.database_url:
        parser.error("DATABASE_URL is required")
    rows = run(
        args.database_url,
        args.label,
        args.duration,
        settings=args.settings,
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
    )
    print(table(rows))
    if args.json:
        print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
