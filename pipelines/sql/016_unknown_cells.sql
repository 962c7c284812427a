-- 016: a cell a delivery holds but whose count is unknown (suppressed by the supplier, or its row quarantined
-- for its count) is kept as unknown. A signal summed over parts (creditor types, crime types, the old codes of a
-- merged buurt) gets no count for a buurt and period while one of its parts is unknown and no delivery holds a
-- count of it: the sum of the others would be an undercount. A later delivery or correction of the cell replaces
-- the mark, as it replaces a cell; a count delivered before stays (a quarantined row changes nothing).
CREATE TABLE core.unknown_cells (
    source        VARCHAR NOT NULL,
    area_code     VARCHAR NOT NULL,
    signal        VARCHAR NOT NULL,
    part          VARCHAR NOT NULL,
    period        VARCHAR NOT NULL,
    period_start  DATE NOT NULL,
    load_id       VARCHAR NOT NULL,   -- the load whose quarantined row left it unknown
    load_seq      BIGINT NOT NULL,
    PRIMARY KEY (source, area_code, signal, part, period, period_start)
);
