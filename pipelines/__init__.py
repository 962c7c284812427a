"""wijkradar pipelines: sources, warehouse access, validation, flows, exports and the CLI.

Everything that touches a file, the DuckDB warehouse, Great Expectations or Prefect lives here;
the statistics it calls live in ``models/``.
"""
