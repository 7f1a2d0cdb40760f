-- Floor for `rel due --limit 20`: the due queries of due.sql, each stopped after 20 rows.
-- 1795780800 = 2026-11-27T12:00:00Z, the generator's fixed "now" (REL_NOW in the harness).
SELECT f.id, c.handle, c.name, f.due_at, c.last_touch, c.due_every, c.reith_respect,
       c.reith_empathy, c.reith_integrity, c.reith_trust, c.reith_honesty, f.text
FROM followups f JOIN contacts c ON c.id = f.contact_id
WHERE f.done_at IS NULL AND f.due_at <= 1795780800 AND c.archived_at IS NULL
ORDER BY f.due_at, f.id LIMIT 20;
SELECT NULL, c.handle, c.name, c.due_at, c.last_touch, c.due_every, c.reith_respect,
       c.reith_empathy, c.reith_integrity, c.reith_trust, c.reith_honesty,
       (SELECT i.note FROM interactions i WHERE i.id = c.last_interaction_id)
FROM contacts c
WHERE c.archived_at IS NULL AND c.due_at IS NOT NULL AND c.due_at <= 1795780800
ORDER BY (1795780800 - c.due_at) / 86400 DESC, c.handle LIMIT 20;
