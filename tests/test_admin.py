"""Every model is registered in the Django admin, and its pages work for the administrator."""

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.base import RolesTestCase
from tests.factories import (
    make_action,
    make_agenda_item,
    make_meeting,
    make_minute,
    make_risk,
    make_update,
)
from tests.test_history import frozen_models, user_changed_models


@pytest.mark.parametrize("model", user_changed_models() + frozen_models(), ids=lambda m: m.__name__)
def test_every_model_is_in_the_admin(model):
    assert admin.site.is_registered(model)


def test_there_are_frozen_models():
    assert len(frozen_models()) == 6


class AdminPagesWork(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        action = make_action(directorate=cls.finance)
        make_update(action, cls.olivia)
        action.risks.add(make_risk())
        make_minute(make_agenda_item(make_meeting()))

    def test_changelists_and_add_pages_open_for_the_administrator(self):
        client = Client()
        client.force_login(self.alex)
        for model in user_changed_models():
            opts = model._meta
            for page in ("changelist", "add"):
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}")
                response = client.get(url, {"q": "a"} if page == "changelist" else None)
                self.assertEqual(response.status_code, 200, url)

    def test_frozen_rows_can_be_listed_but_not_added_changed_or_deleted(self):
        client = Client()
        client.force_login(self.alex)
        for model in frozen_models():
            opts = model._meta
            changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            self.assertEqual(client.get(changelist).status_code, 200, changelist)
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            self.assertEqual(client.get(add).status_code, 403, add)
            model_admin = admin.site._registry[model]
            request = RequestFactory().get(changelist)
            request.user = self.alex
            self.assertFalse(model_admin.has_change_permission(request))
            self.assertFalse(model_admin.has_delete_permission(request))

    def test_the_admin_is_closed_to_other_roles(self):
        client = Client()
        client.force_login(self.sam)
        response = client.get(reverse("admin:plans_action_changelist"))
        self.assertEqual(response.status_code, 302)
