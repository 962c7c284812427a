-- 007: the wijkteams' answers on their lists (pipelines/feedback.py). A filled-in workbook is imported
-- once (content hash); every answered row is kept, the latest answer per flag is the one that counts.
CREATE TABLE meta.feedback_files (
    content_hash  VARCHAR PRIMARY KEY,   -- SHA-256 of the returned workbook: importing it again changes nothing
    file_name     VARCHAR NOT NULL,      -- scrubbed of personal data
    run_id        VARCHAR NOT NULL,      -- the run whose list it answers (from its Meta sheet)
    wijkteam      VARCHAR NOT NULL,
    imported_at   TIMESTAMP NOT NULL,
    rows_answered INTEGER NOT NULL,
    notes_dropped INTEGER NOT NULL       -- notes left out because they held personal data
);

CREATE TABLE meta.flag_feedback (
    run_id        VARCHAR NOT NULL,
    wijkteam      VARCHAR NOT NULL,
    area_code     VARCHAR NOT NULL,
    domain        VARCHAR NOT NULL,
    period        VARCHAR NOT NULL,
    period_start  DATE NOT NULL,         -- with area_code, domain and period: the flag answered
    value         VARCHAR NOT NULL CHECK (value IN ('opgepakt', 'naar jaarplan', 'al bekend', 'geen probleem',
                                                    'meer info nodig')),
    note          VARCHAR CHECK (length(note) <= 200),
    answered_on   DATE NOT NULL,         -- the day the answer reached wijkradar
    content_hash  VARCHAR NOT NULL,      -- the file it came from (meta.feedback_files)
    row_number    INTEGER NOT NULL,      -- its row in the workbook, as Excel numbers it
    imported_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (content_hash, row_number)
);
