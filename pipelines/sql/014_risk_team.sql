-- 014: the wijkteam of each risk row as the run had it (pipelines/risk.py), so a run's lists keep one team
-- assignment when buurt_indeling.csv changes later: a buurt moved to another team since stays on the lists of
-- the team that had it (as feedback counts it). Rows written before this migration take the team whose list of
-- that run held the buurt, else the buurt's team as the warehouse holds it now.
ALTER TABLE marts.area_risk ADD COLUMN wijkteam VARCHAR;
UPDATE marts.area_risk r SET wijkteam = f.wijkteam
FROM (SELECT run_id, area_code, min(wijkteam) AS wijkteam FROM marts.area_flags GROUP BY ALL) f
WHERE r.run_id = f.run_id AND r.area_code = f.area_code;
UPDATE marts.area_risk r SET wijkteam = a.wijkteam FROM core.areas a
WHERE r.wijkteam IS NULL AND r.area_code = a.area_code;
