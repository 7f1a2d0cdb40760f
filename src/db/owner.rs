//! Whose contacts a listing shows (`rel list --owner`, `rel due` and its `--owner`/`--all`):
//! one SQL condition over `c.owner` with one bound parameter, so each query states it once.

/// Which owners' contacts to keep.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum OwnerFilter {
    /// Everyone's and unowned contacts (outside a team, `--all`, or no `--owner`).
    #[default]
    Anyone,
    /// Only unowned contacts (`--owner none`).
    Unowned,
    /// Only this member's (`--owner NAME`).
    Member(String),
    /// This member's and unowned ones (`rel due` in a team workspace by default).
    MemberOrUnowned(String),
}

impl OwnerFilter {
    /// The condition on contacts `c`, reading its one parameter as `?{param}`. The parameter
    /// is always used (bound to [`OwnerFilter::bound`]), so a query's parameter count does not
    /// depend on the filter; `Anyone` never reads `c.owner`, so an index that covers a query
    /// without a filter still covers it.
    pub fn sql(&self, param: usize) -> String {
        match self {
            OwnerFilter::Anyone => format!("?{param} IS NULL"),
            OwnerFilter::Unowned => format!("(c.owner IS NULL AND ?{param} IS NULL)"),
            OwnerFilter::Member(_) => format!("c.owner = ?{param}"),
            OwnerFilter::MemberOrUnowned(_) => {
                format!("(c.owner IS NULL OR c.owner = ?{param})")
            }
        }
    }

    /// The value the condition's parameter is bound to.
    pub fn bound(&self) -> Option<&str> {
        match self {
            OwnerFilter::Anyone | OwnerFilter::Unowned => None,
            OwnerFilter::Member(name) | OwnerFilter::MemberOrUnowned(name) => Some(name),
        }
    }

    /// `--owner NAME` as given (`none` = unowned), already checked.
    pub fn only(owner: Option<String>) -> OwnerFilter {
        match owner {
            Some(name) => OwnerFilter::Member(name),
            None => OwnerFilter::Unowned,
        }
    }
}

/// This journal's member name in a team workspace (kept by `rel sync init` on a PostgreSQL
/// remote), or None. The one read of `sync_remote` that `db/` needs: the importer makes a
/// member's contacts theirs, as `rel add` does.
pub fn member(conn: &rusqlite::Connection) -> crate::error::Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row(
            "SELECT member FROM sync_remote WHERE id = 1 AND kind = 'postgres'",
            [],
            |row| row.get(0),
        )
        .optional()?
        .flatten())
}
