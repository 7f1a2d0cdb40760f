-- rel schema 5: ids are never reused. Without AUTOINCREMENT SQLite gives a new row
-- max(id) + 1, so after `rel unlog` of the latest touch the next one took its id and a script
-- that kept it pointed at another record. AUTOINCREMENT keeps the highest id ever handed out
-- (in sqlite_sequence) and never goes below it.
--
-- SQLite cannot add AUTOINCREMENT to a table in place, so contacts, interactions and followups
-- are rebuilt the documented way (https://sqlite.org/lang_altertable.html#otheralter): new
-- table, copy every row with its id, drop the old, rename the new. The runner turns foreign
-- keys off around this step (a DROP TABLE would otherwise cascade into the tables that point
-- at it) and checks them before committing. Rows keep their ids, so the references into these
-- tables and the external-content search index over interactions (keyed by id) stay valid and
-- need no rebuild. Dropping a table drops its indexes and triggers: they are recreated below
-- (a test in db/migrations_tests.rs checks that none is lost),
-- and the triggers on contact_tags, whose bodies read contacts, are set aside meanwhile
-- because a rename refuses a schema whose triggers name a missing table.

DROP TRIGGER contact_tags_fts_insert;
DROP TRIGGER contact_tags_fts_delete;
DROP TRIGGER contact_tags_fts_update;

CREATE TABLE contacts_rebuilt (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    uid           TEXT    NOT NULL UNIQUE,
    handle        TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    org           TEXT,
    role          TEXT,
    every         TEXT,              -- own cadence as given ("2w", "never"), NULL = inherit
    birthday      TEXT,              -- "YYYY-MM-DD" or "--MM-DD"
    via_id        INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    note          TEXT,
    created_at    INTEGER NOT NULL,
    archived_at   INTEGER,
    snoozed_until INTEGER,
    -- maintained:
    last_touch          INTEGER,     -- latest interaction's `at`, NULL if never contacted
    last_interaction_id INTEGER,     -- that interaction (for the due row's text)
    due_every           TEXT,        -- effective cadence (own, tag or default), NULL if none
    due_at              INTEGER,     -- when the cadence runs out, NULL if never due
    reith_respect   INTEGER NOT NULL DEFAULT 0,
    reith_empathy   INTEGER NOT NULL DEFAULT 0,
    reith_integrity INTEGER NOT NULL DEFAULT 0,
    reith_trust     INTEGER NOT NULL DEFAULT 0,
    reith_honesty   INTEGER NOT NULL DEFAULT 0
);
INSERT INTO contacts_rebuilt (
    id, uid, handle, name, org, role, every, birthday, via_id, note, created_at, archived_at,
    snoozed_until, last_touch, last_interaction_id, due_every, due_at, reith_respect,
    reith_empathy, reith_integrity, reith_trust, reith_honesty)
SELECT
    id, uid, handle, name, org, role, every, birthday, via_id, note, created_at, archived_at,
    snoozed_until, last_touch, last_interaction_id, due_every, due_at, reith_respect,
    reith_empathy, reith_integrity, reith_trust, reith_honesty
FROM contacts ORDER BY id;
DROP TABLE contacts;
ALTER TABLE contacts_rebuilt RENAME TO contacts;
CREATE INDEX contacts_due ON contacts(due_at) WHERE archived_at IS NULL AND due_at IS NOT NULL;
CREATE INDEX contacts_via ON contacts(via_id) WHERE via_id IS NOT NULL;
-- As schema 4 made them.
CREATE INDEX contacts_due_by_cadence ON contacts(due_every, due_at)
    WHERE archived_at IS NULL AND due_at IS NOT NULL;
CREATE INDEX contacts_birthday_day ON contacts(substr(birthday, -5))
    WHERE archived_at IS NULL AND birthday IS NOT NULL;

CREATE TABLE interactions_rebuilt (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    uid        TEXT    NOT NULL UNIQUE,
    at         INTEGER NOT NULL,
    channel    TEXT    NOT NULL,
    note       TEXT    NOT NULL DEFAULT '',
    respect    INTEGER NOT NULL DEFAULT 0 CHECK (respect BETWEEN -1 AND 1),
    empathy    INTEGER NOT NULL DEFAULT 0 CHECK (empathy BETWEEN -1 AND 1),
    integrity  INTEGER NOT NULL DEFAULT 0 CHECK (integrity BETWEEN -1 AND 1),
    trust      INTEGER NOT NULL DEFAULT 0 CHECK (trust BETWEEN -1 AND 1),
    honesty    INTEGER NOT NULL DEFAULT 0 CHECK (honesty BETWEEN -1 AND 1),
    created_at INTEGER NOT NULL
);
INSERT INTO interactions_rebuilt (
    id, uid, at, channel, note, respect, empathy, integrity, trust, honesty, created_at)
SELECT id, uid, at, channel, note, respect, empathy, integrity, trust, honesty, created_at
FROM interactions ORDER BY id;
DROP TABLE interactions;
ALTER TABLE interactions_rebuilt RENAME TO interactions;
CREATE INDEX interactions_at ON interactions(at, id);

CREATE TABLE followups_rebuilt (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    uid            TEXT    NOT NULL UNIQUE,
    contact_id     INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    interaction_id INTEGER REFERENCES interactions(id) ON DELETE SET NULL,
    due_at         INTEGER NOT NULL,
    text           TEXT    NOT NULL,
    done_at        INTEGER,
    created_at     INTEGER NOT NULL
);
INSERT INTO followups_rebuilt (
    id, uid, contact_id, interaction_id, due_at, text, done_at, created_at)
SELECT id, uid, contact_id, interaction_id, due_at, text, done_at, created_at
FROM followups ORDER BY id;
DROP TABLE followups;
ALTER TABLE followups_rebuilt RENAME TO followups;
CREATE INDEX followups_open ON followups(due_at) WHERE done_at IS NULL;
CREATE INDEX followups_contact ON followups(contact_id);

-- The search triggers, as schema 2 made them.
CREATE TRIGGER interactions_fts_insert AFTER INSERT ON interactions BEGIN
    INSERT INTO interactions_fts (rowid, note) VALUES (new.id, new.note);
END;
CREATE TRIGGER interactions_fts_delete AFTER DELETE ON interactions BEGIN
    INSERT INTO interactions_fts (interactions_fts, rowid, note) VALUES ('delete', old.id, old.note);
END;
CREATE TRIGGER interactions_fts_update AFTER UPDATE OF note ON interactions BEGIN
    INSERT INTO interactions_fts (interactions_fts, rowid, note) VALUES ('delete', old.id, old.note);
    INSERT INTO interactions_fts (rowid, note) VALUES (new.id, new.note);
END;

CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, name, org, role, tags, note)
    VALUES (new.id, new.name, new.org, new.role,
            (SELECT group_concat(tag, ' ') FROM contact_tags WHERE contact_id = new.id), new.note);
END;
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF name, org, role, note ON contacts BEGIN
    DELETE FROM contacts_fts WHERE rowid = old.id;
    INSERT INTO contacts_fts (rowid, name, org, role, tags, note)
    VALUES (new.id, new.name, new.org, new.role,
            (SELECT group_concat(tag, ' ') FROM contact_tags WHERE contact_id = new.id), new.note);
END;
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM contacts_fts WHERE rowid = old.id;
END;

CREATE TRIGGER contact_tags_fts_insert AFTER INSERT ON contact_tags BEGIN
    DELETE FROM contacts_fts WHERE rowid = new.contact_id;
    INSERT INTO contacts_fts (rowid, name, org, role, tags, note)
    SELECT c.id, c.name, c.org, c.role,
           (SELECT group_concat(tag, ' ') FROM contact_tags WHERE contact_id = c.id), c.note
    FROM contacts c WHERE c.id = new.contact_id;
END;
CREATE TRIGGER contact_tags_fts_delete AFTER DELETE ON contact_tags BEGIN
    DELETE FROM contacts_fts WHERE rowid = old.contact_id;
    INSERT INTO contacts_fts (rowid, name, org, role, tags, note)
    SELECT c.id, c.name, c.org, c.role,
           (SELECT group_concat(tag, ' ') FROM contact_tags WHERE contact_id = c.id), c.note
    FROM contacts c WHERE c.id = old.contact_id;
END;
CREATE TRIGGER contact_tags_fts_update AFTER UPDATE ON contact_tags BEGIN
    DELETE FROM contacts_fts WHERE rowid IN (old.contact_id, new.contact_id);
    INSERT INTO contacts_fts (rowid, name, org, role, tags, note)
    SELECT c.id, c.name, c.org, c.role,
           (SELECT group_concat(tag, ' ') FROM contact_tags WHERE contact_id = c.id), c.note
    FROM contacts c WHERE c.id IN (old.contact_id, new.contact_id);
END;
