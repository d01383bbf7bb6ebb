"""Acceptance: nothing withheld ever reaches the public, through the life of a programme.

A unique string is planted in every field that has or inherits a publication status and
in the narrative of every record that is not public: action titles, descriptions, update
narratives, milestone titles and evidence names; risk titles and mitigations; agenda
headings and papers, minutes, actions arising, formal advice (of a published meeting,
withheld by their own status or by what they belong to, and of meetings whose minutes are
not published); report sections' headings (not marked publishable) and bodies; the
reasons of amendments touching withheld content and of withdrawals. The programme's life
is then run through the app's own views (the Django test client, as the secretariat, each
confirmation page read before its button is pressed) and the real report worker
(`db_worker --batch`): minutes published, cycles closed out of order, one report of each
kind finalised with its public version generated, records made confidential after their
cycle closed (an action arising through an amendment of the agreed minutes), every public
version published before that withdrawn (with a reason) and corrected versions generated,
the published minutes amended (a minute made confidential, minutes and formal advice
added) and republished.

Then everything an anonymous visitor can reach is fetched: every public page and every
link on it, every public route for every id there is (withdrawn versions too), the public
calendar feed, every PDF (its text, metadata, XMP, bookmarks and every string object in
it). No planted string may appear anywhere, with no exception; each must appear in the
internal version (so the planting is proven), and each visible marker must appear in the
public output (so the crawl reached the documents).

The life is a list of steps (`LIFE`): a later step is one more method and one more name.
"""

import datetime
import io
import re
import shutil
import tempfile
from html.parser import HTMLParser
from itertools import count
from urllib.parse import urljoin, urlsplit

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils.timezone import localtime
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    StreamObject,
    TextStringObject,
)

from biip.models import RAG, PublicationStatus, Role
from meetings.models import FormalAdvice, Meeting
from plans.models import Action, Cycle, Evidence, Milestone, Risk
from reports.models import Report, ReportVersion
from tests.factories import (
    make_action,
    make_agenda_item,
    make_directorate,
    make_meeting,
    make_meeting_action,
    make_minute,
    make_organisation,
    make_plan,
    make_report,
    make_risk,
    make_theme,
    make_update,
    make_user,
)

EXEMPT = {
    "publication_status": PublicationStatus.EXEMPT,
    "exemption_paragraph": 4,
    "exemption_review_date": datetime.date(2020, 3, 31),
}
CONFIDENTIAL = {"publication_status": PublicationStatus.CONFIDENTIAL}
EXEMPT_FORM = {  # the same, as the publication fields of a form
    "publication_status": "exempt",
    "exemption_paragraph": "4",
    "exemption_review_date": "31/03/2020",
}
JANUARY, FEBRUARY = datetime.date(2019, 1, 1), datetime.date(2019, 2, 1)
ENTERED = datetime.datetime(2018, 12, 20, 12, tzinfo=datetime.UTC)
PUBLIC_ROOTS = ["/", "/public/meetings/", "/public/reports/", "/public/meetings/calendar.ics"]
CRAWL_LIMIT = 600  # pages and files an anonymous visitor is sent to, at most


def squeeze(text: str) -> str:
    """Without whitespace: a token wrapped across lines of a PDF is still found."""
    return re.sub(r"\s+", "", text)


def pdf_strings(data: bytes) -> str:
    """Everything readable in a PDF: each page's text, the document information, the XMP
    metadata, the bookmarks, and every string object reachable from the catalogue
    (structure tree, alternative texts, annotations)."""
    reader = PdfReader(io.BytesIO(data))
    found = [page.extract_text() or "" for page in reader.pages]
    found += outline_titles(reader)
    found += [str(value) for value in (reader.metadata or {}).values()]
    seen: set = set()

    def walk(obj):
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                return
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, TextStringObject):
            found.append(str(obj))
        elif isinstance(obj, ByteStringObject):
            found.append(bytes(obj).decode("latin-1"))
        elif isinstance(obj, DictionaryObject):
            if isinstance(obj, StreamObject) and obj.get("/Type") == "/Metadata":
                found.append(obj.get_data().decode("utf-8", "replace"))
            for key, value in obj.items():
                if key not in ("/Contents", "/FontFile", "/FontFile2", "/FontFile3"):
                    walk(value)
        elif isinstance(obj, ArrayObject):
            for value in obj:
                walk(value)

    walk(reader.trailer["/Root"])
    walk(reader.trailer.get("/Info"))
    return "\n".join(found)


def outline_titles(reader: PdfReader) -> list[str]:
    def titles(items):
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    return list(titles(reader.outline))


class FormReader(HTMLParser):
    """The values a browser would submit from the page's first form that posts to
    `action` (or to the page itself): inputs, checked radios and checkboxes, selects and
    textareas."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.done = action, False, False
        self.data: dict[str, str] = {}
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done:
            self.inside = attrs.get("action") in (None, "", self.action)
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.data[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self.select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in attrs:
            self.data[self.select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea] += data.lstrip("\n") if not self.data[self.textarea] else data


class LinkReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


class PublicWithholdingTest(TransactionTestCase):
    serialized_rollback = True
    maxDiff = None

    # The programme's life, in order; each name is a method below.
    LIFE = [
        "publish_minutes",
        "close_cycles_out_of_order",
        "finalise_one_report_of_each_kind",
        "make_records_confidential_after_close",
        "withdraw_versions_published_before_change",
        "generate_public_versions_again",
        "amend_published_minutes",
        "republish_amended_minutes",
    ]

    def setUp(self):
        self.media = tempfile.mkdtemp(prefix="withholding-media-")
        self.addCleanup(shutil.rmtree, self.media, ignore_errors=True)
        media = override_settings(MEDIA_ROOT=self.media)
        media.enable()
        self.addCleanup(media.disable)
        self.tokens = count(101)
        self.planted: dict[str, str] = {}  # what it is -> the string planted in it
        self.visible: dict[str, str] = {}  # what the public must see -> its string
        self.pdfs = 0

    # -- planting ------------------------------------------------------------------------

    def plant(self, what: str) -> str:
        """A unique string no page could hold by chance (letters chosen so no PDF font
        turns them into a ligature)."""
        token = f"Qzk{next(self.tokens)}Vw"
        self.planted[what] = token
        return token

    def show(self, what: str) -> str:
        token = f"Pbx{next(self.tokens)}Jm"
        self.visible[what] = token
        return token

    # -- the programme ---------------------------------------------------------------------

    def build_programme(self):
        council = make_organisation(name="Birmingham City Council", short_name="BCC")
        finance = make_directorate(name="Finance", short_name="FG", organisation=council)
        self.sam = make_user("sam", Role.SECRETARIAT, organisation=council)
        self.owner = make_user("olivia", Role.OFFICER, organisation=council).person
        theme = make_theme(name="Financial resilience", order=1)
        self.plan = make_plan(title="Improvement Plan 2019-20", short_name="IP19")
        for cycle in (JANUARY, FEBRUARY):
            Cycle.objects.create(
                period=cycle, opens_on=cycle.replace(day=11), deadline=cycle.replace(day=22)
            )
        self.build_actions(theme, finance)
        self.build_risks()
        self.build_meetings()
        self.backdate_history()

    def build_action(self, label: str, theme, directorate, *, status: dict, planted: bool):
        mark = self.plant if planted else (lambda what: what)
        action = make_action(
            plan=self.plan,
            theme=theme,
            directorate=directorate,
            title=self.plant(f"{label} title") if planted else self.show(f"{label} title"),
            description=mark(f"{label} description"),
            start_date=datetime.date(2018, 10, 1),
            original_due_date=datetime.date(2019, 1, 15),
            rag=RAG.AMBER,
            **status,
        )
        update = make_update(
            action, self.sam, period=JANUARY, rag=RAG.AMBER, narrative=mark(f"{label} narrative")
        )
        Milestone.objects.create(
            action=action, title=mark(f"{label} milestone"), due_date=datetime.date(2019, 1, 10)
        )
        name = mark(f"{label} evidence name")
        Evidence.objects.create(
            update=update,
            file=SimpleUploadedFile(name, b"%PDF-1.4 evidence"),
            original_name=f"{name}.pdf",
            content_type="application/pdf",
            size=17,
            uploaded_by=self.sam,
        )
        return action

    def build_actions(self, theme, directorate):
        self.build_action("public action", theme, directorate, status={}, planted=False)
        self.build_action("exempt action", theme, directorate, status=EXEMPT, planted=True)
        self.build_action(
            "confidential action", theme, directorate, status=CONFIDENTIAL, planted=True
        )
        # public when its cycles close; made confidential afterwards
        self.late_action = self.build_action(
            "action made confidential later", theme, directorate, status={}, planted=True
        )

    def build_risks(self):
        make_risk(title=self.show("public risk title"), mitigations="Monthly review")
        make_risk(
            title=self.plant("exempt risk title"),
            mitigations=self.plant("exempt risk mitigations"),
            **EXEMPT,
        )
        self.late_risk = make_risk(
            title=self.plant("risk made confidential later, title"),
            mitigations=self.plant("risk made confidential later, mitigations"),
        )

    def build_meetings(self):
        self.published = make_meeting(
            title="Panel meeting", date=datetime.date(2018, 12, 18), status="agreed"
        )
        owner = self.owner
        budget = make_agenda_item(self.published, number=1, heading=self.show("public item"))
        self.budget = budget
        open_minute = make_minute(budget, number=1, text=self.show("public minute"))
        make_meeting_action(open_minute, owner, description=self.show("public action arising"))
        secret_minute = make_minute(
            budget, number=2, text=self.plant("confidential minute"), **CONFIDENTIAL
        )
        make_meeting_action(
            secret_minute, owner, description=self.plant("public action of a confidential minute")
        )
        exempt_item = make_agenda_item(
            self.published,
            number=2,
            heading=self.plant("exempt item heading"),
            papers=self.plant("exempt item papers"),
            **EXEMPT,
        )
        # public when the minutes are published; made confidential by an amendment
        self.amended_minute = make_minute(
            budget, number=3, text=self.plant("minute made confidential by an amendment")
        )
        under = make_minute(exempt_item, number=4, text=self.plant("public minute, exempt item"))
        make_meeting_action(
            under, owner, description=self.plant("public action of a public minute, exempt item")
        )
        make_meeting_action(
            open_minute, owner, description=self.plant("confidential action"), **CONFIDENTIAL
        )
        self.late_arising = make_meeting_action(
            open_minute, owner, description=self.plant("action arising made confidential later")
        )
        FormalAdvice.objects.create(
            meeting=self.published, advice=self.plant("exempt formal advice"), **EXEMPT
        )
        FormalAdvice.objects.create(meeting=self.published, advice=self.show("public advice"))
        agreed = make_meeting(title="Panel meeting", date=datetime.date(2019, 1, 29))
        agreed.status = Meeting.Status.MINUTES_AGREED
        agreed.save()
        future = make_meeting(
            title="Quarterly public meeting",
            date=datetime.date.today() + datetime.timedelta(days=30),
            is_open_to_public=True,
        )
        for meeting, kind in ((agreed, "agreed unpublished"), (future, "scheduled")):
            item = make_agenda_item(meeting, number=1, heading=self.plant(f"{kind} item heading"))
            minute = make_minute(item, number=1, text=self.plant(f"{kind} minute"))
            make_meeting_action(minute, owner, description=self.plant(f"{kind} action arising"))
            FormalAdvice.objects.create(meeting=meeting, advice=self.plant(f"{kind} advice"))
        self.meetings = [self.published, agreed, future]

    def backdate_history(self):
        """The programme was entered in December 2018, before the cycles it is reported
        in: a cycle closed late reads the data as at the end of its month."""
        for model in apps.get_models():
            history = getattr(model, "history", None)
            if history is not None and hasattr(history, "model"):
                history.model.objects.update(history_date=ENTERED)

    # -- the life, through the app's views ------------------------------------------------

    def post(self, url: str, data: dict | None = None, *, expect: int = 302):
        response = self.client.post(url, data or {})
        self.assertEqual(response.status_code, expect, f"POST {url}: {response.content[:2000]}")
        return response

    def edit(self, url: str, **changes):
        """Open the edit page, change some fields, save it as a browser would."""
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200, url)
        reader = FormReader(action=url)
        reader.feed(page.content.decode())
        data = {**reader.data, **changes}
        data = {key: value for key, value in data.items() if value is not None}
        return self.post(url, data)

    def confirm(self, url: str):
        """A confirmation page: read what will happen, then press its one button."""
        self.assertEqual(self.client.get(url).status_code, 200, url)
        return self.post(url)

    def publish_minutes(self):
        status = self.post(
            reverse("minutes-status", args=[self.published.pk]), {"status": "published"}
        )
        self.confirm(status.url)  # the move to published goes through its confirmation
        self.published.refresh_from_db()
        self.assertTrue(self.published.is_published)

    def amending(self, meeting: Meeting, reason: str):
        """Open an amendment of the agreed minutes (with `reason`); returns the URL of
        its "Finish the amendment" button, as the meeting page shows it."""
        self.edit(reverse("minutes-amend", args=[meeting.pk]), reason=reason)
        page = self.client.get(reverse("meeting", args=[meeting.pk])).content.decode()
        finish = re.search(r'action="(/meetings/amendments/\d+/finish/)"', page)
        self.assertIsNotNone(finish, "the meeting page offers to finish the amendment")
        return finish.group(1)

    def minutes_outputs(self, *names: str) -> dict[str, str]:
        """The published meeting's pages or PDFs named, each as its reader sees it."""
        texts = {}
        for name in names:
            response = self.client.get(reverse(name, args=[self.published.pk]))
            self.assertEqual(response.status_code, 200, name)
            texts[name] = squeeze(self.read(response))
        return texts

    def public_minutes(self) -> dict[str, str]:
        """The published meeting's public page, minutes document and PDF, as anyone."""
        self.client.logout()
        texts = self.minutes_outputs(
            "public-meeting", "public-minutes-document", "public-minutes-pdf"
        )
        self.client.force_login(self.sam)
        return texts

    def close_cycles_out_of_order(self):
        """February first (live data), then January (the history as at its month's end)."""
        for period in (FEBRUARY, JANUARY):
            cycle = Cycle.objects.get(period=period)
            self.post(reverse("cycle-close", args=[cycle.pk]))
            cycle.refresh_from_db()
            self.assertFalse(cycle.is_open)
            self.assertTrue(cycle.snapshot.actions.exists())
            self.assertTrue(cycle.snapshot.meeting_actions.exists())

    def write_sections(self, report: Report, kind: str):
        """The first section exempt (heading and body planted); the second confidential
        with its heading marked publishable (only its body planted)."""
        first, second = report.sections.order_by("order", "id")[:2]
        self.edit(
            reverse("report-section-edit", args=[report.pk, first.pk]),
            heading=self.plant(f"{kind} exempt section heading"),
            body=self.plant(f"{kind} exempt section body"),
            **EXEMPT_FORM,
        )
        self.edit(
            reverse("report-section-edit", args=[report.pk, second.pk]),
            # the pack prints its own headings ("The panel's comments"), not the sections'
            heading=f"{kind} heading" if kind == "pack" else self.show(f"{kind} heading"),
            body=self.plant(f"{kind} confidential section body"),
            publication_status="confidential",
            heading_public="on",
        )

    def finalise_one_report_of_each_kind(self):
        snapshots = {
            period: Cycle.objects.get(period=period).snapshot for period in (JANUARY, FEBRUARY)
        }
        kinds = [
            ("stocktake", JANUARY),
            ("letter", FEBRUARY),
            ("pack", FEBRUARY),
            ("smart", JANUARY),
        ]
        self.reports = []
        for kind, period in kinds:
            report = make_report(
                self.sam,
                kind=kind,
                plan=self.plan,
                snapshot=snapshots[period],
                title=f"{Report.Kind(kind).label}, {period:%B %Y}",
            )
            self.write_sections(report, kind)
            self.post(reverse("report-finalise", args=[report.pk]))
            self.reports.append(report)
        run_worker()
        self.assert_versions_ready()

    def make_records_confidential_after_close(self):
        """The public versions published so far show these records; each save warns
        the secretariat and links the withdrawal of the versions showing the record."""
        self.published_before_change = set(
            ReportVersion.objects.filter(public=True).values_list("pk", flat=True)
        )
        self.offered_withdrawals: set[str] = set()
        saved = self.edit(
            reverse("action-edit", args=[self.late_action.pk]),
            publication_status="confidential",
            exemption_paragraph="",
            exemption_review_date="",
        )
        self.collect_withdrawals(saved)
        # The minutes are agreed and published: an action arising changes through an amendment.
        finish = self.amending(
            self.published, self.plant("reason of an amendment making an action confidential")
        )
        saved = self.edit(
            reverse("meeting-action-edit", args=[self.late_arising.pk]),
            publication_status="confidential",
            exemption_paragraph="",
            exemption_review_date="",
        )
        self.collect_withdrawals(saved)
        self.post(finish)
        # The risk register has no page that edits a risk's publication (only the admin).
        risk = Risk.objects.get(pk=self.late_risk.pk)
        risk.publication_status = PublicationStatus.CONFIDENTIAL
        risk._history_user = self.sam
        risk.save()
        self.assertEqual(
            Action.objects.get(pk=self.late_action.pk).publication_status, "confidential"
        )

    def collect_withdrawals(self, saved):
        page = self.client.get(saved.url).content.decode()
        self.assertIn("the public can still download it in", page)
        self.offered_withdrawals.update(
            re.findall(r'href="(/reports/\d+/versions/\d+/withdraw/)"', page)
        )

    def withdraw_versions_published_before_change(self):
        """Withdraw, through its confirmation page and with a reason, every public version
        published before the records were made confidential: those the warnings offered
        among them."""
        urls = {
            reverse("report-version-withdraw", args=[version.report_id, version.pk])
            for version in ReportVersion.objects.filter(pk__in=self.published_before_change)
        }
        self.assertTrue(self.offered_withdrawals, "the warnings offered withdrawals")
        self.assertLessEqual(self.offered_withdrawals, urls)
        reason = self.plant("reason for withdrawing the public versions")
        for url in sorted(urls):
            self.assertEqual(self.client.get(url).status_code, 200, url)
            self.post(url, {"reason": reason})
        withdrawn = ReportVersion.objects.filter(pk__in=self.published_before_change)
        self.assertFalse(withdrawn.filter(withdrawn_at=None).exists())
        self.client.logout()
        page = self.client.get(reverse("public-reports")).content.decode()
        for version in withdrawn:
            published, gone = localtime(version.finished_at), localtime(version.withdrawn_at)
            self.assertIn(
                f"Version {version.number}, published on {published:%-d %B %Y}, "
                f"was withdrawn on {gone:%-d %B %Y}.",
                page,
            )
        self.assertNotIn(reason, page)
        self.client.force_login(self.sam)

    def amend_published_minutes(self):
        """Amend the agreed, published minutes: a public minute made confidential, an
        exempt minute and a public minute added. The public still sees the minutes as
        published, except that the minute now confidential is withheld at once."""
        published_before = self.public_minutes()
        finish = self.amending(self.published, self.plant("reason of an amendment of minutes"))
        self.edit(
            reverse("minute-edit", args=[self.amended_minute.pk]),
            publication_status="confidential",
            exemption_paragraph="",
            exemption_review_date="",
        )
        add = reverse("minute-create", args=[self.budget.pk])
        self.edit(
            add,
            text=self.plant("exempt minute added by an amendment"),
            **EXEMPT_FORM,
        )
        self.edit(add, text=self.show("public minute added by an amendment"))
        self.edit(
            reverse("formal-advice", args=[self.published.pk]),
            given="advice",
            advice=self.plant("exempt formal advice added by an amendment"),
            **EXEMPT_FORM,
        )
        self.post(finish)
        now_confidential = self.planted["minute made confidential by an amendment"]
        for name, public in self.public_minutes().items():
            self.assertIn(now_confidential, published_before[name], name)
            self.assertNotIn(now_confidential, public, f"{name}: withheld at once")
            self.assertNotIn(self.visible["public minute added by an amendment"], public, name)
            self.assertIn(self.visible["public minute"], public, name)
            self.assertNotIn(squeeze("Amended on"), public, f"{name}: still as published")

    def republish_amended_minutes(self):
        """Republish through the confirmation page: the public sees the amended minutes and
        that they were amended; the secretariat sees every change and reason."""
        self.confirm(reverse("minutes-republish", args=[self.published.pk]))
        for name, public in self.public_minutes().items():
            self.assertIn(self.visible["public minute added by an amendment"], public, name)
            self.assertIn(squeeze("Amended on"), public, name)
        amended = [
            token
            for what, token in self.planted.items()
            if "amendment" in what and "withdrawing" not in what
        ]
        self.assertEqual(len(amended), 5)
        for name, internal in self.minutes_outputs("minutes-document", "minutes-pdf").items():
            self.assertEqual([t for t in amended if t not in internal], [], name)

    def generate_public_versions_again(self):
        for report in self.reports:
            self.post(reverse("report-generate", args=[report.pk]))
        run_worker()
        self.assert_versions_ready()

    def assert_versions_ready(self):
        for version in ReportVersion.objects.all():
            self.assertEqual(version.status, ReportVersion.Status.DONE, version.message)

    # -- what the public can reach ------------------------------------------------------------

    def public_urls(self) -> list[str]:
        """Every public route for every id there is, besides the pages' own links."""
        urls = list(PUBLIC_ROOTS)
        for meeting in Meeting.objects.all():
            urls += [
                reverse("public-meeting", args=[meeting.pk]),
                reverse("public-minutes-document", args=[meeting.pk]),
                reverse("public-minutes-pdf", args=[meeting.pk]),
            ]
        for version in ReportVersion.objects.all():
            urls.append(reverse("public-report-download", args=[version.pk]))
        return urls

    def read(self, response) -> str:
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if content.startswith(b"%PDF"):
            self.pdfs += 1
            return pdf_strings(content)
        return content.decode("utf-8", "replace")

    def crawl_as_public(self) -> dict[str, str]:
        """url -> everything readable in it, for every URL an anonymous visitor reaches."""
        self.client.logout()
        self.pdfs = 0
        queue, seen, found = self.public_urls(), set(), {}
        while queue and len(seen) < CRAWL_LIMIT:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            response = self.client.get(url)
            if response.status_code != 200:
                continue
            found[url] = text = self.read(response)
            if "html" in response.get("Content-Type", ""):
                links = LinkReader()
                links.feed(text)
                for link in links.links:
                    target = urlsplit(urljoin(url, link))
                    if target.netloc in ("", "testserver") and target.path not in seen:
                        queue.append(target.path + (f"?{target.query}" if target.query else ""))
        self.assertGreater(self.pdfs, 4, "the crawl reached the public PDFs")
        return found

    def internal_texts(self) -> str:
        """The internal versions, as the secretariat reads them."""
        self.client.force_login(self.sam)
        urls = []
        # each report's latest internal version: the versions before it hold nothing more
        for report in self.reports:
            version = report.versions.filter(public=False).order_by("-number").first()
            urls.append(reverse("report-version-download", args=[report.pk, version.pk]))
        for version in ReportVersion.objects.filter(public=True):
            urls.append(reverse("report-version", args=[version.report_id, version.pk]))
        for meeting in self.meetings:
            urls += [
                reverse("meeting", args=[meeting.pk]),
                reverse("minutes-document", args=[meeting.pk]),
                reverse("minutes-pdf", args=[meeting.pk]),
            ]
        for action in Action.objects.all():
            urls += [
                reverse("action", args=[action.pk]),
                reverse("action-update", args=[action.pk]),
            ]
        urls += [reverse("risk", args=[risk.pk]) for risk in Risk.objects.all()]
        urls += [reverse("report", args=[report.pk]) for report in self.reports]
        self.pdfs = 0
        texts = []
        for url in urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            texts.append(self.read(response))
        return squeeze("\n".join(texts))

    # -- the test ----------------------------------------------------------------------------

    def test_nothing_planted_reaches_the_public(self):
        self.build_programme()
        self.client.force_login(self.sam)
        for step in self.LIFE:
            getattr(self, step)()
        internal = self.internal_texts()
        public = {url: squeeze(text) for url, text in self.crawl_as_public().items()}

        leaks = [
            f"{what} ({token}) in {url}"
            for what, token in self.planted.items()
            for url, text in public.items()
            if token in text
        ]
        self.assertEqual(leaks, [], "planted strings the public can read")
        unproven = [what for what, token in self.planted.items() if token not in internal]
        self.assertEqual(unproven, [], "planted strings missing from the internal version")
        everything = "".join(public.values())
        unseen = [what for what, token in self.visible.items() if token not in everything]
        self.assertEqual(unseen, [], "public content the crawl did not reach")
        self.assertIn(
            squeeze("Section 1: withheld, exempt under paragraph 4 of Schedule 12A"), everything
        )
