"""`manage.py query_counts` reports each page's queries and keeps none of its copies."""

import io
import re

from django.contrib.auth.models import Group
from django.core.management import call_command

from biip.models import Role
from plans.models import Action
from tests.base import RolesTestCase
from tests.factories import make_action, make_plan, make_user


class QueryCountsCommand(RolesTestCase):
    def test_counts_are_reported_and_the_copies_rolled_back(self):
        officer = make_user("officer", Role.OFFICER)
        make_user("panel", Role.PANEL).groups.add(Group.objects.get(name=Role.PANEL.value))
        plan = make_plan(is_current=True)
        for _ in range(3):
            make_action(plan=plan, lead_officer=officer.person)
        before = Action.objects.count()
        out = io.StringIO()
        call_command("query_counts", "--scale", "3", stdout=out)
        self.assertEqual(Action.objects.count(), before)
        counts = re.findall(r" 200 +(\d+) queries", out.getvalue())
        self.assertEqual(len(counts), 12, out.getvalue())
        self.assertEqual(counts[:6], counts[6:])  # the same with three times the actions
        self.assertIn(f"x3: {before * 3}", out.getvalue())
