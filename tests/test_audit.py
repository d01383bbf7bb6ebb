"""plans.audit: the summary of recommendations counted from the data (progress at each
level, addressed and verified), and who recorded each state, from the history."""

import datetime

from django.test import TestCase

from plans.audit import AuditSummary, recorded_states, summaries_by_source, summarise
from plans.models import Recommendation
from tests.factories import make_person, make_recommendation, make_source, make_user

Progress = Recommendation.Progress
DAY = datetime.date(2019, 3, 1)


def make_seven(source, verified_by) -> list[Recommendation]:
    """The July 2018 statutory recommendations as the stock-take of March 2019 saw them:
    decisive progress on six, limited on the seventh; all seven claimed addressed, two
    verified."""
    rows = []
    for n in range(1, 8):
        progress = Progress.LIMITED if n == 7 else Progress.DECISIVE
        verified = n <= 2
        rows.append(
            make_recommendation(
                source,
                reference=f"EA-{n}",
                assessed_progress=progress,
                addressed_on=DAY,
                verified_on=DAY if verified else None,
                verified_by=verified_by if verified else None,
            )
        )
    return rows


class SummaryTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.audit = make_source(name="External auditor's statutory recommendations")
        cls.kerslake = make_source(name="Kerslake review", kind="review")
        cls.empty = make_source(name="Waste Governance Review", kind="review")
        cls.auditor = make_person(name="Auditor")
        cls.seven = make_seven(cls.audit, cls.auditor)
        make_recommendation(cls.kerslake, reference="K-01", assessed_progress=Progress.GOOD)
        make_recommendation(cls.kerslake, reference="K-02", assessed_progress=Progress.SOME)
        make_recommendation(cls.kerslake, reference="K-03")

    def test_the_stock_take_summary_is_counted_from_the_data(self):
        summary = summarise(Recommendation.objects.filter(source=self.audit))
        self.assertEqual(summary.total, 7)
        self.assertEqual(summary.count(Progress.DECISIVE), 6)
        self.assertEqual(summary.count(Progress.LIMITED), 1)
        self.assertEqual(summary.count(Progress.GOOD), 0)
        self.assertEqual(
            summary.progress_sentence,
            "Decisive progress on 6 of 7 recommendations; limited progress on 1",
        )
        self.assertEqual(
            summary.states_sentence, "Addressed: 7 of 7 claimed by the council; verified: 2 of 7"
        )

    def test_it_follows_the_data(self):
        Recommendation.objects.filter(reference="EA-7").update(assessed_progress=Progress.DECISIVE)
        Recommendation.objects.filter(reference="EA-6").update(verified_on=None, addressed_on=None)
        summary = summarise(Recommendation.objects.filter(source=self.audit))
        self.assertEqual(summary.progress_sentence, "Decisive progress on 7 of 7 recommendations")
        self.assertEqual(
            summary.states_sentence, "Addressed: 6 of 7 claimed by the council; verified: 2 of 7"
        )

    def test_every_level_is_named_best_first_and_the_unassessed_last(self):
        summary = summarise(Recommendation.objects.filter(source=self.kerslake))
        self.assertEqual(
            summary.progress_sentence,
            "Good progress on 1 of 3 recommendations; some progress on 1; 1 not yet assessed",
        )
        self.assertEqual(
            summary.states_sentence, "Addressed: 0 of 3 claimed by the council; verified: 0 of 3"
        )

    def test_one_query_for_every_source(self):
        with self.assertNumQueries(1):
            summaries = summaries_by_source()
        self.assertEqual(set(summaries), {self.audit.pk, self.kerslake.pk})
        self.assertEqual(summaries[self.audit.pk].verified, 2)
        self.assertEqual(summaries[self.kerslake.pk].total, 3)
        with self.assertNumQueries(1):
            self.assertEqual(summarise().total, 10)

    def test_a_set_with_none_and_one_none_assessed(self):
        none = summarise(Recommendation.objects.filter(source=self.empty))
        self.assertEqual(none, AuditSummary(progress=dict.fromkeys(Progress.values, 0)))
        self.assertEqual(none.progress_sentence, "No recommendations recorded")
        self.assertEqual(none.states_sentence, "No recommendations recorded")
        make_recommendation(self.empty, reference="W-1")
        one = summarise(Recommendation.objects.filter(source=self.empty))
        self.assertEqual(
            one.progress_sentence, "None of the 1 recommendation has been assessed yet"
        )
        Recommendation.objects.filter(reference="W-1").update(assessed_progress=Progress.SOME)
        one = summarise(Recommendation.objects.filter(source=self.empty))
        self.assertEqual(one.progress_sentence, "Some progress on 1 of 1 recommendation")


class RecordedStatesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.officer = make_user("olivia")
        cls.panel = make_user("pat")
        cls.auditor = make_person(name="Auditor")

    def save(self, recommendation: Recommendation, user, **fields) -> None:
        for name, value in fields.items():
            setattr(recommendation, name, value)
        recommendation._history_user = user
        recommendation.save()

    def test_nothing_recorded_when_neither_state_is_set(self):
        recommendation = make_recommendation(make_source())
        with self.assertNumQueries(0):
            self.assertEqual(recorded_states(recommendation), {"addressed": None, "verified": None})

    def test_who_recorded_each_state_as_it_now_stands(self):
        recommendation = make_recommendation(make_source())
        self.save(recommendation, self.officer, addressed_on=DAY, addressed_evidence="Budget")
        first_claim = recommendation.history.latest("history_id")
        self.save(recommendation, self.panel, assessed_progress=Progress.GOOD)
        with self.assertNumQueries(1):
            recorded = recorded_states(recommendation)
        self.assertEqual(recorded["addressed"].user, self.officer)
        self.assertEqual(recorded["addressed"].at, first_claim.history_date)
        self.assertIsNone(recorded["verified"])

        self.save(
            recommendation,
            self.panel,
            verified_on=DAY,
            verified_by=self.auditor,
            verification_evidence="Seen",
        )
        # A change to the claim's evidence is a new claim, by whoever made it.
        self.save(recommendation, self.panel, addressed_evidence="Budget and outturn")
        recorded = recorded_states(recommendation)
        self.assertEqual(recorded["addressed"].user, self.panel)
        self.assertEqual(recorded["verified"].user, self.panel)

    def test_a_claim_withdrawn_and_made_again_is_the_new_claim(self):
        recommendation = make_recommendation(make_source())
        self.save(recommendation, self.officer, addressed_on=DAY, addressed_evidence="Budget")
        self.save(recommendation, self.panel, addressed_on=None, addressed_evidence="")
        self.save(recommendation, self.panel, addressed_on=DAY, addressed_evidence="Budget")
        latest = recommendation.history.latest("history_id")
        recorded = recorded_states(recommendation)
        self.assertEqual(recorded["addressed"].user, self.panel)
        self.assertEqual(recorded["addressed"].at, latest.history_date)
