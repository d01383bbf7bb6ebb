"""The action page: who may see it, every field, milestones, recommendations, risks,
dependencies, the timeline of updates, assurance and challenges, the change history, the
links to what each role may do, and a fixed number of queries."""

import datetime

from django.urls import reverse
from django.utils import timezone

from biip.models import RAG, PublicationStatus
from plans.models import (
    Action,
    Assurance,
    AssuranceStatus,
    Challenge,
    Evidence,
    Milestone,
    Recommendation,
    Source,
)
from tests.base import RolesTestCase
from tests.factories import make_action, make_person, make_plan, make_risk, make_theme, make_update


def aware(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def make_recommendation(reference: str, text: str = "Do better.") -> Recommendation:
    source, _ = Source.objects.get_or_create(
        name="External auditor's statutory recommendations", kind=Source.Kind.EXTERNAL_AUDIT
    )
    return Recommendation.objects.create(source=source, reference=reference, text=text)


def make_evidence(update, user, name: str = "minutes.pdf") -> Evidence:
    return Evidence.objects.create(
        update=update,
        file=f"evidence/2019-05/{name}",
        original_name=name,
        content_type="application/pdf",
        size=2048,
        uploaded_by=user,
    )


class ActionPageAccess(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.action = make_action(directorate=cls.finance)
        cls.url = reverse("action", args=[cls.action.pk])

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(
            response, f"/sign-in/?next=/actions/{self.action.pk}/", fetch_redirect_response=False
        )

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(self.url).status_code, 405)
        self.assertEqual(Action.objects.get(pk=self.action.pk).title, self.action.title)

    def test_unknown_action_is_not_found(self):
        self.client.force_login(self.pat)
        self.assertEqual(self.client.get(reverse("action", args=[999999])).status_code, 404)

    def test_every_role_may_read_any_directorates_action(self):
        users = [*self.users_by_role.values(), self.oscar]
        for user in users:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["action"], self.action)


class ActionPageLinksToWhatYouMayDo(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.action = make_action(directorate=cls.finance)
        cls.update = make_update(cls.action, cls.olivia, period=datetime.date(2019, 10, 1))
        make_update(cls.action, cls.olivia, period=datetime.date(2019, 9, 1))
        cls.url = reverse("action", args=[cls.action.pk])

    def links(self, user) -> dict[str, bool]:
        self.client.force_login(user)
        content = self.client.get(self.url).content.decode()
        pk = self.action.pk
        return {
            "update": f'href="/actions/{pk}/update/"' in content,
            "assure": f'href="/updates/{self.update.pk}/assurance/"' in content,
            "challenge": f'href="/actions/{pk}/challenge/"' in content,
            "edit": f'href="/actions/{pk}/edit/"' in content,
        }

    def test_officer_of_the_directorate_may_update(self):
        expected = {"update": True, "assure": False, "challenge": False, "edit": False}
        self.assertEqual(self.links(self.olivia), expected)

    def test_officer_of_another_directorate_may_only_read(self):
        self.assertNotIn(True, self.links(self.oscar).values())

    def test_lead_officer_in_another_directorate_may_update(self):
        self.action.lead_officer = self.oscar.person
        self.action.save()
        self.assertTrue(self.links(self.oscar)["update"])

    def test_panel_may_assure_and_challenge(self):
        expected = {"update": False, "assure": True, "challenge": True, "edit": False}
        self.assertEqual(self.links(self.pat), expected)

    def test_secretariat_and_administrator_may_do_everything(self):
        for user in (self.sam, self.alex):
            with self.subTest(user=user.username):
                self.assertEqual(set(self.links(user).values()), {True})

    def test_buttons_are_named_for_what_they_do(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, ">Give this month's update</a>")
        self.assertContains(response, 'Record assurance<span class="govuk-visually-hidden"> on')
        self.assertContains(response, "Edit action</a>")


class ActionPageShowsEveryField(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(title="Improvement Plan 2019-20", short_name="IP19")
        cls.action = make_action(
            plan=cls.plan,
            theme=make_theme(name="Industrial relations framework"),
            reference="IP19-03",
            title="Agree a new industrial relations framework",
            description="Reset how the council and the unions work together.",
            directorate=cls.finance,
            lead_officer=make_person(name="Helen Ward", title="Assistant Director"),
            lead_member=make_person(name="Cllr Brigid Jones", title="Deputy Leader"),
            start_date=datetime.date(2019, 4, 1),
            original_due_date=datetime.date(2019, 9, 30),
            revised_due_date=datetime.date(2020, 3, 31),
            revision_reason="The unions asked for more time.",
            rag=RAG.RED,
            assurance=AssuranceStatus.CHALLENGED,
            assured_rag=RAG.AMBER,
            success_measure="Framework agreed with the unions.",
            resources="Two HR business partners.",
            publication_status=PublicationStatus.EXEMPT,
            exemption_paragraph=4,
            exemption_review_date=datetime.date(2020, 1, 31),
        )
        cls.url = reverse("action", args=[cls.action.pk])

    def test_fields_in_words(self):
        self.client.force_login(self.pat)
        response = self.client.get(self.url)
        for text in (
            "<title>IP19-03: Agree a new industrial relations framework – Improvement Tracker",
            "Improvement Plan 2019-20 (IP19)",
            "Industrial relations framework",
            "Reset how the council and the unions work together.",
            "Finance and Governance",
            "Helen Ward, Assistant Director",
            "Cllr Brigid Jones, Deputy Leader",
            "1 April 2019",
            "Framework agreed with the unions.",
            "Two HR business partners.",
        ):
            self.assertContains(response, text)
        self.assertContains(
            response,
            '<dd class="govuk-summary-list__value" id="original-due">30 September 2019</dd>',
            html=True,
        )
        self.assertContains(response, "31 March 2020")
        self.assertContains(response, "Reason: The unions asked for more time.")
        self.assertContains(
            response,
            '<dd class="govuk-summary-list__value" id="slippage">183 days later than first '
            "planned</dd>",
            html=True,
        )
        self.assertContains(response, '<strong class="govuk-tag govuk-tag--red">Overdue</strong>')
        self.assertContains(response, "Not complete")

    def test_rag_and_assured_status_side_by_side(self):
        self.client.force_login(self.pat)
        response = self.client.get(self.url)
        content = response.content.decode()
        rag = content.index('id="status-rag"')
        assurance = content.index('id="status-assurance"')
        self.assertIn('govuk-tag--red app-rag-tag">Red</strong>', content[rag:assurance])
        self.assertIn("Off track or significant slippage", content[rag:assurance])
        self.assertIn("Challenged", content[assurance : assurance + 400])
        self.assertIn('govuk-tag--yellow app-rag-tag">Amber</strong>', content[assurance:])

    def test_publication_status_with_its_paragraph_and_review_date(self):
        self.client.force_login(self.pat)
        response = self.client.get(self.url)
        self.assertContains(response, "Exempt")
        self.assertContains(
            response, "Schedule 12A paragraph 4: consultations or negotiations on labour relations"
        )
        self.assertContains(response, "Review the exemption by 31 January 2020")

    def test_slippage_is_shown_when_there_is_none(self):
        other = make_action(original_due_date=datetime.date(2099, 1, 31))
        self.client.force_login(self.pat)
        response = self.client.get(reverse("action", args=[other.pk]))
        self.assertContains(
            response, '<dd class="govuk-summary-list__value" id="slippage">0 days</dd>', html=True
        )
        self.assertContains(response, "Not revised")
        self.assertNotContains(response, ">Overdue</strong>")


class ActionPageShowsWhatItIsLinkedTo(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        plan = make_plan(short_name="IP19")
        cls.action = make_action(plan=plan, reference="IP19-04")
        today = timezone.localdate()
        Milestone.objects.create(
            action=cls.action,
            title="Draft agreed",
            due_date=datetime.date(2019, 6, 30),
            completed_on=datetime.date(2019, 6, 20),
        )
        Milestone.objects.create(
            action=cls.action,
            title="Consultation closes",
            due_date=today - datetime.timedelta(days=1),
        )
        Milestone.objects.create(
            action=cls.action,
            title="Cabinet decision",
            due_date=today + datetime.timedelta(days=30),
        )
        cls.recommendation = make_recommendation("EA-3", "Set a balanced budget.")
        cls.action.recommendations.add(cls.recommendation)
        cls.action.risks.add(
            make_risk(
                reference="SR-01", title="Equal pay", residual_likelihood=4, residual_impact=5
            )
        )
        cls.before = make_action(
            plan=plan, reference="IP19-01", title="Agree the plan", rag=RAG.AMBER
        )
        cls.after = make_action(plan=plan, reference="IP19-09", title="Deliver the plan")
        cls.action.dependencies.add(cls.before)
        cls.after.dependencies.add(cls.action)

    def get(self):
        self.client.force_login(self.olivia)
        return self.client.get(reverse("action", args=[self.action.pk]))

    def test_milestones_with_overdue_in_words(self):
        response = self.get()
        content = response.content.decode()
        table = content[content.index('id="milestones"') :]
        self.assertLess(table.index("Draft agreed"), table.index("Consultation closes"))
        self.assertIn("20 June 2019", table)
        consultation = table[table.index("Consultation closes") :]
        self.assertIn(">Overdue</strong>", consultation[: consultation.index("</tr>")])
        cabinet = table[table.index("Cabinet decision") :]
        self.assertIn(">Not yet due</strong>", cabinet[: cabinet.index("</tr>")])
        draft = table[table.index("Draft agreed") :]
        self.assertIn(">Complete</strong>", draft[: draft.index("</tr>")])

    def test_recommendations_with_source_and_text(self):
        response = self.get()
        self.assertContains(response, f'href="/actions/?recommendation={self.recommendation.pk}"')
        self.assertContains(response, "EA-3")
        self.assertContains(response, "External auditor&#x27;s statutory recommendations")
        self.assertContains(response, "Set a balanced budget.")

    def test_risks_with_residual_likelihood_times_impact(self):
        response = self.get()
        self.assertContains(response, "SR-01")
        self.assertContains(response, "Equal pay")
        self.assertContains(response, '20 <span class="app-secondary-text">(4 × 5)</span>')

    def test_dependencies_both_ways(self):
        response = self.get()
        content = response.content.decode()
        depends_on = content[content.index('id="depends-on"') : content.index('id="needed-by"')]
        needed_by = content[content.index('id="needed-by"') :]
        self.assertIn(f'href="/actions/{self.before.pk}/">IP19-01: Agree the plan</a>', depends_on)
        self.assertIn("Amber</strong>", depends_on)
        self.assertIn(f'href="/actions/{self.after.pk}/">IP19-09: Deliver the plan</a>', needed_by)
        self.assertNotIn("IP19-09", depends_on)


class ActionPageTimeline(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.action = make_action(directorate=cls.finance)
        cls.may = make_update(
            cls.action,
            cls.olivia,
            period=datetime.date(2019, 5, 1),
            rag=RAG.AMBER,
            narrative="Behind the first timetable.",
            evidence="https://example.org/cabinet-report\njavascript:alert(1)\nMinutes of 2 May",
            revised_due_date=datetime.date(2020, 3, 31),
            revision_reason="Consultation extended.",
            created_at=aware(2019, 5, 20, 9, 0),
        )
        make_evidence(cls.may, cls.olivia, "cabinet-minutes.pdf")
        cls.june = make_update(
            cls.action,
            cls.olivia,
            period=datetime.date(2019, 6, 1),
            rag=RAG.RED,
            narrative="Unions not engaged.",
            created_at=aware(2019, 6, 20, 9, 0),
        )
        Assurance.objects.create(
            update=cls.may,
            decision=Assurance.Decision.CHALLENGED,
            assured_rag=RAG.RED,
            comment="The date looks unrealistic.",
            decided_by=cls.pat,
            decided_at=aware(2019, 5, 28, 14, 0),
        )
        Challenge.objects.create(
            action=cls.action,
            update=cls.may,
            question="When will the unions see a draft?",
            raised_by=cls.pat,
            raised_at=aware(2019, 5, 29, 10, 0),
            response="In July.",
            responded_by=cls.olivia,
            responded_at=aware(2019, 6, 2, 11, 0),
            status=Challenge.Status.ANSWERED,
        )
        Challenge.objects.create(
            action=cls.action,
            question="Who chairs the negotiations?",
            raised_by=cls.pat,
            raised_at=aware(2019, 6, 25, 10, 0),
        )

    def get(self, user=None):
        self.client.force_login(user or self.pat)
        return self.client.get(reverse("action", args=[self.action.pk]))

    def test_entries_newest_first(self):
        entries = self.get().context["timeline"]
        self.assertEqual(
            [(entry.kind, entry.when) for entry in entries],
            [
                ("challenge", aware(2019, 6, 25, 10, 0)),
                ("update", aware(2019, 6, 20, 9, 0)),
                ("challenge", aware(2019, 5, 29, 10, 0)),
                ("assurance", aware(2019, 5, 28, 14, 0)),
                ("update", aware(2019, 5, 20, 9, 0)),
            ],
        )

    def test_update_shows_rag_narrative_author_and_revised_date(self):
        response = self.get()
        self.assertContains(response, "Update for May 2019")
        self.assertContains(response, "By Olivia Example, 20 May 2019, 09:00")
        self.assertContains(response, "Behind the first timetable.")
        self.assertContains(response, "Consultation extended.")

    def test_evidence_links_and_files(self):
        response = self.get()
        evidence = Evidence.objects.get()
        self.assertContains(
            response,
            '<a class="govuk-link" href="https://example.org/cabinet-report" '
            'rel="noreferrer noopener">https://example.org/cabinet-report</a>',
            html=True,
        )
        self.assertNotContains(response, 'href="javascript:')
        self.assertContains(response, "<li>javascript:alert(1)</li>", html=True)
        self.assertContains(response, "<li>Minutes of 2 May</li>", html=True)
        self.assertContains(response, f'href="/evidence/{evidence.pk}/">cabinet-minutes.pdf</a>')
        self.assertContains(response, "(2.0\xa0KB)")

    def test_assurance_decision(self):
        response = self.get()
        self.assertContains(response, "Assurance on the May 2019 update: challenged")
        self.assertContains(response, "By Pat Example, 28 May 2019, 14:00")
        self.assertContains(response, "The date looks unrealistic.")

    def test_challenges_with_status_and_response(self):
        response = self.get(self.olivia)
        self.assertContains(response, "Challenge on the May 2019 update")
        self.assertContains(response, "When will the unions see a draft?")
        self.assertContains(response, "In July.")
        self.assertContains(response, "By Olivia Example, 2 June 2019, 11:00")
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--green">Answered</strong>'
        )
        self.assertContains(response, '<strong class="govuk-tag govuk-tag--orange">Open</strong>')
        self.assertContains(response, "Not answered yet")
        open_challenge = Challenge.objects.get(status=Challenge.Status.OPEN)
        self.assertContains(response, f'href="/challenges/{open_challenge.pk}/reply/"')
        self.assertNotContains(self.get(self.pat), "/reply/")

    def test_assurance_links_on_each_update_for_the_panel(self):
        response = self.get(self.pat)
        self.assertContains(response, f'href="/updates/{self.may.pk}/assurance/"')
        self.assertContains(response, f'href="/updates/{self.june.pk}/assurance/"')
        self.assertNotContains(self.get(self.olivia), "/assurance/")


class ActionPageChangeHistory(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.helen = make_person(name="Helen Ward")
        cls.action = make_action(
            directorate=cls.finance, rag=RAG.AMBER, original_due_date=datetime.date(2019, 9, 30)
        )
        cls.action.history.update(history_date=aware(2019, 4, 1, 9, 0), history_user=cls.sam)
        cls.action._history_user = cls.olivia
        cls.action._history_date = aware(2019, 6, 26, 13, 40)
        cls.action.rag = RAG.RED
        cls.action.revised_due_date = datetime.date(2020, 3, 31)
        cls.action.revision_reason = "Unions asked for more time."
        cls.action.save()
        cls.action._history_user = cls.sam
        cls.action._history_date = aware(2019, 7, 1, 9, 0)
        cls.action.lead_officer = cls.helen
        cls.action.save()
        cls.action.recommendations.add(make_recommendation("EA-3"))

    def changes(self):
        self.client.force_login(self.pat)
        response = self.client.get(reverse("action", args=[self.action.pk]))
        return response, [
            (change.who, change.field, change.old, change.new)
            for change in response.context["changes"]
        ]

    def test_each_change_in_words_newest_first(self):
        response, changes = self.changes()
        self.assertEqual(
            changes,
            [
                ("Sam Example", "Linked recommendations", "Not set", "EA-3"),
                (
                    "Sam Example",
                    "Lead officer",
                    self.action.history.earliest().lead_officer.name,
                    "Helen Ward",
                ),
                ("Olivia Example", "RAG", "Amber", "Red"),
                ("Olivia Example", "Revised due date", "Not set", "31 March 2020"),
                ("Olivia Example", "Revision reason", "Not set", "Unions asked for more time."),
                ("Sam Example", "Created", "", ""),
            ],
        )

    def test_table_has_when_who_what_from_and_to(self):
        response, _ = self.changes()
        content = response.content.decode()
        table = content[content.index('id="changes"') :]
        for header in ("When", "Who", "What", "From", "To"):
            self.assertIn(f'<th scope="col" class="govuk-table__header">{header}</th>', table)
        self.assertIn("26 June 2019</span> 13:40", table)
        self.assertIn('<th scope="row" class="govuk-table__header">RAG</th>', table)
        self.assertIn('<th scope="row" class="govuk-table__header">Created</th>', table)


class ActionPageQueryCountIsFixed(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.action = make_action(directorate=cls.finance)
        cls.action.recommendations.add(make_recommendation("EA-1"))
        cls.action.risks.add(make_risk())
        cls.action.dependencies.add(make_action())
        make_action().dependencies.add(cls.action)
        Milestone.objects.create(
            action=cls.action, title="Draft", due_date=datetime.date(2019, 6, 1)
        )

    def add_updates(self, months: range) -> None:
        """An update for each month, with a file, an assurance decision, a challenge and a
        change to the action's RAG in its history."""
        for month in months:
            rag = RAG.RED if month % 2 else RAG.AMBER
            update = make_update(
                self.action, self.olivia, period=datetime.date(2019, month, 1), rag=rag
            )
            make_evidence(update, self.olivia)
            Assurance.objects.create(update=update, decision="assured", decided_by=self.pat)
            Challenge.objects.create(
                action=self.action, update=update, question="Why?", raised_by=self.pat
            )
            self.action._history_user = self.olivia
            self.action.rag = rag
            self.action.save()

    def test_same_queries_for_2_and_12_updates(self):
        self.client.force_login(self.sam)
        url = reverse("action", args=[self.action.pk])
        # Session, user, the action (with its plan, theme, directorate and people), the
        # user's groups (for the three permission checks), updates (with authors), their
        # files, their assurance decisions, challenges, history rows, their links to
        # recommendations and to risks, the action arising it was promoted from (with its
        # meeting and minute), milestones, recommendations, risks, dependencies both ways: 17.
        for months in (range(1, 3), range(3, 13)):
            self.add_updates(months)
            with self.subTest(updates=self.action.updates.count()):
                with self.assertNumQueries(17):
                    response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["timeline"]), 36)
        self.assertGreater(self.action.history.count(), 12)
