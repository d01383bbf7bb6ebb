"""Themes: the list (/themes/), adding (/themes/new/) and editing (/themes/<pk>/edit/)."""

from django.urls import reverse

from plans.models import Theme
from tests.base import RolesTestCase
from tests.factories import make_action, make_theme

THEMES = reverse("themes")
THEME_CREATE = reverse("theme-create")


class ThemeListTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.support = make_theme(
            framework=Theme.Framework.KERSLAKE, code="a", name="Support services", order=1
        )
        cls.leadership = make_theme(
            framework=Theme.Framework.LGA, code="LGA-1", name="Political leadership", order=1
        )
        make_action(theme=cls.support)
        make_action(theme=cls.support)

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(THEMES)
        self.assertRedirects(response, "/sign-in/?next=/themes/", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(THEMES).status_code, 405)

    def test_themes_by_framework_with_their_action_counts(self):
        self.client.force_login(self.olivia)
        response = self.client.get(THEMES)
        self.assertEqual(response.status_code, 200)
        groups = response.context["groups"]
        self.assertEqual(
            [label for label, _ in groups], ["Kerslake review themes", "LGA improvement criteria"]
        )
        self.assertEqual(groups[0][1][0].action_count, 2)
        self.assertContains(response, "Political leadership")
        self.assertNotContains(response, "/themes/new/")
        self.assertNotContains(response, f"/themes/{self.support.pk}/edit/")

    def test_managers_see_add_and_edit_links(self):
        self.client.force_login(self.sam)
        response = self.client.get(THEMES)
        self.assertContains(response, "/themes/new/")
        self.assertContains(response, f"/themes/{self.support.pk}/edit/")


class ThemeCreateTest(RolesTestCase):
    data = {"framework": "lga", "code": "LGA-9", "name": "Communications", "order": "9"}

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(THEME_CREATE)
        self.assertRedirects(response, "/sign-in/?next=/themes/new/", fetch_redirect_response=False)

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(THEME_CREATE).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(THEME_CREATE).status_code, 403)
                self.assertEqual(self.client.post(THEME_CREATE, self.data).status_code, 403)
        self.assertFalse(Theme.objects.exists())

    def test_secretariat_adds_a_theme_with_history(self):
        self.client.force_login(self.sam)
        response = self.client.post(THEME_CREATE, self.data)
        self.assertRedirects(response, THEMES, fetch_redirect_response=False)
        theme = Theme.objects.get()
        self.assertEqual(
            (theme.framework, theme.code, theme.name, theme.order),
            ("lga", "LGA-9", "Communications", 9),
        )
        self.assertEqual(theme.history.get().history_user, self.sam)

    def test_duplicate_code_in_the_framework_is_reported_beside_the_code(self):
        make_theme(framework="lga", code="LGA-9")
        self.client.force_login(self.sam)
        response = self.client.post(THEME_CREATE, self.data)
        errors = response.context["form"].errors
        self.assertEqual(
            errors["code"], ["There is already a theme with this code in the framework"]
        )
        self.assertNotIn("__all__", errors)
        self.assertContains(response, 'id="id_code-error"')
        self.assertContains(response, 'value="Communications"')
        self.assertEqual(Theme.objects.count(), 1)

    def test_the_same_code_in_another_framework_is_fine(self):
        make_theme(framework="kerslake", code="LGA-9")
        self.client.force_login(self.alex)
        self.assertEqual(self.client.post(THEME_CREATE, self.data).status_code, 302)
        self.assertEqual(Theme.objects.count(), 2)

    def test_missing_and_bad_values(self):
        self.client.force_login(self.sam)
        response = self.client.post(THEME_CREATE, {"code": "", "name": "", "order": "first"})
        errors = response.context["form"].errors
        self.assertEqual(errors["framework"], ["Choose the framework the theme belongs to"])
        self.assertEqual(errors["code"], ["Enter the theme's code"])
        self.assertEqual(errors["name"], ["Enter the theme's name"])
        self.assertEqual(errors["order"], ["Enter the order as a whole number"])
        self.assertContains(response, '<a href="#id_framework_0">')
        self.assertContains(response, 'value="first"')


class ThemeEditTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.theme = make_theme(framework="lga", code="LGA-3", name="Culture", order=3)
        cls.url = reverse("theme-edit", args=[cls.theme.pk])

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.delete(self.url).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        data = {"framework": "lga", "code": "LGA-3", "name": "Changed", "order": "3"}
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url, data).status_code, 403)
        self.theme.refresh_from_db()
        self.assertEqual(self.theme.name, "Culture")

    def test_missing_theme_is_404(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(reverse("theme-edit", args=[999])).status_code, 404)

    def test_edit_saves_with_history(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, 'value="lga" checked')
        data = {"framework": "lga", "code": "LGA-3", "name": "Culture and values", "order": "4"}
        self.assertRedirects(
            self.client.post(self.url, data), THEMES, fetch_redirect_response=False
        )
        self.theme.refresh_from_db()
        self.assertEqual((self.theme.name, self.theme.order), ("Culture and values", 4))
        self.assertEqual(self.theme.history.latest().history_user, self.sam)

    def test_keeping_its_own_code_is_not_a_duplicate_but_another_is(self):
        make_theme(framework="lga", code="LGA-4")
        self.client.force_login(self.sam)
        data = {"framework": "lga", "code": "LGA-3", "name": "Culture", "order": "3"}
        self.assertEqual(self.client.post(self.url, data).status_code, 302)
        response = self.client.post(self.url, {**data, "code": "LGA-4"})
        self.assertIn("code", response.context["form"].errors)
        self.theme.refresh_from_db()
        self.assertEqual(self.theme.code, "LGA-3")
