-- 002: raw table of the payment-arrears source (aggregated counts per buurt, month and creditor type).
CREATE TABLE raw.schulden (
    load_id     VARCHAR NOT NULL,
    row_number  INTEGER NOT NULL,
    area_code   VARCHAR,
    period      VARCHAR,
    creditor    VARCHAR,
    count       VARCHAR,
    PRIMARY KEY (load_id, row_number)
);
