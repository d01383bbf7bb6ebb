"""The four roles exist as groups, created by migration, with the intended rights."""

from django.contrib.auth.models import Group

from biip.models import Role
from tests.base import RolesTestCase


class RolesHaveTheirRights(RolesTestCase):
    def test_the_four_groups_exist(self):
        self.assertEqual(set(Group.objects.values_list("name", flat=True)), set(Role.values))

    def test_everyone_reads_the_programme(self):
        for user in self.users_by_role.values():
            for perm in ("plans.view_action", "plans.view_risk", "meetings.view_minute"):
                self.assertTrue(user.has_perm(perm), f"{user} lacks {perm}")

    def test_officer_updates_but_does_not_manage_the_plan(self):
        self.assertTrue(self.olivia.has_perm("plans.add_progressupdate"))
        self.assertTrue(self.olivia.has_perm("plans.change_action"))
        self.assertTrue(self.olivia.has_perm("meetings.change_meetingaction"))
        self.assertFalse(self.olivia.has_perm("plans.add_action"))
        self.assertFalse(self.olivia.has_perm("plans.add_assurance"))
        self.assertFalse(self.olivia.has_perm("meetings.add_minute"))

    def test_panel_challenges_and_assures_but_does_not_edit_actions(self):
        for perm in ("plans.add_challenge", "plans.add_assurance", "plans.add_smartassessment"):
            self.assertTrue(self.pat.has_perm(perm), perm)
        self.assertTrue(self.pat.has_perm("meetings.add_formaladvice"))
        self.assertFalse(self.pat.has_perm("plans.change_action"))
        self.assertFalse(self.pat.has_perm("plans.add_progressupdate"))

    def test_secretariat_runs_plans_and_meetings_but_not_accounts(self):
        for perm in ("plans.add_action", "plans.delete_risk", "meetings.add_minute"):
            self.assertTrue(self.sam.has_perm(perm), perm)
        self.assertFalse(self.sam.has_perm("auth.change_user"))
        self.assertFalse(self.sam.has_perm("biip.delete_directorate"))

    def test_administrator_has_everything(self):
        for perm in ("auth.change_user", "biip.delete_directorate", "plans.delete_action"):
            self.assertTrue(self.alex.has_perm(perm), perm)
        self.assertFalse(self.alex.is_superuser)

    def test_later_models_are_granted_by_their_migrations(self):
        self.assertTrue(self.sam.has_perm("plans.add_escalationdecision"))
        self.assertTrue(self.sam.has_perm("plans.add_importjob"))
        self.assertTrue(self.sam.has_perm("plans.view_reminder"))
        self.assertTrue(self.olivia.has_perm("plans.view_escalationdecision"))
        self.assertFalse(self.olivia.has_perm("plans.add_escalationdecision"))
        self.assertFalse(self.pat.has_perm("plans.add_importjob"))
        self.assertTrue(self.alex.has_perm("plans.delete_reminder"))
