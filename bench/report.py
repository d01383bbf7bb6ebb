"""docs/benchmarks.md and docs/benchmarks-explain.md, written from the results of a run
(bench/.data/results.json), so that re-running the bench regenerates them. The targets of
issue 8 are judged here from the numbers, never written in by hand.

`python -m bench.report [results.json] [docs/benchmarks.md]` rewrites the documents from a
saved results file without measuring again."""

import json
import sys
from pathlib import Path

NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
TARGET_SIZE = 20_000
PAGE_RATIO, EXPORT_RATIO = 10, 2
PDF_SECONDS, PDF_MB = 10, 500


def explain_path(output: Path) -> Path:
    return output.with_name(f"{output.stem}-explain{output.suffix}")


def size_label(size) -> str:
    return f"N = {size:,}" if isinstance(size, int) else f"N = {size}"


def ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}x"


def mark(met: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[met]


def table(
    header: list[str], rows: list[list[str]], numeric_from: int = 1, text_after: int = 0
) -> list[str]:
    """A Markdown table: text columns, then numeric ones from `numeric_from` (right
    aligned), then text again from `text_after` if given."""
    end = text_after or len(header)
    align = ["---"] * numeric_from + ["---:"] * (end - numeric_from) + ["---"] * (len(header) - end)
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    return lines + ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]


def by_key(run: dict) -> dict:
    return {page["key"]: page for page in run["pages"]}


def page_ratios(run: dict) -> dict[str, tuple[float, float]]:
    """Each page's median against the baseline's and the admin change list's."""
    pages = by_key(run)
    baseline = pages["baseline"]["median_ms"]
    admin = pages["admin_changelist"]["median_ms"]
    return {
        key: (page["median_ms"] / baseline, page["median_ms"] / admin)
        for key, page in pages.items()
    }


def app_pages(run: dict) -> list[dict]:
    return [page for page in run["pages"] if page.get("kind") not in ("baseline", "peer")]


# The targets of point 3.


def target_run(results: dict) -> tuple[dict | None, str]:
    """The run the targets are judged on: PostgreSQL at the largest size, else the largest
    size measured, with a note when that is not what the issue asks for."""
    runs = results["runs"]
    if not runs:
        return None, "nothing was measured"
    postgres = [run for run in runs if run["database"] == "postgresql"]
    chosen = (postgres or runs)[-1]
    notes = []
    if chosen["database"] != "postgresql":
        notes.append(f"PostgreSQL was not measured: judged on {NAMES[chosen['database']]}")
    size = chosen["size"]
    if not isinstance(size, int) or size < TARGET_SIZE:
        notes.append(f"measured at {size_label(size)}, not N = {TARGET_SIZE:,}")
    return chosen, "; ".join(notes)


def targets(results: dict) -> list[tuple[str, str, bool | None]]:
    """Each target: what it asks, what was measured, whether it holds."""
    run, _ = target_run(results)
    if run is None:
        return []
    found = []
    ratios = page_ratios(run)
    pages = app_pages(run)
    slow = [p["label"] for p in pages if ratios[p["key"]][0] > PAGE_RATIO]
    worst = max(pages, key=lambda p: ratios[p["key"]][0])
    found.append(
        (
            f"Every page within {PAGE_RATIO}x the baseline",
            f"worst: {worst['label']}, {ratio(ratios[worst['key']][0])}"
            + (f"; over: {', '.join(slow)}" if slow else ""),
            not slow,
        )
    )
    slower = [p["label"] for p in pages if ratios[p["key"]][1] > 1]
    worst = max(pages, key=lambda p: ratios[p["key"]][1])
    found.append(
        (
            "No page slower than the Django admin change list",
            f"worst: {worst['label']}, {ratio(ratios[worst['key']][1])} the admin's time"
            + (f"; slower: {', '.join(slower)}" if slower else ""),
            not slower,
        )
    )
    found.append(query_counts_target(results, run))
    export = run["export"]
    export_ratio = export["app"]["median_ms"] / export["peer"]["median_ms"]
    found.append(
        (
            f"XLSX export within {EXPORT_RATIO}x raw openpyxl",
            f"{export['rows']:,} rows: {ms(export['app']['median_ms'])} ms against "
            f"{ms(export['peer']['median_ms'])} ms, {ratio(export_ratio)}"
            + ("" if export["same_rows"] else f" (rows differ: {export['difference']})"),
            export_ratio <= EXPORT_RATIO,
        )
    )
    found.append(pack_target(run))
    explain = run.get("explain")
    if explain is None:
        found.append(("Indexes for the dashboard's and list's queries (EXPLAIN)", "", None))
    else:
        filtered, whole = large_scans(explain, filtered=True), large_scans(explain)
        measured = "filtered: " + (describe_scans(filtered) or "none")
        if whole != filtered:
            measured += "; whole-table reads (no filter to index): " + describe_scans(whole)
        found.append(
            (
                "Indexes for the dashboard's and list's queries: no large table scanned "
                "sequentially to filter it (EXPLAIN)",
                measured,
                not filtered,
            )
        )
    load = (run.get("load") or {}).get("rows")
    if load:
        errors = sum(row["errors"] for row in load)
        found.append(("Under load: zero errors", f"{errors} errors", errors == 0))
    return found


def pack_target(run: dict) -> tuple[str, str, bool | None]:
    what = f"Monthly pack PDF under {PDF_SECONDS} s and {PDF_MB} MB peak"
    pack = next((pdf for pdf in run["pdfs"] if pdf["kind"] == "pack"), None)
    if pack is None:
        return what, "not measured (--skip-pdf)", None
    if "timed_out" in pack:
        return what, f"still rendering after {pack['timed_out']} s", False
    measured = f"{pack['median_s']:.1f} s, {pack['peak_mb']:.0f} MB peak, {pack['pages']} pages"
    return what, measured, pack["median_s"] < PDF_SECONDS and pack["peak_mb"] < PDF_MB


def query_counts_target(results: dict, run: dict) -> tuple[str, str, bool | None]:
    """The same query count at the smallest and the largest size, page by page."""
    what = "Query counts the same at every size (no query per row)"
    same_database = [r for r in results["runs"] if r["database"] == run["database"]]
    sized = [r for r in same_database if isinstance(r["size"], int)]
    if len(sized) < 2:
        return what, "one size measured", None
    small, large = sized[0], sized[-1]
    small_pages, large_pages = by_key(small), by_key(large)
    differ = [
        f"{page['label']} {small_pages[key]['queries']} -> {page['queries']}"
        for key, page in large_pages.items()
        if key in small_pages and small_pages[key]["queries"] != page["queries"]
    ]
    if small["export"]["app"]["queries"] != large["export"]["app"]["queries"]:
        differ.append(
            f"XLSX export {small['export']['app']['queries']} -> "
            f"{large['export']['app']['queries']}"
        )
    sizes = f"{size_label(small['size'])} and {size_label(large['size'])}"
    return what, (f"differ: {'; '.join(differ)}" if differ else f"same at {sizes}"), not differ


def large_scans(explain: dict, filtered: bool = False) -> dict[str, list[str]]:
    """The large tables each page scans sequentially: all of them, or only the scans whose
    filter discarded rows (those an index would serve)."""
    field = "filtered_large_seq_scans" if filtered else "large_seq_scans"
    scans: dict[str, set[str]] = {}
    for page in explain["pages"]:
        for query in page["queries"]:
            if query.get(field):
                scans.setdefault(page["key"], set()).update(query[field])
    return {key: sorted(tables) for key, tables in scans.items()}


def describe_scans(scans: dict[str, list[str]]) -> str:
    return "; ".join(f"{key}: {', '.join(tables)}" for key, tables in sorted(scans.items()))


# The document.


def machine_lines(results: dict) -> list[str]:
    m = results["machine"]
    rows = [
        ["CPU", f"{m['cpu']}, {m['cores']} cores"],
        ["Memory", f"{m['memory_gb']} GB"],
        ["Operating system", m["os"]],
        ["Python", m["python"]],
        ["Django", m["django"]],
        ["SQLite", m["sqlite"]],
        ["PostgreSQL server", m["postgresql"] or "not used"],
    ]
    return table(["", ""], rows, numeric_from=2)


def generation_lines(results: dict) -> list[str]:
    if not results["generation"]:
        return ["An existing database was measured; nothing was generated."]
    rows = []
    for item in results["generation"]:
        output = " ".join(item.get("generator_output") or [])
        rows.append(
            [
                NAMES[item["database"]],
                f"{item['size']:,}",
                f"{item['migrate_s']:.1f}",
                f"{item['generate_s']:.1f}",
                f"{item['analyse_s']:.1f}",
                ("reused, made " if item.get("reused") else "") + item["finished_at"],
                output.replace("|", "/"),
            ]
        )
    header = ["Database", "N", "migrate (s)", "generate (s)", "analyse (s)", "made", "generator"]
    return table(header, rows, numeric_from=1, text_after=5)


def page_table(runs: list[dict]) -> list[str]:
    header = ["Page"]
    for run in runs:
        label = size_label(run["size"])
        header += [f"{label}: ms", "x baseline", "x admin", "queries"]
    order = [page["key"] for page in runs[0]["pages"]]
    labels = {page["key"]: page["label"] for page in runs[0]["pages"]}
    rows = []
    for key in order:
        row = [labels[key]]
        for run in runs:
            page = by_key(run).get(key)
            if page is None:
                row += ["", "", "", ""]
                continue
            to_baseline, to_admin = page_ratios(run)[key]
            row += [ms(page["median_ms"]), ratio(to_baseline), ratio(to_admin), page["queries"]]
        rows.append(row)
    return table(header, rows)


def export_table(runs: list[dict]) -> list[str]:
    header = ["XLSX export of the current plan's actions"]
    for run in runs:
        header += [f"{size_label(run['size'])}: ms", "x peer", "queries", "rows"]
    app, peer = ["The app (GET ?_export=xlsx)"], ["Peer: the same rows with openpyxl"]
    for run in runs:
        export = run["export"]
        app += [
            ms(export["app"]["median_ms"]),
            ratio(export["app"]["median_ms"] / export["peer"]["median_ms"]),
            export["app"]["queries"],
            f"{export['rows']:,}",
        ]
        peer += [ms(export["peer"]["median_ms"]), "1.0x", export["peer"]["queries"], ""]
    lines = table(header, [app, peer])
    for run in runs:
        export = run["export"]
        same = "the same cells" if export["same_rows"] else f"NOT the same: {export['difference']}"
        label = size_label(run["size"])
        lines += ["", f"At {label} the app's file and the peer's rows hold {same}."]
    return lines


def pdf_table(runs: list[dict]) -> list[str]:
    if not any(run["pdfs"] for run in runs):
        return ["Not measured (--skip-pdf)."]
    header = ["Document"]
    for run in runs:
        header += [f"{size_label(run['size'])}: s", "peak MB", "pages", "runs"]
    rows = []
    for kind in ("pack", "stocktake"):
        row = None
        for run in runs:
            pdf = next((p for p in run["pdfs"] if p["kind"] == kind), None)
            if row is None:
                row = [pdf["label"] if pdf else kind]
            if pdf is None:
                row += ["", "", "", ""]
                continue
            if "timed_out" in pdf:
                row += [f"over {pdf['timed_out']}", "", "", "stopped"]
                continue
            row += [f"{pdf['median_s']:.2f}", f"{pdf['peak_mb']:.0f}", pdf["pages"], pdf["runs"]]
        rows.append(row)
    snapshots = sorted(
        {pdf["snapshot"] for run in runs for pdf in run["pdfs"] if "snapshot" in pdf}
    )
    return table(header, rows) + ["", f"From the {', '.join(snapshots)} snapshot."]


def target_lines(results: dict) -> list[str]:
    run, note = target_run(results)
    if run is None:
        return ["Nothing was measured."]
    lines = [
        f"Judged on {NAMES[run['database']]} at {size_label(run['size'])}"
        + (f" ({note})." if note else "."),
        "",
    ]
    rows = [[what, measured, mark(met)] for what, measured, met in targets(results)]
    return lines + table(["Target", "Measured", ""], rows, numeric_from=3)


def load_lines(results: dict) -> list[str]:
    lines = []
    for run in results["runs"]:
        load = run.get("load")
        if not load:
            continue
        heading = f"{NAMES[run['database']]}, {size_label(run['size'])}"
        if "rows" not in load:
            lines += [f"{heading}: not run ({load.get('skipped', 'skipped')})."]
            continue
        rows = [
            [
                row["page"],
                f"{row['requests_per_s']:,.1f}",
                ms(row["p95_ms"]),
                f"{row['requests']:,}",
                row["errors"],
            ]
            for row in load["rows"]
        ]
        lines += [f"{heading}:", ""]
        lines += table(["Page", "requests/s", "p95 ms", "requests", "errors"], rows)
    return lines or ["Not run (--skip-load, or PostgreSQL not measured)."]


def explain_summary(results: dict, output: Path) -> list[str]:
    runs = [run for run in results["runs"] if run.get("explain")]
    if not runs:
        return ["Not measured (PostgreSQL only)."]
    run = runs[-1]
    lines = [
        f"On PostgreSQL at {size_label(run['size'])}, every SELECT of "
        + ", ".join(f"`{page['url']}`" for page in run["explain"]["pages"])
        + f" was explained with EXPLAIN ANALYZE; the plans are in "
        f"[{explain_path(output).name}]({explain_path(output).name}).",
        "",
    ]
    return lines + scan_lines(run["explain"]) + ["", *slowest_lines(run["explain"])]


def slowest_lines(explain: dict, count: int = 5) -> list[str]:
    """The slowest SELECTs as EXPLAIN ANALYZE ran them."""
    queries = [
        (query.get("execution_ms", 0.0), page["key"], number)
        for page in explain["pages"]
        for number, query in enumerate(page["queries"], start=1)
    ]
    rows = [
        [f"{key}, query {number}", f"{ms_:,.1f}"]
        for ms_, key, number in sorted(queries, reverse=True)[:count]
    ]
    return [
        "The slowest queries (server time, EXPLAIN ANALYZE):",
        "",
        *table(["Query", "ms"], rows),
    ]


def scan_lines(explain: dict) -> list[str]:
    """The sequential scans of large tables, page by page, filtering or whole-table."""
    scans, filtered = large_scans(explain), large_scans(explain, filtered=True)
    if not scans:
        return ["No query scans a large table sequentially."]
    lines = []
    for key, tables in sorted(scans.items()):
        how = dict.fromkeys(filtered.get(key, []), "filtered: an index would serve it")
        described = [f"`{t}` ({how.get(t, 'every row read')})" for t in tables]
        lines.append(f"- {key}: sequential scan of {', '.join(described)}")
    return lines


HOW_MEASURED = """\
- **Data.** `manage.py generate_scale_data --actions N` fills a freshly migrated database
  (see its `--help` for what it makes); the tables are then analysed (`ANALYZE`) so the
  query planner knows their sizes, as autovacuum would in production. `--reuse` keeps the
  data an earlier run made at the same N (a `bench_generated` table records it).
- **Pages.** Each page is measured in a fresh Python process (settings `bench.settings`:
  the app's settings with DEBUG off), through Django's test client: the full middleware
  stack with a real database session, signed in as the user named; no network and no WSGI
  server (the load test adds those). One warm-up request, then the timed requests (the
  median is reported), then one more request inside `CaptureQueriesContext` to count the
  queries, so counting never slows a timed run. Every response must be 200 or the bench
  stops.
- **Baseline.** `/bench/baseline/`: a `login_required` view rendering a trivial template
  (not the site layout) through the same middleware, template engine and context
  processors: the floor any signed-in page pays.
- **Peer.** The Django admin's change list of Action, signed in as the superuser `admin`,
  with the action list's filter (`plan__id__exact` and `rag__in`) and sorted by original
  due date (`o=`). The admin shows 100 rows a page against the action list's 25; its
  date hierarchy and filter sidebar are what it always does.
- **The action list.** The current plan's red and amber actions
  (`?plan=<id>&rag=red&rag=amber`) sorted by original due date; first page and last page.
  The dashboard "as at" is the end of the last closed cycle's month. The action page is
  the action with the most history rows; the meeting page the meeting with the most
  minutes.
- **XLSX export.** The app: the whole request `GET /actions/?plan=<current>&_export=xlsx`
  (middleware, session, filter, query, the table's export values, the workbook).
  The peer: one `values_list` query of the same fields in the same order, each cell put in
  the same words (labels, ISO dates, slippage, formula-like text neutralised) and written
  with openpyxl in write-only mode to memory: the fetch and the writing, without the
  request. Outside the timed runs the app's file is read back and compared with the peer's
  rows cell by cell.
- **PDFs.** A report of each kind is created for the current plan from the latest closed
  cycle's snapshot (in a transaction rolled back afterwards) and rendered as the worker
  renders it (`reports.rendering.render_version`), in a fresh process with no warm-up;
  the peak is the process's peak resident set (VmHWM, reset before each run, Django
  included), read as `manage.py measure_reports` does. At most 3 runs; one if the first
  took over 20 s.
- **EXPLAIN.** PostgreSQL only, at the largest size: each SELECT of the dashboard and the
  action list (first and last page), with its parameters bound, through
  `EXPLAIN (ANALYZE, FORMAT TEXT)`. A large table is `plans_action`,
  `plans_progressupdate` or any history or snapshot table once PostgreSQL counts 1,000 rows
  in it, or any table of 10,000 rows or more.
"""


def write(results: dict, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    sizes = ", ".join(size_label(size) for size in results["sizes"])
    databases = ", ".join(NAMES[name] for name in results["databases"])
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench`) from the results of the run of "
        f"{results['started']} ({databases}; {sizes}). Do not edit by hand: run the bench "
        "again.",
        "",
        "## How to reproduce",
        "",
        "```sh",
        "make bench   # python -m bench: N = 2,000 and 20,000 on SQLite and PostgreSQL",
        ".venv/bin/python -m bench --sizes 2000 --databases sqlite --repeat 3 --skip-load \\",
        "    --skip-pdf --output /tmp/benchmarks.md   # a quicker run",
        "```",
        "",
        "Options: `--sizes` (numbers of actions, default 2000,20000), `--databases` (sqlite, "
        "postgresql), `--repeat` (timed runs: default 7 for pages, 3 for the export and the "
        "PDFs), `--reuse` (keep the data an earlier run generated at the same N), "
        "`--skip-load`, `--skip-pdf`, `--output` (default docs/benchmarks.md). SQLite "
        "databases are files in bench/.data/; PostgreSQL databases are `biip_bench_<N>` on "
        "127.0.0.1:5432 (dropped and created). The raw results are in "
        "bench/.data/results.json; `python -m bench.report` rewrites this page from them.",
        "",
        f"This run: `{results['command'].strip()}`.",
        "",
        "## The machine",
        "",
        *machine_lines(results),
        "",
        "## The targets (issue 8, point 3)",
        "",
        *target_lines(results),
        "",
        "## Generating the data",
        "",
        *generation_lines(results),
    ]
    for name in results["databases"]:
        runs = [run for run in results["runs"] if run["database"] == name]
        if not runs:
            continue
        lines += [
            "",
            f"## {NAMES[name]}",
            "",
            "Median time of each page, its ratio to the "
            "baseline and to the admin change list, and its number of queries.",
            "",
        ]
        lines += page_table(runs)
        lines += ["", "### Export", "", *export_table(runs), "", "### PDFs", "", *pdf_table(runs)]
        lines += ["", "What the pages were about:", ""]
        for run in runs:
            t = run["targets"]
            lines.append(
                f"- {size_label(run['size'])}: {t['actions']:,} actions; the current plan "
                f"({t['plan_name']}) holds {t['plan_actions']:,}, of which "
                f"{t['filtered_actions']:,} red or amber ({t['last_page']:,} pages); the "
                f"action page shows {t['action_history_rows']} history rows; the meeting "
                f"has {t['meeting_minutes']} minutes."
            )
    lines += ["", "## Under load", "", *load_lines(results)]
    lines += ["", "## Query plans", "", *explain_summary(results, output)]
    lines += ["", "## How it is measured", "", HOW_MEASURED.rstrip()]
    output.write_text("\n".join(lines) + "\n")
    write_explain(results, explain_path(output))


def write_explain(results: dict, path: Path) -> None:
    runs = [run for run in results["runs"] if run.get("explain")]
    lines = ["# Query plans of the dashboard and the action list", ""]
    if not runs:
        path.write_text("\n".join(lines + ["Not measured: PostgreSQL was not benchmarked.", ""]))
        return
    run = runs[-1]
    explain = run["explain"]
    lines += [
        f"Written by `make bench` from the run of {results['started']}: PostgreSQL, "
        f"{size_label(run['size'])}. Every SELECT of each page, with its parameters, through "
        "`EXPLAIN (ANALYZE, FORMAT TEXT)`.",
        "",
        "Large tables (PostgreSQL's estimate of their rows):",
        "",
    ]
    biggest = sorted(explain["large_tables"].items(), key=lambda item: -item[1])
    lines += table(["Table", "rows"], [[f"`{t}`", f"{n:,}"] for t, n in biggest])
    lines += ["", "Sequential scans of a large table:", "", *scan_lines(explain)]
    for page in explain["pages"]:
        lines += ["", f"## {page['key']}: `{page['url']}` as {page['user']}", ""]
        for number, query in enumerate(page["queries"], start=1):
            flag = ""
            if query["large_seq_scans"]:
                how = "filtered" if query.get("filtered_large_seq_scans") else "every row read"
                flag = f" (sequential scan of {', '.join(query['large_seq_scans'])}: {how})"
            lines += [f"### Query {number}{flag}", "", "```sql", query["sql"], "```", ""]
            lines += ["```", query["plan"], "```", ""]
    path.write_text("\n".join(lines) + "\n")


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    source = Path(argv[0]) if argv else Path(__file__).parent / ".data" / "results.json"
    output = Path(argv[1]) if len(argv) > 1 else Path("docs/benchmarks.md")
    write(json.loads(source.read_text()), output)
    print(f"Wrote {output} and {explain_path(output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
