"""The one gateway to the warehouse: every read and write the pipeline makes, by name.

No other module writes SQL (``tests/test_architecture.py`` checks it). The CLI, the flows, the runs,
ingest, exports, feedback and reports call these functions with an open connection from
``pipelines.warehouse.connect`` and get DataFrames, tuples or plain values back; writes run inside the
caller's ``transaction`` so a stage stays all-or-nothing. The role of Kedro's data catalog: a schema
change lands here (and in a numbered migration in ``pipelines/sql/``), and ``docs/schema.md`` shows the
current schema. One module per layer:

- ``reference``: areas, wijkteams, the signal catalogue, structure figures (``core`` reference tables);
- ``counts``: raw rows, the report ledger, source cells and the signal counts derived from them;
- ``loads``: loads, the load sequence, held loads, the schema version and the warehouse's secret (``meta``);
- ``quarantine``: quarantined rows and their states;
- ``runs``: scoring runs and the marts they write (series scores, area evidence, area flags);
- ``risk``: the structural risk per buurt and domain (``marts.area_risk``) and the figures it reads;
- ``answers``: the wijkteams' feedback on their lists;
- ``reports``: the frames managers' reports and the residents' pages read.
"""
from pipelines.catalog.answers import answers, feedback_file_known, newer_answers, record_feedback
from pipelines.catalog.counts import (CELL_KEYS, apply_cells, apply_records, cell_writers, count_ranges, counts_digest, domain_count_ranges,
                                      domain_month_counts, held_report_keys, held_row_loads, mark_undelivered, mark_unknown_cells, partial_totals, raw_rows,
                                      read_counts_table, made_definitive, provisional_counts, stale_provisional,
                                      rebuild_counts,
                                      record_writers, rekey_reports, replace_raw_numbers, source_totals,
                                      still_unknown, stored_report_numbers, undelivered_cells, unknown_periods, upgrade_done,
                                      upgrade_pending,
                                      write_raw_rows)
from pipelines.catalog.loads import (accept_held, find_held, hold, held_count, held_loads,
                                     load_archives, load_by_hash, load_exists, loads, loads_of, next_load_seq, record_load,
                                     release_hold, schema_columns, schema_version, waivers, warehouse_secret)
from pipelines.catalog.quarantine import (dismiss_rows, open_reasons, quarantine_rows, ref_states, state_counts,
                                          state_totals, update_states, write_quarantine_rows)
from pipelines.catalog.reference import (added_buurten, area_exists, holds_counts, source_domains, profile_buurten,
                                         record_added_buurten, record_removed_buurten, area_municipality, area_name_and_team, area_teams,
                                         newest_area_stats_year, reference_version,
                                         recorded_split_parts, replace_area_stats, replace_reference,
                                         running_flags_before, signal_labels, split_buurten, split_progress,
                                         team_codes, teams, teams_before)
from pipelines.catalog.reports import has_table, report_frames, revised_flags
from pipelines.catalog.risk import area_risk, latest_area_stats, risk_exists, risk_run, write_risk
from pipelines.catalog.runs import (area_evidence, latest_partial_areas, area_series, flag_cells, last_run, latest_run, listed_episodes, listed_months, redelivered_months,
                                    listed_statuses, lists_started, lists_written, read_flags, unwritten_lists,
                                    marts_run, recorded_now, run_area_teams, run_exists, run_finished_at, run_loads_and_settings, run_period, run_periods, run_today,
                                    scores_with_domain,
                                    clear_run_marts, append_run_marts, record_run)

__all__ = [
    "CELL_KEYS", "accept_held", "added_buurten", "holds_counts", "profile_buurten", "record_added_buurten",
    "record_removed_buurten", "recorded_split_parts", "running_flags_before", "split_buurten", "split_progress",
    "teams_before",
    "latest_partial_areas", "answers", "apply_cells", "apply_records", "area_evidence",
    "cell_writers", "record_writers", "ref_states",
    "recorded_now", "area_exists", "area_municipality", "area_name_and_team", "area_series", "area_teams", "dismiss_rows", "feedback_file_known",
    "find_held", "flag_cells", "has_table", "held_count", "held_loads", "hold", "last_run",
    "latest_run", "listed_episodes", "listed_months", "redelivered_months", "listed_statuses", "load_archives", "load_by_hash", "load_exists", "loads", "loads_of", "newer_answers", "next_load_seq",
    "open_reasons",
    "quarantine_rows",
    "count_ranges", "counts_digest", "domain_count_ranges", "domain_month_counts", "partial_totals", "raw_rows", "read_counts_table", "made_definitive", "provisional_counts", "stale_provisional", "read_flags",
    "held_report_keys", "held_row_loads", "mark_undelivered", "mark_unknown_cells", "rebuild_counts", "still_unknown", "undelivered_cells", "unknown_periods", "upgrade_done", "upgrade_pending", "record_feedback", "rekey_reports",
    "replace_raw_numbers", "stored_report_numbers",
    "newest_area_stats_year", "record_load", "reference_version",
    "release_hold", "replace_area_stats", "replace_reference", "report_frames", "revised_flags", "run_exists",
    "run_finished_at", "run_loads_and_settings", "run_period", "run_periods", "schema_columns", "schema_version", "scores_with_domain",
    "signal_labels", "source_domains", "source_totals", "state_counts", "state_totals", "team_codes", "teams", "update_states",
    "write_quarantine_rows", "write_raw_rows", "clear_run_marts", "append_run_marts", "record_run",
    "lists_started", "lists_written", "unwritten_lists",
    "area_risk", "latest_area_stats", "risk_exists", "risk_run", "write_risk", "warehouse_secret", "waivers", "marts_run", "run_today", "run_area_teams",
]
