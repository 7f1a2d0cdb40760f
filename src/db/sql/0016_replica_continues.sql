-- rel schema: which replica id continues which (a journal restored from a backup, or copied,
-- moves to a new id; see src/sync/fork.rs and src/sync/log/continues.rs). The new id names, in
-- one of its operations (`at_seq`), the old id and the last of the old id's operations on the
-- remote when it moved (`through`); every machine reads the old id's operations up to there as
-- made before that operation, so what the old id did while its clock was ahead is not held
-- back for good. On the machine that moved, `at_seq` is NULL until the link is named (by its
-- first change stamped more than a day before `through_hlc`, the old id's last stamp then).
-- Sync bookkeeping: never exported.
CREATE TABLE sync_continues (
    replica TEXT PRIMARY KEY,
    at_seq INTEGER,
    old TEXT NOT NULL,
    through INTEGER NOT NULL,
    through_hlc INTEGER
) WITHOUT ROWID;
