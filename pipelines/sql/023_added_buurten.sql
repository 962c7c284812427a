-- 023: the buurten a profile change added to a warehouse that already held counts (a new buurt of a later
-- division: the parts of a split buurt, new housing), with when. Their series begin at their own first count in
-- each source, not at the source's first period: years of zeros from before the buurt existed made its first
-- ordinary counts an alarm against an expected 0.0 (red team round 5a, F3).
-- IF NOT EXISTS: a warehouse whose recorded versions were rolled back (a test of an older one) applies it again.
CREATE TABLE IF NOT EXISTS meta.added_buurten (
    area_code VARCHAR PRIMARY KEY,
    added_at  TIMESTAMP NOT NULL
);
