-- Floor for `rel timeline --limit 50`: newest 50 interactions with their participants' handles.
SELECT i.id, i.uid, i.at, i.channel, i.note, i.respect, i.empathy, i.integrity, i.trust, i.honesty,
       (SELECT json_group_array(handle) FROM (SELECT c.handle FROM interaction_contacts ic
          JOIN contacts c ON c.id = ic.contact_id WHERE ic.interaction_id = i.id ORDER BY ic.position))
FROM interactions i ORDER BY i.at DESC, i.id DESC LIMIT 50;
