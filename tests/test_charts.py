"""biip.charts.line_chart: round ticks, points placed by value, gaps, the table."""

from decimal import Decimal

from django.template.loader import render_to_string
from django.test import SimpleTestCase

from biip.charts import Series, line_chart, nice_step


class LineChartTest(SimpleTestCase):
    def chart(self, **kwargs):
        options = {
            "chart_id": "overspend",
            "title": "Forecast overspend, M1 to M3",
            "caption": "Forecast overspend by month",
            "labels": ["M1", "M2", "M3"],
            "series": [Series("Forecast", [Decimal("28.0"), Decimal("15.3"), Decimal("2.8")])],
            "fmt": lambda value: f"£{value}m",
        }
        return line_chart(**{**options, **kwargs})

    def test_round_steps(self):
        self.assertEqual(nice_step(28), 10)
        self.assertEqual(nice_step(25), 5)
        self.assertEqual(nice_step(0.9), 0.2)
        self.assertEqual(nice_step(0), 1)

    def test_the_axis_runs_from_zero_to_a_round_top(self):
        chart = self.chart()
        self.assertEqual([tick.text for tick in chart.ticks], ["£0m", "£10m", "£20m", "£30m"])
        self.assertEqual(chart.ticks[0].y, chart.plot_bottom)
        self.assertEqual(chart.ticks[-1].y, chart.plot_top)

    def test_a_falling_series_falls_on_the_page(self):
        ys = [marker.y for marker in self.chart().lines[0].markers]
        self.assertLess(ys[0], ys[1])
        self.assertLess(ys[1], ys[2])  # larger y is lower on the page

    def test_a_missing_value_is_a_gap(self):
        chart = self.chart(series=[Series("Forecast", [1, None, 3])])
        line = chart.lines[0]
        self.assertEqual(len(line.parts), 2)
        self.assertEqual(len(line.markers), 2)
        self.assertEqual(chart.rows[1], ("M2", ["-"]))

    def test_fixed_scale(self):
        chart = self.chart(series=[Series("Residual", [20, 12, 9])], y_min=0, y_max=25, step=5)
        self.assertEqual([t.text for t in chart.ticks][-1], "£25m")

    def test_the_table_holds_every_series_value(self):
        chart = self.chart(
            series=[Series("Forecast", [28, 15, 3]), Series("Target", [0, 0, 0], "target")]
        )
        self.assertEqual(chart.columns, ["Forecast", "Target"])
        self.assertEqual(chart.rows[0], ("M1", ["£28m", "£0m"]))

    def test_the_partial_names_the_image_and_gives_the_table(self):
        html = render_to_string("includes/chart_line.html", {"chart": self.chart()})
        self.assertIn('role="img"', html)
        self.assertIn('<title id="overspend-title">Forecast overspend, M1 to M3</title>', html)
        self.assertIn('<th scope="row" class="govuk-table__header">M3</th>', html)
        self.assertIn("£2.8m", html)
