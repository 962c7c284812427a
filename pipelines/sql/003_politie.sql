-- 003: police-registered crime (47022NED) and provisional periods.
ALTER TABLE core.signal_counts ADD COLUMN provisional BOOLEAN DEFAULT false;

CREATE TABLE raw.politie (
    load_id     VARCHAR NOT NULL,
    row_number  INTEGER NOT NULL,
    area_code   VARCHAR,
    period      VARCHAR,
    crime_type  VARCHAR,
    value       VARCHAR,
    status      VARCHAR,
    PRIMARY KEY (load_id, row_number)
);
