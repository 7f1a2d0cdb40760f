-- Floor for `rel suggest`: the same candidates, the same per-contact facts and the same rules
-- in one query (all suggestions, ranked; rel prints the first 5).
-- Every CTE is MATERIALIZED: inlined, SQLite 3.40 evaluated `facts` once per use and per
-- joined row (more than 5 minutes at L); materialized, each is computed once (~30 s at L).
-- 1795780800 = 2026-11-27T12:00:00Z, the generator's fixed "now"; TZ=UTC, so a local day is
-- the Unix day (today: 20784). 1795824000 = the start of tomorrow. Today's birthday key: 11-27.
WITH
cand AS MATERIALIZED (
    SELECT c.id, c.handle, c.every, c.due_every, c.last_touch,
           EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = 'key-account') AS key
    FROM contacts c
    WHERE c.archived_at IS NULL AND (c.every IS NULL OR c.every != 'never')
      AND (c.due_at IS NULL OR c.due_at >= 1795824000)
      AND (c.dismissed_until IS NULL OR c.dismissed_until <= 1795780800)
      AND (c.snoozed_until IS NULL OR c.snoozed_until <= 1795780800)
      AND (c.birthday IS NULL OR substr(c.birthday, -5) != '11-27')
      AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.contact_id = c.id AND f.done_at IS NULL
                      AND f.due_at < 1795824000)
      AND c.last_touch IS NOT NULL AND c.last_touch <= 1795780800 - 3 * 86400
),
t AS MATERIALIZED (
    SELECT ic.contact_id AS id, i.at, i.channel, i.at / 86400 AS day,
           i.respect AS r, i.empathy AS e, i.integrity AS g, i.trust AS tr, i.honesty AS h
    FROM cand JOIN interaction_contacts ic ON ic.contact_id = cand.id
    JOIN interactions i ON i.id = ic.interaction_id
),
days AS MATERIALIZED (
    SELECT id, day, row_number() OVER (PARTITION BY id ORDER BY day DESC) AS k
    FROM (SELECT DISTINCT id, day FROM t)
),
gaps AS MATERIALIZED (
    SELECT id, day - lead(day) OVER (PARTITION BY id ORDER BY day DESC) AS gap
    FROM days WHERE k <= 12
),
sorted_gaps AS MATERIALIZED (
    SELECT id, gap, row_number() OVER (PARTITION BY id ORDER BY gap) AS j,
           count(*) OVER (PARTITION BY id) AS m
    FROM gaps WHERE gap IS NOT NULL
),
usual AS MATERIALIZED (SELECT id, gap FROM sorted_gaps WHERE m >= 3 AND j = (m + 1) / 2),
facts AS MATERIALIZED (
    SELECT id,
           sum(channel IN ('call', 'meeting', 'visit') OR r > 0 OR e > 0 OR g > 0 OR tr > 0 OR h > 0) AS meaningful,
           min(CASE WHEN channel IN ('call', 'meeting', 'visit') OR r > 0 OR e > 0 OR g > 0 OR tr > 0 OR h > 0 THEN day END) AS m_first,
           max(CASE WHEN channel IN ('call', 'meeting', 'visit') OR r > 0 OR e > 0 OR g > 0 OR tr > 0 OR h > 0 THEN day END) AS m_last,
           min(day) AS first_day, max(day) AS last_day,
           max(CASE WHEN r < 0 THEN at END) AS r_s, max(CASE WHEN r > 0 THEN at END) AS r_p,
           max(CASE WHEN e < 0 THEN at END) AS e_s, max(CASE WHEN e > 0 THEN at END) AS e_p,
           max(CASE WHEN g < 0 THEN at END) AS g_s, max(CASE WHEN g > 0 THEN at END) AS g_p,
           max(CASE WHEN tr < 0 THEN at END) AS t_s, max(CASE WHEN tr > 0 THEN at END) AS t_p,
           max(CASE WHEN h < 0 THEN at END) AS h_s, max(CASE WHEN h > 0 THEN at END) AS h_p
    FROM t GROUP BY id
),
last3 AS MATERIALIZED (
    SELECT id, sum(channel IN ('message', 'email')) AS written, min(day) AS first, max(day) AS last,
           count(*) AS n
    FROM (SELECT id, channel, day, row_number() OVER (PARTITION BY id ORDER BY at DESC) AS k FROM t)
    WHERE k <= 3 GROUP BY id
),
strains AS MATERIALIZED (
    SELECT id, max(s) AS latest, count(*) AS traits FROM (
        SELECT id, r_s AS s, r_p AS p FROM facts UNION ALL SELECT id, e_s, e_p FROM facts
        UNION ALL SELECT id, g_s, g_p FROM facts UNION ALL SELECT id, t_s, t_p FROM facts
        UNION ALL SELECT id, h_s, h_p FROM facts)
    WHERE s IS NOT NULL AND (p IS NULL OR p <= s) AND s <= 1795780800 - 3 * 86400
    GROUP BY id
),
rows AS MATERIALIZED (
    SELECT c.handle,
           CASE
             WHEN s.id IS NOT NULL THEN 1
             WHEN c.last_touch > 1795780800 - 14 * 86400 THEN NULL
             WHEN c.every IS NULL AND u.gap IS NOT NULL AND 2 * (20784 - f.last_day) > 3 * u.gap THEN 3
             WHEN (c.key OR c.due_every IN ('1d', '1w', '2w', '3w', '4w', '1m', 'weekly', 'monthly'))
                  AND l.n = 3 AND l.written = 3 AND l.last - l.first >= 60 THEN 4
             WHEN 20784 - f.last_day >= 180 AND f.meaningful >= 3 AND f.m_last - f.m_first >= 90 THEN 5
           END AS kind,
           CASE
             WHEN s.id IS NOT NULL THEN 20784 - s.latest / 86400
             WHEN c.every IS NULL AND u.gap IS NOT NULL AND 2 * (20784 - f.last_day) > 3 * u.gap
                  THEN (20784 - f.last_day) * 1.0 / u.gap
             ELSE f.meaningful
           END AS score
    FROM cand c JOIN facts f ON f.id = c.id
    LEFT JOIN usual u ON u.id = c.id
    LEFT JOIN last3 l ON l.id = c.id
    LEFT JOIN strains s ON s.id = c.id
),
thanks AS MATERIALIZED (
    SELECT c.handle, 2 AS kind, v.n AS score
    FROM (SELECT via_id, count(*) AS n, max(created_at) AS latest FROM contacts
          WHERE via_id IS NOT NULL GROUP BY via_id HAVING count(*) >= 2) v
    JOIN contacts c ON c.id = v.via_id
    WHERE c.archived_at IS NULL AND (c.every IS NULL OR c.every != 'never')
      AND (c.due_at IS NULL OR c.due_at >= 1795824000)
      AND (c.dismissed_until IS NULL OR c.dismissed_until <= 1795780800)
      AND (c.snoozed_until IS NULL OR c.snoozed_until <= 1795780800)
      AND (c.birthday IS NULL OR substr(c.birthday, -5) != '11-27')
      AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.contact_id = c.id AND f.done_at IS NULL
                      AND f.due_at < 1795824000)
      AND (c.last_touch IS NULL OR (c.last_touch <= 1795780800 - 14 * 86400 AND c.last_touch < v.latest))
)
SELECT handle, min(kind) AS kind, score FROM (
    SELECT handle, kind, score FROM rows WHERE kind IS NOT NULL
    UNION ALL SELECT handle, kind, score FROM thanks)
GROUP BY handle
ORDER BY kind, score DESC, handle;
