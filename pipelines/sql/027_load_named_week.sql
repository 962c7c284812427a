-- 027: the week a delivery of reports names in its file (meldingen_export_2026-W48.csv), recorded with the load when
-- that week had ended by the day of the load. The week is delivered even when no report of it is in the file: a
-- small municipality's week without a single report is a quiet week with a list of its own, not a week still to come
-- (red team 10c, F3). Loads from before keep NULL: their weeks are the ones their reports or windows cover.
ALTER TABLE meta.loads ADD COLUMN IF NOT EXISTS named_week DATE;
