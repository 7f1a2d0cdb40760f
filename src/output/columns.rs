//! How each column of a table gives way when the terminal is too narrow, named by its header.
//!
//! A listing's columns are not equal: the DUE text and the handle are what a person reads and
//! then types, so they are never cut; free text (a note, a name) shrinks; the rest (REITH,
//! tags, cadence…) is dropped whole, least important first, before anything is cut. A header
//! is never narrower than its text, so it never splits inside a word.

use unicode_width::UnicodeWidthStr;

/// What a column may do when the table is too wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Give {
    /// Always shown whole (what is read and typed: DUE, handles, ids).
    Never,
    /// Free text, cut with an ellipsis: other columns are dropped before it goes below
    /// `comfortable`, and it goes down to `bare` only when nothing is left to drop. Spare room
    /// goes to the lowest `share` first.
    Shrink {
        comfortable: usize,
        bare: usize,
        share: u8,
    },
    /// Left out whole; a higher rank goes first.
    Drop(u8),
    /// Kept while free text can still shrink to its bare minimum, then left out (`done …` in
    /// `followups --all`: the one column that says a follow-up is done).
    Late,
}

/// How a column, named by its table header, gives way.
pub(super) fn give(header: &str) -> Give {
    match header {
        "DUE" | "DUE AT" | "NEXT DUE" | "HANDLE" | "ID" | "AT" | "WHEN" | "KEY" | "FIELD"
        | "SECTION" | "OWNER" => Give::Never,
        "WHAT" | "TEXT" | "NOTE" | "MATCH" | "SNIPPET" | "VALUE" => Give::Shrink {
            comfortable: 24,
            bare: 8,
            share: 0,
        },
        // Lists of handles: whole when there is room, else each row's first handle whole
        // and how many more (`priya-natarajan +3`).
        "CONTACTS" | "WHO" => Give::Shrink {
            comfortable: usize::MAX,
            bare: FIRST_HANDLE,
            share: 1,
        },
        // Most full names fit in 24 (`Αλέξανδρος Παπαδόπουλος` is 23): the cadence and the
        // last touch give way before a name is cut.
        "NAME" => Give::Shrink {
            comfortable: 24,
            bare: 8,
            share: 2,
        },
        "DONE AT" => Give::Late,
        "REITH" | "TRAITS" => Give::Drop(9),
        "TAGS" => Give::Drop(8),
        "ORG" | "ROLE" => Give::Drop(7),
        "EVERY" | "CHANNEL" => Give::Drop(6),
        // A search row's kind shows in its WHO anyway (a handle or several).
        "KIND" => Give::Drop(5),
        "LAST TOUCH" => Give::Drop(4),
        "FOCUS" => Give::Drop(3),
        // A column this list does not know yet is cut rather than hidden.
        _ => Give::Shrink {
            comfortable: 16,
            bare: 8,
            share: 3,
        },
    }
}

/// Whether a column that is empty on every row may be left out (never what is read and
/// typed: the handle, the due text, a team's OWNER).
pub fn droppable_when_empty(header: &str) -> bool {
    give(header) != Give::Never
}

/// Leaves out the columns whose cells are empty on every row, except those that are never
/// given up (see [`droppable_when_empty`]). Rows hold (text, anything) pairs.
pub fn drop_empty_columns<T>(headers: &mut Vec<String>, rows: &mut [Vec<(String, T)>]) {
    let keep: Vec<bool> = (0..headers.len())
        .map(|index| {
            !droppable_when_empty(&headers[index])
                || rows
                    .iter()
                    .any(|row| row.get(index).is_some_and(|(text, _)| !text.is_empty()))
        })
        .collect();
    let mut index = 0;
    headers.retain(|_| {
        index += 1;
        keep[index - 1]
    });
    for row in rows.iter_mut() {
        let mut index = 0;
        row.retain(|_| {
            index += 1;
            keep.get(index - 1).copied().unwrap_or(true)
        });
    }
}

/// Marks a bare minimum that is the widest "first item +N" of a comma-separated list.
pub(super) const FIRST_HANDLE: usize = 0;

/// The width a list cell needs when cut to its first item: `priya-natarajan +3`.
pub fn first_item_width(text: &str) -> usize {
    let mut items = text.split(',');
    let first = items.next().unwrap_or("").width();
    match items.count() {
        0 => first,
        more => first + 2 + more.to_string().len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_columns_go_but_never_the_handle_or_due() {
        let mut headers: Vec<String> = ["HANDLE", "ORG", "NEXT DUE", "NAME"]
            .iter()
            .map(|h| h.to_string())
            .collect();
        let mut rows = vec![vec![
            ("ann".to_string(), ()),
            (String::new(), ()),
            (String::new(), ()),
            ("Ann".to_string(), ()),
        ]];
        drop_empty_columns(&mut headers, &mut rows);
        assert_eq!(headers, ["HANDLE", "NEXT DUE", "NAME"]);
        assert_eq!(rows[0].len(), 3);
        assert_eq!(rows[0][2].0, "Ann");
    }

    #[test]
    fn a_list_asks_for_its_first_item_and_a_count() {
        assert_eq!(first_item_width("priya-natarajan,tom,ann,bo"), 18);
        assert_eq!(first_item_width("solo"), 4);
    }
}
