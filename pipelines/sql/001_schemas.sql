-- 001: the five schemas and the tables of the walking skeleton.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS quarantine;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS meta;

-- meta: what was loaded and run
CREATE TABLE meta.loads (
    load_id           VARCHAR PRIMARY KEY,
    source            VARCHAR NOT NULL,
    file_name         VARCHAR NOT NULL,
    content_hash      VARCHAR NOT NULL UNIQUE,
    loaded_at         TIMESTAMP NOT NULL,
    rows_read         INTEGER NOT NULL,
    rows_accepted     INTEGER NOT NULL,
    rows_quarantined  INTEGER NOT NULL,
    periods_from      DATE,
    periods_to        DATE,
    CHECK (rows_read = rows_accepted + rows_quarantined)
);

CREATE TABLE meta.runs (
    run_id        VARCHAR PRIMARY KEY,
    run_key       VARCHAR NOT NULL UNIQUE,   -- hash of inputs + settings: same inputs, same run
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP NOT NULL,
    run_period    VARCHAR NOT NULL,          -- e.g. 2026-W47
    loads         VARCHAR NOT NULL,          -- JSON list of load_ids the run saw
    settings      VARCHAR NOT NULL,          -- JSON: detector settings and reference version
    n_series      INTEGER NOT NULL,
    n_scored      INTEGER NOT NULL,
    n_flags       INTEGER NOT NULL
);

-- raw: what the files said, as text, one row per source row (personal fields never reach here)
CREATE TABLE raw.meldingen (
    load_id        VARCHAR NOT NULL,
    row_number     INTEGER NOT NULL,
    melding_id     VARCHAR,
    created        VARCHAR,
    hoofdcategorie VARCHAR,
    subcategorie   VARCHAR,
    area_code      VARCHAR,
    PRIMARY KEY (load_id, row_number)
);

CREATE TABLE raw.wijkteam (
    load_id     VARCHAR NOT NULL,
    row_number  INTEGER NOT NULL,
    area_code   VARCHAR,
    period      VARCHAR,
    signal      VARCHAR,
    count       VARCHAR,
    PRIMARY KEY (load_id, row_number)
);

-- quarantine: rows that failed validation, with the failed expectation as reason
CREATE TABLE quarantine.rows (
    load_id      VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    row_number   INTEGER NOT NULL,
    reason       VARCHAR NOT NULL,
    expectation  VARCHAR NOT NULL,
    raw_values   VARCHAR NOT NULL,   -- JSON of the row as read
    PRIMARY KEY (load_id, row_number)
);

-- core: reference and validated, aggregated signal counts (long format)
CREATE TABLE core.areas (
    area_code   VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    level       VARCHAR NOT NULL,      -- gemeente / wijk / buurt
    wijk_code   VARCHAR,
    gemeente_code VARCHAR NOT NULL,
    kind        VARCHAR,               -- stadswijk / dorp / bedrijventerrein
    wijkteam    VARCHAR,
    population  INTEGER
);

CREATE TABLE core.wijkteams (
    wijkteam VARCHAR PRIMARY KEY,
    name     VARCHAR NOT NULL
);

CREATE TABLE core.signal_catalogue (
    signal         VARCHAR PRIMARY KEY,
    domain         VARCHAR NOT NULL CHECK (domain IN ('physical', 'social', 'safety')),
    label_nl       VARCHAR NOT NULL,
    label_en       VARCHAR NOT NULL,
    unit_nl        VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    frequency      VARCHAR NOT NULL CHECK (frequency IN ('week', 'month', 'year')),
    description_nl VARCHAR,
    description_en VARCHAR
);

CREATE TABLE core.signal_counts (
    area_code    VARCHAR NOT NULL,
    signal       VARCHAR NOT NULL,
    period       VARCHAR NOT NULL CHECK (period IN ('week', 'month')),
    period_start DATE NOT NULL,
    count        INTEGER NOT NULL CHECK (count >= 0),
    source       VARCHAR NOT NULL,
    load_id      VARCHAR NOT NULL,
    PRIMARY KEY (area_code, signal, period, period_start)
);

-- marts: what the wijkteams and managers read
CREATE TABLE marts.series_scores (
    area_code    VARCHAR NOT NULL,
    signal       VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    count        INTEGER NOT NULL,
    expected     DOUBLE,
    upper        DOUBLE,
    score        DOUBLE,
    pvalue       DOUBLE,
    alarm        BOOLEAN NOT NULL,
    method       VARCHAR NOT NULL,
    reason       VARCHAR,
    PRIMARY KEY (area_code, signal, period, period_start)
);

CREATE TABLE marts.area_flags (
    run_id       VARCHAR NOT NULL,
    run_period   VARCHAR NOT NULL,
    wijkteam     VARCHAR NOT NULL,
    area_code    VARCHAR NOT NULL,
    signal       VARCHAR NOT NULL,
    domain       VARCHAR NOT NULL,
    period       VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    count        INTEGER NOT NULL,
    expected     DOUBLE NOT NULL,
    upper        DOUBLE NOT NULL,
    score        DOUBLE NOT NULL,
    status       VARCHAR NOT NULL,   -- nieuw / aanhoudend
    since        DATE NOT NULL,
    explanation  VARCHAR NOT NULL,
    PRIMARY KEY (run_id, area_code, signal)
);

-- which version of data/reference/ is in core (a hash of the files)
CREATE TABLE meta.reference (
    version    VARCHAR NOT NULL,
    synced_at  TIMESTAMP NOT NULL
);
