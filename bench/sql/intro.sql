-- Floor for `rel intro @WHO@` (depth 2): the links of the target and of its neighbours, and
-- the paths of one and two links from a touched contact, ranked as rel ranks them: strength
-- (the weakest link) first, then your standing with the first person (recency of your touches
-- plus net trust), then handles; the standing read only for paths that can make the top 5.
-- Links at both levels are shared interactions and `via` (a via counts 3).
-- 1795780800 = 2026-11-27T12:00:00Z; 63072000 = two years.
WITH
target AS (SELECT id FROM contacts WHERE handle = '@WHO@'),
links AS (
    SELECT ic1.contact_id AS a, ic2.contact_id AS b,
           total(CASE WHEN i.at > 1795780800 - 63072000
                      THEN 1.0 - (1795780800 - i.at) / 63072000.0 ELSE 0 END) AS w
    FROM interaction_contacts ic1
    JOIN interaction_contacts ic2 ON ic2.interaction_id = ic1.interaction_id
                                 AND ic2.contact_id != ic1.contact_id
    JOIN interactions i ON i.id = ic1.interaction_id
    WHERE ic1.contact_id IN (SELECT id FROM target)
    GROUP BY a, b
    UNION ALL SELECT via_id, id, 3.0 FROM contacts WHERE via_id IN (SELECT id FROM target)
    UNION ALL SELECT id, via_id, 3.0 FROM contacts WHERE id IN (SELECT id FROM target) AND via_id IS NOT NULL
),
first AS MATERIALIZED (SELECT a, b, sum(w) AS w FROM links GROUP BY a, b),
links2 AS (
    SELECT ic1.contact_id AS a, ic2.contact_id AS b,
           total(CASE WHEN i.at > 1795780800 - 63072000
                      THEN 1.0 - (1795780800 - i.at) / 63072000.0 ELSE 0 END) AS w
    FROM interaction_contacts ic1
    JOIN interaction_contacts ic2 ON ic2.interaction_id = ic1.interaction_id
                                 AND ic2.contact_id != ic1.contact_id
    JOIN interactions i ON i.id = ic1.interaction_id
    WHERE ic1.contact_id IN (SELECT b FROM first)
    GROUP BY a, b
    UNION ALL SELECT via_id, id, 3.0 FROM contacts WHERE via_id IN (SELECT b FROM first)
    UNION ALL SELECT id, via_id, 3.0 FROM contacts WHERE id IN (SELECT b FROM first) AND via_id IS NOT NULL
),
second AS (SELECT a, b, sum(w) AS w FROM links2 GROUP BY a, b),
paths AS MATERIALIZED (
    SELECT f.b AS start, p0.handle AS h0, t.handle AS h1, f.w AS strength
    FROM first f JOIN contacts p0 ON p0.id = f.b JOIN contacts t ON t.id = f.a
    WHERE p0.last_touch IS NOT NULL AND p0.archived_at IS NULL
    UNION ALL
    SELECT s.b, p0.handle, p1.handle, min(f.w, s.w)
    FROM first f JOIN second s ON s.a = f.b
    JOIN contacts p1 ON p1.id = f.b JOIN contacts p0 ON p0.id = s.b
    WHERE p0.last_touch IS NOT NULL AND p0.archived_at IS NULL AND p1.archived_at IS NULL
      AND s.b NOT IN (SELECT id FROM target)
),
cut AS (SELECT strength FROM paths ORDER BY strength DESC LIMIT 1 OFFSET 4)
SELECT p.h0, p.h1, p.strength
FROM paths p JOIN contacts c ON c.id = p.start
WHERE p.strength >= coalesce((SELECT strength FROM cut), -1)
ORDER BY p.strength DESC,
         (SELECT total(CASE WHEN i.at > 1795780800 - 63072000
                            THEN 1.0 - (1795780800 - i.at) / 63072000.0 END)
          FROM interaction_contacts ic JOIN interactions i ON i.id = ic.interaction_id
          WHERE ic.contact_id = p.start) + c.reith_trust DESC,
         p.h0, p.h1
LIMIT 5;
