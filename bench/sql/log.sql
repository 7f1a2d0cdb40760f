-- Floor for `rel log`: one fsync'd BEGIN IMMEDIATE insert (interaction + participant) in WAL.
PRAGMA synchronous = FULL;
BEGIN IMMEDIATE;
INSERT INTO interactions (uid, at, channel, note, created_at)
  VALUES (lower(hex(randomblob(16))), 1795780800, 'call', 'benchmark call about the renewal', 1795780800);
INSERT INTO interaction_contacts (interaction_id, contact_id, position)
  VALUES (last_insert_rowid(), (SELECT id FROM contacts WHERE handle = '@WHO@'), 0);
COMMIT;
