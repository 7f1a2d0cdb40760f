-- rel schema 6: the operation log (sync between replicas, and rel undo). See src/sync/mod.rs.
--
-- The journal tables stay the truth every read uses; the log records how they changed, so
-- other replicas can replay it and `rel undo` can walk it back.

-- Replicas this journal has heard of. n = 1 is this one (its uuid is made on first use).
CREATE TABLE sync_replicas (
    n    INTEGER PRIMARY KEY,
    uuid TEXT    NOT NULL UNIQUE
);

-- Small bookkeeping values: the hybrid logical clock ('hlc').
CREATE TABLE sync_meta (
    key   TEXT PRIMARY KEY,
    value
) WITHOUT ROWID;

-- Every operation, this replica's own (replica = 1) and those received, by (replica, seq).
-- body NULL: an own creation whose body is read from the record itself when it is sent, so a
-- note is stored once (in interactions), not twice. undo: what the records were before an own
-- operation (local only, never sent). held = 1: received, stamped more than a day ahead of
-- this machine's clock, kept but not applied yet.
CREATE TABLE sync_ops (
    replica INTEGER NOT NULL,
    seq     INTEGER NOT NULL,
    hlc     INTEGER NOT NULL,
    kind    TEXT    NOT NULL,
    uid     TEXT,
    body    TEXT,
    undo    TEXT,
    held    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (replica, seq)
) WITHOUT ROWID;
CREATE INDEX sync_ops_held ON sync_ops(held) WHERE held = 1;

-- Last-writer-wins registers that an operation stamped explicitly: (uid, field) → the winning
-- stamp and value. A field with no row here still holds its creation value, which is older than
-- any change (a change is made by a replica that already has the record). Also holds values
-- that cannot be applied yet (a participant not received yet, a removed contact's fields).
CREATE TABLE sync_fields (
    uid     TEXT    NOT NULL,
    field   TEXT    NOT NULL,
    hlc     INTEGER NOT NULL,
    replica TEXT    NOT NULL,
    value   TEXT,
    PRIMARY KEY (uid, field)
) WITHOUT ROWID;
CREATE INDEX sync_fields_ref ON sync_fields(field, value);

-- One row per command that changed the journal: its own operations first_seq..last_seq.
CREATE TABLE sync_steps (
    id        INTEGER PRIMARY KEY,
    first_seq INTEGER NOT NULL,
    last_seq  INTEGER NOT NULL,
    at        INTEGER NOT NULL,
    label     TEXT    NOT NULL,
    undoes    INTEGER,
    undone_by INTEGER
);

-- Handles of contacts merged into another (rel merge): the old handle keeps resolving.
CREATE TABLE contact_aliases (
    handle     TEXT PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE
) WITHOUT ROWID;

-- The journal as it stands becomes this replica's first operations: one creation per record,
-- whose body is the record itself (nothing copied).
INSERT INTO sync_ops (replica, seq, hlc, kind, uid)
SELECT 1, row_number() OVER (ORDER BY rank, id), 0, kind, uid FROM (
    SELECT 0 AS rank, id, 'contact' AS kind, uid FROM contacts
    UNION ALL SELECT 1, id, 'interaction', uid FROM interactions
    UNION ALL SELECT 2, id, 'followup', uid FROM followups
    UNION ALL SELECT 3, key, 'setting', key FROM settings
);
