-- 022: what the profile sync moved (pipelines/reference.py:rekey_stored): the old code, the buurt its stored data
-- went to, the part of that buurt it became (its own code, or the code it was renumbered to before a merge) and
-- whether the buurt was a merge. A later mapping that contradicts a move made (a renumbered code written flat as
-- a part of a later merge, an old code now mapped elsewhere) is refused with this record, as the data moved
-- cannot be told apart from the buurt's own.
-- IF NOT EXISTS: a warehouse whose recorded versions were rolled back (a test of an older one) applies it again.
CREATE TABLE IF NOT EXISTS meta.code_moves (
    old_code  VARCHAR PRIMARY KEY,
    new_code  VARCHAR NOT NULL,
    part_code VARCHAR,              -- NULL: the whole buurt under another name (renumbered)
    merged    BOOLEAN NOT NULL,
    moved_at  TIMESTAMP NOT NULL
);
