"""axe-core on every page of the app, in every role that may open it.

The pages are the permission matrix's own table (tests/test_permission_matrix.py): every
URL the resolver knows, with the objects it needs, and who gets a page (200) from a GET.
Files (PDFs, CSV and XLSX exports, calendars) are left out; every other URL is opened by
each role it serves, and axe-core's WCAG 2.0, 2.1 and 2.2 A and AA rules must find nothing.
A URL added to the app gets a row in that table, and so a check here.
"""

from django.urls import reverse

from tests.browser.base import BrowserTestCase
from tests.test_permission_matrix import ROLES, TABLE, make_matrix_objects, url_name_of


def pages_for(role: str) -> list[tuple[str, object]]:
    """The (key, row) pairs of the table that give `role` a page from a GET."""
    return [
        (key, row)
        for key, row in TABLE.items()
        if "GET" in row.methods.split() and not row.content_type and row.who[role] == 200
    ]


class EveryPageAccessibleTest(BrowserTestCase):
    def setUp(self):
        super().setUp()
        make_matrix_objects(self)

    def check_role(self, role: str) -> None:
        if role != "anonymous":
            self.sign_in_quickly(getattr(self, role))
        checked = []
        for key, row in pages_for(role):
            url = reverse(url_name_of(key), kwargs=row.args(self))
            if row.query:
                url += "?" + row.query
            with self.subTest(page=key, role=role):
                response = self.page.goto(self.url(url))
                self.assertEqual(response.status, 200, url)
                self.assert_accessible(label=f"{key} ({url}) as {role}")
                checked.append(key)
        self.assertGreater(len(checked), 0)


# One test per role of the permission matrix (ROLES), so a role added there is checked too.
for _role in ROLES:
    setattr(
        EveryPageAccessibleTest,
        f"test_every_page_as_{_role}",
        lambda self, role=_role: self.check_role(role),
    )


# Forms sent back with errors: (URL name, role that may use it), each form of the app
# with a field that must be filled. Each is opened, every field emptied, and sent.
FORMS = [
    ("action-update", "olivia"),
    ("challenge-reply", "olivia"),
    ("risk-update", "olivia"),
    ("indicator-value-add", "olivia"),
    ("action-challenge", "pat"),
    ("update-assurance", "pat"),
    ("assessment-create", "pat"),
    ("plan-create", "sam"),
    ("action-create", "sam"),
    ("milestone-create", "sam"),
    ("theme-create", "sam"),
    ("recommendation-create", "sam"),
    ("meeting-create", "sam"),
    ("attendance", "sam"),
    ("agenda-item-create", "sam"),
    ("minute-create", "sam"),
    ("meeting-action-create", "sam"),
    ("report-create", "sam"),
    ("report-version-withdraw", "sam"),
    ("sign-in", "anonymous"),
]

FORM = "main form:has(input:not([type=hidden]), textarea, select)"
EMPTY_EVERY_FIELD = """selector => {
    const form = document.querySelector(selector);
    for (const field of form.querySelectorAll("input, textarea, select")) {
        if (field.type === "hidden" || field.type === "submit") continue;
        if (field.type === "radio" || field.type === "checkbox") field.checked = false;
        else if (field.tagName === "SELECT") field.selectedIndex = -1;
        else field.value = "";
    }
}"""

SUMMARY_LINKS = """() => Array.from(
    document.querySelectorAll(".govuk-error-summary__list a"),
    link => ({text: link.textContent.trim(), target: link.hash.slice(1),
              found: !!document.getElementById(decodeURIComponent(link.hash.slice(1)))})
)"""


class FormErrorsAccessibleTest(BrowserTestCase):
    """A form sent back with errors: the GOV.UK error summary first, focused, each error a
    link to a field that exists, the errors beside the fields, and axe-core content."""

    def setUp(self):
        super().setUp()
        make_matrix_objects(self)

    def test_every_form_with_errors(self):
        signed_in = None
        for name, role in FORMS:
            with self.subTest(form=name, role=role):
                if role != signed_in:
                    self.context.clear_cookies()
                    if role != "anonymous":
                        self.sign_in_quickly(getattr(self, role))
                    signed_in = role
                row = TABLE[name]
                self.page.goto(self.url(reverse(name, kwargs=row.args(self))))
                self.page.evaluate(EMPTY_EVERY_FIELD, FORM)
                form = self.page.locator(FORM).first
                form.locator("button[type=submit], input[type=submit]").first.click()
                self.page.wait_for_load_state()
                summary = self.page.locator(".govuk-error-summary")
                summary.wait_for()
                self.assertTrue(
                    self.page.evaluate(
                        "() => !!document.activeElement.closest('.govuk-error-summary')"
                    ),
                    "focus is not on the error summary",
                )
                links = self.page.evaluate(SUMMARY_LINKS)
                self.assertGreater(len(links), 0)
                for link in links:
                    self.assertTrue(link["found"], f"{link} links to no field")
                self.assertEqual(
                    self.page.locator(".govuk-error-message").count() > 0, True, "no inline error"
                )
                self.assert_accessible(label=f"{name} with errors, as {role}")
