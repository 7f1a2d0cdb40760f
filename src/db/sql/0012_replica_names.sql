-- rel schema: the names replicas publish on the remote (the machine's host name), so `rel sync
-- status` shows "laptop" rather than a UUID. Sync bookkeeping like `sync_remote_heads`: never
-- exported, learnt again from the remote by the next sync.
CREATE TABLE sync_replica_names (
    replica TEXT PRIMARY KEY,
    name TEXT NOT NULL
) WITHOUT ROWID;
