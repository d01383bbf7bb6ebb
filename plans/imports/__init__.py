"""Importing an improvement plan's actions from a council's spreadsheet (CSV or XLSX).

The steps, each in its own module:

- `reading`: what kind of file it is (from its bytes, not its name), its heading row, and
  its rows, refusing with a message in words what cannot be read;
- `fields`: the app's fields a column can be matched to, and the guess at that matching
  from the headings as councils write them;
- `values`: one cell's value understood as a date, a RAG rating, a publication status;
- `checking`: every row checked against the plan and the app's reference data, with each
  problem in words (row, column, what is wrong), and what importing would change;
- `applying`: all rows written in one transaction, or none;
- `jobs`: checking and applying run in the background (a thread after the request's
  transaction commits, or `manage.py run_imports`), with progress saved as they go.
"""
