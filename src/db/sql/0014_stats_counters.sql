-- Counters behind `rel stats` (no WHO, no --since), kept by triggers on every write path
-- (log, amend, unlog, rm, merge, import, undo, the sync fold alike), so the command reads a few
-- thousand counter rows instead of scanning every interaction (0.6 s at L, growing with the
-- journal). Derived data: never synced, never exported; `rel stats --since 1900-01-02`
-- still counts from the interactions themselves, and the tests hold the two equal.
--
-- stats_days: touches per UTC day (its first second). Months are local (TZ honoured when
-- stats runs, not when the touch was logged): the few days a local month boundary cuts
-- (about 12 a year) are recounted from the interactions' `at` index; ten years of journal
-- hold at most 3,653 rows here, whatever the number of touches. stats_totals:
-- 'channel:NAME', 'shown:TRAIT', 'strained:TRAIT'.
CREATE TABLE stats_days (
    day    INTEGER PRIMARY KEY,
    touches INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE stats_totals (
    key   TEXT PRIMARY KEY,
    count INTEGER NOT NULL
) WITHOUT ROWID;
-- Then sql/stats_recount.sql fills them and sql/stats_triggers.sql keeps them (a bulk import
-- into an empty journal drops the triggers and recounts once at the end instead).
