-- Floor for `rel show WHO`: the card, open follow-ups and the 10 latest interactions.
SELECT c.id, c.uid, c.handle, c.name, c.org, c.role,
  (SELECT json_group_array(email) FROM contact_emails WHERE contact_id = c.id),
  (SELECT json_group_array(tag) FROM contact_tags WHERE contact_id = c.id),
  c.every, c.last_touch, c.due_at, c.reith_respect, c.reith_empathy, c.reith_integrity,
  c.reith_trust, c.reith_honesty
FROM contacts c WHERE c.handle = '@WHO@';
SELECT f.id, f.due_at, f.text FROM followups f JOIN contacts c ON c.id = f.contact_id
WHERE c.handle = '@WHO@' AND f.done_at IS NULL ORDER BY f.due_at;
SELECT i.id, i.at, i.channel, i.note,
       (SELECT json_group_array(handle) FROM (SELECT c.handle FROM interaction_contacts ic
          JOIN contacts c ON c.id = ic.contact_id WHERE ic.interaction_id = i.id ORDER BY ic.position))
FROM interactions i
WHERE i.id IN (SELECT interaction_id FROM interaction_contacts
               WHERE contact_id = (SELECT id FROM contacts WHERE handle = '@WHO@'))
ORDER BY i.at DESC, i.id DESC LIMIT 10;
