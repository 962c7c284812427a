-- 009: the secret that signs the hidden Meta sheet of every team's list (pipelines/feedback.py): a returned
-- list relabelled as another team's, with a checksum recomputed from that team's flag keys, no longer
-- matches. One row, written by pipelines/warehouse.py (Python's secrets module), never exported or shown.
CREATE TABLE meta.list_key (
    secret      VARCHAR NOT NULL,        -- 64 hex characters
    created_at  TIMESTAMP NOT NULL       -- lists of runs that finished before it carry the unkeyed checksum
);
