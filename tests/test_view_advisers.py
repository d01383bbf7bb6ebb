"""The non-executive advisers (/advisers/): each engagement, current ones first, with its
focus area, description, theme, dates and the risks it covers, linked to the risk pages."""

import datetime

from django.urls import reverse
from django.utils import timezone

from plans.models import AdviserEngagement
from tests.base import RolesTestCase
from tests.factories import make_engagement, make_organisation, make_person, make_risk, make_theme

ADVISERS = reverse("advisers")


class AdvisersTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cipfa = make_organisation(name="CIPFA", short_name="CIPFA", kind="partner")
        cls.rob = make_person(name="Rob Whiteman", title="Chief Executive", organisation=cipfa)
        cls.max = make_person(name="Max Caller", title="")
        cls.reserves = make_risk(reference="SR-06", title="Financial resilience and reserves")
        cls.income = make_risk(reference="SR-07", title="Business rates and income")
        cls.finance_theme = make_theme(name="Financial planning")
        cls.past = make_engagement(
            cls.rob,
            focus_area="Financial resilience",
            description="Support for the Financial Improvement Plan.",
            theme=cls.finance_theme,
            started_on=datetime.date(2019, 7, 1),
            ended_on=datetime.date(2020, 7, 21),
        )
        cls.past.risks.add(cls.reserves, cls.income)
        cls.current = make_engagement(
            cls.max, focus_area="Risk management", started_on=datetime.date(2019, 7, 1)
        )

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(ADVISERS)
        self.assertRedirects(response, "/sign-in/?next=/advisers/", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(ADVISERS).status_code, 405)

    def test_every_role_reads_it(self):
        for user in self.users_by_role.values():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(ADVISERS).status_code, 200)

    def test_current_and_past_engagements(self):
        self.client.force_login(self.olivia)
        response = self.client.get(ADVISERS)
        self.assertEqual(response.context["current"], [self.current])
        self.assertEqual(response.context["past"], [self.past])
        html = response.content.decode()
        self.assertLess(html.index(f'id="engagement-{self.current.pk}"'), html.index('id="past"'))
        self.assertGreater(html.index(f'id="engagement-{self.past.pk}"'), html.index('id="past"'))

    def test_an_engagement_ending_today_is_still_current(self):
        AdviserEngagement.objects.filter(pk=self.past.pk).update(ended_on=timezone.localdate())
        self.client.force_login(self.pat)
        response = self.client.get(ADVISERS)
        self.assertEqual(response.context["current"], [self.current, self.past])
        self.assertContains(response, "There are no past advisers.")

    def test_each_engagement_with_its_focus_theme_dates_and_risks(self):
        self.client.force_login(self.pat)
        response = self.client.get(ADVISERS)
        card = response.content.decode().split(f'id="engagement-{self.past.pk}"')[1]
        card = card.split('class="govuk-summary-card"')[0]
        self.assertIn("Financial resilience: Rob Whiteman", card)
        self.assertIn("Rob Whiteman, Chief Executive</dd>", card)
        self.assertIn("Support for the Financial Improvement Plan.", card)
        self.assertIn("Financial planning", card)
        self.assertIn("1 July 2019 to 21 July 2020", card)
        for risk in (self.reserves, self.income):
            self.assertIn(
                f'<a href="{reverse("risk", args=[risk.pk])}" class="govuk-link">'
                f"{risk.reference}: {risk.title}</a>",
                card,
            )
        self.assertContains(response, "Since 1 July 2019")
        self.assertContains(response, "None recorded")  # the current one covers no risk
        # An adviser with no title is known by their organisation.
        self.assertContains(response, f"Max Caller ({self.max.organisation.name})")
        self.assertEqual(self.past.get_absolute_url(), f"{ADVISERS}#engagement-{self.past.pk}")

    def test_query_count_does_not_grow_with_engagements(self):
        # Session, user, groups (navigation), the engagements with their adviser and
        # theme, their risks: five, for 2 engagements or 22.
        self.client.force_login(self.pat)
        self.client.get(ADVISERS)
        with self.assertNumQueries(5):
            self.client.get(ADVISERS)
        for n in range(20):
            engagement = make_engagement(make_person(), focus_area=f"Focus {n}", theme=make_theme())
            engagement.risks.add(make_risk())
        with self.assertNumQueries(5):
            response = self.client.get(ADVISERS)
        self.assertEqual(len(response.context["current"]) + len(response.context["past"]), 22)
