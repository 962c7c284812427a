-- 024: the buurten a profile change removed (a buurt split or renumbered in a later division), with the wijk and
-- municipality they were in and when. A split buurt's old code cannot be mapped, so its past stays under it; the
-- reports count it in this wijk (not in the wijk its code number names, which a later division may reuse), and
-- leave out its counts of a signal and period that the buurten added in its place hold (red team round 6a, F2:
-- history re-delivered under the parts counted twice).
-- IF NOT EXISTS: a warehouse whose recorded versions were rolled back (a test of an older one) applies it again.
CREATE TABLE IF NOT EXISTS meta.removed_buurten (
    area_code     VARCHAR PRIMARY KEY,
    wijk_code     VARCHAR,
    gemeente_code VARCHAR,
    removed_at    TIMESTAMP NOT NULL
);
