"""Which published public versions show a record (reports.exposure), and the warning after
a save: a record saved as exempt or confidential that a published public version shows
leaves the secretariat on a page naming the version, linked to its withdrawal."""

from django.contrib.admin.sites import site
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from biip.models import PublicationStatus
from plans.models import Risk
from reports.exposure import published_versions_showing, warn_if_published
from reports.models import ReportVersion
from reports.services import request_versions, withdraw_version
from tests.base import MediaRolesTestCase
from tests.factories import (
    finish_version,
    make_action,
    make_agenda_item,
    make_meeting,
    make_meeting_action,
    make_minute,
    make_plan,
    make_report,
    make_report_snapshot,
    make_risk,
    make_theme,
    publish_report,
)

CONFIDENTIAL = PublicationStatus.CONFIDENTIAL


def posted(response, **changes) -> dict:
    """The edit form as the page showed it, as POST data, with `changes`."""
    form = response.context["form"]
    data = {"seen_version": form.latest_version}
    for field in form.visible_fields():
        value = field.value()
        if value is None:
            value = ""
        elif isinstance(value, list | tuple):
            value = [str(item) for item in value]
        else:
            value = field.field.widget.format_value(value) or ""
        data[field.html_name] = value
    return {**data, **changes}


class ExposureCase(MediaRolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(title="Improvement Plan 2019-20")
        cls.other_plan = make_plan(title="Another plan")
        cls.action = make_action(plan=cls.plan, directorate=cls.finance, reference="IP19-07")
        cls.elsewhere = make_action(plan=cls.other_plan, directorate=cls.finance)
        cls.frozen_withheld = make_action(
            plan=cls.plan, directorate=cls.finance, publication_status=CONFIDENTIAL
        )
        cls.risk = make_risk(reference="SR-06")
        cls.meeting = make_meeting()
        cls.item = make_agenda_item(cls.meeting, heading="Budget")
        cls.minute = make_minute(cls.item)
        cls.meeting_action = make_meeting_action(cls.minute, cls.olivia.person)
        cls.snapshot = make_report_snapshot()
        cls.report = make_report(
            cls.sam, plan=cls.plan, snapshot=cls.snapshot, title="Stock-take, January 2019"
        )
        cls.internal, cls.public = publish_report(cls.sam, cls.report)
        cls.withdraw_url = reverse("report-version-withdraw", args=[cls.report.pk, cls.public.pk])


class PublishedVersionsShowingTest(ExposureCase):
    def test_each_kind_of_record_a_public_version_shows(self):
        section = self.report.sections.first()
        for record in (
            self.action,
            self.risk,
            self.meeting_action,
            self.minute,
            self.item,
            section,
        ):
            with self.subTest(record=type(record).__name__):
                self.assertEqual(published_versions_showing(record), [self.public])

    def test_an_action_of_another_plan_is_not_in_this_plans_report(self):
        self.assertEqual(published_versions_showing(self.elsewhere), [])

    def test_a_record_frozen_as_withheld_was_not_shown(self):
        self.assertEqual(published_versions_showing(self.frozen_withheld), [])

    def test_a_record_made_after_the_snapshot_was_not_shown(self):
        later = make_action(plan=self.plan, directorate=self.finance)
        self.assertEqual(published_versions_showing(later), [])
        self.assertEqual(published_versions_showing(make_theme()), [])  # no version shows

    def test_withdrawn_draft_and_unfinished_versions_are_not_counted(self):
        _, second = publish_report(self.sam, self.report)
        self.assertEqual(published_versions_showing(self.action), [second, self.public])
        withdraw_version(user=self.sam, version=second, reason="Shows IP19-07.")
        _, queued = request_versions(user=self.sam, report=self.report)  # not ready
        self.assertEqual(published_versions_showing(self.action), [self.public])
        draft = make_report(self.sam, plan=self.plan, snapshot=self.snapshot, title="Draft")
        finish_version(request_versions(user=self.sam, report=draft)[1])
        self.assertEqual(published_versions_showing(self.action), [self.public])
        self.assertFalse(queued.is_withdrawn)

    def test_a_meeting_shows_through_its_actions_arising(self):
        self.assertEqual(published_versions_showing(self.meeting), [self.public])
        self.assertEqual(published_versions_showing(make_meeting()), [])

    def test_a_version_generated_while_the_record_was_withheld_did_not_show_it(self):
        self.action.publication_status = CONFIDENTIAL
        self.action.save()
        withdraw_version(user=self.sam, version=self.public, reason="Shows IP19-07.")
        _, corrected = publish_report(self.sam, self.report)
        self.assertEqual(published_versions_showing(self.action), [])
        self.assertEqual(published_versions_showing(self.risk), [corrected])

    def test_a_record_withheld_while_the_version_was_generated_counts(self):
        _, running = request_versions(user=self.sam, report=self.report)
        self.action.publication_status = CONFIDENTIAL
        self.action.save()  # after it was asked for, before it finished: counted, to be safe
        finish_version(running)
        self.assertEqual(published_versions_showing(self.action), [running, self.public])

    def test_queries_are_bounded_by_the_versions_found(self):
        with self.assertNumQueries(1):
            published_versions_showing(self.elsewhere)  # no version: one query
        with self.assertNumQueries(2):  # the versions, the record's status then
            published_versions_showing(self.action)


class WarningAfterSavingTest(ExposureCase):
    def assert_warned(self, response) -> None:
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "the public can still download it in")
        self.assertContains(response, f'href="{self.withdraw_url}"')
        self.assertContains(response, "Stock-take, January 2019 (public version 1)")

    def assert_not_warned(self, response) -> None:
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "the public can still download it in")

    def save(self, url: str, **changes):
        self.client.force_login(self.sam)
        data = posted(self.client.get(url), **changes)
        return self.client.post(url, data, follow=True)

    def test_an_action_made_confidential(self):
        url = reverse("action-edit", args=[self.action.pk])
        self.assert_warned(self.save(url, publication_status=CONFIDENTIAL))
        self.action.refresh_from_db()
        self.assertEqual(self.action.publication_status, CONFIDENTIAL)

    def test_an_action_saved_as_public_is_not_warned_about(self):
        url = reverse("action-edit", args=[self.action.pk])
        self.assert_not_warned(self.save(url, title="Renamed"))

    def test_an_action_arising_made_exempt(self):
        url = reverse("meeting-action-edit", args=[self.meeting_action.pk])
        response = self.save(
            url,
            publication_status=PublicationStatus.EXEMPT,
            exemption_paragraph="3",
            exemption_review_date="31/03/2020",
        )
        self.assert_warned(response)
        self.assertContains(response, "It is now exempt")

    def test_a_minute_made_confidential(self):
        url = reverse("minute-edit", args=[self.minute.pk])
        self.assert_warned(self.save(url, publication_status=CONFIDENTIAL))

    def test_an_agenda_item_made_confidential(self):
        url = reverse("agenda-item-edit", args=[self.item.pk])
        self.assert_warned(self.save(url, publication_status=CONFIDENTIAL))

    def test_no_warning_once_the_version_is_withdrawn(self):
        withdraw_version(user=self.sam, version=self.public, reason="Shows IP19-07.")
        url = reverse("action-edit", args=[self.action.pk])
        self.assert_not_warned(self.save(url, publication_status=CONFIDENTIAL))

    def test_a_risk_made_confidential_in_the_admin(self):
        request = RequestFactory().post("/admin/")
        request.user = self.alex
        request.session = SessionStore()
        request._messages = FallbackStorage(request)
        risk = Risk.objects.get(pk=self.risk.pk)
        risk.publication_status = CONFIDENTIAL
        site._registry[Risk].save_model(request, risk, form=None, change=True)
        texts = [str(message) for message in get_messages(request)]
        self.assertEqual(len(texts), 1)
        self.assertIn(self.withdraw_url, texts[0])

    def test_a_meeting_whose_minutes_are_withdrawn(self):
        request = RequestFactory().post("/")
        request.session = SessionStore()
        request._messages = FallbackStorage(request)
        self.assertEqual(warn_if_published(request, self.meeting), [self.public])
        (text,) = [str(message) for message in get_messages(request)]
        self.assertIn("It is now withheld, but the public can still download it in", text)
        self.assertIn(self.withdraw_url, text)

    def test_the_hook_returns_nothing_for_a_public_record(self):
        request = RequestFactory().get("/")
        request.session = SessionStore()
        request._messages = FallbackStorage(request)
        self.assertEqual(warn_if_published(request, self.action), [])
        self.assertEqual(list(get_messages(request)), [])
        self.assertFalse(ReportVersion.objects.filter(withdrawn_at__lte=timezone.now()).exists())
