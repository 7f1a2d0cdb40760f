-- Floor for `rel stats`: the same aggregates in one pass each over the interactions (REITH
-- shown/strained, touches per channel, per month), and the going-cold and strained lists over
-- the maintained contact columns. 1795780800 = the harness's REL_NOW.
SELECT sum(respect = 1), sum(empathy = 1), sum(integrity = 1), sum(trust = 1), sum(honesty = 1),
       sum(respect = -1), sum(empathy = -1), sum(integrity = -1), sum(trust = -1),
       sum(honesty = -1)
FROM interactions;
SELECT channel, count(*) FROM interactions GROUP BY channel ORDER BY count(*) DESC, channel;
SELECT strftime('%Y-%m', at, 'unixepoch') AS month, count(*) FROM interactions
GROUP BY month ORDER BY month;
SELECT handle, name, due_every, last_touch,
       (1795780800 - coalesce(last_touch, created_at)) * 1.0
           / max(due_at - coalesce(last_touch, created_at), 1) AS ratio
FROM contacts
WHERE archived_at IS NULL AND due_at IS NOT NULL AND due_at <= 1795780800
ORDER BY ratio DESC, handle LIMIT 10;
SELECT handle, name, reith_respect, reith_empathy, reith_integrity, reith_trust, reith_honesty,
       min(reith_respect, reith_empathy, reith_integrity, reith_trust, reith_honesty) AS lowest
FROM contacts
WHERE archived_at IS NULL
  AND min(reith_respect, reith_empathy, reith_integrity, reith_trust, reith_honesty) < 0
ORDER BY lowest, handle;
