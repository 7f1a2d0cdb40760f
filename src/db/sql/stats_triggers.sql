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
