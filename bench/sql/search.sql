-- Floor for `rel search WORD --limit 50`: the FTS5 match ranked by bm25 (table found at run time).
SELECT rowid, bm25(@FTS@) AS score FROM @FTS@ WHERE @FTS@ MATCH '@WORD@' ORDER BY score LIMIT 50;
