import time

from django.core.management.base import BaseCommand

from biip.demo import (
    DEMO_PASSWORD,
    DEMO_SIGN_INS,
    database_has_data,
    load_demo,
    model_counts,
)


class Command(BaseCommand):
    help = (
        "Load the demo data (Birmingham, 2015-2020) from fixtures/demo/: organisations, "
        "people, plans, actions with monthly updates, risks, indicators, the meeting of "
        "29 January 2019, and one demo user per role. Safe to run again: it only creates "
        "what is missing and never changes existing rows."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already holds organisations or plans.",
        )

    def handle(self, *args, if_empty=False, **options):
        if if_empty and database_has_data():
            self.stdout.write("The database already holds data: demo data not loaded.")
        else:
            started = time.monotonic()
            created = load_demo()
            seconds = time.monotonic() - started
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data loaded in {seconds:.1f}s: {sum(created.values())} rows created."
                )
            )
            self.stdout.write("Rows now in the database:")
            for name, count in model_counts():
                self.stdout.write(f"  {name:<28} {count:>5}")
        self.stdout.write(f'Demo sign-ins (development only), password "{DEMO_PASSWORD}":')
        for username, role, person in DEMO_SIGN_INS:
            self.stdout.write(f"  {username:<12} {role:<16} {person}")
