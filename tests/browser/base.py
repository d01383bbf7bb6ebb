"""The browser test case: the app on Django's live test server, driven by Playwright in
Debian's Chromium (/usr/bin/chromium; `make test` installs it), with axe-core to check each
page against the WCAG 2.0, 2.1 and 2.2 A and AA rules.

Each test gets the named users of tests.base (password "pass-word-123"), a fresh browser
context and page, and a temporary MEDIA_ROOT. A test fails if the page logged an error to
the console: a script error, a resource that failed to load, or anything the Content
Security Policy refused.
"""

import io
import json
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.db import connections
from django.test import Client, override_settings
from playwright.sync_api import BrowserContext, Page, sync_playwright
from pypdf import PdfWriter

from tests.base import make_roles

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "pass-word-123"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# The axe-core rule tags for WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# And axe-core's best-practice rules for the structure that WCAG 1.3.1 and 2.4.1 rest on:
# headings in order, one h1, a main landmark, all content in landmarks, a skip link that
# works, no empty headings or header cells.
STRUCTURE = [
    "heading-order",
    "page-has-heading-one",
    "empty-heading",
    "empty-table-header",
    "landmark-one-main",
    "landmark-no-duplicate-main",
    "landmark-unique",
    "region",
    "skip-link",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"


class BrowserTestCase(StaticLiveServerTestCase):
    # The roles' groups come from a data migration: put them back after each test's flush.
    serialized_rollback = True
    maxDiff = None
    viewport = {"width": 1280, "height": 900}

    @classmethod
    def setUpClass(cls):
        # Playwright's synchronous API keeps an event loop in this thread between calls,
        # which makes Django refuse database queries from the test's own code.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        cls.media = tempfile.mkdtemp(prefix="test-media-")
        cls.media_override = override_settings(MEDIA_ROOT=cls.media)
        cls.media_override.enable()
        super().setUpClass()
        serialized = {
            alias: connections[alias]._test_serialized_contents
            for alias in connections
            if hasattr(connections[alias], "_test_serialized_contents")
        }
        cls.playwright = sync_playwright().start()
        # From here asgiref sees a running event loop in this thread and hands Django a
        # database connection of its own: give it the copy of the database that
        # serialized_rollback restores after each test's flush.
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        cls.browser = cls.playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--lang=en-GB"],
        )

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()
        cls.media_override.disable()
        shutil.rmtree(cls.media, ignore_errors=True)
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]

    def setUp(self):
        super().setUp()
        self.make_data()
        self.console_errors: list[str] = []
        self.context = self.new_context()
        self.page = self.new_page()

    def make_data(self) -> None:
        """The named users; a test case may load other data instead."""
        make_roles(self)

    def tearDown(self):
        super().tearDown()
        self.assertEqual(self.console_errors, [], "The browser's console reported errors")

    def new_context(self) -> BrowserContext:
        """A browser context of its own cookies (a second person), closed after the test."""
        context = self.browser.new_context(
            viewport=self.viewport, accept_downloads=True, locale="en-GB"
        )
        context.set_default_timeout(15_000)
        self.addCleanup(context.close)
        return context

    def new_page(self, context: BrowserContext | None = None) -> Page:
        """A page whose console errors fail the test; in a new context of its own (another
        person, or a visitor who is not signed in) with `context=self.new_context()`."""
        page = (context or self.context).new_page()
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(f"{page.url}: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: self.console_errors.append(f"{page.url}: {error}"))
        return page

    def url(self, path: str) -> str:
        return self.live_server_url + path

    def sign_in(self, user, page: Page | None = None) -> None:
        """Through the sign-in form, as a person would."""
        page = page or self.page
        page.goto(self.url("/sign-in/"))
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.locator("main").get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/sign-in/" not in url)

    def sign_in_quickly(self, user) -> None:
        """A session made on the server and handed to the browser as its cookie."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.context.add_cookies(
            [{"name": cookie.key, "value": cookie.value, "url": self.live_server_url}]
        )

    def assert_accessible(self, page: Page | None = None, label: str = "") -> None:
        """axe-core's WCAG 2.x A and AA rules, and the STRUCTURE rules, on the page as it is
        now: no violations."""
        page = page or self.page
        # Evaluated through the DevTools protocol, which the page's policy of no inline
        # script does not cover: the page itself is left as the server sent it.
        before = len(self.console_errors)
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(AXE.read_text())
        result = page.evaluate(
            """([tags, extra]) => axe.run(document, {
                runOnly: {
                    type: "rule",
                    values: axe.getRules(tags).map(rule => rule.ruleId).concat(extra),
                },
                resultTypes: ["violations"],
            })""",
            [WCAG_AA, STRUCTURE],
        )
        # axe-core itself tries an inline style while it runs, which the policy refuses:
        # that refusal is the tool's, not the page's.
        self.console_errors[before:] = [
            error
            for error in self.console_errors[before:]
            if "Applying inline style violates" not in error
        ]
        violations = [
            {
                "rule": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "nodes": [
                    {"target": node["target"], "html": node["html"][:200]}
                    for node in violation["nodes"][:5]
                ],
            }
            for violation in result["violations"]
        ]
        self.assertEqual(
            violations,
            [],
            f"axe-core found WCAG violations on {label or page.url}:\n"
            + json.dumps(violations, indent=2),
        )

    def screenshot(self, name: str, page: Page | None = None, height: int = 1300) -> Path:
        """Saves the top of the page, up to `height` pixels, to docs/screenshots/<name>.png
        (the README shows them)."""
        page = page or self.page
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        height = min(height, page.evaluate("() => document.documentElement.scrollHeight"))
        clip = {"x": 0, "y": 0, "width": self.viewport["width"], "height": height}
        page.screenshot(path=str(path), full_page=True, clip=clip)
        return path


def small_pdf(title: str = "") -> bytes:
    """A real one-page PDF (it starts with %PDF-, as the evidence check requires)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if title:
        writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
