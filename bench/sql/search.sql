-- Floor for `rel search WORD --limit 50`: the same two FTS5 matches rel runs (notes, then
-- contact fields), ranked by bm25, with the same snippets and the participants' handles.
SELECT f.id, i.at, f.snippet, f.score,
       (SELECT json_group_array(handle) FROM (SELECT c.handle FROM interaction_contacts ic
          JOIN contacts c ON c.id = ic.contact_id WHERE ic.interaction_id = f.id ORDER BY ic.position))
FROM (SELECT rowid AS id, rank AS score, snippet(interactions_fts, 0, '[', ']', '…', 12) AS snippet
      FROM interactions_fts WHERE interactions_fts MATCH '@WORD@' ORDER BY rank LIMIT 50) f
JOIN interactions i ON i.id = f.id
ORDER BY f.score, f.id;
SELECT f.id, c.last_touch, f.snippet, f.score, c.handle, c.name
FROM (SELECT rowid AS id, rank AS score, snippet(contacts_fts, -1, '[', ']', '…', 12) AS snippet
      FROM contacts_fts WHERE contacts_fts MATCH '@WORD@' ORDER BY rank LIMIT 50) f
JOIN contacts c ON c.id = f.id
ORDER BY f.score, f.id;
