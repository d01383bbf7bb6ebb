"""biip.pdf: the PDF renderer fetches the app's own static files from disk and nothing
else, whatever the HTML asks for: checked with the fetcher alone, and without mocks by
rendering hostile markup (raw, in minutes, in a report's Markdown) while a real HTTP
server on this machine listens for any request and /etc/passwd waits to be read."""

import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest import mock

from django.test import SimpleTestCase, TestCase, override_settings
from pypdf import PdfReader
from weasyprint import HTML

from biip.models import Role
from biip.pdf import StaticFilesFetcher, render_pdf

BASE = "http://testserver/meetings/1/minutes.pdf"


class StaticFilesFetcherServesStaticFilesOnly(SimpleTestCase):
    def setUp(self):
        self.fetcher = StaticFilesFetcher(BASE)

    def test_serves_a_static_file_from_disk(self):
        response = self.fetcher("http://testserver/static/documents/minutes.css")
        self.assertEqual(response.content_type, "text/css")
        self.assertIn(b".minute-list", response.read())

    def test_ignores_a_query_string(self):
        response = self.fetcher("http://testserver/static/documents/minutes.css?v=2")
        self.assertIn(b".minute-list", response.read())

    def test_refuses_everything_else(self):
        refused = [
            "file:///etc/passwd",
            "file:///work/main/static/documents/minutes.css",
            "http://example.org/static/documents/minutes.css",
            "https://testserver/static/documents/minutes.css",
            "http://testserver.evil.example/static/documents/minutes.css",
            "http://169.254.169.254/latest/meta-data/",
            "http://testserver/meetings/1/",
            "http://testserver/media/evidence/2019-05/minutes.pdf",
            "http://testserver/static/../biip/settings.py",
            "http://testserver/static/%2e%2e/%2e%2e/etc/passwd",
            "http://testserver/static/documents/../../../etc/passwd",
            "http://testserver/static//etc/passwd",
            "http://testserver/static/",
            "data:text/css,body{color:red}",
            "ftp://testserver/static/documents/minutes.css",
        ]
        for url in refused:
            with self.subTest(url=url), self.assertRaises(ValueError):
                self.fetcher(url)

    def test_a_missing_static_file_is_an_error(self):
        with self.assertRaises(FileNotFoundError):
            self.fetcher("http://testserver/static/documents/no-such-file.css")

    @override_settings(STATIC_URL="https://cdn.example.net/static/")
    def test_an_absolute_static_url(self):
        fetcher = StaticFilesFetcher(BASE)
        response = fetcher("https://cdn.example.net/static/documents/minutes.css")
        self.assertIn(b".minute-list", response.read())
        with self.assertRaises(ValueError):
            fetcher("http://testserver/static/documents/minutes.css")


class RenderPdf(SimpleTestCase):
    def test_never_touches_the_network_or_other_files(self):
        html = """<!DOCTYPE html><html lang="en-GB"><head><title>Fetch test</title>
        <link rel="stylesheet" href="/static/documents/minutes.css">
        <link rel="stylesheet" href="http://example.org/evil.css">
        <link rel="stylesheet" href="file:///etc/passwd"></head>
        <body class="document--pdf"><p class="marking">OFFICIAL</p>
        <img src="http://example.org/tracker.png" alt="tracker">
        <img src="file:///etc/hostname" alt="a file">
        <p>Hello</p></body></html>"""
        opened = []
        with (
            mock.patch("urllib.request.OpenerDirector.open", side_effect=opened.append),
            mock.patch.object(
                StaticFilesFetcher, "fetch", autospec=True, side_effect=StaticFilesFetcher.fetch
            ) as fetch,
            self.assertLogs("weasyprint", level="ERROR") as logs,
        ):
            pdf = render_pdf(html, base_url=BASE)
        self.assertEqual(opened, [])
        fetched = [call.args[1] for call in fetch.call_args_list]
        self.assertIn("http://testserver/static/documents/minutes.css", fetched)
        self.assertIn("http://example.org/tracker.png", fetched)
        self.assertTrue(any("example.org" in line for line in logs.output))
        reader = PdfReader(io.BytesIO(pdf))
        text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
        self.assertIn("Hello", text)
        self.assertNotIn("root:", text)
        # the stylesheet it did fetch gave the page its running header and footer
        self.assertIn("OFFICIAL", text)
        self.assertIn("Page 1 of 1", text)
        self.assertEqual(reader.metadata.title, "Fetch test")


PASSWD_LINE = (
    Path("/etc/passwd").read_text().splitlines()[0] if Path("/etc/passwd").exists() else ""
)
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class RecordingServer:
    """A real HTTP server on a free port of this machine, in a thread, that records every
    request it receives (and answers with a one-pixel PNG)."""

    def __init__(self):
        requests = self.requests = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()
                self.wfile.write(PNG_1PX)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def hostile_markup(url: str) -> str:
    """Every way HTML and CSS ask WeasyPrint to fetch something, pointed at `url` on a
    local server and at a local file."""
    return f"""
    <style>@import url("{url}/import.css");
    body {{ background: url("{url}/background.png"); }}
    p::before {{ content: url("file:///etc/passwd"); }}
    @font-face {{ font-family: x; src: url("{url}/font.woff"); }}</style>
    <link rel="stylesheet" href="{url}/linked.css">
    <link rel="attachment" href="file:///etc/passwd">
    <a rel="attachment" href="file:///etc/passwd">passwd</a>
    <a rel="attachment" href="{url}/attachment.txt">attachment</a>
    <img src="{url}/x.png" alt="local server">
    <img src="file:///etc/passwd" alt="a file">
    <object data="file:///etc/passwd"></object>
    <embed src="{url}/embed.png">
    <svg><image href="{url}/svg.png" width="1" height="1"/></svg>
    <iframe src="{url}/frame.html"></iframe>
    <p style="background-image: url('{url}/inline.png')">Hello</p>"""


def page(body: str) -> str:
    return f"""<!DOCTYPE html><html lang="en-GB"><head><title>Fetch test</title>
    <link rel="stylesheet" href="/static/documents/minutes.css"></head>
    <body class="document--pdf"><p class="marking">OFFICIAL</p>{body}</body></html>"""


class NothingOutsideStaticIsFetched(TestCase):
    """Without mocks: a real server on this machine hears nothing and no local file's
    contents reach the PDF, whether the hostile markup is raw HTML given to the renderer
    or user text in a document the app renders."""

    def assert_not_in_pdf(self, pdf: bytes, server: RecordingServer) -> str:
        self.assertEqual(server.requests, [])
        reader = PdfReader(io.BytesIO(pdf))
        self.assertEqual(reader.attachments, {})
        text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
        self.assertNotIn("root:x:0:0", text)
        if PASSWD_LINE:
            self.assertNotIn(PASSWD_LINE.encode(), pdf)
        return text

    def test_the_server_would_hear_weasyprints_default_fetcher(self):
        # the control: the same markup without the app's fetcher reaches the server and
        # attaches /etc/passwd, so the tests below would see a fetch if one happened
        with RecordingServer() as server:
            pdf = HTML(string=page(hostile_markup(server.url)), base_url=BASE).write_pdf()
        self.assertIn("/x.png", server.requests)
        self.assertIn("/background.png", server.requests)
        self.assertTrue(PdfReader(io.BytesIO(pdf)).attachments)

    def test_raw_html_given_to_the_renderer(self):
        with (
            RecordingServer() as server,
            self.assertLogs("weasyprint", level="ERROR"),
        ):
            pdf = render_pdf(page(hostile_markup(server.url)), base_url=BASE)
        text = self.assert_not_in_pdf(pdf, server)
        self.assertIn("Hello", text)
        self.assertIn("OFFICIAL", text)  # the static stylesheet was read, from disk

    def test_the_apps_own_address_is_read_from_disk_not_fetched(self):
        # a document whose base URL is the (local) server: its static files are still
        # read from disk; nothing else at that address is fetched
        with RecordingServer() as server, self.assertLogs("weasyprint", level="ERROR"):
            html = page(f'<img src="{server.url}/meetings/1/" alt="x"><p>Hello</p>')
            pdf = render_pdf(html, base_url=f"{server.url}/meetings/1/minutes.pdf")
        text = self.assert_not_in_pdf(pdf, server)
        self.assertIn("Page 1 of 1", text)

    def test_user_text_in_the_minutes_pdf(self):
        from django.urls import reverse

        from meetings.models import Meeting
        from tests.factories import make_agenda_item, make_meeting, make_minute, make_user

        sam = make_user("sam", Role.SECRETARIAT)
        meeting = make_meeting(status=Meeting.Status.PUBLISHED)
        with RecordingServer() as server:
            make_minute(make_agenda_item(meeting), text=hostile_markup(server.url))
            self.client.force_login(sam)
            internal = self.client.get(reverse("minutes-pdf", args=[meeting.pk]))
            public = self.client.get(reverse("public-minutes-pdf", args=[meeting.pk]))
        for response in (internal, public):
            text = self.assert_not_in_pdf(response.content, server)
            # escaped by the template, the markup is text on the page
            self.assertIn(f'<img src="{server.url}/x.png" alt="local server">', text)
            self.assertIn('<link rel="attachment" href="file:///etc/passwd">', text)

    def test_user_markdown_in_a_report_pdf(self):
        from reports import rendering, services
        from tests.factories import make_report, make_user

        sam = make_user("sam", Role.SECRETARIAT)
        report = make_report(sam)
        section = report.sections.order_by("order", "pk").first()
        with RecordingServer() as server, override_settings(SITE_URL=server.url):
            body = (
                f"![chart]({server.url}/markdown.png) and [a link]({server.url}/link)\n\n"
                f"[file](file:///etc/passwd) <{server.url}/autolink.png>\n\n"
                + hostile_markup(server.url)
            )
            services.update_section(user=sam, section=section, heading="Introduction", body=body)
            internal, public = services.request_versions(user=sam, report=report)
            pdfs = [rendering.render_version(v).content for v in (internal, public)]
        for pdf in pdfs:
            text = self.assert_not_in_pdf(pdf, server)
            self.assertIn("OFFICIAL", text)  # the static stylesheet, read from disk
            self.assertIn("<iframe src=", text)
