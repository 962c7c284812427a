-- 009: the warehouse's secret (one row, written by pipelines/warehouse.py with Python's secrets module, never
-- exported or shown). It signs the hidden Meta sheet of every team's list (pipelines/feedback.py: a list
-- relabelled as another team's, with a checksum recomputed from that team's flag keys, no longer matches),
-- and it keys the pseudonym of a report number that reads as a personal number (pipelines/privacy.py).
CREATE TABLE meta.warehouse_secret (
    secret      VARCHAR NOT NULL,        -- 64 hex characters
    created_at  TIMESTAMP NOT NULL       -- lists of runs that finished before it carry the unkeyed checksum
);
