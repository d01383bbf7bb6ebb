"""A stale spreadsheet never overwrites newer work (issue 18): the action list exported,
an officer's update given on the update page, then the old file imported again through
the import pages. The check page shows the conflict (the file's value beside the app's);
confirming without choosing it changes nothing (the officer's update stays the latest,
under their name); choosing it records the file's RAG as an update by the importer "from
the file ...". Two stale files exported together: the second's counts are truthful."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import dateformat, timezone
from openpyxl import load_workbook

from biip.models import RAG
from plans import services
from plans.imports import jobs
from plans.models import Action, ImportJob, ProgressUpdate, current_period
from tests.base import RolesTestCase
from tests.factories import make_action
from tests.import_helpers import PrivateMedia, reference_data
from tests.test_view_import_mapping import posted

Status = ImportJob.Status


class StaleImport(PrivateMedia, RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        reference_data(cls)
        cls.actions = [
            make_action(
                plan=cls.plan,
                reference=f"IP19-0{n}",
                title=f"Action {n}",
                directorate=cls.finance,
                lead_officer=cls.olivia.person,
                rag=RAG.GREEN,
            )
            for n in range(1, 7)
        ]

    def export(self) -> bytes:
        self.client.force_login(self.pat)
        response = self.client.get(reverse("actions"), {"plan": self.plan.pk, "_export": "xlsx"})
        self.assertEqual(response.status_code, 200)
        return response.content

    def edited(self, data: bytes, changes: dict[str, dict[str, str]]) -> bytes:
        """The exported workbook with `changes` ({reference: {heading: value}})."""
        workbook = load_workbook(io.BytesIO(data))
        sheet = workbook.active
        headings = [cell.value for cell in sheet[1]]
        for cells in sheet.iter_rows(min_row=2):
            for heading, value in changes.get(cells[0].value, {}).items():
                cells[headings.index(heading)].value = value
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def officer_updates(self, action: Action, rag: str, narrative: str, user=None) -> None:
        """This month's update on `action` through the update page, by Olivia (its
        officer) unless `user` is given."""
        self.client.force_login(user or self.olivia)
        response = self.client.post(
            reverse("action-update", args=[action.pk]),
            {
                "period": current_period().isoformat(),
                "seen_version": services.action_version(action),
                "rag": rag,
                "narrative": narrative,
                "evidence_links": "",
                "completed_on": "",
                "revised_due_date": "",
                "revision_reason": "",
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])

    def check(self, name: str, data: bytes) -> ImportJob:
        """Upload, match (as guessed) and check, as the secretariat."""
        self.client.force_login(self.sam)
        upload = SimpleUploadedFile(name, data)
        self.client.post(reverse("import-create", args=[self.plan.pk]), {"file": upload})
        job = ImportJob.objects.latest("pk")
        self.assertIn("version", job.mapping)
        self.client.post(reverse("import-mapping", args=[job.pk]), posted(job.mapping))
        jobs.run(job.pk)
        job.refresh_from_db()
        self.assertEqual((job.status, job.errors), (Status.CHECKED, []), job.message)
        return job

    def confirm(self, job: ImportJob, chosen: list[str] = ()) -> ImportJob:
        self.client.post(reverse("import-confirm", args=[job.pk]), {"apply": chosen})
        jobs.run(job.pk)
        job.refresh_from_db()
        self.assertEqual(job.status, Status.DONE, job.message)
        return job

    def test_an_officers_update_is_never_rewritten_by_the_old_file(self):
        old_file = self.export()
        action = self.actions[0]
        self.officer_updates(action, "amber", "Recruitment delayed by the hiring freeze.")
        officers_update = ProgressUpdate.objects.get(action=action)
        update_history = officers_update.history.count()
        history = action.history.count()

        job = self.check("actions.xlsx", old_file)
        self.assertEqual((job.updated_count, job.conflicts, job.skipped_count), (0, [], 1))
        author = self.olivia.get_full_name() or self.olivia.get_username()
        said = (
            f"This month already has {author}’s update of "
            f"{dateformat.format(timezone.localtime(officers_update.created_at), 'j F Y')}"
            " on IP19-01, so the file’s RAG and progress for it are not imported. Give a "
            "new update on the action’s page instead."
        )
        page = self.client.get(reverse("import", args=[job.pk]))
        self.assertContains(
            page,
            "6 rows: 0 new actions, 6 to update (0 changed, 1 skipped (this month's update "
            "is someone else's), 5 unchanged), 0 with errors.",
            html=True,
        )
        self.assertContains(page, said)
        self.assertContains(page, f'href="{action.get_absolute_url()}"')
        self.assertNotContains(page, 'name="apply"')

        job = self.confirm(job, chosen=["IP19-01"])  # not a conflict: cannot be chosen
        self.assertEqual((job.updated_count, job.skipped_count), (0, 1))
        page = self.client.get(reverse("import", args=[job.pk]))
        self.assertContains(page, "Created 0, updated 0, unchanged 5, skipped 1")
        self.assertContains(page, "1 action was left as it is in the app: this month already")
        self.assertContains(page, said)
        self.assertNotContains(page, "not chosen to be imported")
        action.refresh_from_db()
        self.assertEqual(action.rag, RAG.AMBER)
        self.assertEqual(action.history.count(), history)
        self.assertEqual(list(action.updates.all()), [officers_update])
        officers_update.refresh_from_db()
        self.assertEqual(
            (officers_update.author, officers_update.rag, officers_update.narrative),
            (self.olivia, RAG.AMBER, "Recruitment delayed by the hiring freeze."),
        )
        self.assertEqual(officers_update.history.count(), update_history)

    def test_the_conflict_is_shown_and_nothing_changes_until_chosen(self):
        """This month's update is the importer's own (the secretariat's): the file may
        revise it, when chosen."""
        old_file = self.export()
        action = self.actions[0]
        self.officer_updates(action, "amber", "Recruitment delayed.", user=self.sam)
        officers_update = ProgressUpdate.objects.get(action=action)

        job = self.check("actions.xlsx", old_file)
        self.assertEqual((job.created_count, job.updated_count), (0, 0))
        self.assertEqual([c["reference"] for c in job.conflicts], ["IP19-01"])
        page = self.client.get(reverse("import", args=[job.pk]))
        self.assertContains(page, "6 rows: 0 new actions, 6 to update (0 changed, 1 changed in")
        self.assertContains(
            page,
            '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">RAG</th>'
            '<td class="govuk-table__cell">Green</td><td class="govuk-table__cell">Amber</td>'
            "</tr>",
            html=True,
        )
        self.assertContains(page, 'name="apply" type="checkbox" value="IP19-01"')

        history = action.history.count()
        job = self.confirm(job)
        action.refresh_from_db()
        self.assertEqual(action.rag, RAG.AMBER)
        self.assertEqual(action.history.count(), history)
        self.assertEqual(action.history.latest().history_user, self.sam)
        self.assertEqual(list(action.updates.all()), [officers_update])
        officers_update.refresh_from_db()
        self.assertEqual(officers_update.author, self.sam)
        self.assertEqual(officers_update.rag, RAG.AMBER)
        self.assertEqual((job.updated_count, job.skipped_count), (0, 1))
        page = self.client.get(reverse("import", args=[job.pk]))
        self.assertContains(page, "Created 0, updated 0, unchanged 5, skipped 1")
        self.assertContains(page, "1 action was left as it is in the app")

        job = self.check("actions.xlsx", old_file)
        job = self.confirm(job, chosen=["IP19-01"])
        self.assertEqual((job.updated_count, job.skipped_count), (1, 0))
        action.refresh_from_db()
        self.assertEqual(action.rag, RAG.GREEN)
        update = action.updates.get()
        self.assertEqual((update.rag, update.author), (RAG.GREEN, self.sam))
        self.assertIn("From the file “actions.xlsx”", update.narrative)
        self.assertEqual(action.history.latest().history_user, self.sam)
        # The earlier version of the update is kept in its history.
        self.assertTrue(update.history.filter(author=self.sam, rag=RAG.AMBER).exists())

    def test_two_stale_files_report_truthfully_and_revert_nothing(self):
        exported = self.export()
        first = self.edited(exported, {"IP19-05": {"Title": "Action 5, renamed"}})
        second = self.edited(
            exported,
            {"IP19-05": {"Title": "Action 5, renamed again"}, "IP19-06": {"RAG": "Red"}},
        )
        for action in self.actions[:4]:
            self.officer_updates(action, "amber", "Behind: the budget is late.")

        job = self.confirm(self.check("first.xlsx", first))
        self.assertEqual((job.updated_count, job.skipped_count), (1, 4))
        page = self.client.get(reverse("import", args=[job.pk]))
        self.assertContains(page, "Created 0, updated 1, unchanged 1, skipped 4")
        self.assertContains(page, "4 actions were left as they are in the app: this month")

        job = self.check("second.xlsx", second)
        self.assertEqual(job.updated_count, 1)  # IP19-06's RAG: no one changed it since
        # IP19-05 was renamed by the first file; IP19-01 to 04 have the officer's update.
        self.assertEqual([c["reference"] for c in job.conflicts], ["IP19-05"])
        self.assertEqual(
            [h["reference"] for h in job.held], ["IP19-01", "IP19-02", "IP19-03", "IP19-04"]
        )
        job = self.confirm(job)
        self.assertEqual((job.created_count, job.updated_count, job.skipped_count), (0, 1, 5))
        page = self.client.get(reverse("import", args=[job.pk]))
        self.assertContains(page, "Created 0, updated 1, unchanged 0, skipped 5")
        self.assertContains(page, "1 action was left as it is in the app: it changed")
        self.assertContains(page, "4 actions were left as they are in the app: this month")
        rags = dict(Action.objects.values_list("reference", "rag"))
        self.assertEqual(
            rags,
            {
                **{f"IP19-0{n}": RAG.AMBER for n in range(1, 5)},
                "IP19-05": RAG.GREEN,
                "IP19-06": RAG.RED,
            },
        )
        self.assertEqual(Action.objects.get(reference="IP19-05").title, "Action 5, renamed")
        red = ProgressUpdate.objects.get(action__reference="IP19-06")
        self.assertEqual((red.author, red.rag), (self.sam, RAG.RED))
        self.assertIn("From the file “second.xlsx”", red.narrative)
