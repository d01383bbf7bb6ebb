"""Reflow (WCAG 1.4.10): at 320 CSS pixels wide, as on a phone or at 400% zoom, the main
pages fit the screen without scrolling sideways; a wide table scrolls inside its own
keyboard-focusable region instead. Checked on the demo data, whose real text is long."""

from django.contrib.auth.models import User
from django.urls import reverse

from biip.demo import load_demo
from meetings.models import Meeting
from plans.models import Action, ImprovementPlan, Indicator, Risk
from reports.models import Report
from tests.browser.base import BrowserTestCase

WIDTH = 320


class ReflowTest(BrowserTestCase):
    viewport = {"width": WIDTH, "height": 640}

    def make_data(self) -> None:
        load_demo()

    def test_main_pages_fit_a_narrow_screen(self):
        self.sign_in_quickly(User.objects.get(username="secretariat"))
        action = Action.objects.order_by("reference").first()
        paths = [
            reverse("home"),
            reverse("actions"),
            action.get_absolute_url(),
            reverse("action-update", args=[action.pk]),
            reverse("challenges"),
            reverse("plans"),
            ImprovementPlan.objects.first().get_absolute_url(),
            reverse("recommendations"),
            reverse("risks"),
            Risk.objects.order_by("reference").first().get_absolute_url(),
            reverse("risk-heat-map"),
            reverse("indicators"),
            Indicator.objects.first().get_absolute_url(),
            reverse("meetings"),
            Meeting.objects.first().get_absolute_url(),
            reverse("action-log"),
            reverse("reports"),
            Report.objects.first().get_absolute_url(),
            reverse("changes"),
        ]
        for path in paths:
            with self.subTest(path=path):
                response = self.page.goto(self.url(path))
                self.assertEqual(response.status, 200)
                width = self.page.evaluate("() => document.documentElement.scrollWidth")
                self.assertLessEqual(width, WIDTH, f"{path} scrolls sideways at {WIDTH}px")
