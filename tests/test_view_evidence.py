"""Evidence downloads: /evidence/<pk>/."""

import datetime
from pathlib import Path

from django.core.files.base import ContentFile
from django.urls import reverse

from plans.models import Evidence
from tests.base import MediaRolesTestCase
from tests.factories import make_action, make_update

PDF = b"%PDF-1.7\n%%EOF\n"


class EvidenceDownload(MediaRolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        action = make_action(directorate=cls.finance, lead_officer=cls.olivia.person)
        cls.update = make_update(action, cls.olivia, period=datetime.date(2019, 11, 1))
        cls.evidence = cls.make_evidence("Cabinet report – November.pdf", "application/pdf", PDF)
        cls.url = reverse("evidence", args=[cls.evidence.pk])

    @classmethod
    def make_evidence(cls, name: str, content_type: str, content: bytes) -> Evidence:
        evidence = Evidence(
            update=cls.update,
            original_name=name,
            content_type=content_type,
            size=len(content),
            uploaded_by=cls.olivia,
        )
        evidence.file.save(name, ContentFile(content))
        return evidence

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_wrong_methods_are_not_allowed(self):
        self.client.force_login(self.pat)
        for method in ("post", "put", "delete"):
            with self.subTest(method=method):
                self.assertEqual(getattr(self.client, method)(self.url).status_code, 405)

    def test_every_signed_in_role_downloads_it_as_an_attachment(self):
        for user in (self.olivia, self.oscar, self.pat, self.sam, self.alex):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(b"".join(response.streaming_content), PDF)
                self.assertEqual(response["Content-Type"], "application/pdf")
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(
                    response["Content-Disposition"],
                    "attachment; filename*=utf-8''Cabinet%20report%20%E2%80%93%20November.pdf",
                )
                self.assertIn("sandbox", response["Content-Security-Policy"])

    def test_served_as_the_stored_type_whatever_the_name(self):
        image = self.make_evidence("chart.html", "image/png", b"\x89PNG\r\n\x1a\n")
        self.client.force_login(self.pat)
        response = self.client.get(reverse("evidence", args=[image.pk]))
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(response["Content-Disposition"], 'attachment; filename="chart.html"')

    def test_unknown_evidence_is_404(self):
        self.client.force_login(self.pat)
        response = self.client.get(reverse("evidence", args=[self.evidence.pk + 1000]))
        self.assertEqual(response.status_code, 404)

    def test_a_file_missing_from_storage_is_404(self):
        missing = self.make_evidence("gone.pdf", "application/pdf", PDF)
        (Path(self.media) / missing.file.name).unlink()
        self.client.force_login(self.pat)
        self.assertEqual(self.client.get(reverse("evidence", args=[missing.pk])).status_code, 404)

    def test_the_file_is_stored_under_a_random_name_outside_static(self):
        self.assertRegex(self.evidence.file.name, r"^evidence/2019-11/[0-9a-f]{32}$")
        self.assertTrue((Path(self.media) / self.evidence.file.name).is_file())
