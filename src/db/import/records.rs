//! Interactions and follow-ups of a rel export: created, replaced or left as they are,
//! matched by uid (part of [`Importer`], split out to keep each file readable).

use super::{Importer, IncomingFollowUp, IncomingInteraction, Outcome};
use crate::error::Result;
use crate::model::Reith;
use rusqlite::{Connection, OptionalExtension, params};

impl Importer<'_> {
    /// Creates, replaces or leaves one interaction, matched by uid.
    pub fn interaction(&mut self, new: &IncomingInteraction) -> Result<(i64, Outcome)> {
        self.stage_now_and_then()?;
        let existing: Option<(i64, StoredInteraction)> = if self.interactions_were_empty {
            None
        } else {
            self.stored_interaction(&new.uid)?
        };
        let m = &new.marks;
        let Some((id, stored)) = existing else {
            let id = if self.interactions_were_empty {
                new.id.filter(|id| *id > 0)
            } else {
                free_id(self.conn, "interactions", new.id)?
            };
            self.conn
                .prepare_cached(
                    "INSERT INTO interactions (id, uid, at, channel, note, respect, empathy,
                        integrity, trust, honesty, created_at, author)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )?
                .execute(params![
                    id,
                    new.uid,
                    new.at,
                    new.channel,
                    new.note,
                    m.respect,
                    m.empathy,
                    m.integrity,
                    m.trust,
                    m.honesty,
                    new.created_at,
                    new.author
                ])?;
            let id = self.conn.last_insert_rowid();
            self.add_participants(id, &new.contact_ids)?;
            if let Some(histories) = &mut self.histories {
                for contact_id in &new.contact_ids {
                    histories
                        .entry(*contact_id)
                        .or_default()
                        .add(new.at, id, &new.marks);
                }
            }
            return Ok((id, Outcome::Created));
        };
        let participants = participant_ids(self.conn, id)?;
        let same = stored.at == new.at
            && stored.channel == new.channel
            && stored.note == new.note
            && stored.marks == new.marks
            && stored.created_at == new.created_at
            && (new.author.is_none() || stored.author == new.author)
            && participants == new.contact_ids;
        if same {
            return Ok((id, Outcome::Unchanged));
        }
        self.conn
            .prepare_cached(
                "UPDATE interactions SET at = ?2, channel = ?3, note = ?4, respect = ?5,
                    empathy = ?6, integrity = ?7, trust = ?8, honesty = ?9, created_at = ?10,
                    author = coalesce(?11, author)
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                new.at,
                new.channel,
                new.note,
                m.respect,
                m.empathy,
                m.integrity,
                m.trust,
                m.honesty,
                new.created_at,
                new.author
            ])?;
        self.touched.extend(&participants);
        self.conn
            .prepare_cached("DELETE FROM interaction_contacts WHERE interaction_id = ?1")?
            .execute([id])?;
        self.add_participants(id, &new.contact_ids)?;
        Ok((id, Outcome::Updated))
    }

    fn stored_interaction(&self, uid: &str) -> Result<Option<(i64, StoredInteraction)>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id, at, channel, note, respect, empathy, integrity, trust, honesty, created_at,
                    author
                 FROM interactions WHERE uid = ?1",
            )?
            .query_row([uid], |row| {
                Ok((
                    row.get(0)?,
                    StoredInteraction {
                        at: row.get(1)?,
                        channel: row.get(2)?,
                        note: row.get(3)?,
                        marks: crate::db::reith_at(row, 4)?,
                        created_at: row.get(9)?,
                        author: row.get(10)?,
                    },
                ))
            })
            .optional()?)
    }

    fn add_participants(&mut self, id: i64, contact_ids: &[i64]) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT OR IGNORE INTO interaction_contacts (interaction_id, contact_id, position)
             VALUES (?1, ?2, ?3)",
        )?;
        for (position, contact_id) in contact_ids.iter().enumerate() {
            stmt.execute(params![id, contact_id, position as i64])?;
            self.touched.insert(*contact_id);
        }
        Ok(())
    }

    /// Creates, replaces or leaves one follow-up, matched by uid.
    pub fn followup(&mut self, new: &IncomingFollowUp) -> Result<Outcome> {
        self.stage_now_and_then()?;
        type Stored = (i64, i64, Option<i64>, i64, String, Option<i64>, i64);
        let existing: Option<Stored> = self
            .conn
            .prepare_cached(
                "SELECT id, contact_id, interaction_id, due_at, text, done_at, created_at
                 FROM followups WHERE uid = ?1",
            )?
            .query_row([&new.uid], |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                    row.get(6)?,
                ))
            })
            .optional()?;
        let values = (
            new.contact_id,
            new.interaction_id,
            new.due_at,
            new.text.clone(),
            new.done_at,
            new.created_at,
        );
        match existing {
            None => {
                let id = free_id(self.conn, "followups", new.id)?;
                self.conn
                    .prepare_cached(
                        "INSERT INTO followups (id, uid, contact_id, interaction_id, due_at, text,
                            done_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    )?
                    .execute(params![
                        id,
                        new.uid,
                        new.contact_id,
                        new.interaction_id,
                        new.due_at,
                        new.text,
                        new.done_at,
                        new.created_at
                    ])?;
                Ok(Outcome::Created)
            }
            Some((id, c, i, d, t, done, created))
                if (c, i, d, &t, done, created)
                    != (values.0, values.1, values.2, &values.3, values.4, values.5) =>
            {
                self.conn
                    .prepare_cached(
                        "UPDATE followups SET contact_id = ?2, interaction_id = ?3, due_at = ?4,
                            text = ?5, done_at = ?6, created_at = ?7 WHERE id = ?1",
                    )?
                    .execute(params![
                        id,
                        new.contact_id,
                        new.interaction_id,
                        new.due_at,
                        new.text,
                        new.done_at,
                        new.created_at
                    ])?;
                Ok(Outcome::Updated)
            }
            Some(_) => Ok(Outcome::Unchanged),
        }
    }
}

struct StoredInteraction {
    at: i64,
    channel: String,
    note: String,
    marks: Reith,
    created_at: i64,
    author: Option<String>,
}

pub fn interaction_by_uid(conn: &Connection, uid: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM interactions WHERE uid = ?1")?
        .query_row([uid], |row| row.get(0))
        .optional()?)
}

pub fn followup_by_uid(conn: &Connection, uid: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM followups WHERE uid = ?1")?
        .query_row([uid], |row| row.get(0))
        .optional()?)
}

fn participant_ids(conn: &Connection, id: i64) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ic.contact_id FROM interaction_contacts ic JOIN contacts c ON c.id = ic.contact_id
         WHERE ic.interaction_id = ?1 ORDER BY ic.position, c.uid",
    )?;
    let rows = stmt.query_map([id], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The id a record asked for when nobody holds it, else None (SQLite picks the next one).
pub(super) fn free_id(
    conn: &Connection,
    table: &'static str,
    wanted: Option<i64>,
) -> Result<Option<i64>> {
    let Some(wanted) = wanted.filter(|id| *id > 0) else {
        return Ok(None);
    };
    // The table name is one of our three constants, never input.
    let sql = format!("SELECT 1 FROM {table} WHERE id = ?1");
    let taken = conn
        .prepare_cached(&sql)?
        .query_row([wanted], |_| Ok(()))
        .optional()?
        .is_some();
    Ok((!taken).then_some(wanted))
}

pub(super) fn set_time_column(
    conn: &Connection,
    id: i64,
    column: &'static str,
    value: i64,
) -> Result<()> {
    // The column is one of three constants in merge_contact, never input.
    let sql = format!("UPDATE contacts SET {column} = ?2 WHERE id = ?1");
    conn.prepare_cached(&sql)?.execute(params![id, value])?;
    Ok(())
}
