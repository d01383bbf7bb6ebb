"""The action list: who may see it, every filter of the URL contract, sorting, pagination,
the CSV and XLSX exports of the filtered rows, fixed query counts, and the list as at a
past date rebuilt from the history."""

import csv
import datetime
import io
import re

import openpyxl
from django.urls import reverse
from django.utils import timezone

from biip.models import RAG, PublicationStatus
from plans.models import (
    Action,
    AssuranceStatus,
    Cycle,
    Recommendation,
    Source,
)
from plans.services import action_version
from tests.base import RolesTestCase
from tests.factories import make_action, make_person, make_plan, make_theme, make_update

LIST = reverse("actions")
COLUMNS = [
    "Reference",
    "Title",
    "Plan",
    "Theme",
    "Directorate",
    "Lead officer",
    "RAG",
    "Assured status",
    "Original due date",
    "Revised due date",
    "Slippage (days)",
    "Last update",
]


def aware(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def references(response) -> list[str]:
    """The references in the table's rows, in order."""
    return [row.record.reference for row in response.context["table"].page.object_list]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def make_recommendation(reference: str) -> Recommendation:
    source, _ = Source.objects.get_or_create(name="Kerslake review", kind=Source.Kind.REVIEW)
    return Recommendation.objects.create(source=source, reference=reference, text="Do better.")


def make_action_at(when: datetime.datetime, **fields) -> Action:
    """An action whose creation the history dates at `when`."""
    action = make_action(**{"start_date": None, **fields})
    action.history.update(history_date=when)
    return action


def change_at(action: Action, when: datetime.datetime, **fields) -> None:
    """Save changes to the action, dated `when` in its history."""
    for name, value in fields.items():
        setattr(action, name, value)
    action._history_date = when
    action.save()


class ListNeedsSignIn(RolesTestCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(LIST + "?rag=red")
        self.assertRedirects(
            response, "/sign-in/?next=/actions/%3Frag%3Dred", fetch_redirect_response=False
        )

    def test_anonymous_cannot_export(self):
        response = self.client.get(LIST + "?_export=csv")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/sign-in/"))

    def test_post_is_not_allowed(self):
        make_action(reference="A-POST")
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(LIST, {"reference": "CHANGED"}).status_code, 405)
        self.assertEqual(list(Action.objects.values_list("reference", flat=True)), ["A-POST"])

    def test_every_role_may_read(self):
        make_action(reference="A-READ")
        for role, user in self.users_by_role.items():
            with self.subTest(role=role):
                self.client.force_login(user)
                response = self.client.get(LIST)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(references(response), ["A-READ"])


class ListShowsTheColumns(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(short_name="IP19", title="Improvement Plan 2019-20")
        cls.theme = make_theme(name="Financial resilience")
        cls.lead = make_person(name="Clive Heaphy", organisation=cls.council)
        cls.action = make_action(
            plan=cls.plan,
            theme=cls.theme,
            reference="IP19-03",
            title="Agree an industrial relations framework",
            directorate=cls.finance,
            lead_officer=cls.lead,
            rag=RAG.RED,
            assurance=AssuranceStatus.CHALLENGED,
            assured_rag=RAG.AMBER,
            original_due_date=datetime.date(2019, 9, 30),
            revised_due_date=datetime.date(2020, 3, 31),
            revision_reason="Unions asked for more time.",
        )
        Action.objects.filter(pk=cls.action.pk).update(last_update_at=aware(2019, 10, 21, 9, 30))

    def test_each_column_and_its_value(self):
        self.client.force_login(self.pat)
        response = self.client.get(LIST)
        content = response.content.decode()
        headers = re.findall(r'<th scope="col"[^>]*>\s*(?:<a [^>]*>)?([^<]+)<', content)
        self.assertEqual([header.strip() for header in headers], COLUMNS)
        self.assertContains(
            response,
            f'<a class="govuk-link" href="/actions/{self.action.pk}/">IP19-03</a>',
            html=True,
        )
        self.assertContains(response, '<th scope="row" class="govuk-table__header">')
        self.assertContains(response, "Agree an industrial relations framework")
        self.assertContains(response, "Financial resilience")
        self.assertContains(response, "Finance and Governance")
        self.assertContains(response, "Clive Heaphy")
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--red app-rag-tag">Red</strong>'
        )
        self.assertContains(response, "Challenged")
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--yellow app-rag-tag">Amber</strong>'
        )
        self.assertContains(response, "30 September 2019")
        self.assertContains(response, "31 March 2020")
        self.assertContains(response, "21 October 2019")
        self.assertContains(
            response, '<td class="govuk-table__cell govuk-table__cell--numeric">183</td>'
        )
        self.assertContains(response, '<h2 class="govuk-heading-m" id="results-count"')
        self.assertContains(response, "1 action</h2>")

    def test_page_is_a_labelled_get_form(self):
        self.client.force_login(self.pat)
        response = self.client.get(LIST)
        self.assertContains(response, '<form method="get" action="/actions/"')
        for name in ("q", "as_at", "plan", "theme", "directorate", "lead_officer"):
            self.assertContains(response, f'<label class="govuk-label" for="id_{name}">')
        for name in ("recommendation", "assurance", "publication_status"):
            self.assertContains(response, f'<label class="govuk-label" for="id_{name}">')
        for name in ("open", "overdue", "slipped", "stale", "needs_update", "updated", "mine"):
            self.assertContains(response, f'name="{name}" type="checkbox" value="1"')
            self.assertContains(response, f'for="id_{name}"')
        self.assertContains(response, 'id="id_rag_0" name="rag" type="checkbox" value="blue"')
        self.assertContains(response, ">Apply filters</button>")
        self.assertContains(response, 'href="/actions/" id="clear-filters">Clear filters</a>')
        self.assertNotContains(response, " style=")
        self.assertNotContains(response, "<script>")


class ListFilters(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        cls.plan = make_plan(short_name="IP19")
        cls.other_plan = make_plan(short_name="CGIP")
        cls.theme = make_theme()
        cls.recommendation = make_recommendation("EA-3")
        cls.olivia_person = cls.olivia.person
        future = today + datetime.timedelta(days=365)
        common = {"plan": cls.plan, "directorate": cls.place, "original_due_date": future}
        cls.red = make_action(reference="RED", rag=RAG.RED, **common)
        cls.amber = make_action(
            reference="AMBER",
            rag=RAG.AMBER,
            theme=cls.theme,
            assurance=AssuranceStatus.ASSURED,
            assured_rag=RAG.AMBER,
            **common,
        )
        cls.green = make_action(
            reference="GREEN",
            title="Publish the budget consultation",
            rag=RAG.GREEN,
            **{**common, "directorate": cls.finance},
            lead_officer=cls.olivia_person,
        )
        cls.overdue = make_action(
            reference="LATE",
            plan=cls.other_plan,
            directorate=cls.place,
            original_due_date=today - datetime.timedelta(days=1),
            description="Waste collection contract re-let",
            publication_status=PublicationStatus.CONFIDENTIAL,
        )
        cls.done = make_action(
            reference="DONE",
            rag=RAG.BLUE,
            completed_on=today - datetime.timedelta(days=30),
            original_due_date=today - datetime.timedelta(days=40),
            **{k: v for k, v in common.items() if k != "original_due_date"},
        )
        cls.slipped = make_action(
            reference="SLIPPED",
            revised_due_date=future + datetime.timedelta(days=60),
            revision_reason="Waiting for the trade unions.",
            **common,
        )
        cls.amber.recommendations.add(cls.recommendation)
        recent = timezone.now() - datetime.timedelta(days=10)
        Action.objects.exclude(pk=cls.red.pk).update(last_update_at=recent)
        cls.cycle = Cycle.objects.create(
            period=datetime.date(2019, 11, 1),
            opens_on=datetime.date(2019, 11, 11),
            deadline=datetime.date(2019, 11, 22),
        )
        make_update(cls.green, cls.olivia, period=datetime.date(2019, 11, 1))

    def found(self, query: str, user=None) -> set[str]:
        self.client.force_login(user or self.pat)
        response = self.client.get(LIST + query)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["form"].errors, response.context["form"].errors)
        return set(references(response))

    def test_no_filter_shows_everything(self):
        self.assertEqual(self.found(""), {"RED", "AMBER", "GREEN", "LATE", "DONE", "SLIPPED"})

    def test_plan(self):
        self.assertEqual(self.found(f"?plan={self.other_plan.pk}"), {"LATE"})

    def test_theme(self):
        self.assertEqual(self.found(f"?theme={self.theme.pk}"), {"AMBER"})

    def test_directorate(self):
        self.assertEqual(self.found(f"?directorate={self.finance.pk}"), {"GREEN"})

    def test_lead_officer(self):
        self.assertEqual(self.found(f"?lead_officer={self.olivia_person.pk}"), {"GREEN"})

    def test_rag_is_repeatable(self):
        self.assertEqual(self.found("?rag=red&rag=amber"), {"RED", "AMBER"})
        self.assertEqual(self.found("?rag=blue"), {"DONE"})

    def test_assured_status(self):
        self.assertEqual(self.found("?assurance=assured"), {"AMBER"})

    def test_overdue_leaves_out_complete_actions(self):
        self.assertEqual(self.found("?overdue=1"), {"LATE"})

    def test_slipped(self):
        self.assertEqual(self.found("?slipped=1"), {"SLIPPED"})

    def test_stale_is_open_and_not_updated_for_35_days(self):
        self.assertEqual(self.found("?stale=1"), {"RED"})

    def test_needs_update_uses_the_open_cycle(self):
        self.assertEqual(self.found("?needs_update=1"), {"RED", "AMBER", "LATE", "SLIPPED"})

    def test_open_and_updated_split_the_open_actions_with_needs_update(self):
        """The cycle page's figures: open = updated + needing an update, each listed."""
        opened = self.found("?open=1")
        self.assertNotIn("DONE", opened)
        updated = self.found("?updated=1")
        self.assertEqual(updated, opened - self.found("?needs_update=1"))
        self.assertTrue(updated)

    def test_recommendation(self):
        self.assertEqual(self.found(f"?recommendation={self.recommendation.pk}"), {"AMBER"})

    def test_publication_status(self):
        self.assertEqual(self.found("?publication_status=confidential"), {"LATE"})

    def test_free_text_searches_reference_title_description_and_lead(self):
        self.assertEqual(self.found("?q=slipp"), {"SLIPPED"})
        self.assertEqual(self.found("?q=budget+consultation"), {"GREEN"})
        self.assertEqual(self.found("?q=waste"), {"LATE"})
        self.assertEqual(self.found("?q=Olivia"), {"GREEN"})

    def test_mine_is_the_signed_in_officers_actions(self):
        self.assertEqual(self.found("?mine=1", user=self.olivia), {"GREEN"})
        self.assertEqual(self.found("?mine=1", user=self.pat), set())

    def test_filters_combine(self):
        self.assertEqual(self.found(f"?plan={self.plan.pk}&rag=red&rag=green&q=publish"), {"GREEN"})

    def test_count_says_how_many_match(self):
        self.client.force_login(self.pat)
        response = self.client.get(LIST + "?rag=red&rag=amber")
        self.assertContains(response, "2 actions match the filters</h2>")
        response = self.client.get(LIST + "?rag=red")
        self.assertContains(response, "1 action matches the filters</h2>")

    def test_form_shows_the_chosen_filters(self):
        self.client.force_login(self.pat)
        response = self.client.get(LIST + f"?rag=amber&overdue=1&q=late&plan={self.plan.pk}")
        self.assertContains(response, 'name="rag" type="checkbox" value="amber" checked')
        self.assertContains(response, 'name="overdue" type="checkbox" value="1" checked')
        self.assertContains(response, 'value="late"')
        self.assertContains(response, f'<option value="{self.plan.pk}" selected>')

    def test_bad_filter_values_are_explained_beside_the_field(self):
        self.client.force_login(self.pat)
        response = self.client.get(LIST + "?plan=999999&rag=purple&q=red")
        self.assertContains(response, '<div class="govuk-error-summary"')
        self.assertContains(response, '<a href="#id_plan">Choose a plan from the list</a>')
        self.assertContains(response, '<a href="#id_rag_0">Choose RAG ratings from the list</a>')
        self.assertContains(response, '<p id="id_plan-error" class="govuk-error-message">')
        self.assertContains(response, "<title>Error: Actions – Improvement Tracker</title>")
        # The valid filter still applies and what was typed is kept.
        self.assertEqual(set(references(response)), {"RED"})
        self.assertContains(response, 'value="red"')


class ListSorts(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        plan = make_plan()
        due = datetime.date(2020, 3, 31)
        make_action(plan=plan, reference="B", rag=RAG.GREEN, original_due_date=due)
        make_action(
            plan=plan,
            reference="C",
            rag=RAG.RED,
            original_due_date=due,
            revised_due_date=datetime.date(2020, 9, 30),
            revision_reason="Later.",
        )
        make_action(
            plan=plan,
            reference="A",
            rag=RAG.AMBER,
            original_due_date=due,
            revised_due_date=datetime.date(2020, 4, 30),
            revision_reason="Later.",
        )
        make_action(plan=plan, reference="D", rag=RAG.NOT_RATED, original_due_date=due)

    def sorted_by(self, sort: str) -> list[str]:
        self.client.force_login(self.pat)
        return references(self.client.get(LIST + f"?sort={sort}"))

    def test_reference_both_ways(self):
        self.assertEqual(self.sorted_by("reference"), ["A", "B", "C", "D"])
        self.assertEqual(self.sorted_by("-reference"), ["D", "C", "B", "A"])

    def test_rag_sorts_worst_first(self):
        self.assertEqual(self.sorted_by("rag"), ["C", "A", "B", "D"])
        self.assertEqual(self.sorted_by("-rag"), ["D", "B", "A", "C"])

    def test_slippage_in_days(self):
        self.assertEqual(self.sorted_by("-slippage"), ["C", "A", "B", "D"])

    def test_empty_revised_dates_go_last_either_way(self):
        self.assertEqual(self.sorted_by("revised_due_date"), ["A", "C", "B", "D"])
        self.assertEqual(self.sorted_by("-revised_due_date"), ["C", "A", "B", "D"])

    def test_headers_link_to_sort_and_say_how_they_are_sorted(self):
        self.client.force_login(self.pat)
        response = self.client.get(LIST + "?sort=rag&page=2&q=")
        self.assertContains(response, 'aria-sort="ascending"')
        self.assertContains(response, 'href="?sort=-rag&amp;q="')
        self.assertContains(response, 'href="?sort=reference&amp;q="')

    def test_unknown_sort_is_ignored(self):
        self.client.force_login(self.pat)
        response = self.client.get(LIST + "?sort=password")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(references(response)), 4)


class ListPaginates(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        plan = make_plan()
        person = make_person()
        Action.objects.bulk_create(
            Action(
                plan=plan,
                directorate=cls.place,
                lead_officer=person,
                reference=f"P-{n:02d}",
                title=f"Action {n}",
                original_due_date=datetime.date(2020, 3, 31),
            )
            for n in range(1, 31)
        )

    def test_25_a_page_with_govuk_pagination(self):
        self.client.force_login(self.pat)
        response = self.client.get(LIST + "?rag=not_rated")
        self.assertEqual(len(references(response)), 25)
        self.assertContains(response, "30 actions match the filters")
        self.assertContains(response, '<nav class="govuk-pagination"')
        self.assertContains(response, 'href="?rag=not_rated&amp;page=2" rel="next"')
        self.assertContains(response, 'aria-label="Page 1" aria-current="page"')
        self.assertContains(response, "Actions 1 to 25 of 30")
        response = self.client.get(LIST + "?rag=not_rated&page=2")
        self.assertEqual(references(response), [f"P-{n}" for n in range(26, 31)])
        self.assertContains(response, 'rel="prev"')

    def test_page_out_of_range_shows_the_last(self):
        self.client.force_login(self.pat)
        self.assertEqual(len(references(self.client.get(LIST + "?page=99"))), 5)
        self.assertEqual(len(references(self.client.get(LIST + "?page=x"))), 25)


class ListExports(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        plan = make_plan(short_name="IP19")
        cls.red = make_action(
            plan=plan,
            reference="IP19-02",
            title="Review casework",
            directorate=cls.finance,
            lead_officer=make_person(name="Jonathan Tew"),
            rag=RAG.RED,
            assurance=AssuranceStatus.NOT_ASSURED,
            assured_rag=RAG.RED,
            original_due_date=datetime.date(2019, 9, 30),
            revised_due_date=datetime.date(2019, 12, 31),
            revision_reason="Later.",
        )
        Action.objects.filter(pk=cls.red.pk).update(last_update_at=aware(2019, 10, 18, 11, 25))
        make_action(plan=plan, reference="IP19-05", rag=RAG.GREEN)

    def test_csv_has_the_filtered_rows_in_plain_words(self):
        self.client.force_login(self.olivia)
        response = self.client.get(LIST + "?rag=red&_export=csv")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        today = timezone.localdate()
        self.assertEqual(
            response["Content-Disposition"], f'attachment; filename="actions-{today:%Y-%m-%d}.csv"'
        )
        rows = csv_rows(response)
        # The exports end with the version each row was exported from (for the import).
        self.assertEqual(rows[0], [*COLUMNS, "Version"])
        self.assertEqual(
            rows[1:],
            [
                [
                    "IP19-02",
                    "Review casework",
                    "IP19",
                    "",
                    "Finance and Governance",
                    "Jonathan Tew",
                    "Red",
                    "Not assured: Red",
                    "2019-09-30",
                    "2019-12-31",
                    "92",
                    "2019-10-18",
                    str(action_version(self.red)),
                ]
            ],
        )

    def test_xlsx_has_the_same_columns_and_rows(self):
        self.client.force_login(self.pat)
        response = self.client.get(LIST + "?sort=-reference&_export=xlsx")
        self.assertEqual(
            response["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.assertRegex(
            response["Content-Disposition"], r'filename="actions-\d{4}-\d{2}-\d{2}\.xlsx"'
        )
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        self.assertEqual(rows[0], [*COLUMNS, "Version"])
        self.assertEqual([row[0] for row in rows[1:]], ["IP19-05", "IP19-02"])
        self.assertEqual(rows[2][6:11], ["Red", "Not assured: Red", "2019-09-30", "2019-12-31", 92])

    def test_export_links_keep_the_filters(self):
        self.client.force_login(self.pat)
        response = self.client.get(LIST + "?rag=red&q=case&page=1")
        self.assertContains(response, 'href="/actions/?rag=red&amp;q=case&amp;_export=csv"')
        self.assertContains(response, 'href="/actions/?rag=red&amp;q=case&amp;_export=xlsx"')
        self.assertContains(response, "Download this action as CSV")

    def test_unknown_export_format_shows_the_page(self):
        self.client.force_login(self.pat)
        response = self.client.get(LIST + "?_export=pdf")
        self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")


class ListQueryCountIsFixed(RolesTestCase):
    """The page and each export take as many queries for 300 actions as for 10."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan()
        cls.theme = make_theme()
        cls.person = make_person()

    def add_actions(self, number: int) -> None:
        start = Action.objects.count()
        Action.objects.bulk_create(
            Action(
                plan=self.plan,
                theme=self.theme,
                directorate=self.finance,
                lead_officer=self.person,
                reference=f"Q-{n:03d}",
                title=f"Action {n}",
                original_due_date=datetime.date(2020, 3, 31),
                rag=RAG.AMBER,
            )
            for n in range(start, start + number)
        )

    def test_page_and_exports(self):
        self.client.force_login(self.pat)
        # The page: session, user, the user's groups (loaded once per request), the count,
        # the page's rows (with their plan, theme, directorate and lead officer), and the
        # choices of the five lists in the form.
        # An export: session, user, groups, every row; needs_update adds the open cycle.
        expected = {
            "?sort=-rag": 10,
            "?rag=amber&needs_update=1&_export=csv": 5,
            "?_export=xlsx": 4,
        }
        for number in (10, 290):
            self.add_actions(number)
            for query, queries in expected.items():
                with self.subTest(actions=Action.objects.count(), query=query):
                    with self.assertNumQueries(queries):
                        response = self.client.get(LIST + query)
                    self.assertEqual(response.status_code, 200)
        self.assertEqual(Action.objects.count(), 300)
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        self.assertEqual(sheet.max_row, 301)


class ListAsAtAPastDate(RolesTestCase):
    """An action amber from 1 January 2019 and red from 1 February; another created in
    March."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan()
        cls.recommendation = make_recommendation("K-07")
        cls.action = make_action_at(
            aware(2019, 1, 1, 10),
            plan=cls.plan,
            reference="IP-1",
            rag=RAG.AMBER,
            original_due_date=datetime.date(2019, 1, 20),
        )
        cls.action._history_date = aware(2019, 1, 2, 10)
        cls.action.recommendations.add(cls.recommendation)
        change_at(
            cls.action,
            aware(2019, 2, 1, 10),
            rag=RAG.RED,
            revised_due_date=datetime.date(2019, 6, 30),
            revision_reason="Unions asked for more time.",
        )
        cls.action.recommendations.clear()
        cls.later = make_action_at(aware(2019, 3, 1, 10), plan=cls.plan, reference="IP-2")

    def get(self, query: str):
        self.client.force_login(self.pat)
        return self.client.get(LIST + query)

    def test_shows_the_rows_as_they_stood(self):
        response = self.get("?as_at=2019-01-15")
        rows = [row.record for row in response.context["table"].page.object_list]
        self.assertEqual([(row.reference, row.rag) for row in rows], [("IP-1", RAG.AMBER)])
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--yellow app-rag-tag">Amber</strong>'
        )
        self.assertContains(response, f'href="/actions/{self.action.pk}/">IP-1</a>')

    def test_filters_work_on_the_past_rows(self):
        self.assertEqual(references(self.get("?as_at=2019-01-15&rag=amber")), ["IP-1"])
        self.assertEqual(references(self.get("?as_at=2019-01-15&rag=red")), [])
        self.assertEqual(references(self.get("?as_at=2019-02-15&rag=red")), ["IP-1"])
        self.assertEqual(references(self.get("?rag=red")), ["IP-1"])
        self.assertEqual(references(self.get("?rag=amber")), [])

    def test_overdue_and_slipped_are_worked_out_for_that_day(self):
        self.assertEqual(references(self.get("?as_at=2019-01-15&overdue=1")), [])
        self.assertEqual(references(self.get("?as_at=2019-01-25&overdue=1")), ["IP-1"])
        self.assertEqual(references(self.get("?as_at=2019-02-15&overdue=1")), [])
        self.assertEqual(references(self.get("?as_at=2019-02-15&slipped=1")), ["IP-1"])

    def test_needs_update_counts_the_updates_written_by_then(self):
        update = make_update(
            self.action, self.olivia, period=datetime.date(2019, 1, 1), rag=RAG.AMBER
        )
        update.history.update(history_date=aware(2019, 1, 10, 9))
        # No cycle then: the calendar month's update is the one due.
        self.assertEqual(references(self.get("?as_at=2019-01-09&needs_update=1")), ["IP-1"])
        self.assertEqual(references(self.get("?as_at=2019-01-15&needs_update=1")), [])
        self.assertEqual(references(self.get("?as_at=2019-02-15&needs_update=1")), ["IP-1"])

    def test_needs_update_uses_the_cycle_open_then(self):
        update = make_update(
            self.action, self.olivia, period=datetime.date(2019, 2, 1), rag=RAG.RED
        )
        update.history.update(history_date=aware(2019, 2, 5, 9))
        cycle = Cycle.objects.create(
            period=datetime.date(2019, 1, 1),
            opens_on=datetime.date(2019, 1, 11),
            deadline=datetime.date(2019, 1, 22),
        )
        cycle.history.update(history_date=aware(2019, 1, 1, 9))
        cycle._history_date = aware(2019, 2, 20, 9)
        cycle.closed_at = aware(2019, 2, 20, 9)
        cycle.save()
        # Until the January cycle closed, January's update was the one due.
        self.assertEqual(references(self.get("?as_at=2019-02-15&needs_update=1")), ["IP-1"])
        self.assertEqual(references(self.get("?as_at=2019-02-25&needs_update=1")), [])

    def test_recommendation_links_are_those_of_the_day(self):
        query = f"&recommendation={self.recommendation.pk}"
        self.assertEqual(references(self.get("?as_at=2019-01-15" + query)), ["IP-1"])
        self.assertEqual(references(self.get("?as_at=2019-02-15" + query)), [])

    def test_actions_created_later_are_left_out(self):
        self.assertEqual(references(self.get("?as_at=2018-12-31")), [])
        self.assertEqual(references(self.get("?as_at=2019-02-28")), ["IP-1"])
        self.assertEqual(references(self.get("?as_at=2019-03-01")), ["IP-1", "IP-2"])

    def test_the_end_of_the_day_counts(self):
        change_at(self.later, aware(2019, 3, 5, 23, 59), rag=RAG.RED)
        self.assertEqual(references(self.get("?as_at=2019-03-05&rag=red")), ["IP-1", "IP-2"])
        self.assertEqual(references(self.get("?as_at=2019-03-04&rag=red")), ["IP-1"])

    def test_banner_says_so_and_links_to_the_live_view(self):
        response = self.get("?as_at=2019-01-31&rag=amber")
        self.assertContains(
            response, "Showing the actions as they stood at the end of 31 January 2019"
        )
        self.assertContains(response, 'role="region" aria-labelledby="as-at-title"')
        self.assertContains(
            response,
            '<a class="govuk-notification-banner__link" href="/actions/?rag=amber" '
            'id="live-link">Show the actions as they are now</a>',
            html=True,
        )
        self.assertContains(response, "linked recommendations are as they were then")
        self.assertContains(response, "<title>Actions as at 31 January 2019 – Improvement Tracker")

    def test_export_of_a_past_view_is_named_for_its_day(self):
        response = self.get("?as_at=2019-01-15&_export=csv")
        self.assertEqual(
            response["Content-Disposition"], 'attachment; filename="actions-as-at-2019-01-15.csv"'
        )
        rows = csv_rows(response)
        self.assertEqual([row[0] for row in rows[1:]], ["IP-1"])
        self.assertEqual(rows[1][6], "Amber")
        then = Action.history.filter(reference="IP-1", history_date__lt=aware(2019, 1, 16))
        self.assertEqual(rows[1][-1], str(then.latest("history_date").history_id))
        self.assertNotEqual(rows[1][-1], str(action_version(Action.objects.get(reference="IP-1"))))

    def test_a_date_in_the_future_is_refused_and_the_live_list_shown(self):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        response = self.get(f"?as_at={tomorrow:%Y-%m-%d}")
        self.assertContains(
            response,
            '<a href="#id_as_at">The date to show the actions as at must be today or in the '
            "past</a>",
        )
        self.assertContains(response, '<p id="id_as_at-error" class="govuk-error-message">')
        self.assertContains(response, f'value="{tomorrow:%Y-%m-%d}"')
        self.assertNotContains(response, 'id="as-at-banner"')
        self.assertEqual(references(response), ["IP-1", "IP-2"])
        self.assertEqual(response.context["table"].page.object_list[0].record.rag, RAG.RED)

    def test_not_a_date_is_refused(self):
        response = self.get("?as_at=31-31-2019")
        self.assertContains(response, "Enter a real date, for example 2019-01-31")
        self.assertContains(response, 'value="31-31-2019"')
        self.assertEqual(references(response), ["IP-1", "IP-2"])

    def test_uk_dates_are_understood_too(self):
        self.assertEqual(references(self.get("?as_at=15/01/2019&rag=amber")), ["IP-1"])


class AssuredRagFilter(RolesTestCase):
    """The dashboard's assured picture links to the list filtered by the assured RAG."""

    def test_filters_by_the_panels_assured_rag(self):
        plan = make_plan()
        assured_red = make_action(plan=plan, rag=RAG.AMBER, assurance="assured", assured_rag="red")
        make_action(plan=plan, rag=RAG.RED, assurance="assured", assured_rag="amber")
        make_action(plan=plan, rag=RAG.RED)
        self.client.force_login(self.pat)
        response = self.client.get(LIST, {"plan": plan.pk, "assured_rag": "red"})
        self.assertEqual([a.pk for a in response.context["table"].data], [assured_red.pk])


class ActionListExportIsFormulaSafe(RolesTestCase):
    """A title a spreadsheet would read as a formula is exported as text."""

    def test_formula_cells_are_neutralised_in_csv_and_xlsx(self):
        make_action(directorate=self.finance, title='=HYPERLINK("http://evil.example","x")')
        self.client.force_login(self.pat)
        csv_text = self.client.get(reverse("actions") + "?_export=csv").content.decode()
        self.assertIn("'=HYPERLINK", csv_text)
        self.assertNotIn(",=HYPERLINK", csv_text)
        response = self.client.get(reverse("actions") + "?_export=xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        cells = [cell.value for row in sheet.iter_rows() for cell in row]
        self.assertIn('\'=HYPERLINK("http://evil.example","x")', cells)
        self.assertFalse(any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row))
