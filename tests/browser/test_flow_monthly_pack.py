"""The month's report pack in the browser: closing the cycle, creating the monthly report
pack from its snapshot, generating its PDFs in the background and downloading one.

The secretariat signs in, closes the January 2019 cycle from the cycle page, creates a
monthly report pack from the snapshot it froze, and asks for its PDFs. The real
django-tasks database worker (`db_worker --batch`) runs in a thread of the test process,
on the live server's in-memory database, while the version page refreshes itself; once
both PDFs are ready the internal one is downloaded and read with pypdf: a PDF of several
pages with the pack's title and the plan's actions.
"""

import datetime
import io
import threading
from unittest import mock

from django.core.management import call_command
from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect
from pypdf import PdfReader

from biip.models import RAG
from plans.models import Cycle
from reports.models import Report, ReportVersion, Snapshot
from tests.browser.base import BrowserTestCase
from tests.factories import (
    make_action,
    make_agenda_item,
    make_cycle,
    make_meeting,
    make_meeting_action,
    make_minute,
    make_plan,
    make_risk,
    make_theme,
    make_update,
)

JANUARY = datetime.date(2019, 1, 1)
TITLE = "Monthly report pack, January 2019"
WORKER_TIMEOUT = 120  # seconds: WeasyPrint lays out two PDFs of several pages


def run_worker_in_thread() -> tuple[threading.Thread, list[BaseException]]:
    """`manage.py db_worker --batch` in a thread: it runs the queued tasks, then stops.

    On SQLite the test database is in memory, which only this process can see: the live
    server's threads share the test's one connection to it, and so does the worker's. On
    PostgreSQL the worker has a connection of its own, as in production. The worker's
    signal handlers are left out: Python sets them only in the main thread."""
    test_connection = connections["default"]
    shared = test_connection.vendor == "sqlite" and test_connection.is_in_memory_db()
    errors: list[BaseException] = []

    def work():
        if shared:
            connections["default"] = test_connection
        try:
            with mock.patch.object(Worker, "configure_signals"):
                call_command(
                    "db_worker", batch=True, startup_delay=False, reload=False, verbosity=0
                )
        except BaseException as error:  # reported by the test once the thread has ended
            errors.append(error)
        finally:
            if shared:
                test_connection.dec_thread_sharing()
            else:
                connections.close_all()

    if shared:
        test_connection.inc_thread_sharing()
    thread = threading.Thread(target=work, name="db_worker", daemon=True)
    thread.start()
    return thread, errors


class MonthlyPackTest(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.plan = make_plan(title="Improvement Plan 2019-20", short_name="IP19", is_current=True)
        finance = make_theme(code="FIN", name="Financial resilience", order=1)
        governance = make_theme(code="GOV", name="Governance", order=2)
        lead = self.olivia.person
        self.budget = make_action(
            plan=self.plan,
            theme=finance,
            reference="IP19-01",
            title="Balance the 2019/20 budget",
            directorate=self.finance,
            lead_officer=lead,
            rag=RAG.AMBER,
            start_date=datetime.date(2018, 10, 1),
            original_due_date=datetime.date(2019, 3, 31),
        )
        make_update(
            self.budget,
            self.olivia,
            period=JANUARY,
            rag=RAG.AMBER,
            narrative="Savings of 12 million pounds identified; 4 million still to find.",
        )
        make_action(
            plan=self.plan,
            theme=governance,
            reference="IP19-02",
            title="Review the scheme of delegation",
            directorate=self.finance,
            lead_officer=lead,
            rag=RAG.RED,
            start_date=datetime.date(2018, 10, 1),
            original_due_date=datetime.date(2019, 1, 15),
        )
        make_action(
            plan=self.plan,
            theme=governance,
            reference="IP19-03",
            title="Train every councillor in scrutiny",
            directorate=self.place,
            rag=RAG.GREEN,
        )
        make_risk(reference="SR-01", title="The budget gap is not closed")
        meeting = make_meeting(date=datetime.date(2019, 1, 29))
        minute = make_minute(make_agenda_item(meeting, number=1, heading="Budget"), number=1)
        make_meeting_action(minute, lead, description="Share the month 10 forecast")
        self.cycle = make_cycle(JANUARY)

    def test_the_secretariat_closes_the_cycle_and_generates_the_monthly_pack(self):
        page = self.page
        self.sign_in(self.sam)

        # Close the month's cycle from the cycle page.
        page.goto(self.url("/cycle/"))
        page.get_by_role("button", name="Close the January 2019 cycle").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Close the January 2019 cycle")
        expect(page.locator("#count-actions")).to_have_text("3")
        expect(page.locator("#count-risks")).to_have_text("1")
        expect(page.locator("#count-meeting-actions")).to_have_text("1")
        self.assert_accessible(label="closing the cycle")
        page.locator("main").get_by_role("button", name="Close the January 2019 cycle").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "The January 2019 cycle is closed and its snapshot taken."
        )
        snapshot = Snapshot.objects.get()
        cycle = Cycle.objects.get(pk=self.cycle.pk)
        self.assertFalse(cycle.is_open)
        self.assertEqual(cycle.closed_by, self.sam)
        self.assertEqual(snapshot.cycle, cycle)
        self.assertEqual(snapshot.actions.count(), 3)

        # Create the monthly pack from the snapshot.
        page.get_by_role("button", name="Create a report from this snapshot").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Create a report")
        expect(page.get_by_label("Data")).to_have_value(str(snapshot.pk))
        page.get_by_label("Monthly report pack").check()
        page.get_by_label("Improvement plan").select_option(label="Improvement Plan 2019-20")
        page.get_by_label("Title").fill(TITLE)
        page.get_by_role("button", name="Create report").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            f"{TITLE} has been created."
        )
        expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
        expect(page.locator("#particulars")).to_contain_text("The January 2019 cycle")
        report = Report.objects.get()
        self.assertEqual(
            (report.kind, report.plan, report.snapshot, report.status, report.created_by),
            (Report.Kind.PACK, self.plan, snapshot, Report.Status.DRAFT, self.sam),
        )
        self.assert_accessible(label="the report page")

        # Generate: the version page waits for the worker, refreshing itself.
        page.get_by_role("button", name="Generate PDFs").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Version 1 (draft)")
        expect(page.locator("#refresh-note")).to_be_visible()
        expect(page.locator("head meta[http-equiv=refresh]")).to_have_attribute("content", "2")
        self.assertEqual(
            list(ReportVersion.objects.values_list("status", flat=True)),
            [ReportVersion.Status.QUEUED, ReportVersion.Status.QUEUED],
        )
        self.assertEqual(DBTaskResult.objects.count(), 2)

        thread, errors = run_worker_in_thread()
        try:
            internal_link = page.get_by_role("link", name="Download the internal PDF")
            public_link = page.get_by_role("link", name="Download the public PDF")
            expect(internal_link).to_be_visible(timeout=WORKER_TIMEOUT * 1000)
            expect(public_link).to_be_visible(timeout=WORKER_TIMEOUT * 1000)
        finally:
            thread.join(WORKER_TIMEOUT)
        self.assertFalse(thread.is_alive(), "The worker did not stop")
        self.assertEqual(errors, [])
        # Both ready: the page no longer refreshes itself.
        expect(page.locator("#refresh-note")).to_have_count(0)
        expect(page.locator("head meta[http-equiv=refresh]")).to_have_count(0)

        versions = {v.public: v for v in ReportVersion.objects.all()}
        for version in versions.values():
            self.assertEqual(version.status, ReportVersion.Status.DONE)
            self.assertEqual(version.progress, 100)
            self.assertEqual(version.snapshot, snapshot)
            self.assertTrue(version.draft)
            self.assertGreater(version.pages, 1)
        internal = versions[False]
        expect(page.locator(f"#version-{internal.pk}")).to_contain_text(f"{internal.pages} pages")

        # Download the internal PDF and read it.
        with page.expect_download() as download_info:
            internal_link.click()
        download = download_info.value
        self.assertEqual(download.suggested_filename, internal.file.name.rsplit("/", 1)[-1])
        data = download.path().read_bytes()
        self.assertTrue(data.startswith(b"%PDF"))
        reader = PdfReader(io.BytesIO(data))
        self.assertGreater(len(reader.pages), 1)
        self.assertEqual(len(reader.pages), internal.pages)
        text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
        for expected in (
            TITLE,
            "Monthly report pack for January 2019",
            "Improvement Plan 2019-20",
            "IP19-01",
            "IP19-02",
            "Review the scheme of delegation",
            "Share the month 10 forecast",
            "OFFICIAL-SENSITIVE",
        ):
            self.assertIn(expected, text)
