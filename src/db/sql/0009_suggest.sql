-- rel schema 9: suggestions (the contract's "Suggestions, accounts and introductions").
--
-- `dismissed_until`: `rel suggest dismiss WHO` hides a contact's suggestions until then (NULL:
-- not dismissed). A synced field like `snoozed_until`, so a dismissal syncs and undoes like any
-- other change. Only that command writes it: interactions that arrive by import or capture
-- never count as dismissals. Adding a column rewrites no row, so this step is instant.
ALTER TABLE contacts ADD COLUMN dismissed_until INTEGER;

-- `rel accounts` groups active contacts by organisation, and `rel account ORG` reads one
-- organisation's people without reading every contact.
CREATE INDEX contacts_org ON contacts(org) WHERE archived_at IS NULL AND org IS NOT NULL;
