"""The permission matrix: every URL of the project, for every role, against one table.

The URLs come from the resolver, so a new view cannot be forgotten: a named URL with no row
in TABLE fails, and so does a row whose URL no longer exists. Each row says how to build
the URL's arguments from the objects made once in setUpTestData, which methods the view
accepts, and what each role gets from a GET: 200, a redirect to sign-in, 403, 404, or a
redirect elsewhere where that is the real behaviour. Where the view takes POST, every role
refused on GET is refused on POST too (and a GET-only view answers 405 to POST). A POST by
an allowed role is never sent, so no cell changes what the other cells read.

The Django admin's own pages are left out except its index, which is a row.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from meetings.access import calendar_token
from meetings.models import Attendance, Meeting, MinutesAmendment
from plans.models import (
    Assurance,
    Challenge,
    Evidence,
    ImportJob,
    Milestone,
    SmartAssessment,
)
from reports import services as report_services
from reports.models import Report, ReportVersion
from tests.base import MediaRolesTestCase
from tests.factories import (
    make_action,
    make_agenda_item,
    make_attendance,
    make_cycle,
    make_indicator,
    make_indicator_value,
    make_meeting,
    make_meeting_action,
    make_minute,
    make_plan,
    make_recommendation,
    make_report,
    make_report_snapshot,
    make_risk,
    make_source,
    make_theme,
    make_update,
)

PDF = b"%PDF-1.7\n% a stand-in for a stored PDF\n"

ROLES = ("anonymous", "olivia", "oscar", "pat", "sam", "alex")
SIGN_IN = "sign-in"
REFUSALS = (SIGN_IN, 403, 404)
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
ICS = "text/calendar"


@dataclass(frozen=True)
class Redirect:
    """A 302 to a page other than sign-in (its path, without the query string)."""

    to: str  # a URL name, reversed without arguments, or a literal path starting "/"

    def path(self) -> str:
        return self.to if self.to.startswith("/") else reverse(self.to)


def outcomes(anonymous, olivia, oscar, pat, sam, alex) -> dict:
    return dict(zip(ROLES, (anonymous, olivia, oscar, pat, sam, alex), strict=True))


# The policies, by who may use the page (olivia owns the action, the risk, the indicator
# and the meeting action; oscar is an officer of another directorate).
EVERYONE = outcomes(200, 200, 200, 200, 200, 200)
SIGNED_IN = outcomes(SIGN_IN, 200, 200, 200, 200, 200)
MANAGERS = outcomes(SIGN_IN, 403, 403, 403, 200, 200)  # secretariat and administrators
ASSURERS = outcomes(SIGN_IN, 403, 403, 200, 200, 200)  # the panel, secretariat, admins
OWNERS = outcomes(SIGN_IN, 200, 403, 403, 200, 200)  # the owner's officers, secretariat
OFFICERS = outcomes(SIGN_IN, 200, 200, 403, 200, 200)  # officers, secretariat, admins
NOBODY = outcomes(404, 404, 404, 404, 404, 404)
BY_TOKEN = outcomes(200, 200, 200, 200, 200, 200)


@dataclass(frozen=True)
class Row:
    """One URL: its arguments, the methods it takes, and who may use it.

    `who` is the GET outcome per role when GET is taken; for a POST-only view it is who
    may POST (only the refused roles are sent a POST)."""

    args: Callable[[type], dict] = lambda c: {}
    who: dict = field(default_factory=lambda: SIGNED_IN)
    methods: str = "GET"  # "GET", "GET POST" or "POST"
    query: str = ""
    post: dict | None = None  # an explicit POST outcome per role, sent to every role
    # For files: the start of the Content-Type, and whether it must be an attachment,
    # checked on every 200 (so an export or a download cannot quietly become a page).
    content_type: str = ""
    attachment: bool = False


def pk(attr: str) -> Callable[[type], dict]:
    return lambda c: {"pk": getattr(c, attr).pk}


TABLE: dict[str, Row] = {
    # -- biip ----------------------------------------------------------------------------
    "home": Row(),
    "sign-in": Row(
        who=outcomes(200, *[Redirect("home")] * 5),
        methods="GET POST",
    ),
    "sign-out": Row(
        methods="POST",
        who=outcomes(*[Redirect("sign-in")] * 6),
        post=outcomes(*[Redirect("sign-in")] * 6),
    ),
    "health": Row(who=EVERYONE, content_type="text/plain"),
    "admin:index": Row(
        who=outcomes(*[Redirect("/admin/login/")] * 5, 200),
        methods="GET POST",
        post=outcomes(*[Redirect("/admin/login/")] * 5, 200),
    ),
    # -- plans: actions, updates, assurance and challenge ----------------------------------
    "actions": Row(),
    "actions?_export=csv": Row(query="_export=csv", content_type=CSV, attachment=True),
    "actions?_export=xlsx": Row(query="_export=xlsx", content_type=XLSX, attachment=True),
    "action": Row(pk("action")),
    "action-update": Row(pk("action"), OWNERS, "GET POST"),
    "evidence": Row(pk("evidence"), content_type=PDF_TYPE, attachment=True),
    "evidence@missing": Row(lambda c: {"pk": c.evidence.pk + 1000}, outcomes(SIGN_IN, *[404] * 5)),
    "update-assurance": Row(pk("update"), ASSURERS, "GET POST"),
    "action-challenge": Row(pk("action"), ASSURERS, "GET POST"),
    "challenges": Row(),
    "challenge-reply": Row(pk("challenge"), OWNERS, "GET POST"),
    "my-actions": Row(),
    "bulk-update": Row(who=OFFICERS, methods="GET POST"),
    "cycle-status": Row(who=outcomes(SIGN_IN, 403, 403, 200, 200, 200)),
    # -- plans: managing plans, themes, recommendations, assessments -----------------------
    "plans": Row(),
    "plan-create": Row(who=MANAGERS, methods="GET POST"),
    "plan": Row(pk("plan")),
    "plan-edit": Row(pk("plan"), MANAGERS, "GET POST"),
    "action-create": Row(pk("plan"), MANAGERS, "GET POST"),
    "action-edit": Row(pk("action"), MANAGERS, "GET POST"),
    "milestone-create": Row(pk("action"), MANAGERS, "GET POST"),
    "milestone-edit": Row(pk("milestone"), MANAGERS, "GET POST"),
    "themes": Row(),
    "theme-create": Row(who=MANAGERS, methods="GET POST"),
    "theme-edit": Row(pk("theme"), MANAGERS, "GET POST"),
    "recommendations": Row(),
    "recommendation-create": Row(who=MANAGERS, methods="GET POST"),
    "recommendation-edit": Row(pk("recommendation"), MANAGERS, "GET POST"),
    "coverage": Row(),
    "assessment-create": Row(pk("plan"), ASSURERS, "GET POST"),
    "assessment": Row(pk("assessment")),
    "audit": Row(),
    "recommendation": Row(pk("recommendation")),
    "recommendation-addressed": Row(pk("recommendation"), OFFICERS, "GET POST"),
    "recommendation-verified": Row(pk("recommendation"), ASSURERS, "GET POST"),
    "advisers": Row(),
    # -- plans: the audit of changes, deleting and restoring actions -----------------------
    "changes": Row(who=MANAGERS),
    "action-delete": Row(pk("action"), MANAGERS, "GET POST"),
    "deleted-actions": Row(who=MANAGERS),
    "action-restore": Row(pk("action"), MANAGERS, "POST"),
    # -- plans: risks ----------------------------------------------------------------------
    "risks": Row(),
    "risks?_export=csv": Row(query="_export=csv", content_type=CSV, attachment=True),
    "risks?_export=xlsx": Row(query="_export=xlsx", content_type=XLSX, attachment=True),
    "risk-heat-map": Row(),
    "risk-movement": Row(),
    "risk": Row(pk("risk")),
    "risk-update": Row(pk("risk"), OWNERS, "GET POST"),
    "risk-escalate": Row(pk("risk"), MANAGERS, "GET POST"),
    # -- plans: indicators -------------------------------------------------------------------
    "indicators": Row(),
    "indicator": Row(pk("indicator")),
    "indicator-value-add": Row(pk("indicator"), OWNERS, "GET POST"),
    "indicator-value-edit": Row(pk("value"), OWNERS, "GET POST"),
    # -- plans: imports ----------------------------------------------------------------------
    "import-create": Row(pk("plan"), MANAGERS, "GET POST"),
    "import": Row(pk("job"), MANAGERS),
    "import-mapping": Row(pk("job"), MANAGERS, "GET POST"),
    "import-confirm": Row(pk("job"), MANAGERS, "POST"),
    "import-template": Row(lambda c: {"file_format": "csv"}, content_type=CSV, attachment=True),
    "import-template@xlsx": Row(
        lambda c: {"file_format": "xlsx"}, content_type=XLSX, attachment=True
    ),
    "import-template@pdf": Row(lambda c: {"file_format": "pdf"}, outcomes(SIGN_IN, *[404] * 5)),
    # -- meetings ----------------------------------------------------------------------------
    "meetings": Row(),
    "meeting": Row(pk("meeting")),
    "meeting-create": Row(who=MANAGERS, methods="GET POST"),
    "meeting-edit": Row(pk("meeting"), MANAGERS, "GET POST"),
    "attendance": Row(pk("meeting"), MANAGERS, "GET POST"),
    "attendance-edit": Row(pk("attendance"), MANAGERS, "GET POST"),
    "attendance-remove": Row(pk("attendance"), MANAGERS, "POST"),
    "agenda-item-create": Row(pk("meeting"), MANAGERS, "GET POST"),
    "agenda-item-edit": Row(pk("item"), MANAGERS, "GET POST"),
    "agenda-item-move": Row(pk("item"), MANAGERS, "POST"),
    "agenda-item-remove": Row(pk("item"), MANAGERS, "POST"),
    "minute-create": Row(pk("item"), MANAGERS, "GET POST"),
    "minute-edit": Row(pk("minute"), MANAGERS, "GET POST"),
    "minute-remove": Row(pk("minute"), MANAGERS, "POST"),
    "meeting-action-create": Row(pk("minute"), MANAGERS, "GET POST"),
    "meeting-action-edit": Row(pk("meeting_action"), MANAGERS, "GET POST"),
    "meeting-action-remove": Row(pk("meeting_action"), MANAGERS, "POST"),
    "formal-advice": Row(pk("meeting"), MANAGERS, "GET POST"),
    "minutes-status": Row(pk("meeting"), MANAGERS, "GET POST"),
    "minutes-amend": Row(pk("meeting"), MANAGERS, "GET POST"),
    "amendment-finish": Row(pk("amendment"), MANAGERS, "POST"),
    "minutes-publish": Row(pk("meeting"), MANAGERS, "GET POST"),
    "minutes-withdraw": Row(pk("published"), MANAGERS, "GET POST"),
    "minutes-republish": Row(pk("published"), MANAGERS, "GET POST"),
    "action-log": Row(),
    "action-log?_export=csv": Row(query="_export=csv", content_type=CSV, attachment=True),
    "action-log?_export=xlsx": Row(query="_export=xlsx", content_type=XLSX, attachment=True),
    "meeting-action": Row(pk("meeting_action")),
    "meeting-action-update": Row(pk("meeting_action"), OWNERS, "POST"),
    "meeting-action-promote": Row(pk("meeting_action"), MANAGERS, "GET POST"),
    "minutes-document": Row(pk("meeting")),
    "minutes-pdf": Row(pk("meeting"), content_type=PDF_TYPE),
    "meeting-ics": Row(pk("meeting"), content_type=ICS),
    "meetings-feed": Row(lambda c: {"token": calendar_token(c.olivia)}, BY_TOKEN, content_type=ICS),
    "meetings-feed@forged": Row(lambda c: {"token": "1:forged:token"}, NOBODY),
    "public-meetings": Row(who=EVERYONE),
    "public-meetings-feed": Row(who=EVERYONE, content_type=ICS),
    "public-meeting": Row(pk("published"), EVERYONE),
    "public-meeting@draft": Row(pk("meeting"), NOBODY),
    "public-minutes-document": Row(pk("published"), EVERYONE),
    "public-minutes-document@draft": Row(pk("meeting"), NOBODY),
    "public-minutes-pdf": Row(pk("published"), EVERYONE, content_type=PDF_TYPE),
    "public-minutes-pdf@draft": Row(pk("meeting"), NOBODY),
    # -- reports -----------------------------------------------------------------------------
    "reports": Row(),
    "report-create": Row(who=MANAGERS, methods="GET POST"),
    "report": Row(pk("report")),
    "report-edit": Row(pk("report"), MANAGERS, "GET POST"),
    "report-section-edit": Row(
        lambda c: {"pk": c.report.pk, "section_pk": c.section.pk}, MANAGERS, "GET POST"
    ),
    "report-preview": Row(pk("report")),
    "report-generate": Row(pk("report"), MANAGERS, "POST"),
    "report-finalise": Row(pk("report"), MANAGERS, "GET POST"),
    "report-version": Row(lambda c: {"pk": c.report.pk, "version_pk": c.version.pk}),
    "report-version-download": Row(
        lambda c: {"pk": c.report.pk, "version_pk": c.version.pk},
        content_type=PDF_TYPE,
        attachment=True,
    ),
    "report-version-download@public": Row(
        lambda c: {"pk": c.report.pk, "version_pk": c.public_version.pk},
        content_type=PDF_TYPE,
        attachment=True,
    ),
    "report-version-retry": Row(
        lambda c: {"pk": c.report.pk, "version_pk": c.version.pk}, MANAGERS, "POST"
    ),
    "report-version-withdraw": Row(
        lambda c: {"pk": c.final_public.report_id, "version_pk": c.final_public.pk},
        MANAGERS,
        "GET POST",
    ),
    "report-version-withdraw@internal": Row(
        lambda c: {"pk": c.final_internal.report_id, "version_pk": c.final_internal.pk},
        outcomes(SIGN_IN, 403, 403, 403, 404, 404),
        "GET POST",
    ),
    "report-version-withdraw@draft": Row(
        lambda c: {"pk": c.report.pk, "version_pk": c.public_version.pk},
        outcomes(SIGN_IN, 403, 403, 403, 404, 404),
        "GET POST",
    ),
    "public-reports": Row(who=EVERYONE),
    "public-report-download": Row(
        lambda c: {"version_pk": c.final_public.pk},
        EVERYONE,
        content_type=PDF_TYPE,
        attachment=True,
    ),
    "public-report-download@internal": Row(lambda c: {"version_pk": c.final_internal.pk}, NOBODY),
    "public-report-download@draft": Row(lambda c: {"version_pk": c.public_version.pk}, NOBODY),
    "cycle-close": Row(pk("cycle"), MANAGERS, "GET POST"),
    "snapshots": Row(),
    "snapshot": Row(pk("snapshot")),
    "snapshot-actions": Row(pk("snapshot")),
    "snapshot-risks": Row(pk("snapshot")),
}


def url_names() -> dict[str, str]:
    """Every named URL of the project with its route, but the admin's own pages."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}{pattern.namespace}:"
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found[namespace + pattern.name] = route

    walk(get_resolver().url_patterns, "", "")
    return {
        name: route
        for name, route in found.items()
        if not name.startswith("admin:") and not route.startswith(("admin/", "static/"))
    }


def url_name_of(key: str) -> str:
    return key.split("?")[0].split("@")[0]


def make_matrix_objects(target) -> None:
    """One of everything a URL can point at, set as attributes of `target` (which already
    has the named users of tests.base.make_roles): olivia owns the action, the risk, the
    indicator and the meeting action."""
    target.plan = make_plan(is_current=True)
    target.theme = make_theme()
    target.recommendation = make_recommendation(make_source(), theme=target.theme)
    target.action = make_action(
        plan=target.plan,
        theme=target.theme,
        directorate=target.finance,
        lead_officer=target.olivia.person,
    )
    target.action.recommendations.add(target.recommendation)
    target.milestone = Milestone.objects.create(
        action=target.action, title="Milestone", due_date=datetime.date(2019, 10, 1)
    )
    target.update = make_update(target.action, target.olivia, period=datetime.date(2019, 11, 1))
    Assurance.objects.create(
        update=target.update, decision=Assurance.Decision.CHALLENGED, decided_by=target.pat
    )
    target.challenge = Challenge.objects.create(
        action=target.action, update=target.update, question="Why?", raised_by=target.pat
    )
    target.evidence = Evidence(
        update=target.update,
        original_name="cabinet-report.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=target.olivia,
    )
    target.evidence.file.save("cabinet-report.pdf", ContentFile(PDF))
    target.risk = make_risk(owner=target.olivia.person, directorate=target.finance)
    target.risk.actions.add(target.action)
    target.indicator = make_indicator(owner=target.olivia.person, directorate=target.finance)
    target.value = make_indicator_value(target.indicator, value=Decimal("2.8"))
    target.assessment = SmartAssessment.objects.create(
        plan=target.plan,
        assessor=target.pat.person,
        assessed_on=datetime.date(2019, 11, 5),
        specific_rating="weak",
        measurable_rating="weak",
        ambition_rating="weak",
        resourced_rating="weak",
        timed_rating="weak",
        conclusion=SmartAssessment.Conclusion.NOT_YET,
    )
    target.job = ImportJob(
        plan=target.plan,
        original_name="plan.csv",
        headers=["Reference", "Title"],
        mapping={},
        created_by=target.sam,
    )
    target.job.file.save("plan.csv", ContentFile(b"Reference,Title\nA-1,Title\n"), save=False)
    target.job.save()
    # A meeting in draft, with everything that hangs off it, and a published one.
    target.meeting = make_meeting()
    target.attendance = make_attendance(
        target.meeting, target.pat.person, group=Attendance.Group.PANEL
    )
    target.item = make_agenda_item(target.meeting)
    target.minute = make_minute(target.item)
    target.meeting_action = make_meeting_action(target.minute, target.olivia.person)
    target.published = make_meeting(status=Meeting.Status.PUBLISHED, is_open_to_public=True)
    make_minute(make_agenda_item(target.published))
    target.amendment = MinutesAmendment.objects.create(
        meeting=target.published, reason="A correction", made_by=target.sam
    )
    # Snapshots and cycles: a closed cycle with its snapshot, and the open one.
    target.snapshot = make_report_snapshot(datetime.date(2019, 1, 1), user=target.sam)
    target.cycle = make_cycle(datetime.date(2019, 11, 1))
    # A draft report with finished PDFs, and a final report with public ones.
    target.report = make_report(target.sam, plan=target.plan)
    target.section = target.report.sections.first()
    target.version, target.public_version = report_services.request_versions(
        user=target.sam, report=target.report
    )
    final = make_report(
        target.sam, plan=target.plan, title="Final letter", snapshot=target.snapshot
    )
    target.final_internal, target.final_public = report_services.request_versions(
        user=target.sam, report=final
    )
    Report.objects.filter(pk=final.pk).update(
        status=Report.Status.FINAL, finalised_at=timezone.now()
    )
    for version in (
        target.version,
        target.public_version,
        target.final_internal,
        target.final_public,
    ):
        finish(version)
    ReportVersion.objects.filter(pk__in=[target.final_internal.pk, target.final_public.pk]).update(
        draft=False
    )


def finish(version: ReportVersion) -> None:
    version.file.save(f"report-v{version.pk}.pdf", ContentFile(PDF), save=False)
    version.status = ReportVersion.Status.DONE
    version.progress = 100
    version.size = len(PDF)
    version.pages = 1
    version.finished_at = timezone.now()
    version.save()


class PermissionMatrixTest(MediaRolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_matrix_objects(cls)

    def test_every_url_is_in_the_table(self):
        names = url_names()
        classified = {url_name_of(key) for key in TABLE}
        unclassified = sorted(set(names) - classified)
        self.assertEqual(
            unclassified,
            [],
            "URLs with no row in the permission matrix: "
            + ", ".join(f"{name} ({names[name]})" for name in unclassified),
        )

    def test_every_row_is_a_url(self):
        names = set(url_names()) | {"admin:index"}
        gone = sorted(key for key in TABLE if url_name_of(key) not in names)
        self.assertEqual(gone, [], "Rows of the permission matrix for URLs that no longer exist")

    def clients(self) -> dict[str, Client]:
        users = {
            "olivia": self.olivia,
            "oscar": self.oscar,
            "pat": self.pat,
            "sam": self.sam,
            "alex": self.alex,
        }
        clients = {"anonymous": Client()}
        for role, user in users.items():
            clients[role] = Client()
            clients[role].force_login(user)
        return clients

    def assert_outcome(self, response, expected, url: str, row: Row | None = None) -> None:
        if response.streaming:  # read through the test client's wrapper, which closes the
            # file without closing the database connection (as response.close() would)
            b"".join(response.streaming_content)
        if row is not None and expected == 200 and row.content_type:
            self.assertTrue(response["Content-Type"].startswith(row.content_type))
            disposition = response.get("Content-Disposition", "")
            self.assertEqual(disposition.startswith("attachment"), row.attachment, disposition)
        if expected == SIGN_IN:
            self.assertEqual(response.status_code, 302)
            location = urlsplit(response["Location"])
            self.assertEqual(location.path, reverse("sign-in"))
            self.assertEqual(parse_qs(location.query).get("next"), [url])
        elif isinstance(expected, Redirect):
            self.assertEqual(response.status_code, 302)
            self.assertEqual(urlsplit(response["Location"]).path, expected.path())
        else:
            self.assertEqual(response.status_code, expected)

    def test_every_role_on_every_url(self):
        clients = self.clients()
        for key, row in TABLE.items():
            url = reverse(url_name_of(key), kwargs=row.args(type(self)))
            if row.query:
                url += "?" + row.query
            get_allowed = "GET" in row.methods.split()
            post_allowed = "POST" in row.methods.split()
            for role in ROLES:
                client = clients[role]
                expected_get = row.who[role] if get_allowed else 405
                with self.subTest(url=key, role=role, method="GET"):
                    self.assert_outcome(client.get(url), expected_get, url, row)
                if row.post is not None:
                    expected_post = row.post[role]
                elif not post_allowed:
                    expected_post = 405
                elif row.who[role] in REFUSALS:
                    expected_post = row.who[role]
                else:
                    continue  # an allowed POST would change the data the other cells read
                with self.subTest(url=key, role=role, method="POST"):
                    client = Client() if role == "anonymous" else clients[role]
                    if row.post is not None:  # signing out: a client of its own
                        client = Client()
                        if role != "anonymous":
                            client.force_login(getattr(self, role))
                    self.assert_outcome(client.post(url), expected_post, url)
