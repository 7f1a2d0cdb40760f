//! The temporary triggers that see every change a command makes to the journal's tables and
//! stage it for [`super::capture::record`]. They live in the connection's temp schema: created
//! once per writing process, never stored in the file, never run by readers.

/// Staged-table codes for the journal tables.
pub const CONTACTS: i64 = 1;
pub const TAGS: i64 = 2;
pub const EMAILS: i64 = 3;
pub const PHONES: i64 = 4;
pub const INTERACTIONS: i64 = 5;
pub const PARTICIPANTS: i64 = 6;
pub const FOLLOWUPS: i64 = 7;
pub const SETTINGS: i64 = 8;
pub const ALIASES: i64 = 9;

/// The staging table and its triggers. `old` holds the record's fields before the change as
/// JSON (field names as in operation bodies, local ids turned into uids). A list item or
/// participant added to a record created by the same write is not staged: the creation covers
/// it (`FORGET_CREATED` would drop it), and an import of a million interactions would otherwise
/// hold a million participant rows in memory until commit.
pub const CREATE: &str = "
CREATE TEMP TABLE IF NOT EXISTS sync_staged (
    n      INTEGER PRIMARY KEY,
    tbl    INTEGER NOT NULL,
    change TEXT    NOT NULL,
    row_id INTEGER,
    ref    INTEGER,
    item   TEXT,
    old    TEXT
);
CREATE INDEX IF NOT EXISTS temp.sync_staged_row ON sync_staged(row_id, tbl, change);

CREATE TEMP TRIGGER IF NOT EXISTS sync_contacts_i AFTER INSERT ON main.contacts BEGIN
    INSERT INTO sync_staged (tbl, change, row_id) VALUES (1, 'I', new.id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS sync_contacts_u AFTER UPDATE OF handle, name, org, role, every,
    birthday, via_id, note, created_at, archived_at, snoozed_until, owner ON main.contacts
WHEN old.handle IS NOT new.handle OR old.name IS NOT new.name OR old.org IS NOT new.org
    OR old.role IS NOT new.role OR old.every IS NOT new.every OR old.birthday IS NOT new.birthday
    OR old.via_id IS NOT new.via_id OR old.note IS NOT new.note OR old.created_at IS NOT new.created_at
    OR old.archived_at IS NOT new.archived_at OR old.snoozed_until IS NOT new.snoozed_until
    OR old.owner IS NOT new.owner
BEGIN
    INSERT INTO sync_staged (tbl, change, row_id, old) VALUES (1, 'U', old.id, json_object(
        'uid', old.uid, 'handle', old.handle, 'name', old.name, 'org', old.org, 'role', old.role,
        'every', old.every, 'birthday', old.birthday, 'note', old.note, 'created_at', old.created_at,
        'archived_at', old.archived_at, 'snoozed_until', old.snoozed_until, 'owner', old.owner,
        'via', (SELECT v.uid FROM main.contacts v WHERE v.id = old.via_id)));
END;
-- Who a removed contact introduced (their via is cleared with it) is kept as a register, so the
-- via comes back if the contact does (logged with elsewhere meanwhile), as on every replica.
CREATE TEMP TRIGGER IF NOT EXISTS sync_contacts_keep_via BEFORE DELETE ON main.contacts BEGIN
    INSERT OR IGNORE INTO main.sync_fields (uid, field, hlc, replica, value)
    SELECT c.uid, 'via', 0, '', json_quote(old.uid) FROM main.contacts c WHERE c.via_id = old.id;
END;
CREATE TEMP TRIGGER IF NOT EXISTS sync_contacts_d AFTER DELETE ON main.contacts BEGIN
    INSERT INTO sync_staged (tbl, change, row_id, old) VALUES (1, 'D', old.id, json_object(
        'uid', old.uid, 'handle', old.handle, 'name', old.name, 'org', old.org, 'role', old.role,
        'every', old.every, 'birthday', old.birthday, 'note', old.note, 'created_at', old.created_at,
        'archived_at', old.archived_at, 'snoozed_until', old.snoozed_until, 'owner', old.owner,
        'via', (SELECT v.uid FROM main.contacts v WHERE v.id = old.via_id)));
END;

CREATE TEMP TRIGGER IF NOT EXISTS sync_tags_i AFTER INSERT ON main.contact_tags
WHEN NOT EXISTS (SELECT 1 FROM sync_staged WHERE row_id = new.contact_id AND tbl = 1 AND change = 'I')
BEGIN
    INSERT INTO sync_staged (tbl, change, row_id, item) VALUES (2, 'I', new.contact_id, new.tag);
END;
CREATE TEMP TRIGGER IF NOT EXISTS sync_tags_d AFTER DELETE ON main.contact_tags BEGIN
    INSERT INTO sync_staged (tbl, change, row_id, item) VALUES (2, 'D', old.contact_id, old.tag);
END;
CREATE TEMP TRIGGER IF NOT EXISTS sync_emails_i AFTER INSERT ON main.contact_emails
WHEN NOT EXISTS (SELECT 1 FROM sync_staged WHERE row_id = new.contact_id AND tbl = 1 AND change = 'I')
BEGIN
    INSERT INTO sync_staged (tbl, change, row_id, item) VALUES (3, 'I', new.contact_id, new.email);
END;
CREATE TEMP TRIGGER IF NOT EXISTS sync_emails_d AFTER DELETE ON main.contact_emails BEGIN
    INSERT INTO sync_staged (tbl, change, row_id, item) VALUES (3, 'D', old.contact_id, old.email);
END;
CREATE TEMP TRIGGER IF NOT EXISTS sync_phones_i AFTER INSERT ON main.contact_phones
WHEN NOT EXISTS (SELECT 1 FROM sync_staged WHERE row_id = new.contact_id AND tbl = 1 AND change = 'I')
BEGIN
    INSERT INTO sync_staged (tbl, change, row_id, item) VALUES (4, 'I', new.contact_id, new.phone);
END;
CREATE TEMP TRIGGER IF NOT EXISTS sync_phones_d AFTER DELETE ON main.contact_phones BEGIN
    INSERT INTO sync_staged (tbl, change, row_id, item) VALUES (4, 'D', old.contact_id, old.phone);
END;

CREATE TEMP TRIGGER IF NOT EXISTS sync_aliases_i AFTER INSERT ON main.contact_aliases
WHEN NOT EXISTS (SELECT 1 FROM sync_staged WHERE row_id = new.contact_id AND tbl = 1 AND change = 'I')
BEGIN
    INSERT INTO sync_staged (tbl, change, row_id, item) VALUES (9, 'I', new.contact_id, new.handle);
END;
CREATE TEMP TRIGGER IF NOT EXISTS sync_aliases_d AFTER DELETE ON main.contact_aliases BEGIN
    INSERT INTO sync_staged (tbl, change, row_id, item) VALUES (9, 'D', old.contact_id, old.handle);
END;

CREATE TEMP TRIGGER IF NOT EXISTS sync_interactions_i AFTER INSERT ON main.interactions BEGIN
    INSERT INTO sync_staged (tbl, change, row_id) VALUES (5, 'I', new.id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS sync_interactions_u AFTER UPDATE OF at, channel, note, respect,
    empathy, integrity, trust, honesty, created_at, author ON main.interactions
WHEN old.at IS NOT new.at OR old.channel IS NOT new.channel OR old.note IS NOT new.note
    OR old.respect IS NOT new.respect OR old.empathy IS NOT new.empathy
    OR old.integrity IS NOT new.integrity OR old.trust IS NOT new.trust
    OR old.honesty IS NOT new.honesty OR old.created_at IS NOT new.created_at
    OR old.author IS NOT new.author
BEGIN
    INSERT INTO sync_staged (tbl, change, row_id, old) VALUES (5, 'U', old.id, json_object(
        'uid', old.uid, 'at', old.at, 'channel', old.channel, 'note', old.note,
        'respect', old.respect, 'empathy', old.empathy, 'integrity', old.integrity,
        'trust', old.trust, 'honesty', old.honesty, 'created_at', old.created_at,
        'author', old.author));
END;
CREATE TEMP TRIGGER IF NOT EXISTS sync_interactions_d AFTER DELETE ON main.interactions BEGIN
    INSERT INTO sync_staged (tbl, change, row_id, old) VALUES (5, 'D', old.id, json_object(
        'uid', old.uid, 'at', old.at, 'channel', old.channel, 'note', old.note,
        'respect', old.respect, 'empathy', old.empathy, 'integrity', old.integrity,
        'trust', old.trust, 'honesty', old.honesty, 'created_at', old.created_at,
        'author', old.author));
END;
CREATE TEMP TRIGGER IF NOT EXISTS sync_participants_i AFTER INSERT ON main.interaction_contacts
WHEN NOT EXISTS (SELECT 1 FROM sync_staged WHERE row_id = new.interaction_id AND tbl = 5 AND change = 'I')
BEGIN
    INSERT INTO sync_staged (tbl, change, row_id, ref, old)
    VALUES (6, 'I', new.interaction_id, new.contact_id, new.position);
END;
CREATE TEMP TRIGGER IF NOT EXISTS sync_participants_d AFTER DELETE ON main.interaction_contacts BEGIN
    INSERT INTO sync_staged (tbl, change, row_id, ref, old)
    VALUES (6, 'D', old.interaction_id, old.contact_id, old.position);
END;

CREATE TEMP TRIGGER IF NOT EXISTS sync_followups_i AFTER INSERT ON main.followups BEGIN
    INSERT INTO sync_staged (tbl, change, row_id) VALUES (7, 'I', new.id);
END;
CREATE TEMP TRIGGER IF NOT EXISTS sync_followups_u AFTER UPDATE OF contact_id, interaction_id,
    due_at, text, done_at, created_at ON main.followups
WHEN old.contact_id IS NOT new.contact_id OR old.interaction_id IS NOT new.interaction_id
    OR old.due_at IS NOT new.due_at OR old.text IS NOT new.text OR old.done_at IS NOT new.done_at
    OR old.created_at IS NOT new.created_at
BEGIN
    INSERT INTO sync_staged (tbl, change, row_id, ref, old) VALUES (7, 'U', old.id, old.contact_id, json_object(
        'uid', old.uid, 'due_at', old.due_at, 'text', old.text, 'done_at', old.done_at,
        'created_at', old.created_at,
        'contact', (SELECT c.uid FROM main.contacts c WHERE c.id = old.contact_id),
        'interaction', (SELECT i.uid FROM main.interactions i WHERE i.id = old.interaction_id)));
END;
CREATE TEMP TRIGGER IF NOT EXISTS sync_followups_d AFTER DELETE ON main.followups BEGIN
    INSERT INTO sync_staged (tbl, change, row_id, ref, old) VALUES (7, 'D', old.id, old.contact_id, json_object(
        'uid', old.uid, 'due_at', old.due_at, 'text', old.text, 'done_at', old.done_at,
        'created_at', old.created_at,
        'contact', (SELECT c.uid FROM main.contacts c WHERE c.id = old.contact_id),
        'interaction', (SELECT i.uid FROM main.interactions i WHERE i.id = old.interaction_id)));
END;

CREATE TEMP TRIGGER IF NOT EXISTS sync_settings_i AFTER INSERT ON main.settings BEGIN
    INSERT INTO sync_staged (tbl, change, item) VALUES (8, 'I', new.key);
END;
CREATE TEMP TRIGGER IF NOT EXISTS sync_settings_u AFTER UPDATE ON main.settings
WHEN old.value IS NOT new.value BEGIN
    INSERT INTO sync_staged (tbl, change, item, old) VALUES (8, 'U', old.key, old.value);
END;
CREATE TEMP TRIGGER IF NOT EXISTS sync_settings_d AFTER DELETE ON main.settings BEGIN
    INSERT INTO sync_staged (tbl, change, item, old) VALUES (8, 'D', old.key, old.value);
END;
";

/// Creations made by this write, recorded as operations in one statement (a large import
/// creates a million): the body of an own creation is the record itself, read when sent.
/// ?1 = the last seq, ?2 = the first stamp minus one.
pub const RECORD_CREATIONS: &str = "
INSERT INTO main.sync_ops (replica, seq, hlc, kind, uid)
SELECT 1, ?1 + row_number() OVER (ORDER BY n), ?2 + row_number() OVER (ORDER BY n), kind, uid FROM (
    SELECT n,
        CASE tbl WHEN 1 THEN 'contact' WHEN 5 THEN 'interaction' ELSE 'followup' END AS kind,
        CASE tbl WHEN 1 THEN (SELECT uid FROM main.contacts WHERE id = row_id)
                 WHEN 5 THEN (SELECT uid FROM main.interactions WHERE id = row_id)
                 ELSE (SELECT uid FROM main.followups WHERE id = row_id) END AS uid
    FROM temp.sync_staged WHERE change = 'I' AND tbl IN (1, 5, 7)
) WHERE uid IS NOT NULL";

/// Everything else staged about the records created by this write (their list items, later
/// updates, or their deletion in the same write) is covered by the creation or cancels out.
pub const FORGET_CREATED: &str = "
DELETE FROM temp.sync_staged WHERE EXISTS (
    SELECT 1 FROM temp.sync_staged b
    WHERE b.row_id = sync_staged.row_id AND b.change = 'I'
      AND b.tbl = CASE WHEN sync_staged.tbl IN (1, 2, 3, 4, 9) THEN 1
                       WHEN sync_staged.tbl IN (5, 6) THEN 5
                       WHEN sync_staged.tbl = 7 THEN 7 END)";
