import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.models import Report, ReportVersion, Snapshot
from reports.rendering import render_version

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


def memory_kib(field: str) -> int:
    for line in STATUS.read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise CommandError(f"{field} is not in {STATUS}: peak memory needs Linux")


def reset_peak() -> None:
    """Linux: writing 5 to clear_refs resets the process's peak resident set (VmHWM)."""
    CLEAR_REFS.write_text("5")


class Command(BaseCommand):
    help = (
        "Generate each kind of report as it stands in the database (the latest report of "
        "each kind), internal and public, from a snapshot, and print for each the time "
        "taken and the process's peak memory (resident set) while generating it. Nothing "
        "is saved. Linux only (reads /proc)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--period",
            help="The cycle month whose snapshot to use, as YYYY-MM (default: each "
            "report's own snapshot, or the latest snapshot if it has none)",
        )
        parser.add_argument("--repeat", type=int, default=3, help="Runs of each (median)")

    def snapshot_for(self, report: Report, period: str | None) -> Snapshot | None:
        if period:
            year, month = (int(part) for part in period.split("-"))
            snapshot = Snapshot.objects.filter(
                cycle__period__year=year, cycle__period__month=month
            ).first()
            if snapshot is None:
                raise CommandError(f"No closed cycle for {period}.")
            return snapshot
        return report.snapshot or Snapshot.objects.order_by("-cycle__period").first()

    def measure(self, version: ReportVersion, repeat: int) -> tuple[float, int, int, int]:
        times, peaks, pages = [], [], 0
        for _ in range(repeat):
            reset_peak()
            start = time.perf_counter()
            rendered = render_version(version)
            times.append(time.perf_counter() - start)
            peaks.append(memory_kib("VmHWM"))
            pages = rendered.pages
            size = len(rendered.content)
        times.sort()
        return times[len(times) // 2], max(peaks), pages, size

    def handle(self, *args, period=None, repeat=3, **options):
        self.stdout.write(
            f"{'Document':<34} {'Version':<9} {'Pages':>5} {'Size':>8} {'Median':>8} "
            f"{'Peak RSS':>9} {'Before':>8}"
        )
        snapshot = None
        for kind in Report.Kind:
            report = Report.objects.filter(kind=kind).order_by("-created_at").first()
            if report is None:
                self.stdout.write(f"{kind.label:<34} no report of this kind in the database")
                continue
            snapshot = self.snapshot_for(report, period)
            for public in (False, True):
                version = ReportVersion(
                    report=report,
                    public=public,
                    draft=not report.is_final,
                    snapshot=snapshot,
                    content_at=timezone.now(),
                )
                before = memory_kib("VmRSS")
                median, peak, pages, size = self.measure(version, repeat)
                self.stdout.write(
                    f"{kind.label:<34} {'public' if public else 'internal':<9} {pages:>5} "
                    f"{size / 1024:>6.0f}KB {median:>7.2f}s {peak / 1024:>6.0f} MB "
                    f"{before / 1024:>5.0f} MB"
                )
        data = f"the {snapshot.cycle.period:%B %Y} snapshot" if snapshot else "live data"
        self.stdout.write(f"Data: {data}. Median of {repeat} runs each; nothing was saved.")
