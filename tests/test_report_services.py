"""The reports' services (creating, editing, finalising, queuing versions, withdrawing a
published public version) and the
rendering of a report's document (its input as at a moment, the public version's
withheld sections, the common context)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from biip.models import PublicationStatus
from plans.services import version_of
from reports import services
from reports.access import public_versions
from reports.models import Report, ReportSection, ReportVersion
from reports.rendering import (
    DocumentUnavailable,
    document_input,
    document_module,
    render_document_html,
)
from reports.services import request_versions, withdraw_version
from tests.base import MediaRolesTestCase, RolesTestCase
from tests.factories import (
    finish_version,
    make_person,
    make_plan,
    make_report,
    make_report_snapshot,
    publish_report,
)

EXEMPT = {
    "publication_status": PublicationStatus.EXEMPT,
    "exemption_paragraph": 4,
    "exemption_review_date": datetime.date(2020, 3, 31),
}


class CreateReport(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan()

    def test_the_secretariat_creates_a_report_with_its_documents_sections(self):
        report = services.create_report(
            user=self.sam, kind="letter", plan=self.plan, snapshot=None, title="A letter"
        )
        self.assertEqual(report.status, Report.Status.DRAFT)
        self.assertEqual(report.created_by, self.sam)
        sections = list(report.sections.order_by("order"))
        expected = document_module("letter").default_sections(report)
        self.assertEqual([s.key for s in sections], [spec.key for spec in expected])
        self.assertEqual([s.order for s in sections], list(range(1, len(expected) + 1)))
        self.assertEqual(report.history.first().history_user, self.sam)
        self.assertEqual(sections[0].history.first().history_user, self.sam)

    def test_every_kind_can_be_created(self):
        for kind in Report.Kind.values:
            with self.subTest(kind):
                report = services.create_report(
                    user=self.alex, kind=kind, plan=self.plan, snapshot=None, title=kind
                )
                self.assertTrue(report.sections.exists() or kind == "smart")

    def test_other_roles_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user.username), self.assertRaises(PermissionDenied):
                services.create_report(
                    user=user, kind="letter", plan=self.plan, snapshot=None, title="A letter"
                )
        self.assertFalse(Report.objects.exists())

    def test_an_unknown_kind_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            services.create_report(
                user=self.sam, kind="memo", plan=self.plan, snapshot=None, title="A memo"
            )
        self.assertIn("kind", caught.exception.message_dict)
        self.assertFalse(Report.objects.exists())

    def test_a_missing_document_module_fails_clearly(self):
        with self.assertRaises(ValueError):
            document_module("memo")
        self.assertTrue(issubclass(DocumentUnavailable, Exception))


class EditReport(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report = make_report(cls.sam)
        cls.section = cls.report.sections.get(key="introduction")

    def test_update_particulars(self):
        chair = make_person(name="John Crabtree", title="Chair")
        seen = version_of(self.report)
        report = services.update_report(
            user=self.sam,
            report=self.report,
            seen_version=seen,
            subject="Progress in Birmingham",
            dated=datetime.date(2019, 2, 5),
            signatory=chair,
        )
        report.refresh_from_db()
        self.assertEqual(report.subject, "Progress in Birmingham")
        self.assertEqual(report.signatory, chair)
        self.assertNotEqual(version_of(report), seen)

    def test_a_stale_version_is_a_conflict(self):
        seen = version_of(self.report)
        services.update_report(user=self.alex, report=self.report, seen_version=seen, title="B")
        with self.assertRaises(services.Conflict):
            services.update_report(user=self.sam, report=self.report, seen_version=seen, title="C")
        self.report.refresh_from_db()
        self.assertEqual(self.report.title, "B")

    def test_unknown_particulars_are_refused(self):
        with self.assertRaises(TypeError):
            services.update_report(user=self.sam, report=self.report, status="final")

    def test_update_section(self):
        section = services.update_section(
            user=self.sam,
            section=self.section,
            heading="Introduction",
            body="We wrote **this**.",
            seen_version=version_of(self.section),
            **EXEMPT,
        )
        section.refresh_from_db()
        self.assertEqual(section.body, "We wrote **this**.")
        self.assertEqual(section.publication_status, PublicationStatus.EXEMPT)
        self.assertEqual(section.history.first().history_user, self.sam)

    def test_a_section_saved_by_someone_else_is_a_conflict(self):
        seen = version_of(self.section)
        services.update_section(user=self.alex, section=self.section, heading="I", body="Alex")
        with self.assertRaises(services.Conflict):
            services.update_section(
                user=self.sam, section=self.section, heading="I", body="Sam", seen_version=seen
            )
        self.assertEqual(ReportSection.objects.get(pk=self.section.pk).body, "Alex")

    def test_exempt_without_a_paragraph_is_refused(self):
        with self.assertRaises(ValidationError):
            services.update_section(
                user=self.sam,
                section=self.section,
                heading="I",
                body="x",
                publication_status=PublicationStatus.EXEMPT,
            )

    def test_other_roles_cannot_edit(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user.username):
                with self.assertRaises(PermissionDenied):
                    services.update_report(user=user, report=self.report, title="X")
                with self.assertRaises(PermissionDenied):
                    services.update_section(user=user, section=self.section, heading="I", body="")


class Finalise(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.snapshot = make_report_snapshot()

    def test_a_report_on_live_data_cannot_be_finalised(self):
        report = make_report(self.sam)
        with self.assertRaises(ValidationError) as caught:
            services.finalise_report(user=self.sam, report=report)
        self.assertIn("snapshot", caught.exception.message_dict)
        report.refresh_from_db()
        self.assertFalse(report.is_final)

    def test_finalise_a_report_on_a_snapshot(self):
        report = make_report(self.sam, snapshot=self.snapshot)
        services.finalise_report(user=self.sam, report=report)
        report.refresh_from_db()
        self.assertTrue(report.is_final)
        self.assertEqual(report.finalised_by, self.sam)
        self.assertIsNotNone(report.finalised_at)

    def test_a_final_report_is_no_longer_edited(self):
        report = make_report(self.sam, snapshot=self.snapshot)
        services.finalise_report(user=self.sam, report=report)
        section = report.sections.first()
        with self.assertRaises(ValidationError):
            services.update_section(user=self.sam, section=section, heading="X", body="late")
        with self.assertRaises(ValidationError):
            services.update_report(user=self.sam, report=report, title="Later")
        with self.assertRaises(ValidationError):
            services.finalise_report(user=self.sam, report=report)

    def test_other_roles_cannot_finalise(self):
        report = make_report(self.sam, snapshot=self.snapshot)
        with self.assertRaises(PermissionDenied):
            services.finalise_report(user=self.pat, report=report)


class RequestVersions(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report = make_report(cls.sam)

    def test_two_versions_are_queued_and_enqueued_on_commit(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            internal, public = services.request_versions(user=self.sam, report=self.report)
        self.assertEqual(len(callbacks), 2)
        self.assertEqual((internal.number, public.number), (1, 1))
        self.assertEqual((internal.public, public.public), (False, True))
        for version in (internal, public):
            version.refresh_from_db()
            self.assertEqual(version.status, ReportVersion.Status.QUEUED)
            self.assertTrue(version.draft)
            self.assertIsNone(version.snapshot)
            self.assertEqual(version.created_by, self.sam)
            task = DBTaskResult.objects.get(id=version.task_id)
            self.assertEqual(task.args_kwargs["args"], [version.pk])
        self.assertEqual(internal.content_at, public.content_at)

    def test_the_next_request_is_the_next_number(self):
        services.request_versions(user=self.sam, report=self.report)
        internal, public = services.request_versions(user=self.alex, report=self.report)
        self.assertEqual((internal.number, public.number), (2, 2))

    def test_nothing_is_enqueued_before_the_commit(self):
        with self.captureOnCommitCallbacks(execute=False):
            services.request_versions(user=self.sam, report=self.report)
        self.assertFalse(DBTaskResult.objects.exists())

    def test_other_roles_are_refused(self):
        with self.assertRaises(PermissionDenied):
            services.request_versions(user=self.olivia, report=self.report)
        self.assertFalse(ReportVersion.objects.exists())

    def test_only_a_failed_version_is_tried_again(self):
        internal, _ = services.request_versions(user=self.sam, report=self.report)
        with self.assertRaises(ValidationError):
            services.retry_version(user=self.sam, version=internal)
        ReportVersion.objects.filter(pk=internal.pk).update(
            status=ReportVersion.Status.FAILED, message="Broken", progress=40
        )
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            version = services.retry_version(user=self.sam, version=internal)
        self.assertEqual(len(callbacks), 1)
        self.assertEqual((version.status, version.progress, version.message), ("queued", 0, ""))


class Rendering(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report = make_report(cls.sam)
        cls.intro = cls.report.sections.get(key="introduction")
        cls.finance = cls.report.sections.get(key="finance")
        services.update_section(
            user=cls.sam, section=cls.intro, heading="Introduction", body="First words."
        )
        services.update_section(
            user=cls.sam,
            section=cls.finance,
            heading="Finance",
            body="Talks with the unions <script>alert(1)</script>",
            **EXEMPT,
        )

    def test_sections_render_their_markdown(self):
        doc = document_input(self.report, public=False, draft=True, snapshot=None)
        self.assertEqual(str(doc.section("introduction").html), "<p>First words.</p>")
        self.assertIn("&lt;script&gt;", str(doc.section("finance").html))
        self.assertTrue(doc.dataset.is_live)

    def test_the_public_version_withholds_sections_that_are_not_public(self):
        doc = document_input(self.report, public=True, draft=True, snapshot=None)
        finance = doc.section("finance")
        self.assertTrue(finance.withheld)
        self.assertEqual(str(finance.html), "")
        self.assertIn("paragraph 4 of Schedule 12A", finance.reason)
        html = render_document_html(doc, for_pdf=True)
        self.assertNotIn("Talks with the unions", html)
        self.assertIn("paragraph 4 of Schedule 12A", html)
        self.assertIn('<p class="marking">OFFICIAL</p>', html)

    def test_the_internal_version_is_marked_official_sensitive_and_draft(self):
        doc = document_input(self.report, public=False, draft=True, snapshot=None)
        html = render_document_html(doc, for_pdf=True)
        self.assertIn('<p class="marking">OFFICIAL-SENSITIVE</p>', html)
        self.assertIn('<div class="watermark" aria-hidden="true"></div>', html)
        self.assertIn(": DRAFT</p></footer>", html)
        self.assertIn('<html lang="en-GB">', html)
        self.assertIn(f"<title>{self.report.title}</title>", html)
        self.assertIn("Talks with the unions &lt;script&gt;", html)
        self.assertNotIn("<script>", html)

    def test_a_final_version_has_no_watermark(self):
        doc = document_input(self.report, public=False, draft=False, snapshot=None)
        self.assertNotIn('class="watermark"', render_document_html(doc, for_pdf=True))

    def test_the_narrative_as_it_stood_at_a_moment(self):
        moment = timezone.now()
        services.update_section(
            user=self.sam, section=self.intro, heading="Opening", body="Later words."
        )
        services.update_report(user=self.sam, report=self.report, subject="Later subject")
        then = document_input(
            self.report, public=False, draft=True, snapshot=None, content_at=moment
        )
        self.assertEqual(str(then.section("introduction").html), "<p>First words.</p>")
        self.assertEqual(then.section("introduction").heading, "Introduction")
        self.assertEqual(then.report.subject, "")
        self.assertEqual(then.report.pk, self.report.pk)
        now = document_input(self.report, public=False, draft=True, snapshot=None)
        self.assertEqual(
            str(now.section("opening") or now.section("introduction").html), "<p>Later words.</p>"
        )

    def test_from_a_snapshot_with_the_cycle_before(self):
        earlier = make_report_snapshot(datetime.date(2018, 12, 1))
        snapshot = make_report_snapshot(datetime.date(2019, 1, 1))
        doc = document_input(self.report, public=False, draft=True, snapshot=snapshot)
        self.assertEqual(doc.dataset.snapshot, snapshot)
        self.assertEqual(doc.previous.snapshot, earlier)


class WithdrawVersion(MediaRolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report = make_report(cls.sam, snapshot=make_report_snapshot(), title="Stock-take")
        cls.internal, cls.public = publish_report(cls.sam, cls.report)

    def test_withdraw_records_who_when_and_why(self):
        before = timezone.now()
        version = withdraw_version(user=self.alex, version=self.public, reason=" Shows SR-06. ")
        version.refresh_from_db()
        self.assertTrue(version.is_withdrawn)
        self.assertGreaterEqual(version.withdrawn_at, before)
        self.assertEqual(version.withdrawn_by, self.alex)
        self.assertEqual(version.withdrawal_reason, "Shows SR-06.")
        self.assertEqual(version.history.order_by("-history_id").first().history_user, self.alex)
        self.assertNotIn(version, public_versions())

    def test_a_reason_is_required(self):
        with self.assertRaises(ValidationError) as raised:
            withdraw_version(user=self.sam, version=self.public, reason="  ")
        self.assertIn("reason", raised.exception.error_dict)
        self.assertFalse(ReportVersion.objects.get(pk=self.public.pk).is_withdrawn)

    def test_only_a_published_public_version_is_withdrawn(self):
        draft = make_report(self.sam, title="Draft")
        _, draft_public = request_versions(user=self.sam, report=draft)
        finish_version(draft_public)
        _, queued = request_versions(user=self.sam, report=self.report)
        for version in (self.internal, draft_public, queued):
            with self.subTest(version=str(version)), self.assertRaises(ValidationError):
                withdraw_version(user=self.sam, version=version, reason="Why")
        withdraw_version(user=self.sam, version=self.public, reason="Why")
        with self.assertRaises(ValidationError):
            withdraw_version(user=self.sam, version=self.public, reason="Again")
        self.assertEqual(ReportVersion.objects.filter(withdrawn_at__isnull=False).count(), 1)

    def test_the_database_refuses_a_withdrawal_without_its_record(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            ReportVersion.objects.filter(pk=self.public.pk).update(withdrawn_at=timezone.now())
        with self.assertRaises(IntegrityError), transaction.atomic():
            ReportVersion.objects.filter(pk=self.internal.pk).update(
                withdrawn_at=timezone.now(), withdrawn_by=self.sam, withdrawal_reason="x"
            )

    def test_other_roles_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                withdraw_version(user=user, version=self.public, reason="Why")
        self.assertFalse(ReportVersion.objects.get(pk=self.public.pk).is_withdrawn)
