-- rel schema 13: the two lists of `rel stats` read from indexes, not from every contact
-- (159 ms at L: 51k page reads of contact rows).
--
-- Going cold: within one cadence, the due contacts longest untouched (since their last touch,
-- or creation when never touched). The walk of `contacts_due_by_cadence` (due_every, due_at)
-- found them by reading all 56k due contacts at L and sorting; this index lists each cadence's
-- contacts in that order, so the walk reads the first dozen or so. It costs `rel log` one more
-- index entry moved (about one WAL frame) for a contact with a cadence.
CREATE INDEX contacts_cold ON contacts(due_every, coalesce(last_touch, created_at))
    WHERE archived_at IS NULL AND due_at IS NOT NULL;

-- Strained: active contacts below zero on some trait, most negative first, then handle; in
-- that order and with what the list prints, so the list is one walk of this index (25k of
-- the 100k contacts at L) instead of a read of every contact and a sort.
CREATE INDEX contacts_strained
    ON contacts(min(reith_respect, reith_empathy, reith_integrity, reith_trust, reith_honesty),
                handle, name, reith_respect, reith_empathy, reith_integrity, reith_trust,
                reith_honesty, archived_at)
    WHERE archived_at IS NULL
      AND min(reith_respect, reith_empathy, reith_integrity, reith_trust, reith_honesty) < 0;
