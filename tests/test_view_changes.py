"""The change log (/changes/): every create, change and delete newest first with who made
it and which fields changed, filterable by user, model and dates, paginated without
loading the whole history; the secretariat's and administrators' only."""

import datetime

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from plans.models import Action, Milestone
from plans.views.changes import PAGE_SIZE, tracked_models
from tests.base import RolesTestCase
from tests.factories import make_action


def edit(obj, user, **fields):
    for name, value in fields.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj.save()


class ChangesCase(RolesTestCase):
    url = reverse("changes")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.action = make_action(reference="IP19-08", title="Draft the strategy")
        edit(cls.action, cls.sam, title="Publish the strategy")
        cls.milestone = Milestone(
            action=cls.action, title="Consult", due_date=datetime.date(2019, 9, 30)
        )
        cls.milestone._history_user = cls.olivia
        cls.milestone.save()


class ChangesAccessTest(ChangesCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_officers_and_panel_are_refused(self):
        for user in (self.olivia, self.oscar, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_secretariat_and_administrator_see_it_and_the_nav_link(self):
        for user in (self.sam, self.alex):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, f'href="{self.url}"')

    def test_others_do_not_get_the_nav_link(self):
        self.client.force_login(self.pat)
        response = self.client.get(reverse("home"))
        self.assertNotContains(response, f'href="{self.url}"')


class ChangesContentTest(ChangesCase):
    def setUp(self):
        self.client.force_login(self.sam)

    def test_lists_changes_newest_first_with_who_what_and_the_fields(self):
        response = self.client.get(self.url)
        entries = response.context["entries"]
        self.assertEqual(entries[0]["row"].id, self.milestone.pk)
        self.assertEqual(entries[0]["kind"], "Created")
        self.assertEqual(entries[0]["user"], self.olivia)
        changed = entries[1]
        self.assertEqual(changed["kind"], "Changed")
        self.assertEqual(changed["user"], self.sam)
        self.assertEqual(changed["url"], self.action.get_absolute_url())
        self.assertEqual(
            changed["changes"],
            [{"field": "Title", "old": "Draft the strategy", "new": "Publish the strategy"}],
        )
        self.assertContains(response, "Draft the strategy → Publish the strategy")
        self.assertContains(response, "IP19-08: Publish the strategy")

    def test_filters_by_user(self):
        response = self.client.get(self.url, {"user": self.olivia.pk})
        self.assertEqual([e["row"].id for e in response.context["entries"]], [self.milestone.pk])

    def test_filters_by_model(self):
        response = self.client.get(self.url, {"model": "plans.action"})
        kinds = [(e["model"], e["kind"]) for e in response.context["entries"]]
        self.assertEqual(kinds, [("Action", "Changed"), ("Action", "Created")])

    def test_filters_by_date(self):
        today = timezone.localdate()
        response = self.client.get(self.url, {"start": str(today + datetime.timedelta(days=1))})
        self.assertEqual(response.context["entries"], [])
        response = self.client.get(self.url, {"start": str(today), "end": str(today)})
        self.assertGreaterEqual(len(response.context["entries"]), 3)

    def test_a_bad_date_is_shown_beside_the_field(self):
        response = self.client.get(self.url, {"start": "31/02/2019"})
        self.assertContains(response, 'id="id_start-error"')
        self.assertContains(response, "govuk-error-summary")
        self.assertEqual(response.context["entries"], [])

    def test_an_end_before_the_start_is_refused(self):
        response = self.client.get(self.url, {"start": "2019-05-02", "end": "2019-05-01"})
        self.assertContains(response, 'id="id_end-error"')

    def test_deleted_rows_are_listed_without_a_link(self):
        pk = self.milestone.pk
        self.milestone._history_user = self.alex
        self.milestone.delete()
        response = self.client.get(self.url)
        first = response.context["entries"][0]
        self.assertEqual(
            (first["kind"], first["user"], first["row"].id), ("Deleted", self.alex, pk)
        )
        self.assertEqual(first["url"], "")


class ChangesPagingTest(ChangesCase):
    def setUp(self):
        self.client.force_login(self.sam)

    def add_changes(self, count):
        for n in range(count):
            edit(self.action, self.sam, description=f"Version {n}")

    @override_settings(DEBUG=False)
    def test_query_count_does_not_grow_with_the_number_of_changes(self):
        models = len(tracked_models())
        self.add_changes(5)
        # session, user, groups (and nav), form's user list, then per model: rows and at
        # most one fetch of previous versions.
        with self.assertNumQueries(5 + models + 1) as small:
            self.client.get(self.url)
        self.add_changes(PAGE_SIZE + 20)
        with self.assertNumQueries(len(small.captured_queries)):
            response = self.client.get(self.url)
        self.assertEqual(len(response.context["entries"]), PAGE_SIZE)
        self.assertTrue(response.context["has_next"])

    def test_second_page_continues_where_the_first_ended(self):
        self.add_changes(PAGE_SIZE + 5)
        first = self.client.get(self.url, {"model": "plans.action"}).context["entries"]
        response = self.client.get(self.url, {"model": "plans.action", "page": 2})
        second = response.context["entries"]
        self.assertEqual(len(first) + len(second), Action.history.count())
        self.assertLess(second[0]["row"].history_id, first[-1]["row"].history_id)
        self.assertFalse(response.context["has_next"])
        self.assertContains(response, "model=plans.action&amp;page=1")


class ChangesQueryCountAcrossModelsTest(RolesTestCase):
    """Rows of many kinds (whose names use related rows) do not cost a query each."""

    def add_rows(self):
        from plans.models import Assurance, Challenge
        from tests.factories import (
            make_agenda_item,
            make_indicator,
            make_indicator_value,
            make_meeting,
            make_meeting_action,
            make_minute,
            make_risk,
            make_update,
        )

        action = make_action(directorate=self.finance)
        update = make_update(action, self.olivia)
        Assurance.objects.create(update=update, decision="assured", decided_by=self.pat)
        Challenge.objects.create(action=action, update=update, raised_by=self.pat, question="?")
        minute = make_minute(make_agenda_item(make_meeting()))
        make_meeting_action(minute, self.olivia.person)
        make_indicator_value(make_indicator())
        make_risk()

    def test_query_count_is_the_same_for_one_or_three_sets(self):
        self.client.force_login(self.sam)
        self.add_rows()
        with self.assertNumQueries(len(tracked_models()) + 5) as one:
            self.client.get(reverse("changes"))
        self.add_rows()
        self.add_rows()
        with self.assertNumQueries(len(one.captured_queries)):
            response = self.client.get(reverse("changes"))
        self.assertGreater(len(response.context["entries"]), 20)
