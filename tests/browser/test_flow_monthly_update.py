"""The officer's monthly update, end to end in the browser: sign in through the form, note
the dashboard's figures, open the action, submit the update form empty (the error summary,
its links and focus), give the update with a PDF of evidence, see it and download the file
on the action page, then see the dashboard's figures move; the database holds the update,
its evidence row and the stored file."""

import datetime
import io
import re
from pathlib import Path

from django.core.files.storage import default_storage
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from biip.models import RAG
from plans.models import Action, AssuranceStatus, Evidence, ProgressUpdate
from tests.browser.base import BrowserTestCase, small_pdf
from tests.factories import make_action, make_cycle, make_person, make_plan, make_update

NOVEMBER = datetime.date(2019, 11, 1)

# The dashboard's figures this test watches: name -> the element whose text starts with it.
FIGURES = {
    "your actions needing your update": "#your-needs-update .app-headline__number",
    "your directorate's actions needing an update": "#directorate-needs-update "
    ".app-headline__number",
    "updates still due": "#headline-needs-update .app-headline__number",
    "stale actions": "#headline-stale .app-headline__number",
    "claimed green": "#rag-green td",
    "claimed amber": "#rag-amber td",
    "you lead, green": "#your-rag-green td >> nth=0",
    "you lead, amber": "#your-rag-amber td >> nth=0",
}


def dashboard_figures(page: Page) -> dict[str, int]:
    """The watched figures as the home page shows them."""
    figures = {}
    for name, selector in FIGURES.items():
        text = page.locator(selector).inner_text()
        figures[name] = int(re.match(r"\s*(\d+)", text).group(1))
    return figures


class MonthlyUpdateFlow(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.plan = make_plan(title="Financial Improvement Plan 2019", is_current=True)
        make_cycle(NOVEMBER)
        self.action = make_action(
            plan=self.plan,
            directorate=self.finance,
            lead_officer=self.olivia.person,
            reference="IP19-07",
            title="Deliver the workforce strategy",
            rag=RAG.GREEN,
        )
        # Olivia leads another action still to update, and one already updated this month.
        make_action(
            plan=self.plan,
            directorate=self.finance,
            lead_officer=self.olivia.person,
            reference="IP19-08",
            title="Close the 2018/19 accounts",
            rag=RAG.GREEN,
        )
        updated = make_action(
            plan=self.plan,
            directorate=self.finance,
            lead_officer=self.olivia.person,
            reference="IP19-09",
            title="Recover the overspend",
            rag=RAG.AMBER,
            last_update_at=timezone.now(),
        )
        make_update(updated, self.olivia, period=NOVEMBER, rag=RAG.AMBER, narrative="Late.")
        # A colleague's action in her directorate, and one in another directorate.
        make_action(
            plan=self.plan,
            directorate=self.finance,
            lead_officer=make_person(organisation=self.council, directorate=self.finance),
            reference="IP19-10",
            rag=RAG.GREEN,
        )
        make_action(
            plan=self.plan,
            directorate=self.place,
            lead_officer=self.oscar.person,
            reference="IP19-11",
            rag=RAG.GREEN,
        )
        self.pdf = small_pdf("Workforce strategy: Cabinet report")

    def test_the_officer_gives_the_months_update_with_evidence_and_the_dashboard_moves(self):
        page = self.page
        self.sign_in(self.olivia)

        # The dashboard before.
        expect(page).to_have_url(self.url("/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Home")
        before = dashboard_figures(page)
        self.assertEqual(
            before,
            {
                "your actions needing your update": 2,
                "your directorate's actions needing an update": 3,
                "updates still due": 4,
                "stale actions": 4,
                "claimed green": 4,
                "claimed amber": 1,
                "you lead, green": 2,
                "you lead, amber": 1,
            },
        )
        expect(page.locator("#headline-needs-update + .app-headline__hint")).to_have_text(
            "For the November 2019 cycle, deadline 22 November 2019"
        )

        # To the action, from the list of her actions on the dashboard.
        page.locator("#your-actions").get_by_role(
            "link", name="Deliver the workforce strategy"
        ).click()
        expect(page).to_have_url(self.url(f"/actions/{self.action.pk}/"))
        expect(page.locator("#status-rag")).to_contain_text("Green")
        expect(page.locator("#timeline")).to_have_text(
            "No updates, assurance decisions or challenges yet."
        )
        page.get_by_role("button", name="Give this month's update").click()

        # The form.
        expect(page).to_have_url(self.url(f"/actions/{self.action.pk}/update/"))
        expect(page).to_have_title("Update IP19-07 for November 2019 – Improvement Tracker")
        expect(page.get_by_role("heading", level=1)).to_have_text("Update for November 2019")
        expect(page.locator("#cycle-deadline")).to_have_text(
            "Updates for November 2019 are due by 22 November 2019."
        )
        self.assert_accessible(label="the update form")

        # Submitted empty: the error summary, focused, linking to each field.
        page.get_by_role("button", name="Save update").click()
        expect(page).to_have_title("Error: Update IP19-07 for November 2019 – Improvement Tracker")
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_focused()
        expect(summary.get_by_role("heading", level=2)).to_have_text("There is a problem")
        rag_error = "Choose how the action is going: Red, Amber, Green or Blue."
        narrative_error = "Enter a narrative: what has happened on the action this month."
        links = summary.get_by_role("link")
        expect(links).to_have_text([rag_error, narrative_error])
        expect(links.nth(0)).to_have_attribute("href", "#id_rag")
        expect(links.nth(1)).to_have_attribute("href", "#id_narrative")
        expect(page.locator("#id_rag-error")).to_have_text(f"Error: {rag_error}")
        expect(page.locator("#id_narrative-error")).to_have_text(f"Error: {narrative_error}")
        self.assert_accessible(label="the update form with errors")
        links.nth(1).click()
        expect(page.get_by_label("Narrative", exact=True)).to_be_focused()
        links.nth(0).click()
        expect(page.get_by_label("Red", exact=True)).to_be_focused()
        self.assertFalse(ProgressUpdate.objects.filter(action=self.action).exists())

        # The update, with a PDF of evidence.
        page.get_by_label("Amber", exact=True).check()
        narrative = "Strategy agreed by the leadership team; consultation with unions runs late."
        page.get_by_label("Narrative", exact=True).fill(narrative)
        page.get_by_label("Evidence files (optional)").set_input_files(
            files=[
                {"name": "Cabinet report.pdf", "mimeType": "application/pdf", "buffer": self.pdf}
            ]
        )
        page.get_by_role("button", name="Save update").click()

        # The confirmation, and the update with its evidence on the action page.
        expect(page).to_have_url(self.url(f"/actions/{self.action.pk}/"))
        banner = page.locator(".govuk-notification-banner--success")
        expect(banner).to_contain_text("Your November 2019 update on IP19-07 is saved.")
        expect(banner).to_be_focused()
        expect(page.locator("#status-rag")).to_contain_text("Amber")
        expect(page.locator("#status-assurance")).to_contain_text("Not yet reviewed")
        entry = page.locator("#timeline > li").first
        expect(entry.get_by_role("heading", level=3)).to_have_text("Update for November 2019")
        expect(entry).to_contain_text("By Olivia Example")
        expect(entry).to_contain_text(narrative)
        evidence_link = entry.get_by_role("link", name="Cabinet report.pdf")
        expect(evidence_link).to_be_visible()

        # The evidence downloads as the file that was attached.
        with page.expect_download() as download_info:
            evidence_link.click()
        download = download_info.value
        self.assertEqual(download.suggested_filename, "Cabinet report.pdf")
        downloaded = Path(download.path()).read_bytes()
        self.assertEqual(downloaded, self.pdf)
        self.assertEqual(len(PdfReader(io.BytesIO(downloaded)).pages), 1)

        # The dashboard after: one fewer update due everywhere, one action from Green to Amber.
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Home").click()
        expect(page).to_have_url(self.url("/"))
        moves = {
            "your actions needing your update": -1,
            "your directorate's actions needing an update": -1,
            "updates still due": -1,
            "stale actions": -1,
            "claimed green": -1,
            "claimed amber": +1,
            "you lead, green": -1,
            "you lead, amber": +1,
        }
        after = dashboard_figures(page)
        self.assertEqual(after, {name: before[name] + moves[name] for name in FIGURES})

        # The database: the update, its evidence and the stored file; the action moved.
        update = ProgressUpdate.objects.get(action=self.action)
        self.assertEqual(
            (update.period, update.rag, update.narrative, update.author),
            (NOVEMBER, RAG.AMBER, narrative, self.olivia),
        )
        evidence = Evidence.objects.get()
        self.assertEqual(evidence.update, update)
        self.assertEqual(
            (evidence.original_name, evidence.content_type, evidence.size, evidence.uploaded_by),
            ("Cabinet report.pdf", "application/pdf", len(self.pdf), self.olivia),
        )
        self.assertTrue(default_storage.exists(evidence.file.name))
        self.assertNotIn("Cabinet report", evidence.file.name)  # stored under a random name
        with default_storage.open(evidence.file.name, "rb") as stored:
            self.assertEqual(stored.read(), self.pdf)
        action = Action.objects.get(pk=self.action.pk)
        self.assertEqual((action.rag, action.assurance), (RAG.AMBER, AssuranceStatus.NOT_REVIEWED))
        self.assertIsNotNone(action.last_update_at)
