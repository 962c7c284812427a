-- 006: delivery semantics that never lose or double-count data.
-- Record sources (resident reports) keep a ledger of report keys: a report seen again replaces its
-- earlier version; counts are derived from the ledger. Aggregate sources keep their cells at their
-- own grain (a creditor or crime type is a part of a signal): a delivery replaces exactly the cells it
-- holds. core.signal_counts stays the one table scoring reads, rebuilt per source from these two.

CREATE SEQUENCE meta.load_seq START 1;

CREATE TABLE core.report_ledger (
    source        VARCHAR NOT NULL,
    report_key    VARCHAR NOT NULL,   -- id:<Meldingnummer>, q:<load>:<row> (a correction) or h:<hash>:<n>
    area_code     VARCHAR NOT NULL,
    signal        VARCHAR NOT NULL,
    period        VARCHAR NOT NULL,
    period_start  DATE NOT NULL,
    load_id       VARCHAR NOT NULL,   -- the load of the version kept
    load_seq      BIGINT NOT NULL,
    retracted_by  VARCHAR             -- a full-window delivery that no longer holds this report
    -- (source, report_key) is unique: kept by pipelines/delivery.py, checked after every load (an index
    -- would make re-delivering a million reports 4x slower)
);

CREATE TABLE core.source_cells (
    source        VARCHAR NOT NULL,
    area_code     VARCHAR NOT NULL,
    signal        VARCHAR NOT NULL,
    part          VARCHAR NOT NULL,   -- creditor, crime type, or '' when the cell is the signal itself
    period        VARCHAR NOT NULL,
    period_start  DATE NOT NULL,
    count         BIGINT NOT NULL CHECK (count >= 0),
    provisional   BOOLEAN NOT NULL DEFAULT false,
    load_id       VARCHAR NOT NULL,
    load_seq      BIGINT NOT NULL,
    PRIMARY KEY (source, area_code, signal, part, period, period_start)
);

ALTER TABLE meta.loads ADD COLUMN load_seq BIGINT;
ALTER TABLE meta.loads ADD COLUMN mode VARCHAR DEFAULT 'delivery';      -- delivery / correction / full-window
ALTER TABLE meta.loads ADD COLUMN rows_retracted INTEGER DEFAULT 0;

-- Loads stopped by the safety valve: nothing applied until an analyst accepts them.
CREATE TABLE meta.held_loads (
    content_hash  VARCHAR PRIMARY KEY,
    source        VARCHAR NOT NULL,
    file_name     VARCHAR NOT NULL,
    path          VARCHAR NOT NULL,
    mode          VARCHAR NOT NULL,
    held_at       TIMESTAMP NOT NULL,
    reason        VARCHAR NOT NULL,
    accepted_at   TIMESTAMP
);

-- Quarantined rows have a state: open, resolved (a later load brought a valid row with the same key),
-- superseded (a later load quarantined the same key again), dismissed (by an analyst).
ALTER TABLE quarantine.rows ADD COLUMN record_key VARCHAR;
ALTER TABLE quarantine.rows ADD COLUMN state VARCHAR DEFAULT 'open';
ALTER TABLE quarantine.rows ADD COLUMN state_by VARCHAR;               -- the load (or 'analyst') that changed it
ALTER TABLE quarantine.rows ADD COLUMN state_at TIMESTAMP;

-- Warehouses from before this migration: their counts become ledger entries and cells, unchanged.
INSERT INTO core.report_ledger
SELECT c.source, 'legacy:' || c.area_code || ':' || c.signal || ':' || c.period_start || ':' || r.i,
       c.area_code, c.signal, c.period, c.period_start, c.load_id, 0, NULL
FROM core.signal_counts c, LATERAL (SELECT range AS i FROM range(c.count)) r
WHERE c.source = 'meldingen';

INSERT INTO core.source_cells
SELECT source, area_code, signal, '', period, period_start, count, coalesce(provisional, false), load_id, 0
FROM core.signal_counts WHERE source <> 'meldingen';

UPDATE meta.loads SET load_seq = 0;

-- raw.meldingen holds a row per report of every load: without its index a million-row load is 0.6 s faster;
-- (load_id, row_number) is unique by construction.
CREATE TABLE raw.meldingen_new AS SELECT * FROM raw.meldingen;
DROP TABLE raw.meldingen;
ALTER TABLE raw.meldingen_new RENAME TO meldingen;
