"""The officer's monthly update with the keyboard only: from the sign-in page (the one URL
opened directly) to the saved update, with Tab and Shift+Tab to move, Enter and Space to
follow links, press buttons, tick and choose, the arrow keys within the RAG radios, and
typing, never the mouse. The skip link is followed, the evidence file is chosen from the
file input by the keyboard, and every element Tab lands on shows GOV.UK's yellow focus
indicator."""

import datetime
import re

from playwright.sync_api import expect

from biip.models import RAG
from plans.models import Action, Milestone, ProgressUpdate
from tests.browser.base import PASSWORD, BrowserTestCase, small_pdf
from tests.factories import make_action, make_cycle, make_plan

NOVEMBER = datetime.date(2019, 11, 1)
FOCUS_YELLOW = "rgb(255, 221, 0)"  # GOV.UK's $govuk-focus-colour, #ffdd00
MAX_TABS = 80

# What has the focus: enough to find the wanted element and to say where focus went.
FOCUSED = """() => {
    const el = document.activeElement;
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        type: el.getAttribute("type") || "",
        href: el.getAttribute("href") || "",
        text: (el.innerText || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 80),
        checked: Boolean(el.checked),
    };
}"""

# The focused element's focus indicator as computed: its own outline, box shadow and
# background, and for a GOV.UK radio or checkbox (whose input is invisible) those of its
# label's ::before, the drawn circle or box.
FOCUS_STYLES = """() => {
    const el = document.activeElement;
    const drawn = [getComputedStyle(el)];
    if (el.matches(".govuk-radios__input, .govuk-checkboxes__input") && el.labels.length) {
        drawn.push(getComputedStyle(el.labels[0], "::before"));
    }
    return drawn.map(style => ({
        outlineStyle: style.outlineStyle,
        outlineColor: style.outlineColor,
        outlineWidth: style.outlineWidth,
        boxShadow: style.boxShadow,
        background: style.backgroundColor,
    }));
}"""

# Whether the focus is on a native date input's calendar button: Tab stops on it after the
# day, month and year, and the input itself then no longer matches :focus.
ON_DATE_PICKER = """() => {
    const el = document.activeElement;
    return el.matches("input[type=date]") && !el.matches(":focus");
}"""


def shows_focus(styles: list[dict]) -> bool:
    """GOV.UK's focus indicator: a yellow outline, box shadow or background."""
    for style in styles:
        if (
            style["outlineStyle"] != "none"
            and style["outlineWidth"] != "0px"
            and style["outlineColor"] == FOCUS_YELLOW
        ):
            return True
        if style["boxShadow"] != "none" and FOCUS_YELLOW in style["boxShadow"]:
            return True
        if style["background"] == FOCUS_YELLOW:
            return True
    return False


class KeyboardOnlyUpdate(BrowserTestCase):
    def setUp(self):
        super().setUp()
        plan = make_plan(title="Financial Improvement Plan 2019", is_current=True)
        make_cycle(NOVEMBER)
        self.action = make_action(
            plan=plan,
            directorate=self.finance,
            lead_officer=self.olivia.person,
            reference="IP19-07",
            title="Deliver the workforce strategy",
            rag=RAG.GREEN,
        )
        self.milestone = Milestone.objects.create(
            action=self.action, title="Strategy to Cabinet", due_date=datetime.date(2019, 11, 19)
        )
        self.visited: list[dict] = []

    # -- the keyboard -------------------------------------------------------------------

    def focused(self) -> dict:
        return self.page.evaluate(FOCUSED)

    def assert_focus_visible(self) -> None:
        if self.page.evaluate(ON_DATE_PICKER):
            ring = self.date_picker_ring()
            self.assertTrue(
                ring["outline-style"] != "none" and ring["outline-width"] != "0px",
                f"No visible focus indicator on the date input's calendar button: {ring}",
            )
            return
        styles = self.page.evaluate(FOCUS_STYLES)
        self.assertTrue(
            shows_focus(styles),
            f"No visible focus indicator on {self.focused()}: {styles}",
        )

    def date_picker_ring(self) -> dict:
        """The computed outline of the focused date input's calendar button, which is in
        the browser's own shadow tree, out of the page's scripts' reach: through the
        DevTools protocol."""
        cdp = self.context.new_cdp_session(self.page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        wanted = self.focused()["id"]
        nodes = [cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]]
        in_input = False
        while nodes:
            node = nodes.pop()
            attributes = dict(zip(*[iter(node.get("attributes", []))] * 2, strict=True))
            if attributes.get("id") == wanted:
                in_input, nodes = True, node.get("shadowRoots", [])
                continue
            if in_input and attributes.get("pseudo") == "-webkit-calendar-picker-indicator":
                style = cdp.send("CSS.getComputedStyleForNode", {"nodeId": node["nodeId"]})
                cdp.detach()
                return {item["name"]: item["value"] for item in style["computedStyle"]}
            nodes.extend(node.get("children", []) + node.get("shadowRoots", []))
        self.fail(f"No calendar button found in #{wanted}")

    def press(self, key: str) -> dict:
        """Press a key that moves the focus; the element it lands on must show it."""
        self.page.keyboard.press(key)
        here = self.focused()
        self.visited.append(here)
        self.assert_focus_visible()
        return here

    def tab_to(self, wanted: str, **match) -> dict:
        """Tab until the focused element has every attribute of `match` (see FOCUSED)."""
        start = len(self.visited)
        for _ in range(MAX_TABS):
            here = self.press("Tab")
            if all(here[key] == value for key, value in match.items()):
                return here
        self.fail(f"Tab never reached {wanted}; it went to {self.visited[start:]}")

    def follow_skip_link(self) -> None:
        """The first Tab on a page lands on the skip link; Enter moves focus to <main>."""
        here = self.press("Tab")
        self.assertEqual((here["tag"], here["text"]), ("a", "Skip to main content"))
        self.page.keyboard.press("Enter")
        self.assertEqual(self.focused()["id"], "main-content")

    def arrive(self, path: str) -> None:
        """Wait for the page at `path` (with or without the skip link's #main-content: the
        browser keeps a fragment through the redirect after a form is posted) to load."""
        expect(self.page).to_have_url(re.compile(re.escape(self.url(path)) + "(#main-content)?$"))
        self.page.wait_for_load_state()

    # -- the test ------------------------------------------------------------------------

    def test_an_officer_gives_the_update_with_the_keyboard_alone(self):
        page = self.page
        pdf = small_pdf()
        # Playwright asks the browser to hand it file choosers when the first listener is
        # added, without waiting for an answer: a listener from the start makes sure that is
        # in place long before Space opens the chooser (under load it once was not).
        page.on("filechooser", lambda chooser: None)
        page.goto(self.url("/sign-in/"))

        # Signing in: past the header by the skip link, then the form's fields.
        self.follow_skip_link()
        self.tab_to("the username", id="id_username")
        page.keyboard.type("olivia")
        self.tab_to("the password", id="id_password")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        self.arrive("/")

        # The dashboard: the link to her action.
        self.follow_skip_link()
        self.tab_to("the action's link", tag="a", href=f"/actions/{self.action.pk}/")
        page.keyboard.press("Enter")
        self.arrive(f"/actions/{self.action.pk}/")

        # The action page: the update button (a link styled as a button) works with Space.
        here = self.tab_to("the update button", tag="a", href=f"/actions/{self.action.pk}/update/")
        self.assertEqual(here["text"], "Give this month's update")
        page.keyboard.press("Space")
        self.arrive(f"/actions/{self.action.pk}/update/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Update for November 2019")

        # The RAG: Tab enters the radios at the first; Space chooses it, the arrow moves on.
        self.follow_skip_link()
        here = self.tab_to("the first RAG radio", id="id_rag")
        self.assertFalse(here["checked"])
        page.keyboard.press("Space")
        self.assertTrue(self.focused()["checked"])
        here = self.press("ArrowDown")
        self.assertEqual((here["id"], here["checked"]), ("id_rag-2", True))
        expect(page.get_by_label("Amber", exact=True)).to_be_checked()
        expect(page.get_by_label("Red", exact=True)).not_to_be_checked()

        # The narrative; Shift+Tab comes back to it from the next field.
        here = self.press("Tab")
        self.assertEqual(here["id"], "id_narrative")
        narrative = "Consultation with the unions runs late; three extra sessions are booked."
        page.keyboard.type(narrative)
        self.assertEqual(self.press("Tab")["id"], "id_evidence_links")
        self.assertEqual(self.press("Shift+Tab")["id"], "id_narrative")
        self.assertEqual(self.press("Tab")["id"], "id_evidence_links")
        page.keyboard.type("Paper 7 to Cabinet, 19 November 2019")

        # The evidence file, chosen from the file input with the keyboard.
        self.assertEqual(self.press("Tab")["id"], "id_files")
        with page.expect_file_chooser() as chooser:
            page.keyboard.press("Space")
        chooser.value.set_files(
            files=[{"name": "Cabinet report.pdf", "mimeType": "application/pdf", "buffer": pdf}]
        )
        self.assertEqual(
            page.evaluate("() => Array.from(document.activeElement.files, f => f.name)"),
            ["Cabinet report.pdf"],
        )

        # The milestone completed, ticked with Space; then save with Enter.
        here = self.press("Tab")
        self.assertEqual(here["id"], "id_completed_milestones")
        page.keyboard.press("Space")
        self.assertTrue(self.focused()["checked"])
        self.tab_to("the save button", tag="button", text="Save update")
        page.keyboard.press("Enter")

        self.arrive(f"/actions/{self.action.pk}/")
        banner = page.locator(".govuk-notification-banner--success")
        expect(banner).to_contain_text("Your November 2019 update on IP19-07 is saved.")
        expect(page.locator("#timeline > li").first).to_contain_text(narrative)

        # Saved as typed and chosen.
        update = ProgressUpdate.objects.get(action=self.action)
        self.assertEqual(
            (update.period, update.rag, update.narrative, update.evidence, update.author),
            (NOVEMBER, RAG.AMBER, narrative, "Paper 7 to Cabinet, 19 November 2019", self.olivia),
        )
        evidence = update.files.get()
        self.assertEqual(
            (evidence.original_name, evidence.content_type, evidence.size),
            ("Cabinet report.pdf", "application/pdf", len(pdf)),
        )
        self.milestone.refresh_from_db()
        self.assertIsNotNone(self.milestone.completed_on)
        self.assertEqual(Action.objects.get(pk=self.action.pk).rag, RAG.AMBER)
        # Every element Tab landed on was checked for a visible focus indicator.
        self.assertGreater(len(self.visited), 10)

        # The confirmation has the focus, so it is read out, as after a save by mouse,
        # though the skip link put #main-content in the form's page's address.
        expect(banner).to_be_focused()
