-- 010: full exports, corrections and report numbers, tighter (pipelines/delivery.py).
-- A full export of a window retracts the absent reports DATED inside it: the ledger keeps each report's date
-- (NULL for reports loaded before this migration: those are retracted only when their whole ISO week lies
-- inside the window).
ALTER TABLE core.report_ledger ADD COLUMN report_date DATE;

-- A held full export keeps its window, so accepting it applies it as it was held.
ALTER TABLE meta.held_loads ADD COLUMN window_first DATE;
ALTER TABLE meta.held_loads ADD COLUMN window_last DATE;

-- When the delivered file was last modified (a payload folder: its newest file): a file older than the load
-- that holds the cells or reports it would change is held (an old export found late must not silently win).
ALTER TABLE meta.loads ADD COLUMN file_modified_at TIMESTAMP;

-- What each correction row wrote (a cell, or a report of the ledger), by the quarantined row it corrects
-- (ref = <load>:<row>): a later correction of the same row replaces it. Corrections loaded before this
-- migration are not here; their fixes are replaced only where the new fix writes the same cell or key.
CREATE TABLE core.correction_writes (
    source        VARCHAR NOT NULL,
    ref           VARCHAR NOT NULL,   -- the quarantined row corrected, <load>:<row>
    load_id       VARCHAR NOT NULL,   -- the correction that wrote it
    load_seq      BIGINT NOT NULL,
    report_key    VARCHAR,            -- records: the report written
    area_code     VARCHAR,            -- cells: the cell written
    signal        VARCHAR,
    part          VARCHAR,
    period        VARCHAR,
    period_start  DATE,
    PRIMARY KEY (source, ref)
);

-- A numeric report number is one key however it was written: without a spreadsheet's '.0' and without
-- leading zeros ('0001001', '1001' and '1001.0' are id:1001). Existing keys are re-keyed; where two versions
-- of one report were counted, the version of the latest load is kept.
UPDATE core.report_ledger
SET report_key = 'id:' || coalesce(nullif(ltrim(regexp_replace(substr(report_key, 4), '\.0+$', ''), '0'), ''), '0')
WHERE regexp_full_match(report_key, 'id:[0-9]+(\.0+)?');

DELETE FROM core.report_ledger l
WHERE EXISTS (SELECT 1 FROM core.report_ledger o WHERE o.source = l.source AND o.report_key = l.report_key
              AND (o.load_seq > l.load_seq OR (o.load_seq = l.load_seq AND o.rowid > l.rowid)));

UPDATE quarantine.rows
SET record_key = 'id:' || coalesce(nullif(ltrim(regexp_replace(substr(record_key, 4), '\.0+$', ''), '0'), ''), '0')
WHERE regexp_full_match(record_key, 'id:[0-9]+(\.0+)?');

DELETE FROM core.signal_counts WHERE source IN (SELECT DISTINCT source FROM core.report_ledger);
INSERT INTO core.signal_counts (area_code, signal, period, period_start, count, source, load_id, provisional)
SELECT area_code, signal, period, period_start, count(*)::INTEGER, source, arg_max(load_id, load_seq), false
FROM core.report_ledger WHERE retracted_by IS NULL GROUP BY ALL;
