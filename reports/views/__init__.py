"""The reports app's pages: reports (reports.views.reports) and cycle snapshots
(reports.views.snapshots)."""
