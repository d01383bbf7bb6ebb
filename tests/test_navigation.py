"""The navigation shows each role its sections and marks the current one."""

from django.test import Client

from tests.base import RolesTestCase


def nav_labels(response) -> list[str]:
    return [item["label"] for item in response.context["navigation"]]


class NavigationByRole(RolesTestCase):
    def get(self, user, path="/actions/"):
        client = Client()
        client.force_login(user)
        return client.get(path)

    def test_officer_has_my_actions_and_no_cycle(self):
        labels = nav_labels(self.get(self.olivia))
        self.assertIn("My actions", labels)
        self.assertNotIn("Cycle", labels)
        self.assertNotIn("Admin", labels)

    def test_panel_and_secretariat_have_the_cycle_not_my_actions(self):
        for user in (self.pat, self.sam):
            labels = nav_labels(self.get(user))
            self.assertIn("Cycle", labels)
            self.assertNotIn("My actions", labels)

    def test_administrator_has_the_admin(self):
        self.assertEqual(nav_labels(self.get(self.alex))[-1], "Admin")

    def test_the_current_section_is_marked(self):
        response = self.get(self.pat, "/actions/")
        active = [item["label"] for item in response.context["navigation"] if item["active"]]
        self.assertEqual(active, ["Actions"])
        self.assertContains(response, 'aria-current="page"', count=1)

    def test_signed_out_pages_have_no_navigation(self):
        response = Client().get("/sign-in/")
        self.assertEqual(response.context["navigation"], [])
