"""Screenshots of the main pages, on the demo data, for the README (docs/screenshots/).

Each page is also checked with axe-core here, with the demo's full data: charts with
history, a heat map with arrows, a meeting with its minutes.
"""

from django.contrib.auth.models import User
from django.db.models import Count
from django.urls import reverse

from biip.demo import load_demo
from meetings.models import Meeting
from plans.models import Action
from reports.models import Report
from tests.browser.base import SCREENSHOTS, BrowserTestCase


class ScreenshotsTest(BrowserTestCase):
    viewport = {"width": 1280, "height": 800}

    def make_data(self) -> None:
        load_demo()

    def shoot(self, username: str, path: str, name: str, heading: str) -> None:
        self.context.clear_cookies()
        self.sign_in_quickly(User.objects.get(username=username))
        response = self.page.goto(self.url(path))
        self.assertEqual(response.status, 200, path)
        self.assertIn(heading, self.page.locator("h1").first.inner_text())
        self.assert_accessible(label=f"{name} ({path}) as {username}")
        picture = self.screenshot(name)
        self.assertGreater(picture.stat().st_size, 10_000)

    def test_main_pages(self):
        officer = User.objects.get(username="officer")
        own = (
            Action.objects.filter(lead_officer=officer.person)
            .annotate(updates_given=Count("updates"))
            .order_by("-updates_given", "reference")
            .first()
        )
        busiest = Action.objects.annotate(n=Count("updates")).order_by("-n", "reference").first()
        meeting = Meeting.objects.order_by("date").first()
        report = Report.objects.order_by("pk").first()
        pages = [
            ("panel", reverse("home"), "dashboard", ""),
            ("panel", busiest.get_absolute_url(), "action", busiest.reference),
            ("officer", reverse("action-update", args=[own.pk]), "update-form", "Update for"),
            ("panel", reverse("risk-heat-map"), "heat-map", "heat map"),
            ("secretariat", meeting.get_absolute_url(), "meeting", meeting.title),
            ("secretariat", report.get_absolute_url(), "report", report.title),
        ]
        for username, path, name, heading in pages:
            with self.subTest(page=name):
                self.shoot(username, path, name, heading)
        self.assertEqual(
            sorted(p.stem for p in SCREENSHOTS.glob("*.png")),
            sorted(name for _, _, name, _ in pages),
        )
