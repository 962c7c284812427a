-- 004: CBS Kerncijfers wijken en buurten (one row per area, year and indicator) and its raw cells.
CREATE TABLE core.area_stats (
    area_code        VARCHAR NOT NULL,
    year             INTEGER NOT NULL,
    indicator        VARCHAR NOT NULL,   -- topic key without its yearly numeric suffix
    value            DOUBLE,             -- NULL when CBS gives no value (see missing_reason)
    unit             VARCHAR,
    missing_reason   VARCHAR,            -- Missing / Impossible (the topic's Default) when value is NULL
    boundary_changed BOOLEAN NOT NULL,   -- IndelingswijzigingGemeenteWijkBuurt <> 1: never compare across
    source           VARCHAR NOT NULL,
    load_id          VARCHAR NOT NULL,
    PRIMARY KEY (area_code, year, indicator)
);

CREATE TABLE raw.cbs_kwb (
    load_id     VARCHAR NOT NULL,
    row_number  INTEGER NOT NULL,
    table_id    VARCHAR,
    area_code   VARCHAR,
    year        VARCHAR,
    indicator   VARCHAR,
    value       VARCHAR,
    PRIMARY KEY (load_id, row_number)
);
