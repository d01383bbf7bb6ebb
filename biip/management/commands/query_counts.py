import datetime

from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from plans.models import Action, ImprovementPlan, ProgressUpdate


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Count the database queries of the dashboard and the action list for the data in "
        "the database, then again with the current plan's actions (and their updates) copied "
        "until there are --scale times as many. The copies are rolled back: nothing is kept."
    )

    PAGES = [
        ("dashboard", "officer", "/"),
        ("dashboard", "panel", "/"),
        ("dashboard as at 31 Jan 2019", "panel", "/?as_at=2019-01-31"),
        ("action list, current plan", "panel", "/actions/?plan={plan}"),
        ("action list, sorted, last page", "panel", "/actions/?plan={plan}&sort=-rag&page=last"),
        ("action list XLSX export", "panel", "/actions/?plan={plan}&_export=xlsx"),
    ]

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=10)

    def handle(self, *args, scale, **options):
        plan = ImprovementPlan.objects.current()
        self.report(plan, "as loaded")
        try:
            with transaction.atomic():
                self.multiply(plan, scale)
                self.report(plan, f"x{scale}")
                raise Rollback
        except Rollback:
            pass

    def report(self, plan, label):
        actions = Action.objects.count()
        self.stdout.write(f"{label}: {actions} actions, {ProgressUpdate.objects.count()} updates")
        for name, username, path in self.PAGES:
            client = Client()
            client.force_login(User.objects.get(username=username))
            url = path.format(plan=plan.pk)
            cache.clear()  # the dashboard's trend: counted as on a process's first view
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            self.stdout.write(
                f"  {name:<32} {username:<8} {response.status_code} {len(queries):>3} queries"
            )

    def multiply(self, plan, scale):
        originals = list(Action.objects.filter(plan=plan))
        updates = list(ProgressUpdate.objects.filter(action__plan=plan))
        by_action = {}
        for update in updates:
            by_action.setdefault(update.action_id, []).append(update)
        target = Action.objects.count() * scale
        copy = 0
        while Action.objects.count() < target:
            copy += 1
            for action in originals:
                old_pk = action.pk
                action.pk = None
                action.reference = f"{action.reference.split('~')[0]}~{copy}"
                action.save()
                ProgressUpdate.objects.bulk_create(
                    ProgressUpdate(
                        action=action,
                        period=u.period,
                        rag=u.rag,
                        narrative=u.narrative,
                        completed_on=u.completed_on,
                        author_id=u.author_id,
                        created_at=u.created_at + datetime.timedelta(seconds=copy),
                    )
                    for u in by_action.get(old_pk, [])
                )
                action.pk = old_pk
