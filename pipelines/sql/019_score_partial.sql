-- 019: a series score whose count is a lower bound (a part of the total is unknown: a suppressed '<5' creditor
-- cell that no delivery holds a count of, catalog.COUNTS_AND_BOUNDS) says so, so that the lists, explain and the
-- reports show "minstens 14" and not "14".
ALTER TABLE marts.series_scores ADD COLUMN IF NOT EXISTS partial BOOLEAN DEFAULT false;
UPDATE marts.series_scores SET partial = false WHERE partial IS NULL;
