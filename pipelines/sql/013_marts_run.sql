-- 013: marts.series_scores and marts.area_evidence hold the scores of one run; meta.marts_run says which
-- (pipelines/runs.py), so a run found again ("nothing new") whose scores another run has since replaced
-- scores them again. meta.runs.today: the day a run took as today, so its scores can be made again.
-- Before this migration the marts held the scores of the run that finished last.
CREATE TABLE meta.marts_run (
    run_id  VARCHAR NOT NULL       -- one row: the run whose series scores and area evidence the marts hold
);
INSERT INTO meta.marts_run SELECT run_id FROM meta.runs ORDER BY finished_at DESC, rowid DESC LIMIT 1;
ALTER TABLE meta.runs ADD COLUMN today DATE;
