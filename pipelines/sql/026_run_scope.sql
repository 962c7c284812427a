-- 026: per run a key of what it read for its own periods (pipelines/runs.py run_scope): the counts of the periods
-- that had ended by its day, the structural loads (CBS KWB) and its settings. An earlier week run again after a
-- later delivery that touched none of that week's inputs finds its run (red team 6b, F6) instead of making a new one
-- and replacing the lists sent. Runs from before keep NULL and are found by their run_key alone.
ALTER TABLE meta.runs ADD COLUMN IF NOT EXISTS scope_key VARCHAR;
