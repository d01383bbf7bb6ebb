"""The custom error pages, with DEBUG off as in production: 404 and 403 in the site's
look (navigation for the signed-in), the permission's reason on the 403; 500, 503 and 400
self-contained, touching no database, showing no traceback and no error text."""

from django.test import Client, override_settings
from django.urls import reverse

from tests.base import RolesTestCase


class NotFoundTest(RolesTestCase):
    def test_an_unknown_address_for_anonymous(self):
        response = self.client.get("/no-such-page/")
        self.assertEqual(response.status_code, 404)
        self.assertTemplateUsed(response, "404.html")
        self.assertContains(response, "Page not found", status_code=404)
        self.assertContains(response, "ask the panel's secretariat", status_code=404)
        self.assertNotContains(response, "Resolver404", status_code=404)
        self.assertNotContains(response, 'id="navigation"', status_code=404)

    def test_a_missing_object_for_the_signed_in_with_their_navigation(self):
        self.client.force_login(self.olivia)
        response = self.client.get(reverse("report", args=[999999]))
        self.assertContains(response, "Page not found", status_code=404)
        self.assertContains(response, 'id="navigation"', status_code=404)
        self.assertContains(response, f'href="{reverse("home")}"', status_code=404)
        self.assertNotContains(response, "matches the given query", status_code=404)


class PermissionDeniedTest(RolesTestCase):
    def test_an_officer_on_a_secretariat_page_sees_why(self):
        self.client.force_login(self.olivia)
        response = self.client.get(reverse("report-create"))
        self.assertEqual(response.status_code, 403)
        self.assertTemplateUsed(response, "403.html")
        self.assertContains(response, "You cannot do this", status_code=403)
        self.assertContains(
            response,
            "Only the secretariat and administrators prepare reports.",
            status_code=403,
        )
        self.assertContains(response, 'id="navigation"', status_code=403)


@override_settings(ROOT_URLCONF="tests.urls_fault")
class ServerErrorTest(RolesTestCase):
    def setUp(self):
        self.client = Client(raise_request_exception=False)

    def test_an_unexpected_error_shows_the_plain_500_page(self):
        self.client.force_login(self.sam)
        response = self.client.get("/test-broken/")
        self.assertEqual(response.status_code, 500)
        self.assertTemplateUsed(response, "500.html")
        body = response.content.decode()
        self.assertIn("Sorry, there is a problem with the service", body)
        self.assertIn("tell the panel's secretariat", body)
        for leak in ("Traceback", "RuntimeError", "secret detail", "0123456789abcdef"):
            self.assertNotIn(leak, body)
        self.assertNotIn('id="navigation"', body)  # rendered without the user

    def test_the_500_page_itself_touches_no_database(self):
        with self.assertNumQueries(0):
            response = self.client.get("/test-broken/")
        self.assertEqual(response.status_code, 500)

    def test_a_database_error_is_a_503_with_retry_after(self):
        response = self.client.get("/test-database-gone/")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response["Retry-After"], "120")
        self.assertTemplateUsed(response, "503.html")
        body = response.content.decode()
        self.assertIn("Sorry, the service is unavailable", body)
        for leak in ("Traceback", "OperationalError", "10.0.0.5", "5432"):
            self.assertNotIn(leak, body)


class BadRequestTest(RolesTestCase):
    def test_a_request_for_another_host_is_a_plain_400(self):
        response = self.client.get("/", headers={"host": "attacker.example"})
        self.assertEqual(response.status_code, 400)
        self.assertTemplateUsed(response, "400.html")
        self.assertContains(response, "Sorry, the request could not be understood", status_code=400)
        self.assertNotContains(response, "attacker.example", status_code=400)
        self.assertNotContains(response, "ALLOWED_HOSTS", status_code=400)
