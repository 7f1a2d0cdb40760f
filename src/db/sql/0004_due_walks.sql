-- rel schema 4: indexes for the morning view at any size (issue 11 "Speed").
--
-- `rel due --limit N` ranks contacts by how late they are relative to their cadence. Within one
-- effective cadence that order is the order of the due date, so the top rows come from one short
-- walk per distinct cadence, merged, instead of ranking every due contact.
CREATE INDEX contacts_due_by_cadence ON contacts(due_every, due_at)
    WHERE archived_at IS NULL AND due_at IS NOT NULL;

-- Birthdays that fall on given days (`MM-DD`, the last five characters of both stored forms),
-- found without reading every contact.
CREATE INDEX contacts_birthday_day ON contacts(substr(birthday, -5))
    WHERE archived_at IS NULL AND birthday IS NOT NULL;
