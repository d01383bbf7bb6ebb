"""The action log: every action arising from every meeting, who may see it, its columns
(overdue actions standing out), filters, sorting, pages, CSV and XLSX exports (with cells
that a spreadsheet would read as formulas neutralised) and a fixed number of queries."""

import csv
import datetime
import io
import re

import openpyxl
from django.urls import reverse
from django.utils import timezone

from meetings.models import MeetingAction
from tests.base import RolesTestCase
from tests.factories import (
    make_action,
    make_agenda_item,
    make_meeting,
    make_meeting_action,
    make_minute,
    make_person,
    make_plan,
)

LOG = reverse("action-log")
COLUMNS = [
    "Meeting",
    "Minute",
    "Action",
    "Owner",
    "Due",
    "Status",
    "Completed on",
    "Note",
    "Plan action",
]


def descriptions(response) -> list[str]:
    return [row.record.description for row in response.context["table"].page.object_list]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def row_of(content: str, text: str) -> str:
    """The table row (<tr>...</tr>) that contains `text`."""
    rows = re.findall(r"<tr class=\"govuk-table__row\">.*?</tr>", content, flags=re.S)
    matching = [row for row in rows if text in row]
    assert len(matching) == 1, f"{len(matching)} rows contain {text!r}"
    return matching[0]


class LogFixture(RolesTestCase):
    """Two meetings. January: an overdue open action of Olivia's (minute 3), a done one
    of Oscar's promoted into the plan, an open one due in the future. March: one of
    Olivia's with no due date and no minute."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.today = timezone.localdate()
        cls.january = make_meeting(title="Panel meeting", date=datetime.date(2019, 1, 29))
        cls.march = make_meeting(title="Quarterly meeting", date=datetime.date(2019, 3, 26))
        item = make_agenda_item(cls.january, number=1, heading="Finance")
        cls.minute3 = make_minute(item, number=3)
        cls.minute4 = make_minute(item, number=4)
        cls.plan_action = make_action(
            plan=make_plan(short_name="IP19"), reference="IP19-07", title="Reset the budget"
        )
        cls.overdue = make_meeting_action(
            cls.minute3,
            cls.olivia.person,
            description="Share the guidance pack",
            due_date=datetime.date(2019, 2, 27),
            note="Draft circulated.",
        )
        cls.done = make_meeting_action(
            cls.minute4,
            cls.oscar.person,
            description="Report the overspend",
            due_date=datetime.date(2019, 2, 20),
            status=MeetingAction.Status.DONE,
            completed_on=datetime.date(2019, 2, 18),
            promoted_to=cls.plan_action,
        )
        cls.future = make_meeting_action(
            cls.minute4,
            cls.oscar.person,
            description="Plan the next stocktake",
            due_date=cls.today + datetime.timedelta(days=30),
        )
        cls.undated = MeetingAction.objects.create(
            meeting=cls.march,
            owner=cls.olivia.person,
            description="Write to the Secretary of State",
        )


class LogAccess(LogFixture):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(LOG)
        self.assertRedirects(
            response, "/sign-in/?next=/meetings/actions/", fetch_redirect_response=False
        )

    def test_anonymous_cannot_export(self):
        response = self.client.get(LOG + "?_export=csv")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/sign-in/"))

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(LOG).status_code, 405)

    def test_every_role_reads_every_action(self):
        for user in [*self.users_by_role.values(), self.oscar]:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(LOG)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(len(descriptions(response)), 4)
                self.assertContains(response, '<h1 class="govuk-heading-l">Action log</h1>')


class LogColumns(LogFixture):
    def get(self, query: str = ""):
        self.client.force_login(self.pat)
        return self.client.get(LOG + query)

    def test_latest_meeting_first_then_by_minute(self):
        self.assertEqual(
            descriptions(self.get()),
            [
                "Write to the Secretary of State",
                "Share the guidance pack",
                "Report the overspend",
                "Plan the next stocktake",
            ],
        )

    def test_headers_and_caption(self):
        response = self.get()
        headers = [str(column.header) for column in response.context["table"].columns]
        self.assertEqual(headers, COLUMNS)
        self.assertContains(response, '<a class="govuk-link app-sort-link" href="?sort=due_date">')
        self.assertContains(response, '<th scope="col" class="govuk-table__header">', count=1)
        self.assertContains(response, "Actions arising 1 to 4 of 4</caption>")
        self.assertContains(response, "4 actions arising</h2>")

    def test_a_row_links_to_its_meeting_its_page_and_its_plan_action(self):
        content = self.get().content.decode()
        row = row_of(content, "Report the overspend")
        self.assertIn(
            f'<a class="govuk-link" href="/meetings/{self.january.pk}/">29 January 2019'
            '<span class="govuk-visually-hidden">: Panel meeting</span></a>',
            row,
        )
        self.assertIn(
            '<th scope="row" class="govuk-table__header app-action-log__action">'
            '<a class="govuk-link" '
            f'href="/meetings/actions/{self.done.pk}/">Report the overspend</a></th>',
            row,
        )
        self.assertIn(
            f'<a class="govuk-link" href="/actions/{self.plan_action.pk}/">IP19-07'
            '<span class="govuk-visually-hidden">: Reset the budget</span></a>',
            row,
        )
        self.assertIn('<td class="govuk-table__cell govuk-table__cell--numeric">4</td>', row)
        self.assertIn(f'<td class="govuk-table__cell">{self.oscar.person.name}</td>', row)
        self.assertIn('<strong class="govuk-tag govuk-tag--green">Done</strong>', row)
        self.assertIn(">18 February 2019</td>", row)
        self.assertIn(">20 February 2019</td>", row)

    def test_an_overdue_action_stands_out_in_words_and_its_row_is_marked(self):
        content = self.get().content.decode()
        row = row_of(content, "Share the guidance pack")
        self.assertIn('<strong class="govuk-tag govuk-tag--red">Overdue</strong>', row)
        self.assertIn('<td class="govuk-table__cell app-nowrap app-row--overdue">', row)
        self.assertIn(">Draft circulated.</td>", row)
        for text in ("Report the overspend", "Plan the next stocktake"):
            with self.subTest(row=text):
                other = row_of(content, text)
                self.assertNotIn("app-row--overdue", other)
                self.assertNotIn("Overdue", other)
        self.assertIn(
            '<strong class="govuk-tag govuk-tag--blue">Open</strong>',
            row_of(content, "Plan the next stocktake"),
        )
        self.assertEqual(content.count("app-row--overdue"), 1)

    def test_an_action_with_no_date_or_minute_is_open_not_overdue(self):
        row = row_of(self.get().content.decode(), "Write to the Secretary of State")
        self.assertIn(">No due date</td>", row)
        self.assertIn('<strong class="govuk-tag govuk-tag--blue">Open</strong>', row)
        self.assertIn('<td class="govuk-table__cell govuk-table__cell--numeric"></td>', row)

    def test_a_long_description_is_shortened_on_the_page_only(self):
        long_text = " ".join(["word"] * 40)
        MeetingAction.objects.filter(pk=self.future.pk).update(description=long_text)
        content = self.get().content.decode()
        self.assertIn(" ".join(["word"] * 30) + "…</a>", content)
        rows = csv_rows(self.get("?_export=csv"))
        self.assertIn(long_text, [row[2] for row in rows])

    def test_text_is_escaped(self):
        MeetingAction.objects.filter(pk=self.future.pk).update(
            description="<script>alert(1)</script>", note="<b>bold</b>"
        )
        response = self.get()
        self.assertNotContains(response, "<script>alert(1)</script>")
        self.assertNotContains(response, "<b>bold</b>")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")


class LogFilters(LogFixture):
    def get(self, query: str):
        self.client.force_login(self.olivia)
        return self.client.get(LOG + query)

    def test_status_open_includes_the_overdue(self):
        self.assertEqual(
            descriptions(self.get("?status=open")),
            [
                "Write to the Secretary of State",
                "Share the guidance pack",
                "Plan the next stocktake",
            ],
        )

    def test_status_overdue(self):
        response = self.get("?status=overdue")
        self.assertEqual(descriptions(response), ["Share the guidance pack"])
        self.assertContains(response, "1 action arising matches the filters")

    def test_status_done(self):
        self.assertEqual(descriptions(self.get("?status=done")), ["Report the overspend"])

    def test_owner(self):
        query = f"?owner={self.oscar.person.pk}"
        self.assertEqual(
            descriptions(self.get(query)), ["Report the overspend", "Plan the next stocktake"]
        )

    def test_meeting(self):
        self.assertEqual(
            descriptions(self.get(f"?meeting={self.march.pk}")),
            ["Write to the Secretary of State"],
        )

    def test_filters_combine(self):
        query = f"?meeting={self.january.pk}&owner={self.oscar.person.pk}&status=open"
        self.assertEqual(descriptions(self.get(query)), ["Plan the next stocktake"])

    def test_choices_are_the_owners_and_meetings_with_actions(self):
        make_person(name="Nobody Owns Anything")
        make_meeting(title="Meeting with no actions", date=datetime.date(2019, 5, 1))
        response = self.get("")
        form = response.context["form"]
        self.assertEqual(
            [person.name for person in form.fields["owner"].queryset],
            sorted([self.olivia.person.name, self.oscar.person.name]),
        )
        self.assertEqual(list(form.fields["meeting"].queryset), [self.march, self.january])
        self.assertContains(response, f'<option value="{self.january.pk}">29 January 2019: Panel')
        self.assertContains(response, '<option value="overdue">Overdue</option>')
        self.assertNotContains(response, "Nobody Owns Anything")

    def test_a_choice_not_in_the_list_is_refused_beside_the_field(self):
        response = self.get("?status=late&owner=999999")
        self.assertContains(response, '<a href="#id_status">Choose a status from the list</a>')
        self.assertContains(response, '<a href="#id_owner">Choose an owner from the list</a>')
        self.assertContains(response, '<p id="id_status-error" class="govuk-error-message">')
        self.assertContains(response, "<title>Error: Action log")
        self.assertEqual(len(descriptions(response)), 4)

    def test_export_keeps_the_filters(self):
        response = self.get("?status=overdue&page=1")
        self.assertContains(response, 'href="/meetings/actions/?status=overdue&amp;_export=csv"')
        self.assertContains(response, 'href="/meetings/actions/?status=overdue&amp;_export=xlsx"')
        self.assertContains(response, "Download this action as CSV")
        rows = csv_rows(self.get("?status=overdue&_export=csv"))
        self.assertEqual([row[2] for row in rows[1:]], ["Share the guidance pack"])


class LogSorts(LogFixture):
    def get(self, query: str):
        self.client.force_login(self.pat)
        return self.client.get(LOG + query)

    def test_by_due_date_empty_last(self):
        self.assertEqual(
            descriptions(self.get("?sort=due_date")),
            [
                "Report the overspend",
                "Share the guidance pack",
                "Plan the next stocktake",
                "Write to the Secretary of State",
            ],
        )

    def test_by_status_overdue_first(self):
        self.assertEqual(
            descriptions(self.get("?sort=status")),
            [
                "Share the guidance pack",
                "Plan the next stocktake",
                "Write to the Secretary of State",
                "Report the overspend",
            ],
        )

    def test_by_owner_and_by_plan_action(self):
        by_owner = descriptions(self.get("?sort=-owner"))
        names = [MeetingAction.objects.get(description=d).owner.name for d in by_owner]
        self.assertEqual(names, sorted(names, reverse=True))
        self.assertEqual(descriptions(self.get("?sort=promoted_to"))[0], "Report the overspend")

    def test_sorted_header_says_so(self):
        self.assertContains(self.get("?sort=-meeting"), 'aria-sort="descending"')

    def test_unknown_sort_is_ignored(self):
        response = self.get("?sort=password")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(descriptions(response)), 4)


class LogPaginates(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        minute = make_minute(make_agenda_item(make_meeting()), number=1)
        MeetingAction.objects.bulk_create(
            MeetingAction(
                meeting=minute.meeting,
                minute=minute,
                owner=cls.olivia.person,
                description=f"Action {n:02d}",
            )
            for n in range(1, 31)
        )

    def test_25_a_page(self):
        self.client.force_login(self.pat)
        response = self.client.get(LOG)
        self.assertEqual(len(descriptions(response)), 25)
        self.assertContains(response, "Actions arising 1 to 25 of 30")
        self.assertContains(response, 'href="?page=2" rel="next"')
        response = self.client.get(LOG + "?page=2")
        self.assertEqual(descriptions(response), [f"Action {n}" for n in range(26, 31)])
        self.assertEqual(len(descriptions(self.client.get(LOG + "?page=99"))), 5)
        self.assertEqual(len(descriptions(self.client.get(LOG + "?page=x"))), 25)


class LogExports(LogFixture):
    def get(self, query: str):
        self.client.force_login(self.olivia)
        return self.client.get(LOG + query)

    def test_csv_has_the_columns_in_words(self):
        response = self.get("?_export=csv")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(
            response["Content-Disposition"],
            f'attachment; filename="action-log-{self.today:%Y-%m-%d}.csv"',
        )
        rows = csv_rows(response)
        self.assertEqual(rows[0], COLUMNS)
        self.assertEqual(
            rows[1:3],
            [
                [
                    "2019-03-26",
                    "",
                    "Write to the Secretary of State",
                    self.olivia.person.name,
                    "",
                    "Open",
                    "",
                    "",
                    "",
                ],
                [
                    "2019-01-29",
                    "3",
                    "Share the guidance pack",
                    self.olivia.person.name,
                    "2019-02-27",
                    "Overdue",
                    "",
                    "Draft circulated.",
                    "",
                ],
            ],
        )
        self.assertEqual(
            rows[3],
            [
                "2019-01-29",
                "4",
                "Report the overspend",
                self.oscar.person.name,
                "2019-02-20",
                "Done",
                "2019-02-18",
                "",
                "IP19-07",
            ],
        )

    def test_xlsx_has_the_same_columns_and_rows(self):
        response = self.get("?status=done&_export=xlsx")
        self.assertEqual(
            response["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.assertRegex(
            response["Content-Disposition"], r'filename="action-log-\d{4}-\d{2}-\d{2}\.xlsx"'
        )
        rows = xlsx_rows(response)
        self.assertEqual(rows[0], COLUMNS)
        self.assertEqual(
            rows[1:],
            [
                [
                    "2019-01-29",
                    4,
                    "Report the overspend",
                    self.oscar.person.name,
                    "2019-02-20",
                    "Done",
                    "2019-02-18",
                    None,
                    "IP19-07",
                ]
            ],
        )

    def test_the_export_follows_the_sort(self):
        rows = csv_rows(self.get("?sort=due_date&_export=csv"))
        self.assertEqual(rows[1][2], "Report the overspend")

    def test_unknown_export_format_shows_the_page(self):
        response = self.get("?_export=pdf")
        self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")


class LogExportsNeutraliseFormulas(RolesTestCase):
    """Text a user typed that a spreadsheet would run as a formula is exported with a single
    quote before it, in CSV and in XLSX."""

    DANGEROUS = {
        "description": '=HYPERLINK("http://evil.example","Click")',
        "note": "+SUM(1,2)",
        "owner": "@SUM(A1)",
    }

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        minute = make_minute(make_agenda_item(make_meeting()), number=1)
        owner = make_person(name=cls.DANGEROUS["owner"])
        make_meeting_action(
            minute,
            owner,
            description=cls.DANGEROUS["description"],
            note=cls.DANGEROUS["note"],
        )
        make_meeting_action(minute, cls.olivia.person, description="-1 plus one", note="a=b")

    def exported(self, export_format: str) -> list[list]:
        self.client.force_login(self.pat)
        response = self.client.get(LOG + f"?sort=description&_export={export_format}")
        return csv_rows(response) if export_format == "csv" else xlsx_rows(response)

    def test_csv_and_xlsx(self):
        for export_format in ("csv", "xlsx"):
            with self.subTest(export_format=export_format):
                rows = self.exported(export_format)
                self.assertEqual(rows[1][2], "'-1 plus one")
                self.assertEqual(rows[1][7], "a=b")
                self.assertEqual(
                    [rows[2][2], rows[2][3], rows[2][7]],
                    ["'" + self.DANGEROUS[key] for key in ("description", "owner", "note")],
                )

    def test_xlsx_cells_are_text_not_formulas(self):
        self.client.force_login(self.pat)
        response = self.client.get(LOG + "?_export=xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        types = {cell.data_type for row in sheet.iter_rows() for cell in row}
        self.assertNotIn("f", types)

    def test_the_page_shows_the_text_as_typed(self):
        self.client.force_login(self.pat)
        response = self.client.get(LOG)
        self.assertContains(response, "+SUM(1,2)")
        self.assertNotContains(response, "&#x27;+SUM")


class LogQueryCountIsFixed(RolesTestCase):
    """The page and each export take as many queries for 40 actions as for 4."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan()
        cls.meetings = [make_meeting(date=datetime.date(2019, month, 20)) for month in range(1, 5)]
        cls.minutes = [make_minute(make_agenda_item(m), number=1) for m in cls.meetings]

    def add_actions(self, number: int) -> None:
        for n in range(number):
            minute = self.minutes[n % 4]
            plan_action = make_action(plan=self.plan) if n % 3 == 0 else None
            make_meeting_action(
                minute,
                make_person(),
                description=f"Action {MeetingAction.objects.count()}",
                status="done" if n % 2 else "open",
                completed_on=datetime.date(2019, 3, 1) if n % 2 else None,
                promoted_to=plan_action,
            )

    def test_page_and_exports(self):
        self.client.force_login(self.pat)
        # The page: session, user, the user's groups (for the navigation), the count, the
        # page's rows (with their meeting, minute, owner and plan action), and the choices
        # of the owner and meeting lists: 7.
        # An export: session, user, groups, every row (with the same): 4.
        expected = {"?sort=-status": 7, "?status=open&_export=csv": 4, "?_export=xlsx": 4}
        for number in (4, 36):
            self.add_actions(number)
            for query, queries in expected.items():
                with self.subTest(actions=MeetingAction.objects.count(), query=query):
                    with self.assertNumQueries(queries):
                        response = self.client.get(LOG + query)
                    self.assertEqual(response.status_code, 200)
        self.assertEqual(MeetingAction.objects.count(), 40)
        self.assertEqual(len(xlsx_rows(response)), 41)
        page = self.client.get(LOG)
        self.assertEqual(len(descriptions(page)), 25)
