"""biip.pdf: the PDF renderer fetches the app's own static files from disk and nothing
else, whatever the HTML asks for."""

import io
import re
from unittest import mock

from django.test import SimpleTestCase, override_settings
from pypdf import PdfReader

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
