-- Floor for `rel accounts`: active contacts with an organisation, grouped (case ignored; rel
-- also folds accents), with the same roll-up, earliest next due first.
-- 1795780800 = 2026-11-27T12:00:00Z, the generator's fixed "now".
SELECT min(org), count(*), sum(last_touch >= 1795780800 - 90 * 86400), max(last_touch),
       min(due_at), max(key),
       (count(*) >= 2 OR max(key)) AND sum(last_touch >= 1795780800 - 90 * 86400) <= 1,
       sum(reith_respect), sum(reith_empathy), sum(reith_integrity), sum(reith_trust),
       sum(reith_honesty), group_concat(DISTINCT owner)
FROM (SELECT c.*, EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id
                          AND t.tag = 'key-account') AS key
      FROM contacts c WHERE c.archived_at IS NULL AND c.org IS NOT NULL AND c.org != '')
GROUP BY lower(org)
ORDER BY min(due_at) IS NULL, min(due_at), lower(org);
