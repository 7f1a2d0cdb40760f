-- rel schema 3: where this journal syncs to, with which key, and how far it got.
--
-- One row at most: a journal syncs with one remote. The key is kept here, in the database
-- (0600), and nowhere else; `rel export` never reads this table, a backup (the database) does.
CREATE TABLE sync_remote (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    kind TEXT NOT NULL CHECK (kind IN ('folder', 'git', 'postgres')),
    location TEXT NOT NULL,
    branch TEXT,
    workspace TEXT,
    key TEXT,
    -- The highest of this replica's sequence numbers the remote held after the last sync.
    sent_seq INTEGER NOT NULL DEFAULT 0,
    last_sync_at INTEGER
);

-- Each replica's highest sequence number on the remote at the last sync (for `sync status`,
-- which answers without reaching the remote).
CREATE TABLE sync_remote_heads (
    replica TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
) WITHOUT ROWID;
