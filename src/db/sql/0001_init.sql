-- rel schema 1. Times are integer Unix seconds (UTC). Columns marked "maintained" are derived
-- from other tables and rewritten by db::upkeep inside the same write transaction, so that
-- `rel due` reads one row per contact instead of scanning interactions.

CREATE TABLE contacts (
    id            INTEGER PRIMARY KEY,
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
CREATE INDEX contacts_due ON contacts(due_at) WHERE archived_at IS NULL AND due_at IS NOT NULL;
CREATE INDEX contacts_via ON contacts(via_id) WHERE via_id IS NOT NULL;

CREATE TABLE contact_emails (
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    email      TEXT    NOT NULL,
    PRIMARY KEY (contact_id, email)
);
CREATE INDEX contact_emails_email ON contact_emails(email COLLATE NOCASE);

CREATE TABLE contact_phones (
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    phone      TEXT    NOT NULL,
    PRIMARY KEY (contact_id, phone)
);

CREATE TABLE contact_tags (
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    tag        TEXT    NOT NULL,
    PRIMARY KEY (contact_id, tag)
) WITHOUT ROWID;
CREATE INDEX contact_tags_tag ON contact_tags(tag, contact_id);

CREATE TABLE interactions (
    id         INTEGER PRIMARY KEY,
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
CREATE INDEX interactions_at ON interactions(at, id);

-- Who took part, in the order they were named (the first one owns a follow-up).
CREATE TABLE interaction_contacts (
    interaction_id INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    contact_id     INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    PRIMARY KEY (interaction_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX interaction_contacts_contact ON interaction_contacts(contact_id, interaction_id);

CREATE TABLE followups (
    id             INTEGER PRIMARY KEY,
    uid            TEXT    NOT NULL UNIQUE,
    contact_id     INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    interaction_id INTEGER REFERENCES interactions(id) ON DELETE SET NULL,
    due_at         INTEGER NOT NULL,
    text           TEXT    NOT NULL,
    done_at        INTEGER,
    created_at     INTEGER NOT NULL
);
CREATE INDEX followups_open ON followups(due_at) WHERE done_at IS NULL;
CREATE INDEX followups_contact ON followups(contact_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
