"""Production security settings, read from the response headers: HTTPS only (redirect, HSTS,
secure cookies), X-Frame-Options DENY, a referrer policy, no MIME sniffing, and a Content
Security Policy with no inline script or style, which the app's pages (charts, heat map,
report previews included) keep to.

The production values are the ones biip/settings.py gives with a production environment,
loaded in a subprocess and applied here with override_settings."""

import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from django.contrib.auth.models import User
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from biip.demo import load_demo
from meetings.models import Meeting
from plans.models import Action, Indicator, Risk
from reports.models import Report
from tests.factories import make_user

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "q8#Vt2!mZp4@rL7^wX1&kN9*bC3(yH6)fJ0-uE5_sA2+dG8=hK",
    "ALLOWED_HOSTS": "tracker.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}
SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CONTENT_SECURITY_POLICY",
]
CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: sources} (django-csp writes the
    directives in no fixed order)."""
    header = response["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header, header
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in parts}


def run_with(env: dict, *args: str) -> subprocess.CompletedProcess:
    """Run python with only the given settings environment (others the developer or CI
    may have set are left out)."""
    names = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"} | set(SECURITY_SETTINGS)
    names |= {"TRUSTED_PROXY_SSL_HEADER", "SESSION_COOKIE_AGE", "DJANGO_SETTINGS_MODULE"}
    clean = {k: v for k, v in os.environ.items() if k not in names}
    return subprocess.run(
        [sys.executable, *args],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def production_settings() -> dict:
    script = (
        "import json, biip.settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {SECURITY_SETTINGS!r}}}))"
    )
    result = run_with(PRODUCTION_ENV, "-c", script)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_reports_nothing_with_production_values():
    result = run_with(PRODUCTION_ENV, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_would_report_a_missing_control():
    """The check above can fail: with HSTS turned off it reports security.W004."""
    result = run_with(
        {**PRODUCTION_ENV, "SECURE_HSTS_SECONDS": "0"},
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode != 0
    assert "security.W004" in result.stderr


def test_behind_a_tls_proxy_the_forwarded_protocol_is_trusted_only_when_configured():
    script = "import biip.settings as s; print(s.SECURE_PROXY_SSL_HEADER)"
    assert run_with(PRODUCTION_ENV, "-c", script).stdout.strip() == "None"
    configured = run_with({**PRODUCTION_ENV, "TRUSTED_PROXY_SSL_HEADER": "on"}, "-c", script)
    assert configured.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


class ProductionHeaders(TestCase):
    @classmethod
    def setUpClass(cls):
        cls.production = override_settings(**production_settings())
        cls.production.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.production.disable()

    @classmethod
    def setUpTestData(cls):
        make_user("pat")

    def test_plain_http_is_sent_to_https(self):
        response = Client().get("/sign-in/")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], "https://testserver/sign-in/")

    def test_the_load_balancers_health_check_is_answered_over_plain_http(self):
        response = Client().get("/health/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok\n")
        self.assertEqual(Client().get("/health/x").status_code, 301)  # only that path

    def test_https_pages_carry_every_security_header(self):
        response = Client().get("/sign-in/", secure=True)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response["Strict-Transport-Security"], "max-age=31536000; includeSubDomains; preload"
        )
        self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(response["Referrer-Policy"], "same-origin")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Cross-Origin-Opener-Policy"], "same-origin")
        self.assertEqual(policy(response), CSP)

    def test_cookies_are_https_only_and_out_of_scripts_reach(self):
        client = Client()
        page = client.get("/sign-in/", secure=True)
        signed_in = client.post(
            "/sign-in/", {"username": "pat", "password": "pass-word-123"}, secure=True
        )
        self.assertEqual(signed_in.status_code, 302)
        for response, name in ((page, "csrftoken"), (signed_in, "sessionid")):
            with self.subTest(cookie=name):
                cookie = response.cookies[name]
                self.assertTrue(cookie["secure"])
                self.assertTrue(cookie["httponly"])
                self.assertEqual(cookie["samesite"], "Lax")


class InlineCode(HTMLParser):
    """Collects what a Content Security Policy without 'unsafe-inline' would block: style
    attributes, <style> elements, <script> without src, on* event attributes and
    javascript: links."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "style" in attributes:
            self.found.append(f'<{tag} style="{attributes["style"]}">')
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and not attributes.get("src"):
            self.found.append("<script> without src")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value}>")

    handle_startendtag = handle_starttag


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


class PagesKeepToThePolicy(TestCase):
    """With the demo data (charts, heat maps, every kind of report), the pages carry the
    policy and have nothing inline that it would block."""

    @classmethod
    def setUpTestData(cls):
        load_demo()

    def pages(self) -> list[str]:
        action = Action.objects.filter(updates__isnull=False).order_by("pk").first()
        risk = Risk.objects.order_by("pk").first()
        indicator = Indicator.objects.order_by("pk").first()
        meeting = Meeting.objects.order_by("-date").first()
        urls = [
            reverse("home"),
            f"{reverse('home')}?as_at=2019-01-31",
            reverse("actions"),
            reverse("action", args=[action.pk]),
            reverse("my-actions"),
            reverse("plans"),
            reverse("risks"),
            reverse("risk-heat-map"),
            reverse("risk-movement"),
            reverse("risk", args=[risk.pk]),
            reverse("indicators"),
            reverse("indicator", args=[indicator.pk]),
            reverse("recommendations"),
            reverse("coverage"),
            reverse("meetings"),
            reverse("meeting", args=[meeting.pk]),
            reverse("minutes-document", args=[meeting.pk]),
            reverse("reports"),
            reverse("snapshots"),
        ]
        for report in Report.objects.order_by("pk"):
            preview = reverse("report-preview", args=[report.pk])
            urls += [reverse("report", args=[report.pk]), preview, f"{preview}?version=public"]
        return urls

    def test_the_demo_has_every_kind_of_report(self):
        kinds = set(Report.objects.values_list("kind", flat=True))
        self.assertEqual(kinds, set(Report.Kind.values))

    def test_signed_in_pages_have_the_policy_and_nothing_inline(self):
        self.client.force_login(User.objects.get(username="secretariat"))
        for url in self.pages():
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(policy(response), CSP)
                self.assertEqual(inline_code(response.content.decode()), [])

    def test_public_pages_have_the_policy_and_nothing_inline(self):
        meeting = Meeting.objects.filter(minutes_published_on__isnull=False).first()
        urls = [reverse("sign-in"), reverse("public-meetings"), reverse("public-reports")]
        if meeting:
            urls += [
                reverse("public-meeting", args=[meeting.pk]),
                reverse("public-minutes-document", args=[meeting.pk]),
            ]
        for url in urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(policy(response), CSP)
                self.assertEqual(inline_code(response.content.decode()), [])


def test_the_checker_finds_each_kind_of_inline_code():
    html = (
        '<p style="color: red">x</p><style>p{}</style><script>alert(1)</script>'
        '<script src="/static/js/app.mjs"></script><img src="x" onerror="alert(1)">'
        '<a href="javascript:alert(1)">x</a><svg><rect style="fill: red"/></svg>'
    )
    assert inline_code(html) == [
        '<p style="color: red">',
        "<style>",
        "<script> without src",
        "<img onerror>",
        "<a href=javascript:alert(1)>",
        '<rect style="fill: red">',
    ]
