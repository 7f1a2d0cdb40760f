-- Counts every interaction into the stats counters: the migration, and a bulk import into an
-- empty journal (whose per-row triggers would cost a fifth of its time) run it once.
DELETE FROM stats_days;
DELETE FROM stats_totals;
INSERT INTO stats_days (day, touches)
    SELECT at - ((at % 86400) + 86400) % 86400 AS day, count(*) FROM interactions GROUP BY day;
-- An interaction's keys: its channel and each trait it marks.
INSERT INTO stats_totals (key, count)
    SELECT key, count(*) FROM (
        SELECT 'channel:' || channel AS key FROM interactions
        UNION ALL SELECT CASE respect WHEN 1 THEN 'shown:respect' ELSE 'strained:respect' END
            FROM interactions WHERE respect <> 0
        UNION ALL SELECT CASE empathy WHEN 1 THEN 'shown:empathy' ELSE 'strained:empathy' END
            FROM interactions WHERE empathy <> 0
        UNION ALL SELECT CASE integrity WHEN 1 THEN 'shown:integrity' ELSE 'strained:integrity' END
            FROM interactions WHERE integrity <> 0
        UNION ALL SELECT CASE trust WHEN 1 THEN 'shown:trust' ELSE 'strained:trust' END
            FROM interactions WHERE trust <> 0
        UNION ALL SELECT CASE honesty WHEN 1 THEN 'shown:honesty' ELSE 'strained:honesty' END
            FROM interactions WHERE honesty <> 0
    ) GROUP BY key;
