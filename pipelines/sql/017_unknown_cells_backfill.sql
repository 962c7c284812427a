-- 017: a warehouse made before 016 holds quarantined rows of cells without a usable count (a suppressed '<5'
-- creditor cell) but no mark of them, so its sums over parts still hold the undercounts 016 removes. This marks the
-- step as pending; the first load or scoring run (which know the profile the rows are read with) marks the cells
-- from the quarantined rows and rebuilds those sources' counts (ingest.backfill_unknown_cells), then clears it.
CREATE TABLE meta.pending_upgrades (
    name      VARCHAR PRIMARY KEY
);
-- only where there is something to mark: a new warehouse has no quarantined rows
INSERT INTO meta.pending_upgrades SELECT 'unknown_cells' WHERE EXISTS (SELECT 1 FROM quarantine.rows q
    JOIN meta.loads l USING (load_id) WHERE q.source IN ('schulden', 'wijkteam', 'politie'));
