-- 021: a delivery's modification time (file_modified_at, compared by the older-file check) is kept in UTC. It was kept
-- as the local time of the loading process, so on the night clocks go back (or between processes of other TZ) a newer
-- file read as older and was held. Times kept before are converted once, read as the local time of this process (an
-- hour of the night clocks went back reads as its second, standard-time pass).
UPDATE meta.loads SET file_modified_at = timezone('UTC', file_modified_at::TIMESTAMPTZ)
WHERE file_modified_at IS NOT NULL;
