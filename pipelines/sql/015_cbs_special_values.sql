-- 015: CBS's codes for a cell without a figure (-99997 "geheim", -99995, -99996, -99998, -99999) were stored in
-- core.area_stats as figures and fed to the risk model; they are missing, with the reason, as a load now
-- stores them (pipelines/sources/cbs_kwb.py, SPECIAL_VALUES).
UPDATE core.area_stats
SET missing_reason = CASE WHEN value = -99997 THEN 'geheim (CBS -99997)'
                          ELSE 'geen cijfer (CBS ' || CAST(CAST(value AS INTEGER) AS VARCHAR) || ')' END,
    value = NULL
WHERE source = 'cbs-kwb' AND value IN (-99995, -99996, -99997, -99998, -99999);
