-- Floor for `rel list`: every contact with its lists, by name.
SELECT c.id, c.uid, c.handle, c.name, c.org, c.role,
  (SELECT json_group_array(email) FROM (SELECT email FROM contact_emails WHERE contact_id = c.id ORDER BY rowid)),
  (SELECT json_group_array(phone) FROM (SELECT phone FROM contact_phones WHERE contact_id = c.id ORDER BY rowid)),
  (SELECT json_group_array(tag) FROM (SELECT tag FROM contact_tags WHERE contact_id = c.id ORDER BY tag)),
  c.every, (SELECT v.handle FROM contacts v WHERE v.id = c.via_id), c.last_touch, c.due_at
FROM contacts c WHERE c.archived_at IS NULL ORDER BY c.name COLLATE NOCASE, c.handle;
