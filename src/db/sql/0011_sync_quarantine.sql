-- rel schema: operations received from other replicas that fail the command line's checks (or
-- that SQLite's constraints reject). They stay in sync_ops (kept, never applied); this table
-- says why, for the warning every `rel sync` prints and for `rel sync status`. Sync
-- bookkeeping like `sync_replica_names`: never exported. `replica` is the sender's id (text:
-- a row the remote refused may come from a replica this journal has not registered). by_remote
-- = 1: a row the remote would not vouch for (a forged author), which the replica's own
-- operation at that seq replaces when it arrives; 0: a received operation rel refused.
CREATE TABLE sync_quarantine (
    replica TEXT    NOT NULL,
    seq     INTEGER NOT NULL,
    reason  TEXT    NOT NULL,
    by_remote INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (replica, seq)
) WITHOUT ROWID;

-- What the fold handed from a contact merged away to its merge target (see
-- src/sync/merge_fold.rs), so that an undone merge takes it back exactly: a participation
-- added to the target ('part:' || interaction uid), a list item added ('tag:x'…), a field
-- taken (its name, with the target's value and stamp before). Local bookkeeping: every
-- replica that handed something over keeps its own rows.
CREATE TABLE sync_handed (
    merged        TEXT    NOT NULL,
    target        TEXT    NOT NULL,
    field         TEXT    NOT NULL,
    handed_hlc    INTEGER,
    handed_by     TEXT,
    before        TEXT,
    before_hlc    INTEGER,
    before_by     TEXT,
    PRIMARY KEY (merged, target, field)
) WITHOUT ROWID;
