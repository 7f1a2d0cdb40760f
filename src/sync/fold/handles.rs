//! Handles as a function of the operations. Each contact *asks* for a handle (its handle
//! register: the creation's value, or the latest change's); the handle it *holds* is derived
//! on every replica the same way: contacts asking for handles of one family are taken in
//! creation order (creation time, then uid) and each holds the first of `asked`, `asked-2`,
//! `asked-3`… not held by an earlier one. A family is every handle with the same *root*
//! (trailing `-N` parts stripped: `bob`, `bob-2`, `bob-2-3`): a contact can only ever hold a
//! handle of its own family, so families settle independently.
//!
//! Settling a family parks every contact holding one of its handles on a handle no one can
//! type (a space and its uid), then deals the handles out in order, so the UNIQUE index never
//! sees two holders and the outcome does not depend on what arrived first. Where a contact
//! holds something other than what it asked for, the asked value is kept in its `handle`
//! register (a creation-time one unless a change set it), so any replica can settle again.

use crate::db::contacts;
use crate::db::handles::{self as journal, Holder};
use crate::error::Result;
use crate::sync::log::registers;
use rusqlite::{Connection, params};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The family a handle belongs to: the handle with trailing `-N` parts stripped.
pub fn root(handle: &str) -> &str {
    let mut stem = handle;
    while let Some((head, tail)) = stem.rsplit_once('-') {
        if head.is_empty() || tail.is_empty() || !tail.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        stem = head;
    }
    stem
}

/// The handle a parked contact holds while its family is settled (never a typed handle: a
/// handle has no spaces).
fn parked(uid: &str) -> String {
    format!(" {uid}")
}

fn is_parked(handle: &str) -> bool {
    handle.starts_with(' ')
}

/// The handle `uid` asks for: its handle register when it has one, else the one it holds.
pub fn asked(conn: &Connection, uid: &str) -> Result<Option<String>> {
    let register = registers::get(conn, uid, "handle")?
        .and_then(|(_, value)| value.as_str().map(str::to_string));
    if register.is_some() {
        return Ok(register);
    }
    Ok(asked_of(None, journal::held_by(conn, uid)?))
}

/// The rule of [`asked`] on values already read: the register's handle, else the handle held
/// (unless it is a parked placeholder).
fn asked_of(register: Option<String>, holds: Option<String>) -> Option<String> {
    register.or_else(|| holds.filter(|handle| !is_parked(handle)))
}

/// Records that `uid` asks for `wanted` (a creation-time register: a change's register is
/// written by the fold itself and is left as it is).
pub fn set_asked(conn: &Connection, uid: &str, wanted: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_fields (uid, field, hlc, replica, value) VALUES (?1, 'handle', 0, '', ?2)
         ON CONFLICT (uid, field) DO UPDATE SET value = excluded.value
         WHERE sync_fields.hlc = 0 AND sync_fields.replica = ''",
    )?
    .execute(params![uid, serde_json::to_string(wanted)?])?;
    Ok(())
}

/// Families to settle, and what each contact held before (to report renames).
#[derive(Default)]
pub struct Settler {
    dirty: BTreeSet<String>,
    /// uid → the handle held before this write touched it (None: created by this write).
    before: HashMap<String, Option<String>>,
}

impl Settler {
    /// The handle a contact about to be written for `uid` starts with: `wanted` when no one
    /// holds it (a contact taking a free handle changes no one else's), else a parked one and
    /// its family is settled by [`Settler::finish`].
    pub fn for_new(&mut self, conn: &Connection, uid: &str, wanted: &str) -> Result<String> {
        self.before.entry(uid.to_string()).or_insert(None);
        if !contacts::handle_taken(conn, wanted)? {
            return Ok(wanted.to_string());
        }
        set_asked(conn, uid, wanted)?;
        self.dirty.insert(root(wanted).to_string());
        Ok(parked(uid))
    }

    /// An existing contact `id` now asks for `wanted` (its family, and the one it held a
    /// handle of, are settled by [`Settler::finish`]).
    pub fn ask(&mut self, conn: &Connection, id: i64, uid: &str, wanted: &str) -> Result<()> {
        let current = journal::handle_of(conn, id)?;
        set_asked(conn, uid, wanted)?;
        self.touch(&current);
        self.touch(wanted);
        if current == wanted {
            return Ok(());
        }
        self.before
            .entry(uid.to_string())
            .or_insert_with(|| Some(current.clone()));
        let handle = if contacts::handle_taken(conn, wanted)? {
            parked(uid)
        } else {
            wanted.to_string()
        };
        journal::set(conn, id, &handle)
    }

    /// The family of `handle` must be settled again (a contact holding or asking for it left,
    /// or its creation time changed).
    pub fn touch(&mut self, handle: &str) {
        if !is_parked(handle) {
            self.dirty.insert(root(handle).to_string());
        }
    }

    /// Settles every family touched. Returns the contacts that hold another handle than they
    /// asked for and than they held before: (asked, holds).
    pub fn finish(mut self, conn: &Connection) -> Result<Vec<(String, String)>> {
        let mut renamed = BTreeMap::new();
        // A family comes back only when one of its holders asked for another family's
        // handle (it is parked meanwhile), so this ends.
        while let Some(family) = self.dirty.pop_first() {
            self.settle(conn, &family, &mut renamed)?;
        }
        Ok(renamed.into_values().collect())
    }

    fn settle(
        &mut self,
        conn: &Connection,
        family: &str,
        renamed: &mut BTreeMap<String, (String, String)>,
    ) -> Result<()> {
        // Everyone holding or asking for a handle of the family.
        let mut members: Vec<Member> = Vec::new();
        let mut seen = HashSet::new();
        for member in journal::holding(conn, family)?
            .into_iter()
            .map(Member::from)
        {
            if root(&member.holds) == family && seen.insert(member.id) {
                members.push(member);
            }
        }
        let quoted = serde_json::to_string(family)?;
        let open = &quoted[..quoted.len() - 1];
        let asking = journal::asking(conn, &quoted, &format!("{open}-"), &format!("{open}."))?;
        for mut member in asking.into_iter().map(Member::from) {
            member.asks = member.asked_in_register();
            if member.asks.as_deref().is_some_and(|a| root(a) == family) && seen.insert(member.id) {
                members.push(member);
            }
        }
        // What each asks for: its register, else the handle it holds (both read above, and no
        // other member's write touches its rows).
        for member in &mut members {
            if member.asks.is_none() {
                member.asks = asked_of(member.asked_in_register(), Some(member.holds.clone()));
            }
            self.before
                .entry(member.uid.clone())
                .or_insert_with(|| Some(member.holds.clone()));
        }
        // Holders that ask for another family's handle are parked (their asked handle kept in
        // their register) and dealt one there.
        let mut here = Vec::with_capacity(members.len());
        for member in members {
            let asks = member.asks.as_deref().unwrap_or_default();
            if root(asks) == family {
                here.push(member);
                continue;
            }
            set_asked(conn, &member.uid, asks)?;
            park(conn, &member)?;
            if !asks.is_empty() {
                self.dirty.insert(root(asks).to_string());
            }
        }
        here.sort_by(|a, b| (a.created_at, &a.uid).cmp(&(b.created_at, &b.uid)));
        let mut dealt: BTreeSet<String> = BTreeSet::new();
        let mut handles = Vec::with_capacity(here.len());
        for member in &here {
            let asks = member.asks.clone().unwrap_or_default();
            let mut handle = asks.clone();
            let mut n = 2;
            while dealt.contains(&handle) {
                handle = format!("{asks}-{n}");
                n += 1;
            }
            dealt.insert(handle.clone());
            handles.push(handle);
        }
        // Only the contacts whose handle changes are written: most of a family keeps what it
        // holds, and rewriting (park, then deal) every holder of a large family cost most of a
        // big receive. Those that move are parked first, so the UNIQUE index never sees two
        // holders; those that stay hold a handle no mover is dealt (the dealt handles differ).
        for (member, handle) in here.iter().zip(&handles) {
            if *handle != member.holds {
                park(conn, member)?;
            }
        }
        for (member, handle) in here.iter().zip(handles) {
            let asks = member.asks.clone().unwrap_or_default();
            if handle != member.holds {
                journal::set(conn, member.id, &handle)?;
            }
            if handle == asks {
                // Holding what it asks for: the register is only needed when it is a change's.
                if member.register.is_some() {
                    conn.prepare_cached(
                        "DELETE FROM sync_fields WHERE uid = ?1 AND field = 'handle' AND hlc = 0
                           AND replica = ''",
                    )?
                    .execute([&member.uid])?;
                }
            } else {
                set_asked(conn, &member.uid, &asks)?;
            }
            // Only a contact that held a handle here before can have changed it: one this
            // write created (received from elsewhere) was never known by another handle here,
            // so the machine that kept its handle says nothing.
            let before = self.before.get(&member.uid).cloned().flatten();
            if handle != asks && before.as_deref().is_some_and(|held| held != handle) {
                renamed.insert(member.uid.clone(), (asks, handle));
            } else {
                renamed.remove(&member.uid);
            }
        }
        Ok(())
    }
}

/// Moves a member out of the way while its family is dealt (see [`parked`]).
fn park(conn: &Connection, member: &Member) -> Result<()> {
    journal::set(conn, member.id, &parked(&member.uid))
}

struct Member {
    id: i64,
    uid: String,
    created_at: i64,
    holds: String,
    /// Its handle register's value (JSON text) when it has one: then one of creation time
    /// may need deleting.
    register: Option<Option<String>>,
    asks: Option<String>,
}

impl From<Holder> for Member {
    fn from(holder: Holder) -> Member {
        Member {
            id: holder.id,
            uid: holder.uid,
            created_at: holder.created_at,
            holds: holder.holds,
            register: holder.register,
            asks: None,
        }
    }
}

impl Member {
    /// The handle its register asks for, when it has a register holding a string.
    fn asked_in_register(&self) -> Option<String> {
        let text = self.register.as_ref()?.as_deref()?;
        serde_json::from_str::<String>(text).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::root;

    #[test]
    fn a_family_is_the_handle_without_its_trailing_numbers() {
        assert_eq!(root("bob"), "bob");
        assert_eq!(root("bob-2"), "bob");
        assert_eq!(root("bob-2-3"), "bob");
        assert_eq!(root("ann-lee-12"), "ann-lee");
        assert_eq!(root("route-66"), "route");
        assert_eq!(root("2"), "2");
        assert_eq!(root("-2"), "-2");
        assert_eq!(root("bob-"), "bob-");
    }
}
