-- rel schema: where a captured interaction came from (the contract's "Capture" section).
--
-- `source_kind` is 'ics' or 'mail' (NULL for an interaction typed with `rel log`), `source_id`
-- the event's `UID[/instance start]` or the thread's first `Message-ID`. `source_print` is a
-- short hash of what the capture last wrote (time, channel, note, people, marks): when the row
-- no longer matches it, someone amended it by hand, and a later capture leaves it alone. All
-- three are synced fields like any other column. Adding columns rewrites no row.
ALTER TABLE interactions ADD COLUMN source_kind TEXT;
ALTER TABLE interactions ADD COLUMN source_id TEXT;
ALTER TABLE interactions ADD COLUMN source_print TEXT;

-- The instances of one recurring event are found by prefix (`UID/`) when a capture looks for
-- the ones cancelled since; typed interactions (NULL) stay out of the index.
CREATE INDEX interactions_source ON interactions (source_kind, source_id)
    WHERE source_kind IS NOT NULL;
