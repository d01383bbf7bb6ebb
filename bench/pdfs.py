"""The monthly report pack and the stock-take report as PDFs, with peak memory, run by the
runner in a fresh process per document (`python -m bench.pdfs --kind pack`).

The report is made as the secretariat would make it (reports.services.create_report) for
the current plan from the latest closed cycle's snapshot, inside a transaction that is
rolled back at the end, so the bench database is left as it was. Each PDF is generated
by reports.rendering.render_version as the worker does, timed and its peak resident set
read with the functions of `manage.py measure_reports` (Linux: the process's VmHWM, reset
before each run). The peak is the whole process's, Django included; `before` is the
resident set before the first run."""

import argparse
import statistics
import sys
import time

from bench.pages import BenchError, run_and_emit, setup

KINDS = {"pack": "Monthly report pack", "stocktake": "Stock-take report"}


class Rollback(Exception):
    pass


def measure(kind: str, repeat: int, slow_seconds: float) -> dict:
    """Median time, peak memory and pages of `repeat` runs; one run only when the first
    takes longer than `slow_seconds`."""
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.utils import timezone

    from plans.models import ImprovementPlan
    from reports.management.commands.measure_reports import memory_kib, reset_peak
    from reports.models import ReportVersion, Snapshot
    from reports.rendering import render_version
    from reports.services import create_report

    snapshot = Snapshot.objects.order_by("-cycle__period").first()
    if snapshot is None:
        raise BenchError("There is no snapshot: the PDFs are made from a closed cycle's.")
    user = User.objects.filter(username="secretariat").first()
    if user is None:
        raise BenchError("There is no user 'secretariat' to make the report as.")
    result = {}
    try:
        with transaction.atomic():
            report = create_report(
                user=user,
                kind=kind,
                plan=ImprovementPlan.objects.current(),
                snapshot=snapshot,
                title=f"{KINDS[kind]} (bench)",
            )
            version = ReportVersion(
                report=report,
                public=False,
                draft=True,
                snapshot=snapshot,
                content_at=timezone.now(),
            )
            before = memory_kib("VmRSS")
            times, peaks = [], []
            while len(times) < repeat:
                reset_peak()
                start = time.perf_counter()
                rendered = render_version(version)
                times.append(time.perf_counter() - start)
                peaks.append(memory_kib("VmHWM"))
                if times[0] > slow_seconds:
                    break
            times.sort()
            result = {
                "kind": kind,
                "label": KINDS[kind],
                "snapshot": f"{snapshot.cycle.period:%B %Y}",
                "median_s": statistics.median(times),
                "runs": len(times),
                "peak_mb": max(peaks) / 1024,
                "before_mb": before / 1024,
                "pages": rendered.pages,
                "bytes": len(rendered.content),
            }
            raise Rollback
    except Rollback:
        pass
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pdfs")
    parser.add_argument("--kind", choices=sorted(KINDS), required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--slow-seconds", type=float, default=20, help="one run only if the first takes longer"
    )
    args = parser.parse_args(argv)
    setup()
    return run_and_emit(lambda: measure(args.kind, args.repeat, args.slow_seconds))


if __name__ == "__main__":
    sys.exit(main())
