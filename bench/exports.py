"""The action list's XLSX export against its peer, run by the runner in a fresh process
(`python -m bench.exports --plan <id>`).

The app: GET /actions/?plan=<id>&_export=xlsx signed in as `panel`, through the test
client: the whole request (middleware, session, the filter, the query, the table's
export values, the workbook written and returned).

The peer: what a developer would write by hand for the same file: one values_list query
of the same fields (the same joins, the Version column's subquery, the same order), each
cell put in the same words as the app's table (RAG and assurance labels, ISO dates,
slippage in days, text that a spreadsheet would take for a formula neutralised), written
with openpyxl directly
(write-only workbook, one sheet, the header row) and saved to memory. The peer's timing
includes its query, so both sides include fetching the rows; the peer has no HTTP request,
session or middleware.

Outside the timed runs the app's file is read back and compared with the peer's rows cell
by cell, so the two really are the same rows."""

import argparse
import io
import statistics
import sys
import time

from bench.pages import check, run_and_emit, setup, signed_in_client

FIELDS = (
    "reference",
    "title",
    "plan__short_name",
    "theme_id",
    "directorate__name",
    "lead_officer__name",
    "rag",
    "assurance",
    "assured_rag",
    "original_due_date",
    "revised_due_date",
    "last_update_at",
    "version",
)
ORDER = ("-plan__period_start", "reference", "id")  # as plans.views.actions.action_list


def peer_rows(plan_id: int) -> list[list]:
    """The header and the rows of the export, from one query (plus the twelve themes)."""
    from django.utils import timezone

    from biip.listing import neutralise
    from biip.models import RAG
    from plans.models import Action, AssuranceStatus, Theme
    from plans.services import latest_version
    from plans.tables import ActionTable

    rag_words = dict(RAG.choices)
    assurance_words = dict(AssuranceStatus.choices)
    themes = {theme.pk: str(theme) for theme in Theme.objects.all()}
    header = [str(column.header) for column in ActionTable([]).columns.iterall()]
    rows = [header]
    query = (
        Action.objects.filter(plan_id=plan_id)
        .annotate(version=latest_version(Action))
        .order_by(*ORDER)
        .values_list(*FIELDS)
    )
    for (
        reference,
        title,
        plan,
        theme_id,
        directorate,
        lead,
        rag,
        assurance,
        assured_rag,
        due,
        revised,
        last_update,
        version,
    ) in query:
        words = assurance_words[assurance]
        if assured_rag:
            words = f"{words}: {rag_words[assured_rag]}"
        rows.append(
            [
                neutralise(reference),
                neutralise(title),
                neutralise(plan),
                neutralise(themes[theme_id]) if theme_id else None,
                neutralise(directorate),
                neutralise(lead) if lead else None,
                rag_words[rag],
                words,
                due.isoformat(),
                revised.isoformat() if revised else None,
                (revised - due).days if revised else 0,
                timezone.localtime(last_update).date().isoformat() if last_update else None,
                version,
            ]
        )
    return rows


def write_peer(plan_id: int) -> bytes:
    """The peer, timed: fetch the rows and write them with openpyxl."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Actions")
    for row in peer_rows(plan_id):
        sheet.append(row)
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


def read_back(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [[None if cell in ("", None) else cell for cell in row] for row in sheet.values]


def compare(app: list[list], peer: list[list]) -> dict:
    """Whether the app's file and the peer hold the same cells; the first difference."""
    peer = [[None if cell in ("", None) else cell for cell in row] for row in peer]
    if len(app) != len(peer):
        return {"same_rows": False, "difference": f"{len(app)} rows against {len(peer)}"}
    for number, (mine, theirs) in enumerate(zip(app, peer, strict=True)):
        if mine != theirs:
            return {
                "same_rows": False,
                "difference": f"row {number + 1}: app {mine!r}, peer {theirs!r}",
            }
    return {"same_rows": True, "difference": ""}


def timed(function, repeat: int) -> list[float]:
    function()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def measure(plan_id: int, repeat: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = f"/actions/?plan={plan_id}&_export=xlsx"
    client = signed_in_client("panel")

    def app():
        response = client.get(url)
        check(response, url)
        return response.content

    app_times = timed(app, repeat)
    peer_times = timed(lambda: write_peer(plan_id), repeat)
    with CaptureQueriesContext(connection) as app_queries:
        content = app()
    with CaptureQueriesContext(connection) as peer_queries:
        peer_content = write_peer(plan_id)
    app_rows, peer = read_back(content), peer_rows(plan_id)
    return {
        "url": url,
        "rows": len(app_rows) - 1,
        "app": {
            "median_ms": statistics.median(app_times) * 1000,
            "min_ms": min(app_times) * 1000,
            "runs": len(app_times),
            "queries": len(app_queries),
            "bytes": len(content),
        },
        "peer": {
            "median_ms": statistics.median(peer_times) * 1000,
            "min_ms": min(peer_times) * 1000,
            "runs": len(peer_times),
            "queries": len(peer_queries),
            "bytes": len(peer_content),
        },
        **compare(app_rows, peer),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.exports")
    parser.add_argument("--plan", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    setup()
    return run_and_emit(lambda: measure(args.plan, args.repeat))


if __name__ == "__main__":
    sys.exit(main())
