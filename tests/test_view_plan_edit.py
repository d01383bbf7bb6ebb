"""Editing a plan (/plans/<pk>/edit/): status, period, current plan, and edits made by
someone else after the form was opened."""

import datetime

from django.urls import reverse

from plans.models import ImprovementPlan
from tests.base import RolesTestCase
from tests.factories import make_plan


def form_data(plan: ImprovementPlan, seen_version: int, **overrides) -> dict:
    """What the edit form posts for `plan` unchanged, opened at `seen_version`."""
    data = {
        "title": plan.title,
        "short_name": plan.short_name,
        "period_start": plan.period_start.strftime("%d/%m/%Y"),
        "period_end": plan.period_end.strftime("%d/%m/%Y"),
        "version": plan.version,
        "status": plan.status,
        "summary": plan.summary,
        "seen_version": seen_version,
    }
    if plan.is_current:
        data["current"] = "on"
    return {**data, **overrides}


class PlanEditTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(
            title="Improvement Plan 2019-20",
            short_name="IP19",
            status=ImprovementPlan.Status.DRAFT,
        )
        cls.url = reverse("plan-edit", args=[cls.plan.pk])

    def opened_version(self) -> int:
        """Open the form as the signed-in user; the version it carries."""
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        return response.context["form"].latest_version

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.delete(self.url).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        version = self.plan.history.latest().history_id
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                data = form_data(self.plan, version, title="Hijacked")
                self.assertEqual(self.client.post(self.url, data).status_code, 403)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.title, "Improvement Plan 2019-20")

    def test_missing_plan_is_404(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(reverse("plan-edit", args=[999])).status_code, 404)

    def test_form_shows_the_saved_values_and_carries_the_version(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        version = self.plan.history.latest().history_id
        self.assertContains(
            response, f'<input type="hidden" name="seen_version" value="{version}">'
        )
        self.assertContains(response, 'value="01/04/2019"')
        self.assertContains(response, 'value="draft" checked')

    def test_secretariat_signs_the_plan_off_with_history(self):
        self.client.force_login(self.sam)
        data = form_data(
            self.plan,
            self.opened_version(),
            status=ImprovementPlan.Status.SIGNED_OFF_WITH_CONDITIONS,
            version="1.1",
            period_end="30/04/2020",
        )
        response = self.client.post(self.url, data)
        self.assertRedirects(response, f"/plans/{self.plan.pk}/", fetch_redirect_response=False)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, "signed_off_conditions")
        self.assertEqual(self.plan.version, "1.1")
        self.assertEqual(self.plan.period_end, datetime.date(2020, 4, 30))
        latest = self.plan.history.latest()
        self.assertEqual(latest.history_user, self.sam)
        self.assertEqual(latest.history_type, "~")

    def test_each_status_can_be_set(self):
        self.client.force_login(self.alex)
        for status in ImprovementPlan.Status:
            with self.subTest(status=status):
                self.plan.refresh_from_db()
                data = form_data(self.plan, self.opened_version(), status=status)
                self.assertEqual(self.client.post(self.url, data).status_code, 302)
                self.plan.refresh_from_db()
                self.assertEqual(self.plan.status, status)

    def test_making_the_plan_current_unsets_the_previous_current_plan(self):
        previous = make_plan(title="Corporate Governance Improvement Plan", is_current=True)
        self.client.force_login(self.sam)
        data = form_data(self.plan, self.opened_version(), current="on")
        self.client.post(self.url, data)
        self.plan.refresh_from_db()
        previous.refresh_from_db()
        self.assertTrue(self.plan.is_current)
        self.assertFalse(previous.is_current)
        self.assertEqual(ImprovementPlan.objects.filter(is_current=True).count(), 1)
        self.assertEqual(previous.history.latest().history_user, self.sam)
        self.assertTrue(previous.history.latest().prev_record.is_current)

    def test_unticking_current_leaves_no_current_plan(self):
        self.plan.is_current = True
        self.plan.save()
        self.client.force_login(self.sam)
        data = form_data(self.plan, self.opened_version())
        del data["current"]
        self.client.post(self.url, data)
        self.plan.refresh_from_db()
        self.assertFalse(self.plan.is_current)

    def test_bad_input_changes_nothing_and_is_kept(self):
        make_plan(short_name="CGIP")
        self.client.force_login(self.sam)
        data = form_data(
            self.plan,
            self.opened_version(),
            short_name="CGIP",
            period_start="not a date",
            title="Improvement Plan 2019-21",
        )
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors
        self.assertEqual(errors["short_name"], ["There is already a plan with this short name"])
        self.assertEqual(
            errors["period_start"],
            ["Enter the start of period as a real date, for example 31/03/2019"],
        )
        self.assertContains(response, 'value="not a date"')
        self.assertContains(response, 'value="Improvement Plan 2019-21"')
        self.assertContains(response, "<title>Error: Edit Improvement Plan 2019-20")
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.title, "Improvement Plan 2019-20")
        self.assertEqual(self.plan.history.count(), 1)


class PlanEditConflictTest(RolesTestCase):
    """Sam opens the form; Alex saves a change; Sam's save must not overwrite it."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(title="Improvement Plan 2019-20", summary="First draft.")
        cls.url = reverse("plan-edit", args=[cls.plan.pk])

    def test_a_change_saved_meanwhile_is_not_overwritten(self):
        self.client.force_login(self.sam)
        seen = self.client.get(self.url).context["form"].latest_version

        self.client.force_login(self.alex)
        alex_opened = self.client.get(self.url).context["form"].latest_version
        self.client.post(
            self.url, form_data(self.plan, alex_opened, status="submitted", version="1.1")
        )
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, "submitted")

        self.client.force_login(self.sam)
        sams = form_data(self.plan, seen, summary="Sam's rewrite.", version="2.0", status="draft")
        response = self.client.post(self.url, sams)
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertTrue(form.conflict)
        self.assertIn("Alex Example changed this plan on ", form.non_field_errors()[0])
        self.assertIn("Nothing has been saved", form.non_field_errors()[0])
        self.assertEqual(
            form.conflict_changes, [("Version", "1.1"), ("Status", "Submitted to the panel")]
        )
        self.assertContains(response, "Alex Example changed this plan on")
        self.assertContains(response, 'id="conflict"')
        self.assertContains(response, "Submitted to the panel")
        # Sam's input is kept...
        self.assertContains(response, "Sam&#x27;s rewrite.")
        self.assertContains(response, 'value="2.0"')
        # ...Alex's change stands...
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.status, "submitted")
        self.assertEqual(self.plan.summary, "First draft.")
        self.assertEqual(self.plan.history.latest().history_user, self.alex)
        # ...and the form now carries Alex's version, so saving again keeps Sam's.
        latest = self.plan.history.latest().history_id
        self.assertContains(response, f'name="seen_version" value="{latest}"')
        response = self.client.post(self.url, {**sams, "seen_version": latest})
        self.assertEqual(response.status_code, 302)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.summary, "Sam's rewrite.")
        self.assertEqual(self.plan.history.latest().history_user, self.sam)

    def test_a_post_without_the_version_is_refused(self):
        self.client.force_login(self.sam)
        data = form_data(self.plan, 0, summary="Blind overwrite.")
        del data["seen_version"]
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].conflict)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.summary, "First draft.")
