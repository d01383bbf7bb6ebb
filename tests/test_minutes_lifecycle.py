"""Acceptance: agreed minutes are a record, through the app's own views.

The meeting of 29 January 2019 (tests.minutes_fixture: public, exempt and confidential
items, minutes and actions arising) is drafted, then agreed. Every view that changes the
agenda, minutes, numbering, actions arising or formal advice is then refused (explained
to a GET, 409 to a POST) and the database is unchanged. The minutes are published through
the confirmation page. The secretariat amends them (a public change, and a change to a
confidential minute), saying why; each amendment is recorded (what, why, who, when) and
shown on the meeting page, the minutes document and the internal PDF. The public page,
public document and public PDF do not change until the secretariat republishes through
its confirmation page; then they show the public amendment in full and only that withheld
content was amended for the other.
"""

import io
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from biip.models import PublicationStatus
from meetings import services
from meetings.models import AgendaItem, FormalAdvice, Meeting, MeetingAction, Minute
from tests.base import RolesTestCase
from tests.minutes_fixture import SECRETS, make_published_meeting

REASON = "The panel agreed a correction at its meeting of 27 February 2019."
SECRET_REASON = "The Hollowmere figure was wrong."  # a reason about confidential content
ADDED = "The Plumtree correction was agreed."
SECRET_EDIT = "The Bramblecote deficit and the Sandalwood loan were discussed."


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def version(record) -> int:
    """The version an edit form opened now would carry (its latest history row)."""
    return record.history.order_by("-history_id").first().history_id


def state(meeting: Meeting) -> list:
    """Everything an amendment would change, as plain values."""
    return [
        list(AgendaItem.objects.filter(meeting=meeting).order_by("pk").values()),
        list(Minute.objects.filter(meeting=meeting).order_by("pk").values()),
        list(MeetingAction.objects.filter(meeting=meeting).order_by("pk").values()),
        list(FormalAdvice.objects.filter(meeting=meeting).order_by("pk").values()),
    ]


class AgreedMinutesLifecycleTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_published_meeting()
        Meeting.objects.filter(pk=cls.meeting.pk).update(
            status=Meeting.Status.MINUTES_DRAFTED, minutes_published_on=None
        )

    def setUp(self):
        self.client.force_login(self.sam)
        self.public = Client()

    def minute(self, number: int) -> Minute:
        return Minute.objects.get(meeting=self.meeting, number=number)

    def public_outputs(self) -> dict[str, str]:
        pk = self.meeting.pk
        return {
            "page": self.public.get(reverse("public-meeting", args=[pk])).content.decode(),
            "document": self.public.get(
                reverse("public-minutes-document", args=[pk])
            ).content.decode(),
            "pdf": pdf_text(self.public.get(reverse("public-minutes-pdf", args=[pk])).content),
        }

    def internal_outputs(self) -> dict[str, str]:
        pk = self.meeting.pk
        return {
            "page": self.client.get(reverse("meeting", args=[pk])).content.decode(),
            "document": self.client.get(reverse("minutes-document", args=[pk])).content.decode(),
            "pdf": pdf_text(self.client.get(reverse("minutes-pdf", args=[pk])).content),
        }

    def edits(self) -> list[tuple[str, str, dict]]:
        """(url name, pk, POST data) of every view that changes the agreed record."""
        item = AgendaItem.objects.get(meeting=self.meeting, number=2)
        minute = self.minute(3)
        action = MeetingAction.objects.filter(minute=minute).first()
        public = {"publication_status": PublicationStatus.PUBLIC}
        return [
            ("agenda-item-create", self.meeting.pk, {"heading": "Late item", **public}),
            ("agenda-item-edit", item.pk, {"heading": "Budget", **public}),
            ("agenda-item-move", item.pk, {"direction": "up"}),
            ("agenda-item-remove", item.pk, {}),
            ("minute-create", item.pk, {"text": ADDED, **public}),
            ("minute-edit", minute.pk, {"text": "Changed.", **public}),
            ("minute-remove", minute.pk, {}),
            (
                "meeting-action-create",
                minute.pk,
                {"description": "New", "owner": action.owner_id, **public},
            ),
            (
                "meeting-action-edit",
                action.pk,
                {"description": "Changed", "owner": action.owner_id, **public},
            ),
            ("meeting-action-remove", action.pk, {}),
            ("formal-advice", self.meeting.pk, {"given": "advice", "advice": "Do more."}),
        ]

    def amend(self, reason: str, change) -> None:
        """Open an amendment with `reason`, make `change()`, finish it: all by views."""
        response = self.client.post(
            reverse("minutes-amend", args=[self.meeting.pk]), {"reason": reason}
        )
        self.assertEqual(response.status_code, 302)
        change()
        amendment = self.meeting.amendments.get(finished_at=None)
        response = self.client.post(reverse("amendment-finish", args=[amendment.pk]))
        self.assertEqual(response.status_code, 302)

    def test_agree_refuse_amend_see_republish(self):
        # Agree the minutes.
        status_url = reverse("minutes-status", args=[self.meeting.pk])
        response = self.client.post(status_url, {"status": "agreed"})
        self.assertEqual(response.status_code, 302)
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.status, Meeting.Status.MINUTES_AGREED)

        # Every edit view refuses without an amendment; nothing changes.
        before = state(self.meeting)
        for name, pk, data in self.edits():
            url = reverse(name, args=[pk])
            with self.subTest(view=name):
                if name not in (
                    "agenda-item-move",
                    "agenda-item-remove",
                    "minute-remove",
                    "meeting-action-remove",
                ):
                    page = self.client.get(url)
                    self.assertContains(page, "These minutes are agreed")
                    self.assertContains(page, reverse("minutes-amend", args=[self.meeting.pk]))
                response = self.client.post(url, data)
                self.assertEqual(response.status_code, 409)
                self.assertContains(response, "Nothing has been changed", status_code=409)
        self.assertEqual(state(self.meeting), before)
        # Going back to draft is no longer a way round it.
        self.client.post(status_url, {"status": "drafted"})
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.status, Meeting.Status.MINUTES_AGREED)

        # Publish through the confirmation page.
        publish = reverse("minutes-publish", args=[self.meeting.pk])
        self.assertContains(self.client.get(publish), "When you publish the minutes")
        self.assertEqual(self.meeting.publications.count(), 0)
        response = self.client.post(publish)
        self.assertEqual(
            messages_of(response),
            ["The minutes are published: the public can now read their public parts."],
        )
        published = self.public_outputs()
        self.assertIn("The overspend was down to £2.8m at month 9.", published["pdf"])

        # A public amendment: a minute added under item 1 (minutes 3 to 7 become 4 to 8).
        item_1 = AgendaItem.objects.get(meeting=self.meeting, number=1)
        self.amend(
            REASON,
            lambda: self.client.post(
                reverse("minute-create", args=[item_1.pk]),
                {"text": ADDED, "publication_status": "public"},
            ),
        )
        self.assertEqual(self.minute(3).text, ADDED)
        self.assertEqual(self.minute(4).text, "The overspend was down to £2.8m at month 9.")
        first = self.meeting.amendments.get(reason=REASON)
        self.assertEqual(first.made_by, self.sam)
        self.assertEqual(first.amended_on, timezone.localdate())
        self.assertEqual(
            first.change_list,
            ["minute 3 added under item 1; the minutes after it renumbered"],
        )
        self.assertFalse(first.touches_withheld)

        # An amendment of the confidential minute (now minute 5).
        confidential = self.minute(5)
        self.amend(
            SECRET_REASON,
            lambda: self.client.post(
                reverse("minute-edit", args=[confidential.pk]),
                {
                    "text": SECRET_EDIT,
                    "publication_status": "confidential",
                    "seen_version": version(confidential),
                },
            ),
        )
        second = self.meeting.amendments.get(reason=SECRET_REASON)
        self.assertEqual(second.change_list, ["minute 5 edited (minute)"])
        self.assertTrue(second.touches_withheld)
        self.assertEqual(self.minute(5).text, SECRET_EDIT)

        # Every internal output shows both amendments in full.
        today = timezone.localdate()
        date = f"{today.day} {today:%B %Y}"
        for output, text in self.internal_outputs().items():
            with self.subTest(internal=output):
                self.assertIn(f"Amended on {date} by", text)
                self.assertIn(REASON, text)
                self.assertIn("minute 3 added under item 1", text)
                self.assertIn("minute 5 edited (minute)", text)
                self.assertIn(ADDED, text)

        # The public still sees the minutes exactly as published.
        self.assertEqual(self.public_outputs(), published)

        # Republish through the confirmation page.
        republish = reverse("minutes-republish", args=[self.meeting.pk])
        page = self.client.get(republish)
        self.assertContains(page, "The public will see these changes")
        self.assertContains(page, REASON)
        self.assertContains(page, "withheld content was amended")
        response = self.client.post(republish)
        self.assertEqual(
            messages_of(response),
            ["The amended minutes are published: the public now sees the amendments."],
        )
        public = self.public_outputs()
        for output, text in public.items():
            with self.subTest(public=output):
                self.assertIn(ADDED, text)
                self.assertIn(f"Amended on {date}: minute 3 added under item 1", text)
                self.assertIn(f"Amended on {date}: withheld content was amended.", text)
                for secret in [*SECRETS, "Hollowmere", "Sandalwood", SECRET_REASON]:
                    self.assertNotIn(secret, text)
        self.assertNotEqual(public, published)

    def test_the_services_refuse_too(self):
        Meeting.objects.filter(pk=self.meeting.pk).update(status=Meeting.Status.MINUTES_AGREED)
        before = state(self.meeting)
        item = AgendaItem.objects.get(meeting=self.meeting, number=1)
        with self.assertRaises(services.MinutesAreARecord):
            services.add_minute(user=self.sam, item=item, text="Slipped in.")
        with self.assertRaises(services.MinutesAreARecord):
            services.move_agenda_item(user=self.sam, item=item, up=False)
        with self.assertRaises(services.MinutesAreARecord):
            services.record_formal_advice(user=self.sam, meeting=self.meeting, none_given=True)
        self.assertEqual(state(self.meeting), before)

    def test_withholding_since_publication_is_applied_at_once(self):
        # The frozen public copy never shows what is withheld now: a minute made
        # confidential (by an amendment) leaves the public outputs before republishing.
        Meeting.objects.filter(pk=self.meeting.pk).update(status=Meeting.Status.MINUTES_AGREED)
        self.client.post(reverse("minutes-publish", args=[self.meeting.pk]))
        minute = self.minute(3)
        self.amend(
            REASON,
            lambda: self.client.post(
                reverse("minute-edit", args=[minute.pk]),
                {
                    "text": minute.text,
                    "publication_status": "confidential",
                    "seen_version": version(minute),
                },
            ),
        )
        for output, text in self.public_outputs().items():
            with self.subTest(public=output):
                self.assertNotIn("The overspend was down to £2.8m", text)
                self.assertIn("Withheld since these minutes were published", text)

    def test_another_secretary_cannot_edit_during_someone_elses_amendment(self):
        Meeting.objects.filter(pk=self.meeting.pk).update(status=Meeting.Status.MINUTES_AGREED)
        services.open_amendment(user=self.alex, meeting=self.meeting, reason=REASON)
        item = AgendaItem.objects.get(meeting=self.meeting, number=1)
        response = self.client.post(
            reverse("minute-create", args=[item.pk]),
            {"text": ADDED, "publication_status": "public"},
        )
        self.assertContains(response, "is amending these minutes now", status_code=409)
        self.assertFalse(Minute.objects.filter(text=ADDED).exists())
