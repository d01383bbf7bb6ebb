"""The monthly update form: /actions/<pk>/update/."""

import datetime
import re
import shutil
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from biip.models import RAG, Role
from plans import services
from plans.models import Action, Cycle, Evidence, Milestone, ProgressUpdate
from tests.base import RolesTestCase
from tests.factories import make_action, make_plan, make_update, make_user

NOVEMBER = datetime.date(2019, 11, 1)
DECEMBER = datetime.date(2019, 12, 1)
PDF = b"%PDF-1.7\n%%EOF\n"


def seen_version(response) -> str:
    return re.search(r'name="seen_version" value="(\d+)"', response.content.decode()).group(1)


class UpdateFormCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(is_current=True)
        Cycle.objects.create(
            period=NOVEMBER,
            opens_on=datetime.date(2019, 11, 11),
            deadline=datetime.date(2019, 11, 22),
        )
        cls.action = make_action(
            plan=cls.plan,
            directorate=cls.finance,
            lead_officer=cls.olivia.person,
            reference="IP19-07",
            title="Deliver the workforce strategy",
            rag=RAG.GREEN,
        )
        cls.milestone = Milestone.objects.create(
            action=cls.action, title="Strategy to Cabinet", due_date=datetime.date(2019, 11, 19)
        )
        cls.done = Milestone.objects.create(
            action=cls.action,
            title="Staff survey",
            due_date=datetime.date(2019, 6, 30),
            completed_on=datetime.date(2019, 6, 28),
        )
        cls.url = reverse("action-update", args=[cls.action.pk])

    def setUp(self):
        media = tempfile.mkdtemp(prefix="updates-media-")
        override = override_settings(MEDIA_ROOT=media)
        override.enable()
        self.addCleanup(override.disable)
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)

    def answers(self, **overrides) -> dict:
        fields = {
            "period": "2019-11-01",
            "seen_version": services.action_version(self.action),
            "rag": "green",
            "narrative": "Strategy agreed by the leadership team.",
            "evidence_links": "",
            "completed_on": "",
            "revised_due_date": "",
            "revision_reason": "",
        }
        return {**fields, **overrides}


class UpdateFormAccess(UpdateFormCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        response = self.client.post(self.url, self.answers())
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        self.assertFalse(ProgressUpdate.objects.exists())

    def test_wrong_methods_are_not_allowed(self):
        self.client.force_login(self.olivia)
        for method in ("put", "patch", "delete"):
            with self.subTest(method=method):
                self.assertEqual(getattr(self.client, method)(self.url).status_code, 405)

    def test_another_directorates_officer_and_the_panel_are_refused(self):
        for user in (self.oscar, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url, self.answers()).status_code, 403)
        self.assertFalse(ProgressUpdate.objects.exists())

    def test_lead_directorate_secretariat_and_administrator_may(self):
        colleague = make_user("colin", Role.OFFICER, directorate=self.finance)
        for user in (self.olivia, colleague, self.sam, self.alex):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_unknown_action_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("action-update", args=[self.action.pk + 1000])
        self.assertEqual(self.client.get(url).status_code, 404)


class UpdateFormShows(UpdateFormCase):
    def test_the_form_for_the_cycle(self):
        self.client.force_login(self.olivia)
        response = self.client.get(self.url)
        self.assertContains(
            response, "<title>Update IP19-07 for November 2019 – Improvement Tracker</title>"
        )
        self.assertContains(response, '<h1 class="govuk-heading-l">Update for November 2019</h1>')
        self.assertContains(response, "Updates for November 2019 are due by 22 November 2019.")
        self.assertContains(response, 'enctype="multipart/form-data"')
        self.assertEqual(seen_version(response), str(services.action_version(self.action)))
        self.assertContains(response, '<input type="hidden" name="period" value="2019-11-01"')
        for word, meaning in (
            ("Red", "Off track or significant slippage"),
            ("Amber", "At risk or minor slippage"),
            ("Green", "On track"),
            ("Blue", "Complete"),
        ):
            self.assertContains(response, f">{word}</label>")
            self.assertContains(response, f">{meaning}</div>")
        self.assertContains(response, 'id="id_rag" name="rag" type="radio" value="red"')
        self.assertContains(response, 'type="file" multiple')
        self.assertContains(response, "Strategy to Cabinet")
        self.assertContains(response, "Due 19 November 2019")
        self.assertNotContains(response, "Staff survey")  # complete already
        self.assertNotContains(response, " checked")
        self.assertNotContains(response, "<script>")
        self.assertNotContains(response, " style=")

    def test_prefilled_from_this_cycles_update(self):
        make_update(
            self.action,
            self.olivia,
            period=NOVEMBER,
            rag=RAG.AMBER,
            narrative="Consultation running late.",
            evidence="https://example.org/paper",
            revised_due_date=datetime.date(2020, 3, 31),
            revision_reason="Consultation extended.",
        )
        make_update(self.action, self.olivia, period=datetime.date(2019, 10, 1), rag=RAG.RED)
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, 'type="radio" value="amber" checked')
        self.assertContains(response, ">\nConsultation running late.</textarea>")
        self.assertContains(response, ">\nhttps://example.org/paper</textarea>")
        self.assertContains(response, 'name="revised_due_date" type="text" value="31/03/2020"')
        self.assertContains(response, "Saving this form revises it")


class UpdateFormSaves(UpdateFormCase):
    def test_a_complete_update_is_saved_and_shown_on_the_action_page(self):
        self.client.force_login(self.olivia)
        answers = self.answers(
            rag="amber",
            narrative="Consultation running late; extra sessions booked.",
            evidence_links="https://example.org/paper\n",
            revised_due_date="31/3/2020",
            revision_reason="Consultation extended by the trade unions.",
            completed_milestones=[str(self.milestone.pk)],
            files=[
                SimpleUploadedFile("Cabinet report.pdf", PDF, "application/pdf"),
                SimpleUploadedFile("chart.png", b"\x89PNG\r\n\x1a\n\x00", "image/png"),
            ],
        )
        response = self.client.post(self.url, answers)
        self.assertRedirects(response, f"/actions/{self.action.pk}/", fetch_redirect_response=False)
        update = ProgressUpdate.objects.get(action=self.action, period=NOVEMBER)
        self.assertEqual((update.rag, update.author), (RAG.AMBER, self.olivia))
        self.assertEqual(update.evidence, "https://example.org/paper")
        self.assertEqual(
            sorted(update.files.values_list("original_name", "content_type")),
            [("Cabinet report.pdf", "application/pdf"), ("chart.png", "image/png")],
        )
        action = Action.objects.get(pk=self.action.pk)
        self.assertEqual(action.rag, RAG.AMBER)
        self.assertEqual(action.revised_due_date, datetime.date(2020, 3, 31))
        self.milestone.refresh_from_db()
        self.assertIsNotNone(self.milestone.completed_on)
        self.assertEqual(update.history.get().history_user, self.olivia)
        messages = [str(m) for m in response.wsgi_request._messages]
        self.assertEqual(messages, ["Your November 2019 update on IP19-07 is saved."])

    def test_blue_with_a_completion_date(self):
        self.client.force_login(self.sam)
        response = self.client.post(
            self.url, self.answers(rag="blue", narrative="Done.", completed_on="05/11/2019")
        )
        self.assertEqual(response.status_code, 302)
        action = Action.objects.get(pk=self.action.pk)
        self.assertEqual((action.rag, action.completed_on), (RAG.BLUE, datetime.date(2019, 11, 5)))


class UpdateFormRefuses(UpdateFormCase):
    def test_red_without_narrative_keeps_everything_typed(self):
        self.client.force_login(self.olivia)
        response = self.client.post(
            self.url,
            self.answers(
                rag="red",
                narrative="",
                evidence_links="Paper 7 to Cabinet",
                revised_due_date="31/3/2020",
                revision_reason="Supplier withdrew.",
                completed_milestones=[str(self.milestone.pk)],
                files=[SimpleUploadedFile("minutes.pdf", PDF, "application/pdf")],
            ),
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<title>Error: Update IP19-07 for November 2019")
        self.assertContains(
            response, '<h2 class="govuk-error-summary__title">There is a problem</h2>'
        )
        message = (
            "Say what is being done to bring the action back on track: a Red or Amber update "
            "needs a narrative."
        )
        self.assertContains(response, f'<li><a href="#id_narrative">{message}</a></li>')
        self.assertContains(
            response,
            '<p id="id_narrative-error" class="govuk-error-message"><span class="govuk-visually-'
            f'hidden">Error:</span> {message}</p>',
        )
        self.assertContains(response, 'type="radio" value="red" checked')
        self.assertContains(response, ">\nPaper 7 to Cabinet</textarea>")
        self.assertContains(response, 'value="31/3/2020"')
        self.assertContains(response, ">\nSupplier withdrew.</textarea>")
        self.assertContains(response, f'value="{self.milestone.pk}" checked')
        self.assertContains(
            response, "The files you chose (minutes.pdf) were not saved: choose them again."
        )
        self.assertFalse(ProgressUpdate.objects.filter(period=NOVEMBER).exists())
        self.assertFalse(Evidence.objects.exists())
        self.milestone.refresh_from_db()
        self.assertIsNone(self.milestone.completed_on)

    def test_a_date_that_is_not_real(self):
        self.client.force_login(self.olivia)
        response = self.client.post(
            self.url, self.answers(revised_due_date="31/02/2020", revision_reason="Why")
        )
        self.assertContains(
            response,
            '<a href="#id_revised_due_date">Enter the revised due date as a real date, for '
            "example, 31/3/2019.</a>",
        )
        self.assertContains(response, 'value="31/02/2020"')
        self.assertFalse(ProgressUpdate.objects.filter(period=NOVEMBER).exists())

    def test_no_rag_links_to_the_first_radio(self):
        self.client.force_login(self.olivia)
        for rag in ("", "purple"):
            with self.subTest(rag=rag):
                response = self.client.post(self.url, self.answers(rag=rag))
                self.assertContains(
                    response,
                    '<a href="#id_rag">Choose how the action is going: Red, Amber, Green or '
                    "Blue.</a>",
                )
        self.assertFalse(ProgressUpdate.objects.exists())

    def test_a_file_that_is_not_what_it_says(self):
        self.client.force_login(self.olivia)
        fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00binary", "application/pdf")
        response = self.client.post(self.url, self.answers(files=[fake]))
        self.assertContains(
            response,
            '<a href="#id_files">“report.pdf” is not a real PDF file: its contents do not '
            "match its name.</a>",
        )
        self.assertContains(response, "The files you chose (report.pdf) were not saved")
        self.assertFalse(Evidence.objects.exists())

    def test_the_cycle_moving_on_is_not_hidden(self):
        # The form was opened for November; the secretariat closed November's cycle and
        # opened December's before the officer saved.
        Cycle.objects.filter(period=NOVEMBER).update(closed_at=timezone.now())
        Cycle.objects.create(
            period=DECEMBER, opens_on=DECEMBER, deadline=datetime.date(2019, 12, 13)
        )
        self.client.force_login(self.olivia)
        response = self.client.post(self.url, self.answers(narrative="November's news."))
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response,
            "<li>Updates are for the current cycle, December 2019: only the secretariat can "
            "give an update for another month.</li>",
        )
        self.assertContains(response, "Update for December 2019</h1>")
        self.assertContains(response, 'name="period" value="2019-12-01"')
        self.assertContains(response, ">\nNovember&#x27;s news.</textarea>")
        self.assertFalse(ProgressUpdate.objects.exists())
        response = self.client.post(
            self.url, self.answers(period="2019-12-01", narrative="November's news.")
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ProgressUpdate.objects.get().period, DECEMBER)

    def test_the_secretariat_may_still_save_for_the_month_the_form_was_for(self):
        Cycle.objects.filter(period=NOVEMBER).update(closed_at=timezone.now())
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.answers())
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ProgressUpdate.objects.get().period, NOVEMBER)

    def test_a_missing_version_is_refused(self):
        self.client.force_login(self.olivia)
        response = self.client.post(self.url, self.answers(seen_version=""))
        self.assertContains(
            response, "<li>The form was missing its version: open the update form again.</li>"
        )
        self.assertFalse(ProgressUpdate.objects.filter(period=NOVEMBER).exists())


class UpdateFormConflict(UpdateFormCase):
    def test_two_forms_opened_then_submitted_in_turn(self):
        olivia, sam = Client(), Client()
        olivia.force_login(self.olivia)
        sam.force_login(self.sam)
        olivia_version = seen_version(olivia.get(self.url))
        sam_version = seen_version(sam.get(self.url))
        self.assertEqual(olivia_version, sam_version)

        response = olivia.post(
            self.url,
            self.answers(seen_version=olivia_version, rag="amber", narrative="Olivia: late."),
        )
        self.assertEqual(response.status_code, 302)

        sams_answers = self.answers(
            seen_version=sam_version,
            rag="red",
            narrative="Sam: off track.",
            files=[SimpleUploadedFile("note.pdf", PDF, "application/pdf")],
        )
        response = sam.post(self.url, sams_answers)
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response,
            "This action changed since you opened the form: Olivia Example saved it on ",
        )
        content = response.content.decode()
        self.assertRegex(
            content,
            r"<th scope=\"row\" class=\"govuk-table__header\">RAG</th>\s*"
            r"<td class=\"govuk-table__cell\">Green</td>\s*<td class=\"govuk-table__cell\">Amber",
        )
        self.assertContains(response, "Your files were not kept: choose them again.")
        self.assertContains(response, 'type="radio" value="red" checked')
        self.assertContains(response, ">\nSam: off track.</textarea>")
        self.assertContains(response, ">Olivia: late.</dd>")  # the current values
        new_version = seen_version(response)
        self.assertEqual(new_version, str(services.action_version(self.action)))
        self.assertNotEqual(new_version, sam_version)
        update = ProgressUpdate.objects.get(action=self.action, period=NOVEMBER)
        self.assertEqual((update.narrative, update.rag), ("Olivia: late.", RAG.AMBER))
        self.assertFalse(Evidence.objects.exists())

        sams_answers["seen_version"] = new_version
        sams_answers["files"] = [SimpleUploadedFile("note.pdf", PDF, "application/pdf")]
        response = sam.post(self.url, sams_answers)
        self.assertEqual(response.status_code, 302)
        update.refresh_from_db()
        self.assertEqual((update.narrative, update.rag), ("Sam: off track.", RAG.RED))
        self.assertEqual(update.files.get().original_name, "note.pdf")
        self.assertEqual(
            [row.history_user for row in update.history.order_by("history_id")],
            [self.olivia, self.sam],
        )
