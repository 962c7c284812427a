-- 011: the window a full export declared (ingest --full-window or its manifest), kept with its load: the run
-- judges a source's deliveries by the last day they cover, so a quiet last week of a full export is not
-- taken for a delivery that did not arrive (pipelines/flows.py, delivery_warnings). NULL for other loads.
ALTER TABLE meta.loads ADD COLUMN window_first DATE;
ALTER TABLE meta.loads ADD COLUMN window_last DATE;
