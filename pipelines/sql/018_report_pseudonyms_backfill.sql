-- 018: a warehouse made before report numbers that read as a BSN were pseudonymised as the ledger reads them can
-- still hold such a number in plain (an Excel export's 12345611, the BSN 012345611 without its leading 0): as a
-- ledger key, a quarantined row's key and values, a correction's key, and in raw.meldingen. Only a report delivered
-- again was re-keyed. This marks the step as pending; the first load or scoring run keeps every stored number that
-- reads as a personal number as its pseudonym, as a load does, and rebuilds those sources' counts
-- (ingest.backfill_report_pseudonyms), then clears it.
-- only where there is something to re-key: a new warehouse holds no reports yet
INSERT INTO meta.pending_upgrades SELECT 'report_pseudonyms'
WHERE (EXISTS (SELECT 1 FROM core.report_ledger) OR EXISTS (SELECT 1 FROM raw.meldingen))
  AND NOT EXISTS (SELECT 1 FROM meta.pending_upgrades WHERE name = 'report_pseudonyms');
