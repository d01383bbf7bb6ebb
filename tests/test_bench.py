"""The benchmark suite cannot rot: `python -m bench` runs end to end at a tiny size on
SQLite (a fresh database, the generated data, every page, the export against its peer)
and writes its report with the rows, ratios and targets. It measures nothing worth
keeping: `make bench` is where the numbers come from."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from bench import report
from bench.pages import page_list

ROOT = Path(__file__).resolve().parent.parent


class BenchSmoke(SimpleTestCase):
    def test_the_runner_measures_every_page_and_writes_the_report(self):
        with tempfile.TemporaryDirectory() as folder:
            data, output = Path(folder), Path(folder) / "benchmarks.md"
            env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench",
                    "--sizes",
                    "60",
                    "--databases",
                    "sqlite",
                    "--repeat",
                    "1",
                    "--skip-load",
                    "--skip-pdf",
                    "--data-dir",
                    str(data),
                    "--output",
                    str(output),
                ],  # fmt: skip
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
            results = json.loads((data / "results.json").read_text())
            text = output.read_text()
            explain = report.explain_path(output).read_text()

        (run,) = results["runs"]
        self.assertEqual((run["database"], run["size"]), ("sqlite", 60))
        self.assertEqual(run["targets"]["actions"], 60)
        keys = [page["key"] for page in run["pages"]]
        self.assertEqual(keys, [page["key"] for page in page_list(run["targets"], 8)])
        for page in run["pages"]:
            self.assertGreater(page["median_ms"], 0, page["key"])
            self.assertGreater(page["queries"], 0, page["key"])
        self.assertTrue(run["export"]["same_rows"], run["export"]["difference"])
        self.assertEqual(run["export"]["rows"], run["targets"]["plan_actions"])
        self.assertEqual(results["generation"][0]["actions"], 60)

        self.assertIn("| Home dashboard (panel member) | ", text)
        self.assertIn("| Django admin change list of Action (peer) | ", text)
        self.assertRegex(text, r"\| Action list, filtered and sorted, last page \| [\d.,]+ \| "
                         r"[\d.]+x \| [\d.]+x \| \d+ \|")  # fmt: skip
        self.assertRegex(text, r"\| The app \(GET \?_export=xlsx\) \| [\d.,]+ \| [\d.]+x \|")
        self.assertIn("| XLSX export within 2x raw openpyxl | ", text)
        self.assertRegex(text, r"\| Every page within 10x the baseline \| .* \| (met|\*\*not met)")
        self.assertIn("| Monthly pack PDF under 10 s and 500 MB peak | not measured", text)
        self.assertIn("Not measured: PostgreSQL was not benchmarked.", explain)

    def test_the_targets_are_judged_from_the_numbers(self):
        def run(size, dashboard_ms, queries, export_ms):
            pages = [
                {"key": "baseline", "label": "Baseline", "kind": "baseline", "median_ms": 2.0,
                 "queries": 3},
                {"key": "dashboard_panel", "label": "Dashboard", "median_ms": dashboard_ms,
                 "queries": queries},
                {"key": "admin_changelist", "label": "Admin", "kind": "peer", "median_ms": 30.0,
                 "queries": 11},
            ]  # fmt: skip
            export = {
                "rows": size // 2,
                "app": {"median_ms": export_ms, "queries": 5},
                "peer": {"median_ms": 100.0, "queries": 2},
                "same_rows": True,
                "difference": "",
            }
            pdfs = [{"kind": "pack", "median_s": 4.0, "peak_mb": 300.0, "pages": 10}]
            return {"database": "postgresql", "size": size, "pages": pages, "export": export,
                    "pdfs": pdfs}  # fmt: skip

        results = {"runs": [run(2000, 15.0, 11, 150.0), run(20000, 25.0, 12, 250.0)]}
        judged = {what: met for what, _, met in report.targets(results)}
        self.assertIs(judged["Every page within 10x the baseline"], False)
        self.assertIs(judged["No page slower than the Django admin change list"], True)
        self.assertIs(judged["Query counts the same at every size (no query per row)"], False)
        self.assertIs(judged["XLSX export within 2x raw openpyxl"], False)
        self.assertIs(judged["Monthly pack PDF under 10 s and 500 MB peak"], True)
        self.assertIs(judged["Indexes for the dashboard's and list's queries (EXPLAIN)"], None)
