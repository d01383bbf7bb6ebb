"""`manage.py generate_scale_data --actions N`: a large synthetic programme for measuring
the app at scale (biip/scale.py makes it)."""

import time

from django.core.management.base import BaseCommand, CommandError

from biip.scale import (
    PASSWORD,
    PERIODS,
    DatabaseNotEmpty,
    ScaleData,
    closed_cycle_moments,
    counts,
)


class Command(BaseCommand):
    help = (
        "Fill an empty, migrated database with a synthetic programme of N actions, with "
        "history, for measuring the app at scale: three plans (the current one with half "
        "the actions), 12 monthly updates per action with assurance and challenges, "
        "milestones, risks with 12 score changes, indicators with 12 monthly values, "
        "meetings with 40 minutes and 8 actions arising each, and twelve monthly cycles, "
        "December 2018 to November 2019: the first eleven closed on the 25th at 17:00 with "
        "their snapshots, November 2019 open. Past month ends to view the dashboard as at: "
        "2018-12-31 to 2019-10-31. The same --seed gives the same data. Sign-ins: officer, "
        "panel, panel2..panel8, secretariat, admin, officer0001..., password "
        f'"{PASSWORD}" (development only).'
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--actions", type=int, required=True, help="How many actions to make (N)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Seed of the random choices (default 1)."
        )

    def handle(self, *args, actions: int, seed: int, verbosity: int = 1, **options):
        if actions < 1:
            raise CommandError("--actions must be at least 1.")
        started = time.monotonic()

        def progress(step: str) -> None:
            if verbosity > 1:
                self.stdout.write(f"  {time.monotonic() - started:6.1f}s {step}")

        try:
            written = ScaleData(actions, seed, progress).run()
        except DatabaseNotEmpty as error:
            raise CommandError(str(error)) from error
        seconds = time.monotonic() - started
        total = sum(written.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data for {actions:,} actions (seed {seed}) written in {seconds:.1f}s: "
                f"{total:,} rows."
            )
        )
        self.stdout.write("Rows written:")
        for label, rows in counts(written):
            self.stdout.write(f"  {label:<44} {rows:>10,}")
        moments = closed_cycle_moments()
        self.stdout.write(
            f"Cycles {PERIODS[0]:%B %Y} to {PERIODS[-1]:%B %Y}: {len(moments)} closed with "
            f"snapshots (as at {moments[0][1]:%d %B %Y %H:%M} to "
            f"{moments[-1][1]:%d %B %Y %H:%M}), {PERIODS[-1]:%B %Y} open."
        )
        self.stdout.write(
            f'Sign-ins (development only), password "{PASSWORD}": officer, panel, '
            "panel2..panel8, secretariat, admin, and officer0001... for every officer."
        )
