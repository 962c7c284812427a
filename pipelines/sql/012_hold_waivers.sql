-- 012: accepting a held load waives only what it was held for (pipelines/ingest.py). held_for: what the
-- current hold is for, as JSON: {"older": [the newer loads it would overwrite]} or {"drop": [the periods it
-- lowers, as "2026-09 30 -> 6"]}; waived: what an analyst accepted so far, the same keys. A load accepted for
-- an older file is still held for a drop, and a drop accepted earlier is measured again against the
-- warehouse as it is when the load is applied. Holds made before this migration: an older file waives the load
-- its reason names; a drop accepted before waives any drop (as accepting did then); a drop still waiting is
-- measured again when accepted (held once more, naming its periods, to be accepted as measured).
ALTER TABLE meta.held_loads ADD COLUMN held_for VARCHAR;
ALTER TABLE meta.held_loads ADD COLUMN waived VARCHAR;
UPDATE meta.held_loads
SET held_for = CASE WHEN reason LIKE '%: the file is older (%'
                    THEN '{"older": ["' || regexp_extract(reason, 'load ([^)]+)\)', 1) || '"]}'
                    WHEN accepted_at IS NOT NULL THEN '{"drop": null}' END;
UPDATE meta.held_loads SET waived = held_for WHERE accepted_at IS NOT NULL;
