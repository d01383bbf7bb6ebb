"""The query plans of the dashboard and the action list on PostgreSQL, run by the runner in
a fresh process (`python -m bench.explain --page <key> <user> <url> ...`).

Each page is requested once with CaptureQueriesContext; every SELECT it ran (the SQL as
sent, with its parameters bound) is explained with `EXPLAIN (ANALYZE, FORMAT TEXT)`. A
sequential scan of a large table is reported with its query, and whether its filter
discarded rows (an index could have found the rest) or it read the whole table (as a
count of every action must). A large table: the actions, the monthly updates, a history
or snapshot table once PostgreSQL's statistics put it at 1,000 rows or more, and any
other table at 10,000 rows or more. The runner analyses the tables after generating the
data, so the planner sees their real sizes."""

import argparse
import re
import sys

from bench.pages import check, run_and_emit, setup, signed_in_client

LARGE_TABLES = ("plans_action", "plans_progressupdate")
LARGE_PATTERNS = (re.compile(r"historical"), re.compile(r"^reports_snapshot"))
LARGE_ROWS = 10_000  # any table this big
LARGE_FAMILY_ROWS = 1_000  # a named table, history or snapshot table this big
SEQ_SCAN = re.compile(r"Seq Scan on (\S+)")
REMOVED = re.compile(r"Rows Removed by Filter: (\d+)")
EXECUTION = re.compile(r"Execution Time: ([\d.]+) ms")


def seq_scans(plan: str) -> list[tuple[str, int]]:
    """Each sequential scan in a plan: the table, and how many rows its filter discarded
    (0 when it wanted every row, as counting a whole table does: no index would help)."""
    lines = plan.splitlines()
    scans = []
    for number, line in enumerate(lines):
        found = SEQ_SCAN.search(line)
        if not found:
            continue
        removed = 0
        for detail in lines[number + 1 :]:
            if "->" in detail or not detail.startswith(" "):
                break
            if match := REMOVED.search(detail):
                removed = int(match.group(1))
                break
        scans.append((found.group(1).strip('"'), removed))
    return scans


def table_rows() -> dict[str, int]:
    """PostgreSQL's estimate of each table's rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'r' AND n.nspname = 'public'"
        )
        return dict(cursor.fetchall())


def is_large(table: str, rows: dict[str, int]) -> bool:
    """A table a page should not read whole: the actions, the monthly updates, a history or
    snapshot table once it holds a thousand rows (a sequential scan of a twenty-row table
    is the planner's right choice), or any table of ten thousand rows or more."""
    count = rows.get(table, 0)
    family = table in LARGE_TABLES or any(pattern.search(table) for pattern in LARGE_PATTERNS)
    return count >= LARGE_ROWS or (family and count >= LARGE_FAMILY_ROWS)


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT TEXT) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def page_plans(key: str, username: str, url: str, rows: dict[str, int]) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in_client(username)
    check(client.get(url), url)  # warm-up: the session row, cached lookups
    with CaptureQueriesContext(connection) as captured:
        check(client.get(url), url)
    queries, seen = [], set()
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT") or sql in seen:
            continue
        seen.add(sql)
        plan = explain(sql)
        scans = seq_scans(plan)
        large = sorted({table for table, _ in scans if is_large(table, rows)})
        filtered = sorted({table for table, removed in scans if removed and table in large})
        queries.append(
            {
                "sql": sql,
                "plan": plan,
                "execution_ms": float(EXECUTION.search(plan).group(1)),
                "seq_scans": sorted({table for table, _ in scans}),
                "large_seq_scans": large,
                "filtered_large_seq_scans": filtered,
            }
        )
    return {"key": key, "user": username, "url": url, "queries": queries}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.explain")
    parser.add_argument(
        "--page", nargs=3, action="append", metavar=("KEY", "USER", "URL"), required=True
    )
    args = parser.parse_args(argv)
    setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.stderr.write("bench: EXPLAIN is measured on PostgreSQL only\n")
        return 2
    return run_and_emit(lambda: explain_pages(args.page))


def explain_pages(pages: list) -> dict:
    rows = table_rows()
    plans = [page_plans(key, user, url, rows) for key, user, url in pages]
    large = {table: count for table, count in rows.items() if is_large(table, rows)}
    return {"pages": plans, "large_tables": large}


if __name__ == "__main__":
    sys.exit(main())
