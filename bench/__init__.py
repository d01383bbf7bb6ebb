"""The benchmark suite (`make bench`, `python -m bench`): a large synthetic programme made
by `manage.py generate_scale_data`, the app's pages, exports and PDFs measured against
baselines in the same run, written to docs/benchmarks.md. Not part of the app: nothing in
biip/, plans/, meetings/ or reports/ imports it."""
