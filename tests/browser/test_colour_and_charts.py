"""Nothing in colour alone, and every chart named with a text alternative, on the demo
data's pages with charts and coloured tags (WCAG 1.1.1 and 1.4.1).

- Every coloured tag (RAG, assurance, risk band) says its meaning in words.
- Every SVG that is not decoration (aria-hidden) is an image or group with a name (its
  title), and has a text alternative on the page: a description naming a table that is
  on the page, or a table or sentence in the same figure or section.
"""

from django.contrib.auth.models import User
from django.urls import reverse

from biip.demo import load_demo
from plans.models import Action, Indicator, Risk
from tests.browser.base import BrowserTestCase

TAGS = """() => Array.from(document.querySelectorAll("main .govuk-tag"),
    tag => ({text: tag.textContent.trim(), html: tag.outerHTML.slice(0, 120)}))"""

CHARTS = """() => Array.from(document.querySelectorAll("main svg"))
  .filter(svg => !svg.closest("[aria-hidden=true]") && !svg.matches(".govuk-pagination__icon"))
  .map(svg => {
    const ids = attribute => (svg.getAttribute(attribute) || "").split(/\\s+/).filter(Boolean);
    const text = idList => idList.map(id => document.getElementById(id)?.textContent || "")
      .join(" ").trim();
    const description = text(ids("aria-describedby"));
    const quoted = (description.match(/“([^”]+)”/) || [])[1] || "";
    const captions = Array.from(document.querySelectorAll("caption"), c => c.textContent.trim());
    const around = svg.closest("section, [class*=govuk-grid-column]") || svg.closest("figure");
    return {
      html: svg.outerHTML.slice(0, 120),
      role: svg.getAttribute("role") || "",
      name: text(ids("aria-labelledby")) || svg.getAttribute("aria-label") || "",
      description,
      quotedTableFound: quoted ? captions.some(c => c.includes(quoted)) : null,
      tableOrTextNearby: !!around.querySelector("table, p"),
    };
  })"""


class ColourAndChartsTest(BrowserTestCase):
    def make_data(self) -> None:
        load_demo()

    def test_tags_in_words_and_charts_with_alternatives(self):
        self.sign_in_quickly(User.objects.get(username="panel"))
        paths = [
            reverse("home"),
            reverse("actions"),
            Action.objects.order_by("reference").first().get_absolute_url(),
            reverse("risks"),
            reverse("risk-heat-map"),
            Risk.objects.order_by("reference").first().get_absolute_url(),
            reverse("risk-movement"),
            Indicator.objects.order_by("pk").first().get_absolute_url(),
            reverse("cycle-status"),
        ]
        charts_seen = tags_seen = 0
        for path in paths:
            with self.subTest(path=path):
                self.page.goto(self.url(path))
                for tag in self.page.evaluate(TAGS):
                    self.assertTrue(tag["text"], f"a tag in colour alone: {tag['html']}")
                    tags_seen += 1
                for chart in self.page.evaluate(CHARTS):
                    self.assertIn(chart["role"], ("img", "group"), chart["html"])
                    self.assertTrue(chart["name"], f"a chart with no name: {chart['html']}")
                    if chart["quotedTableFound"] is not None:
                        self.assertTrue(chart["quotedTableFound"], chart["description"])
                    self.assertTrue(
                        chart["description"] or chart["tableOrTextNearby"],
                        f"a chart with no text alternative: {chart['html']}",
                    )
                    charts_seen += 1
        self.assertGreater(tags_seen, 50)
        self.assertGreater(charts_seen, 5)
