"""Forms fuzzed with hypothesis: whatever is posted to a form (or put in a list's filter
query), the app answers with a page, a redirect or a refusal, never a 500.

Each form's fields are read from the page itself (the inputs, textareas and selects of
its POST form, with the values the page fills in), so a field added later is fuzzed too.
Each example starts from the page's own answers and, field by field, keeps the answer,
leaves the field out, or replaces it with something hostile: unicode, control characters,
NUL bytes (PostgreSQL refuses them in text), a very long string, dates and numbers in odd
forms or out of range, or several values for one field. The user is one the view allows,
so the input reaches the form, the services and the database.

Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://...): NUL and out-of-range
numbers are handled differently by the two."""

import datetime
from html.parser import HTMLParser

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from biip.models import RAG
from meetings.models import Meeting
from plans.models import Challenge, Cycle
from tests.base import RolesTestCase
from tests.factories import (
    make_action,
    make_agenda_item,
    make_indicator,
    make_indicator_value,
    make_meeting,
    make_meeting_action,
    make_minute,
    make_plan,
    make_recommendation,
    make_report,
    make_risk,
    make_source,
    make_theme,
    make_update,
)

# A page, a redirect, a bad request, a refusal, not found, a conflict, a lockout.
ANSWERS = {200, 302, 400, 403, 404, 405, 409, 429}
FUZZ = settings(
    max_examples=20,
    deadline=None,
    database=None,
    # no shrinking: a failing example is reported as found (shrinking a form post took
    # minutes), which is enough to see which field broke what
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ODD_DATES = [
    "31/02/2019",
    "29/02/2019",
    "00/00/0000",
    "0000-00-00",
    "9999-12-31",
    "10000-01-01",
    "1/1/1",
    "01/01/0001",
    "2019-13-45",
    "31 Smarch 2019",
    "２０１９-０１-０１",
    "2019-01-01T25:61",
    "-2019-01-01",
    "12:75",
    "25:00",
]
ODD_NUMBERS = [
    "-1",
    "0",
    "-0",
    "1e309",
    "-1e309",
    "NaN",
    "Infinity",
    "99999999999999999999999999999",
    "-9223372036854775809",
    "9223372036854775808",
    "2147483648",
    "32768",
    "1.5",
    "0x10",
    "١٢٣",
    "1_000",
    "1,000",
    "£2.8m",
    " 7 ",
]
HOSTILE = [
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    '=HYPERLINK("http://x")',
    "\r\n\r\n",
    "\u202e\u200b\ufeff",
    "\ud7ff\ue000\U0010ffff",
    "x" * 70_000,
    "",
    " ",
]
weird_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=300)
value = st.one_of(
    weird_text,
    st.sampled_from(HOSTILE + ODD_DATES + ODD_NUMBERS),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


class FormFields(HTMLParser):
    """The fields of a page's POST forms: each name with the values the page would
    send, and the values its options offer."""

    def __init__(self):
        super().__init__()
        self.in_post_form = False
        self.sent: dict[str, list[str]] = {}
        self.offered: dict[str, list[str]] = {}
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form":
            self.in_post_form = (attrs.get("method") or "").lower() == "post"
        elif not self.in_post_form or (name is None and tag != "option"):
            return
        elif tag == "input" and name != "csrfmiddlewaretoken":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "file"):
                return
            self.offered.setdefault(name, []).append(attrs.get("value") or "")
            if kind not in ("radio", "checkbox") or "checked" in attrs:
                self.sent.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "textarea":
            self.textarea = name
            self.sent.setdefault(name, []).append("")
        elif tag == "select":
            self.select = name
            self.offered.setdefault(name, [])
        elif tag == "option" and self.select:
            self.offered[self.select].append(attrs.get("value") or "")
            if "selected" in attrs:
                self.sent.setdefault(self.select, []).append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_post_form = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.sent[self.textarea][-1] += data


def fields_of(content: str) -> FormFields:
    parser = FormFields()
    parser.feed(content)
    return parser


class FormFuzzCase(HypothesisTestCase, RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.forms_seen = {}
        cls.plan = make_plan(is_current=True)
        today = datetime.date.today()
        Cycle.objects.create(
            period=today.replace(day=1),
            opens_on=today.replace(day=1),
            deadline=today.replace(day=1) + datetime.timedelta(days=27),
        )
        theme = make_theme()
        cls.theme = theme
        cls.recommendation = make_recommendation(make_source(), theme=theme)
        cls.action = make_action(
            plan=cls.plan,
            theme=theme,
            directorate=cls.finance,
            lead_officer=cls.olivia.person,
            rag=RAG.AMBER,
        )
        cls.update = make_update(cls.action, cls.olivia, period=datetime.date(2019, 11, 1))
        cls.challenge = Challenge.objects.create(
            action=cls.action, question="Why late?", raised_by=cls.pat
        )
        cls.risk = make_risk(owner=cls.olivia.person)
        cls.meeting = make_meeting(status=Meeting.Status.SCHEDULED)
        cls.item = make_agenda_item(cls.meeting)
        cls.minute = make_minute(cls.item)
        cls.meeting_action = make_meeting_action(cls.minute, cls.olivia.person)
        cls.indicator = make_indicator(directorate=cls.finance, owner=cls.olivia.person)
        cls.value = make_indicator_value(cls.indicator)
        cls.report = make_report(cls.sam, plan=cls.plan)
        cls.section = cls.report.sections.order_by("order", "pk").first()

    forms_seen: dict[str, FormFields]

    def form(self, user, url: str) -> FormFields:
        """The form's fields, read once from the page (GET) as `user`."""
        key = f"{getattr(user, 'username', '')}:{url}"
        if key not in self.forms_seen:
            self.sign_in(user)
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            fields = fields_of(response.content.decode())
            self.assertTrue(fields.offered or fields.sent, f"no form fields found at {url}")
            self.forms_seen[key] = fields
        return self.forms_seen[key]

    def sign_in(self, user) -> None:
        if user is None or isinstance(user, AnonymousUser):
            self.client.logout()
        else:
            self.client.force_login(user)

    def fuzzed(self, data, fields: FormFields) -> dict[str, list[str]]:
        names = sorted(set(fields.sent) | set(fields.offered))
        names += data.draw(st.lists(st.sampled_from(["id", "pk", "extra", "seen_version"])))
        # half the examples change one field and keep the page's other answers, so that
        # hostile input reaches the services and the database, not only the form
        one = data.draw(st.one_of(st.none(), st.sampled_from(names)), label="only")
        answers = {}
        for name in names:
            offered = fields.offered.get(name) or [""]
            changes = ["omit", "offered", "hostile", "several"]
            choice = (
                "keep"
                if one is not None and name != one
                else data.draw(st.sampled_from(["keep", *changes] if one is None else changes))
            )
            if choice == "keep" and name in fields.sent:
                answers[name] = fields.sent[name]
            elif choice == "offered":
                answers[name] = [data.draw(st.sampled_from(offered), label=name)]
            elif choice == "hostile":
                answers[name] = [data.draw(value, label=name)]
            elif choice == "several":
                answers[name] = data.draw(
                    st.lists(st.one_of(value, st.sampled_from(offered)), min_size=2, max_size=4),
                    label=name,
                )
        return answers

    def fuzz_post(self, data, user, url: str, *, page: str | None = None) -> None:
        """Post fuzzed answers to `url`, starting from the form on `page` (else `url`)."""
        fields = self.form(user, page or url)
        answers = self.fuzzed(data, fields)
        self.sign_in(user)
        response = self.client.post(url, answers)
        self.assertIn(response.status_code, ANSWERS, f"{url} answered {response.status_code}")

    def post(self, user, url: str, page: str, **changes):
        """The page's own answers with `changes`, posted."""
        answers = {**self.form(user, page).sent, **changes}
        self.sign_in(user)
        return self.client.post(url, answers)

    def fuzz_get(self, data, user, url: str, names: list[str]) -> None:
        query = {
            name: data.draw(st.lists(value, max_size=2), label=name)
            for name in data.draw(st.lists(st.sampled_from(names), unique=True))
        }
        self.sign_in(user)
        response = self.client.get(url, query)
        self.assertIn(response.status_code, ANSWERS, f"{url} answered {response.status_code}")


class FuzzMonthlyCycle(FormFuzzCase):
    @FUZZ
    @given(st.data())
    def test_action_update(self, data):
        self.fuzz_post(data, self.olivia, reverse("action-update", args=[self.action.pk]))

    @FUZZ
    @given(st.data())
    def test_challenge(self, data):
        self.fuzz_post(data, self.pat, reverse("action-challenge", args=[self.action.pk]))

    @FUZZ
    @given(st.data())
    def test_challenge_reply(self, data):
        self.fuzz_post(data, self.olivia, reverse("challenge-reply", args=[self.challenge.pk]))

    @FUZZ
    @given(st.data())
    def test_assurance(self, data):
        self.fuzz_post(data, self.pat, reverse("update-assurance", args=[self.update.pk]))

    @FUZZ
    @given(st.data())
    def test_risk_update(self, data):
        self.fuzz_post(data, self.olivia, reverse("risk-update", args=[self.risk.pk]))

    @FUZZ
    @given(st.data())
    def test_indicator_value_add(self, data):
        self.fuzz_post(data, self.sam, reverse("indicator-value-add", args=[self.indicator.pk]))

    @FUZZ
    @given(st.data())
    def test_indicator_value_edit(self, data):
        self.fuzz_post(data, self.sam, reverse("indicator-value-edit", args=[self.value.pk]))


class FuzzPlans(FormFuzzCase):
    @FUZZ
    @given(st.data())
    def test_action_edit(self, data):
        self.fuzz_post(data, self.sam, reverse("action-edit", args=[self.action.pk]))

    @FUZZ
    @given(st.data())
    def test_action_create(self, data):
        self.fuzz_post(data, self.sam, reverse("action-create", args=[self.plan.pk]))

    @FUZZ
    @given(st.data())
    def test_recommendation_edit(self, data):
        url = reverse("recommendation-edit", args=[self.recommendation.pk])
        self.fuzz_post(data, self.sam, url)

    @FUZZ
    @given(st.data())
    def test_plan_edit(self, data):
        self.fuzz_post(data, self.sam, reverse("plan-edit", args=[self.plan.pk]))


class FuzzMeetings(FormFuzzCase):
    @FUZZ
    @given(st.data())
    def test_meeting_create(self, data):
        self.fuzz_post(data, self.sam, reverse("meeting-create"))

    @FUZZ
    @given(st.data())
    def test_meeting_edit(self, data):
        self.fuzz_post(data, self.sam, reverse("meeting-edit", args=[self.meeting.pk]))

    @FUZZ
    @given(st.data())
    def test_agenda_item(self, data):
        self.fuzz_post(data, self.sam, reverse("agenda-item-create", args=[self.meeting.pk]))

    @FUZZ
    @given(st.data())
    def test_agenda_item_edit(self, data):
        self.fuzz_post(data, self.sam, reverse("agenda-item-edit", args=[self.item.pk]))

    @FUZZ
    @given(st.data())
    def test_minute_create(self, data):
        self.fuzz_post(data, self.sam, reverse("minute-create", args=[self.item.pk]))

    @FUZZ
    @given(st.data())
    def test_minute_edit(self, data):
        self.fuzz_post(data, self.sam, reverse("minute-edit", args=[self.minute.pk]))

    @FUZZ
    @given(st.data())
    def test_meeting_action(self, data):
        url = reverse("meeting-action-create", args=[self.minute.pk])
        self.fuzz_post(data, self.sam, url)

    @FUZZ
    @given(st.data())
    def test_meeting_action_update(self, data):
        url = reverse("meeting-action-update", args=[self.meeting_action.pk])
        page = reverse("meeting-action", args=[self.meeting_action.pk])
        self.fuzz_post(data, self.olivia, url, page=page)


class FuzzReportsAndSignIn(FormFuzzCase):
    @FUZZ
    @given(st.data())
    def test_report_section_edit(self, data):
        url = reverse("report-section-edit", args=[self.report.pk, self.section.pk])
        self.fuzz_post(data, self.sam, url)

    @FUZZ
    @given(st.data())
    def test_report_edit(self, data):
        self.fuzz_post(data, self.sam, reverse("report-edit", args=[self.report.pk]))

    @FUZZ
    @given(st.data())
    def test_report_create(self, data):
        self.fuzz_post(data, self.sam, reverse("report-create"))

    @FUZZ
    @given(st.data())
    def test_sign_in(self, data):
        self.fuzz_post(data, None, reverse("sign-in"))


class FuzzListFilters(FormFuzzCase):
    """The filters of the list pages are forms too (GET)."""

    LISTS = {
        "actions": ["q", "plan", "theme", "directorate", "lead_officer", "rag", "status",
                    "needs_update", "sort", "page", "_export"],
        "risks": ["q", "category", "level", "owner", "status", "sort", "page", "_export"],
        "action-log": ["q", "status", "owner", "meeting", "sort", "page", "_export"],
        "challenges": ["status", "page"],
        "audit": ["user", "model", "since", "until", "page"],
        "meetings": ["q", "kind", "status", "year", "page"],
    }  # fmt: skip

    @FUZZ
    @given(st.data())
    def test_list_filters(self, data):
        name = data.draw(st.sampled_from(sorted(self.LISTS)))
        self.fuzz_get(data, self.sam, reverse(name), self.LISTS[name])


class KeysTooBigForTheDatabase(FormFuzzCase):
    """Found by the fuzzing: a choice of several records (checkboxes) with a value too big
    for the database's key gave a 500 (SQLite's OverflowError; PostgreSQL refuses it too);
    now it is refused beside the field like any value that is not a choice."""

    HUGE = "99999999999999999999"

    def test_action_checkboxes(self):
        url = reverse("action-edit", args=[self.action.pk])
        for name in ("dependencies", "recommendations", "risks"):
            with self.subTest(field=name):
                response = self.post(self.sam, url, url, **{name: [self.HUGE]})
                self.assertEqual(response.status_code, 200)
                self.assertIn(name, response.context["form"].errors)

    def test_recommendation_actions(self):
        url = reverse("recommendation-edit", args=[self.recommendation.pk])
        response = self.post(self.sam, url, url, actions=[str(self.action.pk), self.HUGE])
        self.assertEqual(response.status_code, 200)
        self.assertIn("actions", response.context["form"].errors)

    def test_milestones_completed_with_an_update(self):
        url = reverse("action-update", args=[self.action.pk])
        response = self.post(
            self.olivia,
            url,
            url,
            rag="green",
            narrative="Done.",
            completed_milestones=["-" + self.HUGE],
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("completed_milestones", response.context["form"].errors)


class NulInEveryField(FormFuzzCase):
    """PostgreSQL refuses NUL in text (SQLite stores it): a NUL typed into any field of
    any form, or any filter of a list, one field at a time with the page's other answers
    kept, is refused or harmless, never a 500. Run on PostgreSQL to mean anything."""

    def targets(self):
        action, item, minute = self.action, self.item, self.minute
        yield self.olivia, reverse("action-update", args=[action.pk]), None
        yield self.pat, reverse("action-challenge", args=[action.pk]), None
        yield self.olivia, reverse("challenge-reply", args=[self.challenge.pk]), None
        yield self.pat, reverse("update-assurance", args=[self.update.pk]), None
        yield self.olivia, reverse("risk-update", args=[self.risk.pk]), None
        yield self.sam, reverse("indicator-value-add", args=[self.indicator.pk]), None
        yield self.sam, reverse("action-edit", args=[action.pk]), None
        yield self.sam, reverse("recommendation-edit", args=[self.recommendation.pk]), None
        yield self.sam, reverse("meeting-create"), None
        yield self.sam, reverse("agenda-item-edit", args=[item.pk]), None
        yield self.sam, reverse("minute-edit", args=[minute.pk]), None
        yield self.sam, reverse("meeting-action-create", args=[minute.pk]), None
        yield (
            self.olivia,
            reverse("meeting-action-update", args=[self.meeting_action.pk]),
            reverse("meeting-action", args=[self.meeting_action.pk]),
        )
        yield (
            self.sam,
            reverse("report-section-edit", args=[self.report.pk, self.section.pk]),
            None,
        )
        yield self.sam, reverse("report-edit", args=[self.report.pk]), None
        yield None, reverse("sign-in"), None

    def test_forms(self):
        for user, url, page in self.targets():
            fields = self.form(user, page or url)
            for name in sorted(set(fields.sent) | set(fields.offered)):
                with self.subTest(url=url, field=name):
                    response = self.post(user, url, page or url, **{name: ["a\x00b"]})
                    self.assertIn(response.status_code, ANSWERS)

    def test_list_filters(self):
        for name, params in FuzzListFilters.LISTS.items():
            for param in params:
                with self.subTest(list=name, param=param):
                    self.sign_in(self.sam)
                    response = self.client.get(reverse(name), {param: "a\x00b"})
                    self.assertIn(response.status_code, ANSWERS)
