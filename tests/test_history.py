"""Every model users change keeps its history, and the history records who changed it."""

import pytest
from django.apps import apps
from django.test import Client

from biip.models import Organisation
from tests.base import RolesTestCase
from tests.factories import make_action

PROJECT_APPS = ("biip", "plans", "meetings", "reports")

# A closed cycle's frozen rows: written once when the cycle closes (the Snapshot, which keeps
# history, records who and when), never changed, read-only in the admin.
FROZEN_MODELS = {
    "ActionSnapshot",
    "RiskSnapshot",
    "IndicatorSnapshot",
    "MeetingActionSnapshot",
    "RecommendationSnapshot",
    # The minutes as published (the MinutesPublication row names who published them).
    "MinutesPublication",
}


def project_models():
    return [
        model
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
    ]


def user_changed_models():
    return [model for model in project_models() if model.__name__ not in FROZEN_MODELS]


def frozen_models():
    return [model for model in project_models() if model.__name__ in FROZEN_MODELS]


def test_the_project_has_models():
    assert len(user_changed_models()) >= 23


@pytest.mark.parametrize("model", user_changed_models(), ids=lambda m: m.__name__)
def test_every_model_keeps_history(model):
    assert hasattr(model, "history"), f"{model.__name__} has no HistoricalRecords"


class HistoryRecordsTheUser(RolesTestCase):
    def test_a_change_through_a_request_records_the_signed_in_user(self):
        client = Client()
        client.force_login(self.alex)
        response = client.post(
            "/admin/biip/organisation/add/",
            {"name": "Local Government Association", "short_name": "LGA", "kind": "partner"},
        )
        self.assertEqual(response.status_code, 302)
        organisation = Organisation.objects.get(short_name="LGA")
        record = organisation.history.get()
        self.assertEqual(record.history_type, "+")
        self.assertEqual(record.history_user, self.alex)

    def test_each_field_change_is_kept(self):
        action = make_action(title="Draft a workforce strategy")
        action._history_user = self.sam
        action.title = "Agree a workforce strategy"
        action.save()
        latest, first = action.history.all()[:2]
        delta = latest.diff_against(first)
        self.assertEqual(delta.changed_fields, ["title"])
        self.assertEqual(latest.history_user, self.sam)
