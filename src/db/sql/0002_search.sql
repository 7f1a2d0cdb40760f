-- rel schema 2: full-text search (FTS5). Accents fold on both sides (remove_diacritics 2), so
-- "jose" finds "José".
--
-- Interaction notes use an external-content index: the text lives once, in interactions.note,
-- and the index points at it by rowid (1M notes would otherwise be stored twice). Triggers keep
-- it in step; an external-content delete must be given the exact old text, which the triggers
-- have as old.note.
CREATE VIRTUAL TABLE interactions_fts USING fts5(
    note,
    content = 'interactions',
    content_rowid = 'id',
    tokenize = "unicode61 remove_diacritics 2"
);

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

-- An old database gets a full index of the notes it already holds.
INSERT INTO interactions_fts (interactions_fts) VALUES ('rebuild');

-- Contact fields come from two tables (tags live in contact_tags), so this index keeps its own
-- copy of the text (small: one row per contact) and a row is simply replaced whenever any of
-- its sources changes. rowid = contacts.id.
CREATE VIRTUAL TABLE contacts_fts USING fts5(
    name, org, role, tags, note,
    tokenize = "unicode61 remove_diacritics 2"
);
-- A match in the name counts most, then org, role and tags, then the free-text note.
INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('rank', 'bm25(10.0, 4.0, 4.0, 4.0, 1.0)');

CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
    INSERT INTO contacts_fts (rowid, name, org, role, tags, note)
    VALUES (new.id, new.name, new.org, new.role,
            (SELECT group_concat(tag, ' ') FROM contact_tags WHERE contact_id = new.id), new.note);
END;
-- Only the indexed columns: the maintained columns (last touch, due date, REITH sums) change on
-- every log and must not rewrite the index.
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF name, org, role, note ON contacts BEGIN
    DELETE FROM contacts_fts WHERE rowid = old.id;
    INSERT INTO contacts_fts (rowid, name, org, role, tags, note)
    VALUES (new.id, new.name, new.org, new.role,
            (SELECT group_concat(tag, ' ') FROM contact_tags WHERE contact_id = new.id), new.note);
END;
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
    DELETE FROM contacts_fts WHERE rowid = old.id;
END;

-- Tag changes re-read the contact; once the contact itself is gone (its tags are deleted by the
-- cascade) the SELECT finds nothing and the row stays deleted.
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

INSERT INTO contacts_fts (rowid, name, org, role, tags, note)
SELECT c.id, c.name, c.org, c.role,
       (SELECT group_concat(tag, ' ') FROM contact_tags WHERE contact_id = c.id), c.note
FROM contacts c;
