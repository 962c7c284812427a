-- 025: per run period the run whose lists exports/<period>/ is to hold, and when that set was written whole
-- (pipelines/export_folder.py swaps a complete set in). written_at NULL: the run was recorded (or its export
-- began) but its lists were not all written, as a run killed while writing them left it (red team 6b, F1);
-- `status` and the next run say so. Before this record nothing said so: the latest run of every period is taken
-- as written when it finished.
CREATE TABLE IF NOT EXISTS meta.lists (
    run_period  VARCHAR PRIMARY KEY,
    run_id      VARCHAR NOT NULL,
    written_at  TIMESTAMP              -- NULL: not all written
);
INSERT INTO meta.lists
SELECT run_period, run_id, finished_at FROM (
    SELECT run_period, run_id, finished_at,
           row_number() OVER (PARTITION BY run_period ORDER BY finished_at DESC, rowid DESC) AS n
    FROM meta.runs)
WHERE n = 1 AND run_period NOT IN (SELECT run_period FROM meta.lists);
