-- Counters behind `rel stats` (no WHO, no --since), kept by triggers on every write path
-- (log, amend, unlog, rm, merge, import, undo, the sync fold alike), so the command reads a few
-- thousand counter rows instead of scanning every interaction (0.6 s at L, growing with the
-- journal). Derived data: never synced, never exported; `rel stats --since 1900-01-01`
-- still counts from the interactions themselves, and the tests hold the two equal.
--
-- stats_days: touches per UTC day (its first second). Months are local (TZ honoured when
-- stats runs, not when the touch was logged), and every local month starts on a UTC hour
-- except in zones offset by a part of an hour, whose boundary hours are recounted from
-- the interactions. stats_totals: 'channel:NAME', 'shown:TRAIT', 'strained:TRAIT'.
CREATE TABLE stats_days (
    day    INTEGER PRIMARY KEY,
    touches INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE stats_totals (
    key   TEXT PRIMARY KEY,
    count INTEGER NOT NULL
) WITHOUT ROWID;

-- An interaction's keys in stats_totals: its channel and each trait it marks.
CREATE VIEW stats_keys_of_interactions AS
    SELECT id, 'channel:' || channel AS key FROM interactions
    UNION ALL SELECT id, CASE respect WHEN 1 THEN 'shown:respect' ELSE 'strained:respect' END
        FROM interactions WHERE respect <> 0
    UNION ALL SELECT id, CASE empathy WHEN 1 THEN 'shown:empathy' ELSE 'strained:empathy' END
        FROM interactions WHERE empathy <> 0
    UNION ALL SELECT id, CASE integrity WHEN 1 THEN 'shown:integrity' ELSE 'strained:integrity' END
        FROM interactions WHERE integrity <> 0
    UNION ALL SELECT id, CASE trust WHEN 1 THEN 'shown:trust' ELSE 'strained:trust' END
        FROM interactions WHERE trust <> 0
    UNION ALL SELECT id, CASE honesty WHEN 1 THEN 'shown:honesty' ELSE 'strained:honesty' END
        FROM interactions WHERE honesty <> 0;

INSERT INTO stats_days (day, touches)
    SELECT at - ((at % 86400) + 86400) % 86400 AS day, count(*) FROM interactions GROUP BY day;
INSERT INTO stats_totals (key, count)
    SELECT key, count(*) FROM stats_keys_of_interactions GROUP BY key;
DROP VIEW stats_keys_of_interactions;

-- `at - ((at % 86400) + 86400) % 86400` is the day's first second, also before 1970 (SQLite's
-- % keeps the sign of the dividend).
CREATE TRIGGER stats_count_insert AFTER INSERT ON interactions BEGIN
    INSERT INTO stats_days (day, touches)
        VALUES (new.at - ((new.at % 86400) + 86400) % 86400, 1)
        ON CONFLICT (day) DO UPDATE SET touches = touches + 1;
    INSERT INTO stats_totals (key, count)
        SELECT key, 1 FROM (
            SELECT 'channel:' || new.channel AS key
            UNION ALL SELECT CASE new.respect WHEN 1 THEN 'shown:respect' WHEN -1 THEN 'strained:respect' END
            UNION ALL SELECT CASE new.empathy WHEN 1 THEN 'shown:empathy' WHEN -1 THEN 'strained:empathy' END
            UNION ALL SELECT CASE new.integrity WHEN 1 THEN 'shown:integrity' WHEN -1 THEN 'strained:integrity' END
            UNION ALL SELECT CASE new.trust WHEN 1 THEN 'shown:trust' WHEN -1 THEN 'strained:trust' END
            UNION ALL SELECT CASE new.honesty WHEN 1 THEN 'shown:honesty' WHEN -1 THEN 'strained:honesty' END
        ) WHERE key IS NOT NULL
        ON CONFLICT (key) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER stats_count_delete AFTER DELETE ON interactions BEGIN
    UPDATE stats_days SET touches = touches - 1
        WHERE day = old.at - ((old.at % 86400) + 86400) % 86400;
    UPDATE stats_totals SET count = count - 1 WHERE key IN (
        'channel:' || old.channel,
        CASE old.respect WHEN 1 THEN 'shown:respect' WHEN -1 THEN 'strained:respect' END,
        CASE old.empathy WHEN 1 THEN 'shown:empathy' WHEN -1 THEN 'strained:empathy' END,
        CASE old.integrity WHEN 1 THEN 'shown:integrity' WHEN -1 THEN 'strained:integrity' END,
        CASE old.trust WHEN 1 THEN 'shown:trust' WHEN -1 THEN 'strained:trust' END,
        CASE old.honesty WHEN 1 THEN 'shown:honesty' WHEN -1 THEN 'strained:honesty' END);
END;

-- An update is the old row taken out and the new one put in.
CREATE TRIGGER stats_count_update AFTER UPDATE OF at, channel, respect, empathy, integrity, trust,
        honesty ON interactions BEGIN
    UPDATE stats_days SET touches = touches - 1
        WHERE day = old.at - ((old.at % 86400) + 86400) % 86400;
    UPDATE stats_totals SET count = count - 1 WHERE key IN (
        'channel:' || old.channel,
        CASE old.respect WHEN 1 THEN 'shown:respect' WHEN -1 THEN 'strained:respect' END,
        CASE old.empathy WHEN 1 THEN 'shown:empathy' WHEN -1 THEN 'strained:empathy' END,
        CASE old.integrity WHEN 1 THEN 'shown:integrity' WHEN -1 THEN 'strained:integrity' END,
        CASE old.trust WHEN 1 THEN 'shown:trust' WHEN -1 THEN 'strained:trust' END,
        CASE old.honesty WHEN 1 THEN 'shown:honesty' WHEN -1 THEN 'strained:honesty' END);
    INSERT INTO stats_days (day, touches)
        VALUES (new.at - ((new.at % 86400) + 86400) % 86400, 1)
        ON CONFLICT (day) DO UPDATE SET touches = touches + 1;
    INSERT INTO stats_totals (key, count)
        SELECT key, 1 FROM (
            SELECT 'channel:' || new.channel AS key
            UNION ALL SELECT CASE new.respect WHEN 1 THEN 'shown:respect' WHEN -1 THEN 'strained:respect' END
            UNION ALL SELECT CASE new.empathy WHEN 1 THEN 'shown:empathy' WHEN -1 THEN 'strained:empathy' END
            UNION ALL SELECT CASE new.integrity WHEN 1 THEN 'shown:integrity' WHEN -1 THEN 'strained:integrity' END
            UNION ALL SELECT CASE new.trust WHEN 1 THEN 'shown:trust' WHEN -1 THEN 'strained:trust' END
            UNION ALL SELECT CASE new.honesty WHEN 1 THEN 'shown:honesty' WHEN -1 THEN 'strained:honesty' END
        ) WHERE key IS NOT NULL
        ON CONFLICT (key) DO UPDATE SET count = count + 1;
END;
