-- 020: a load's first and last period carry their kind (week or month): a source delivering both (wijkteam)
-- starting a week on the 1st of a month (2026-06-01 is 2026-W23) read as "juni 2026" on the lists' Toelichting.
-- Loads from before keep NULL and are read as before (a date on the 1st as a month).
ALTER TABLE meta.loads ADD COLUMN IF NOT EXISTS periods_from_kind VARCHAR;
ALTER TABLE meta.loads ADD COLUMN IF NOT EXISTS periods_to_kind VARCHAR;
