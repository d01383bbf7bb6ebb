"""Evidence uploaded with the monthly update (/actions/<pk>/update/) is checked before it
is kept: its size (Evidence.MAX_BYTES, 10 MB) and its kind (an allow-list by extension,
confirmed by the file's first bytes; the type the browser claims is ignored). It is
stored in MEDIA_ROOT under a generated name, never under the static files, served by no
URL but the permission-checked download (as an attachment, nosniff), and nothing in the
file's name (path separators, "..", NUL, length, unicode, quotes) reaches the disk or the
response headers.

The uploads are sent as raw multipart bodies, as a browser (or an attacker) sends them:
Django's test client would trim a path from a file name itself."""

import datetime
import re
import shutil
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse

from biip.models import RAG
from plans import services
from plans.models import Cycle, Evidence, ProgressUpdate
from tests.base import RolesTestCase
from tests.factories import make_action, make_plan

NOVEMBER = datetime.date(2019, 11, 1)
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
ZIP = b"PK\x03\x04\x14\x00\x06\x00"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"
STORED = re.compile(r"^evidence/2019-11/[0-9a-f]{32}$")


def multipart(fields: dict, files: list[tuple[bytes, bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body: `fields` as text parts, each of `files` (file name as
    raw bytes, content, claimed type) as a part of the "files" field."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for filename, content, claimed in files:
        quoted = filename.replace(b"\\", b"\\\\").replace(b'"', b'\\"')
        parts.append(
            f"--{boundary}\r\n".encode()
            + b'Content-Disposition: form-data; name="files"; filename="'
            + quoted
            + f'"\r\nContent-Type: {claimed}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class EvidenceUploadCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_plan(is_current=True)
        Cycle.objects.create(
            period=NOVEMBER,
            opens_on=datetime.date(2019, 11, 11),
            deadline=datetime.date(2019, 11, 22),
        )
        cls.action = make_action(
            directorate=cls.finance, lead_officer=cls.olivia.person, rag=RAG.GREEN
        )
        cls.url = reverse("action-update", args=[cls.action.pk])

    def setUp(self):
        self.media = Path(tempfile.mkdtemp(prefix="evidence-media-"))
        override = override_settings(MEDIA_ROOT=str(self.media))
        override.enable()
        self.addCleanup(override.disable)
        self.addCleanup(shutil.rmtree, self.media, ignore_errors=True)
        self.client.force_login(self.olivia)

    def upload(self, *files: tuple[bytes, bytes, str]):
        fields = {
            "period": "2019-11-01",
            "seen_version": services.action_version(self.action),
            "rag": "green",
            "narrative": "Evidence attached.",
        }
        body, content_type = multipart(fields, list(files))
        return self.client.generic("POST", self.url, body, content_type=content_type)

    def stored_files(self) -> list[Path]:
        return [path for path in self.media.rglob("*") if path.is_file()]

    def assert_refused(self, response, message: str) -> None:
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="govuk-form-group govuk-form-group--error"')
        error = re.search(
            r'<p id="id_files-error" class="govuk-error-message">(.*?)</p>',
            response.content.decode(),
            re.S,
        )
        self.assertIsNotNone(error, "no error beside the files field")
        self.assertIn(message, error.group(1))
        self.assertFalse(ProgressUpdate.objects.exists())
        self.assertFalse(Evidence.objects.exists())
        self.assertEqual(self.stored_files(), [])


class KindsAllowed(EvidenceUploadCase):
    def test_each_kind_is_stored_with_its_own_type_not_the_claimed_one(self):
        files = [
            (b"report.pdf", PDF, "text/html", "application/pdf"),
            (b"CHART.PNG", PNG, "image/svg+xml", "image/png"),
            (b"photo.jpeg", JPEG, "text/html", "image/jpeg"),
            (
                b"paper.docx",
                ZIP,
                "application/octet-stream",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            (
                b"figures.xlsx",
                ZIP,
                "text/csv",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (b"old.doc", OLE2, "text/plain", "application/msword"),
            (b"old.xls", OLE2, "text/plain", "application/vnd.ms-excel"),
            (b"slides.ppt", OLE2, "text/plain", "application/vnd.ms-powerpoint"),
        ]
        response = self.upload(*[(name, content, claimed) for name, content, claimed, _ in files])
        self.assertEqual(response.status_code, 302)
        stored = dict(Evidence.objects.values_list("original_name", "content_type"))
        self.assertEqual(stored, {name.decode(): kind for name, _, _, kind in files})
        for evidence in Evidence.objects.all():
            self.assertRegex(evidence.file.name, STORED)
            self.assertIn(evidence.content_type, Evidence.CONTENT_TYPES)
            response = self.client.get(reverse("evidence", args=[evidence.pk]))
            self.assertEqual(response["Content-Type"], evidence.content_type)
            self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
            self.assertEqual(response["X-Content-Type-Options"], "nosniff")


class KindsRefused(EvidenceUploadCase):
    def test_executables_web_pages_and_svg_are_refused_by_name(self):
        refused = [
            (b"setup.exe", b"MZ\x90\x00\x03"),
            (b"page.html", b"<html><script>alert(1)</script></html>"),
            (b"page.htm", b"<script>alert(1)</script>"),
            (b"chart.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
            (b"script.js", b"alert(1)"),
            (b"report.pdf.exe", b"%PDF-1.7 then MZ"),
            (b"noextension", PDF),
            (b"report.PDF.html", PDF),
            (b"shell.sh", b"#!/bin/sh\nrm -rf /"),
        ]
        for name, content in refused:
            with self.subTest(name=name):
                response = self.upload((name, content, "application/pdf"))
                self.assert_refused(response, "must be a PDF, a Word, Excel or PowerPoint document")

    def test_contents_that_do_not_match_the_name_are_refused(self):
        refused = [
            (b"report.pdf", b"<html><script>alert(1)</script></html>"),
            (b"report.pdf", b"MZ\x90\x00\x03\x00"),
            (b"chart.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
            (b"photo.jpg", PNG),
            (b"paper.docx", OLE2),
            (b"old.doc", ZIP),
            (b"report.pdf", b" %PDF-1.7"),
        ]
        for name, content in refused:
            with self.subTest(name=name, content=content[:8]):
                response = self.upload((name, content, "application/pdf"))
                self.assert_refused(response, "its contents do not match its name")

    def test_an_empty_file_is_refused(self):
        self.assert_refused(self.upload((b"empty.pdf", b"", "application/pdf")), "is empty")

    def test_one_bad_file_keeps_the_good_ones_out_too(self):
        response = self.upload(
            (b"good.pdf", PDF, "application/pdf"), (b"bad.svg", b"<svg/>", "image/svg+xml")
        )
        self.assert_refused(response, "“bad.svg” must be a PDF")


class SizeLimit(EvidenceUploadCase):
    def test_a_file_over_the_limit_is_refused_beside_the_field(self):
        big = PDF + b"\0" * (Evidence.MAX_BYTES - len(PDF) + 1)
        response = self.upload((b"big.pdf", big, "application/pdf"))
        self.assert_refused(response, "“big.pdf” is larger than 10 MB")

    def test_a_file_at_the_limit_is_kept(self):
        exact = PDF + b"\0" * (Evidence.MAX_BYTES - len(PDF))
        response = self.upload((b"exact.pdf", exact, "application/pdf"))
        self.assertEqual(response.status_code, 302)
        evidence = Evidence.objects.get()
        self.assertEqual(evidence.size, Evidence.MAX_BYTES)
        self.assertEqual((self.media / evidence.file.name).stat().st_size, Evidence.MAX_BYTES)


class FileNameTricks(EvidenceUploadCase):
    """The name a user's file had is display text only: the file is stored under a
    generated name inside MEDIA_ROOT whatever it was, and the download's header carries
    it safely."""

    NAMES = {
        b"../../etc/passwd.pdf": "passwd.pdf",
        b"..\\..\\x.pdf": "x.pdf",
        b"/abs/path.pdf": "path.pdf",
        b"C:\\Windows\\system32\\report.pdf": "report.pdf",
        b"a\x00b.pdf": "ab.pdf",
        b"control\x1b\x7f\tchars.pdf": "controlchars.pdf",
        "Rapport été – 2019 📄.pdf".encode(): "Rapport été – 2019 📄.pdf",
        b'quote" onmouseover="alert(1).pdf': 'quote" onmouseover="alert(1).pdf',
        b"&lt;script&gt;.pdf": "<script>.pdf",
        b"x" * 400 + b".pdf": "x" * 251 + ".pdf",
    }

    def test_path_tricks_in_names_do_nothing(self):
        response = self.upload(*[(name, PDF, "application/pdf") for name in self.NAMES])
        self.assertEqual(response.status_code, 302)
        evidence = list(Evidence.objects.order_by("pk"))
        self.assertEqual([e.original_name for e in evidence], list(self.NAMES.values()))
        media = self.media.resolve()
        for item in evidence:
            with self.subTest(name=item.original_name[:40]):
                self.assertRegex(item.file.name, STORED)
                path = Path(item.file.path).resolve()
                self.assertTrue(path.is_relative_to(media))
                self.assertEqual(path.read_bytes(), PDF)
        self.assertEqual(len(self.stored_files()), len(self.NAMES))
        self.assertFalse(Path("/etc/passwd.pdf").exists())
        self.assertFalse(Path("/abs/path.pdf").exists())

    def test_the_download_header_carries_the_name_safely(self):
        self.upload(*[(name, PDF, "application/pdf") for name in self.NAMES])
        self.assertEqual(Evidence.objects.count(), len(self.NAMES))
        expected = {
            "passwd.pdf": 'attachment; filename="passwd.pdf"',
            'quote" onmouseover="alert(1).pdf': (
                'attachment; filename="quote\\" onmouseover=\\"alert(1).pdf"'
            ),
            "Rapport été – 2019 📄.pdf": (
                "attachment; filename*=utf-8''Rapport%20%C3%A9t%C3%A9%20%E2%80%93%202019%20"
                "%F0%9F%93%84.pdf"
            ),
        }
        for item in Evidence.objects.all():
            with self.subTest(name=item.original_name[:40]):
                response = self.client.get(reverse("evidence", args=[item.pk]))
                disposition = response["Content-Disposition"]
                self.assertTrue(disposition.startswith("attachment; "))
                self.assertNotRegex(disposition, r"[\x00-\x1f\x7f]")
                if item.original_name in expected:
                    self.assertEqual(disposition, expected[item.original_name])

    def test_the_name_is_shown_as_text(self):
        self.upload((b"&lt;img src=x onerror=alert(1)&gt;.pdf", PDF, "application/pdf"))
        response = self.client.get(reverse("action", args=[self.action.pk]))
        self.assertNotContains(response, "<img src=x onerror")
        self.assertContains(response, "&lt;img src=x onerror=alert(1)&gt;.pdf")


class StoredOutsideStatic(EvidenceUploadCase):
    def test_media_root_is_not_static(self):
        media = Path(settings.MEDIA_ROOT).resolve()
        statics = [Path(settings.STATIC_ROOT).resolve()]
        statics += [Path(d if isinstance(d, str | Path) else d[1]).resolve()
                    for d in settings.STATICFILES_DIRS]  # fmt: skip
        for static in statics:
            self.assertFalse(media.is_relative_to(static), static)
            self.assertFalse(static.is_relative_to(media), static)
        self.assertFalse(settings.MEDIA_URL.startswith(settings.STATIC_URL))

    def test_an_uploaded_file_is_served_only_by_the_download_view(self):
        self.upload((b"report.pdf", PDF, "application/pdf"))
        evidence = Evidence.objects.get()
        self.assertIsNone(finders.find(evidence.file.name))
        for url in (
            settings.MEDIA_URL + evidence.file.name,
            "/media/" + evidence.file.name,
            "/static/" + evidence.file.name,
            "/" + evidence.file.name,
        ):
            with self.subTest(url=url):
                with self.assertRaises(Resolver404):
                    resolve(url)
                self.assertEqual(self.client.get(url).status_code, 404)
        self.client.logout()
        download = reverse("evidence", args=[evidence.pk])
        response = self.client.get(download)
        self.assertRedirects(response, f"/sign-in/?next={download}", fetch_redirect_response=False)


class NamesSetElsewhere(EvidenceUploadCase):
    def test_a_stored_name_with_control_characters_is_still_a_safe_header(self):
        # an administrator can edit the name in Django admin: Django percent-encodes a
        # name that is not printable ASCII, so the header stays one line
        evidence = Evidence(
            update=ProgressUpdate.objects.create(
                action=self.action,
                period=NOVEMBER,
                rag=RAG.GREEN,
                narrative="x",
                author=self.olivia,
            ),
            original_name="a\r\nSet-Cookie: x=1\x1b.pdf",
            content_type="application/pdf",
            size=len(PDF),
            uploaded_by=self.olivia,
        )
        evidence.file.save("x.pdf", ContentFile(PDF))
        response = self.client.get(reverse("evidence", args=[evidence.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Set-Cookie", response.headers)
        self.assertEqual(
            response["Content-Disposition"],
            "attachment; filename*=utf-8''a%0D%0ASet-Cookie%3A%20x%3D1%1B.pdf",
        )
