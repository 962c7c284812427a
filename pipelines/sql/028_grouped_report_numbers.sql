-- 028: a report number a spreadsheet wrote with thousands dots (1.001 in one delivery, 1001 in another) is one
-- number (meldingen.GROUPED_NUMBER); a warehouse made before holds such reports under the key as written (id:1.001),
-- so the same report delivered again as 1001 counted twice. This marks the step as pending; the first load or
-- scoring run re-keys those reports (a copy also held under the plain number is dropped, as a delivery drops it),
-- rebuilds the counts (ingest.rekey_grouped_numbers), and then judges the re-keyed numbers as personal numbers as a
-- load does (12.345.678 may be the eight digits of a BSN): report_pseudonyms is marked too.
INSERT INTO meta.pending_upgrades SELECT 'grouped_report_numbers'
WHERE EXISTS (SELECT 1 FROM core.report_ledger WHERE regexp_full_match(report_key, 'id:[1-9][0-9]{0,2}(\.[0-9]{3})+'))
   OR EXISTS (SELECT 1 FROM quarantine.rows WHERE regexp_full_match(record_key, 'id:[1-9][0-9]{0,2}(\.[0-9]{3})+'))
   OR EXISTS (SELECT 1 FROM core.correction_writes
              WHERE regexp_full_match(report_key, 'id:[1-9][0-9]{0,2}(\.[0-9]{3})+'));
INSERT INTO meta.pending_upgrades SELECT 'report_pseudonyms'
WHERE EXISTS (SELECT 1 FROM meta.pending_upgrades WHERE name = 'grouped_report_numbers')
  AND NOT EXISTS (SELECT 1 FROM meta.pending_upgrades WHERE name = 'report_pseudonyms');
