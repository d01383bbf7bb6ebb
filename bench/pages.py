"""Page measurements, run by the runner in a fresh process per page (`python -m bench.pages`)
with DJANGO_SETTINGS_MODULE=bench.settings and DATABASE_URL set.

`targets` reads from the data which objects the pages are about (the current plan, the
last closed cycle's month end, the action with the longest history, the meeting with the
most minutes); `page_list` turns them into the pages measured; `measure` times one page
through Django's test client (the whole middleware stack and a real session, no network
and no WSGI server): one warm-up request, then `repeat` timed requests, then one more in
CaptureQueriesContext to count the queries (the count is never taken in a timed run).
Every response must be 200: anything else stops the bench.

The process prints its result as one line `BENCH-RESULT <json>` on stdout."""

import argparse
import calendar
import json
import math
import os
import statistics
import sys
import time

RESULT_PREFIX = "BENCH-RESULT "
PER_PAGE = 25  # plans.tables.PER_PAGE, read again in targets() to stay in step
FILTER_RAGS = ("red", "amber")
ADMIN_SORT_COLUMN = "original_due_date"


class BenchError(Exception):
    """A measurement could not be made (a page that is not 200, data that is missing)."""


def setup() -> None:
    """Django, configured by bench.settings unless the caller chose otherwise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def emit(result) -> None:
    sys.stdout.write(RESULT_PREFIX + json.dumps(result) + "\n")
    sys.stdout.flush()


def run_and_emit(work) -> int:
    """A measuring process's end: `work()`'s result printed for the runner (exit 0), or
    the reason it could not measure on standard error (exit 2)."""
    try:
        emit(work())
    except BenchError as error:
        sys.stderr.write(f"bench: {error}\n")
        return 2
    return 0


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def targets() -> dict:
    """What the pages are about, read from the data in the database."""
    from django.contrib.auth.models import User
    from django.db.models import Count

    from meetings.models import Meeting
    from plans import tables
    from plans.models import Action, Cycle, ImprovementPlan

    plan = ImprovementPlan.objects.current()
    if plan is None:
        raise BenchError("There is no improvement plan: generate the data first.")
    cycle = Cycle.objects.latest_closed()
    if cycle is None:
        raise BenchError("There is no closed cycle: the dashboard as at a past date needs one.")
    history = Action.history.model.objects.values("id").annotate(rows=Count("history_id"))
    longest = history.order_by("-rows", "id").first()
    meeting = Meeting.objects.annotate(rows=Count("minutes")).order_by("-rows", "-pk").first()
    if longest is None or meeting is None:
        raise BenchError("The data has no action history or no meeting.")
    filtered = Action.objects.filter(plan=plan, rag__in=FILTER_RAGS).count()
    per_page = getattr(tables, "PER_PAGE", PER_PAGE)
    admin = User.objects.filter(username="admin", is_superuser=True).exists()
    return {
        "plan": plan.pk,
        "plan_name": str(plan),
        "plan_actions": Action.objects.filter(plan=plan).count(),
        "actions": Action.objects.count(),
        "as_at": month_end(cycle.period).isoformat(),
        "filtered_actions": filtered,
        "last_page": max(1, math.ceil(filtered / per_page)),
        "action": longest["id"],
        "action_history_rows": longest["rows"],
        "meeting": meeting.pk,
        "meeting_minutes": meeting.rows,
        "admin_is_superuser": admin,
    }


def admin_sort_index() -> int:
    """The admin's `o` parameter for the change list sorted like the action list: the
    1-based position of the due date in ActionAdmin.list_display."""
    from django.contrib import admin

    from plans.models import Action

    return list(admin.site._registry[Action].list_display).index(ADMIN_SORT_COLUMN) + 1


def page_list(t: dict, sort_index: int) -> list[dict]:
    """The pages measured: key, label, who is signed in, address. The action list is the
    current plan's red and amber actions sorted by original due date; the admin change
    list has the same filter and sort (its own parameters)."""
    rags = "&".join(f"rag={rag}" for rag in FILTER_RAGS)
    listing = f"/actions/?plan={t['plan']}&{rags}&sort=original_due_date"
    admin = (
        f"/admin/plans/action/?plan__id__exact={t['plan']}&rag__in={','.join(FILTER_RAGS)}"
        f"&o={sort_index}"
    )
    return [
        {"key": "baseline", "label": "Baseline (trivial signed-in page)", "user": "panel",
         "url": "/bench/baseline/", "kind": "baseline"},
        {"key": "dashboard_panel", "label": "Home dashboard (panel member)", "user": "panel",
         "url": "/"},
        {"key": "dashboard_officer", "label": "Home dashboard (officer)", "user": "officer",
         "url": "/"},
        {"key": "dashboard_as_at", "label": f"Dashboard as at {t['as_at']}", "user": "panel",
         "url": f"/?as_at={t['as_at']}"},
        {"key": "actions_first", "label": "Action list, filtered and sorted, first page",
         "user": "panel", "url": listing},
        {"key": "actions_last", "label": "Action list, filtered and sorted, last page",
         "user": "panel", "url": f"{listing}&page={t['last_page']}"},
        {"key": "action_page", "label": "Action page with its full history", "user": "panel",
         "url": f"/actions/{t['action']}/"},
        {"key": "risks", "label": "Risk register", "user": "panel", "url": "/risks/"},
        {"key": "heat_map", "label": "Risk heat map", "user": "panel", "url": "/risks/heat-map/"},
        {"key": "meeting", "label": "Meeting page", "user": "panel",
         "url": f"/meetings/{t['meeting']}/"},
        {"key": "action_log", "label": "Action log (actions arising)", "user": "panel",
         "url": "/meetings/actions/"},
        {"key": "admin_changelist", "label": "Django admin change list of Action (peer)",
         "user": "admin", "url": admin, "kind": "peer"},
    ]  # fmt: skip


def signed_in_client(username: str):
    from django.contrib.auth.models import User
    from django.test import Client

    user = User.objects.filter(username=username).first()
    if user is None:
        raise BenchError(f"There is no user {username!r} in the database.")
    client = Client()
    client.force_login(user)
    return client


def check(response, url: str) -> None:
    if response.status_code != 200:
        body = response.content[:500].decode("utf-8", "replace")
        raise BenchError(f"GET {url} answered {response.status_code}, not 200: {body}")


def measure(client, url: str, repeat: int) -> dict:
    """Median and spread of `repeat` timed GETs after a warm-up, then the query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    check(client.get(url), url)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
        check(response, url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    check(response, url)
    return {
        "median_ms": statistics.median(times) * 1000,
        "min_ms": min(times) * 1000,
        "max_ms": max(times) * 1000,
        "runs": len(times),
        "queries": len(queries),
        "bytes": len(response.content),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("targets", help="what the pages are about, and the pages")
    one = sub.add_parser("measure", help="time one page")
    one.add_argument("--url", required=True)
    one.add_argument("--user", required=True)
    one.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    setup()
    if args.command == "targets":
        return run_and_emit(lambda: target_pages())
    return run_and_emit(lambda: measure(signed_in_client(args.user), args.url, args.repeat))


def target_pages() -> dict:
    found = targets()
    return {"targets": found, "pages": page_list(found, admin_sort_index())}


if __name__ == "__main__":
    sys.exit(main())
