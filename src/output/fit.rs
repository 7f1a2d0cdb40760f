//! Fitting tables to the terminal: how wide it is, and which columns give way first.
//!
//! A listing's columns are not equal: the DUE text and the handle are what a person reads and
//! then types, so they are never cut; free text (a note, a name) shrinks; the rest (REITH,
//! tags, cadence…) is dropped whole, least important first, before anything is cut. A header
//! is never narrower than its text, so it never splits inside a word.

use comfy_table::{ColumnConstraint, Table, Width};
use std::io::IsTerminal;
use unicode_width::UnicodeWidthStr;

/// The width tables and charts fit: `COLUMNS` when set (so scripts and tests can ask for a
/// width), else the terminal's on stdout, else none (a pipe: no fitting).
pub fn terminal_width() -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0)
    {
        return Some(columns);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    let mut size = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ only fills the struct we pass.
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_col > 0).then_some(size.ws_col as usize)
}

/// What a column may do when the table is too wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Give {
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
fn give(header: &str) -> Give {
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
const FIRST_HANDLE: usize = 0;

/// Each cell is drawn with one space either side.
const PADDING: usize = 2;

/// The width a list cell needs when cut to its first item: `priya-natarajan +3`.
pub fn first_item_width(text: &str) -> usize {
    let mut items = text.split(',');
    let first = items.next().unwrap_or("").width();
    match items.count() {
        0 => first,
        more => first + 2 + more.to_string().len(),
    }
}

/// Lays out columns (`headers` as shown, `rows` of cell texts as shown) to fit `width` cells:
/// each column's width, or None for a column left out.
pub fn fit(headers: &[String], rows: &[Vec<String>], width: usize) -> Vec<Option<usize>> {
    let mut content: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    let mut first_item: Vec<usize> = vec![0; headers.len()];
    for row in rows {
        for (index, text) in row.iter().enumerate().take(headers.len()) {
            content[index] = content[index].max(text.width());
            first_item[index] = first_item[index].max(first_item_width(text));
        }
    }
    let gives: Vec<Give> = headers
        .iter()
        .enumerate()
        .map(|(index, h)| match give(h) {
            Give::Shrink {
                comfortable,
                bare: FIRST_HANDLE,
                share,
            } => Give::Shrink {
                comfortable,
                bare: first_item[index],
                share,
            },
            other => other,
        })
        .collect();
    // The width a column asks for: whole, or for free text a comfortable or a bare minimum
    // (never below its header, which must not split).
    let ask = |index: usize, bare: bool| match gives[index] {
        Give::Shrink {
            comfortable,
            bare: least,
            ..
        } => {
            let floor = if bare { least } else { comfortable };
            content[index].min(floor.max(headers[index].width()))
        }
        _ => content[index],
    };
    // Cells plus padding, and one blank between neighbouring columns.
    let needed = |shown: &[bool], bare: bool| -> usize {
        let columns = (0..headers.len()).filter(|i| shown[*i]);
        let cells: usize = columns.clone().map(|i| ask(i, bare) + PADDING).sum();
        cells + columns.count().saturating_sub(1)
    };
    let mut shown: Vec<bool> = vec![true; headers.len()];
    // First the columns that may go (highest rank, then rightmost), until text is comfortable.
    drop_while(
        &mut shown,
        |s| needed(s, false) > width,
        |i| match gives[i] {
            Give::Drop(rank) => Some(rank),
            _ => None,
        },
    );
    let mut bare = needed(&shown, false) > width;
    if bare {
        // Text at its bare minimum; if still too wide, the late columns go.
        drop_while(
            &mut shown,
            |s| needed(s, true) > width,
            |i| (gives[i] == Give::Late).then_some(0),
        );
        // With a late column gone, text may be comfortable again.
        bare = needed(&shown, false) > width;
    }
    // Still too wide at their barest: free text goes too, the shortest-asking (a name) first.
    drop_while(
        &mut shown,
        |s| needed(s, bare) > width,
        |i| match gives[i] {
            Give::Shrink { comfortable, .. } => Some(u8::MAX - comfortable.min(254) as u8),
            _ => None,
        },
    );
    // Whatever room is left goes to the free-text columns, notes first: a note says more than
    // the rest of a name.
    let mut spare = width.saturating_sub(needed(&shown, bare));
    let mut widths: Vec<usize> = (0..headers.len()).map(|i| ask(i, bare)).collect();
    let mut takers: Vec<(u8, usize)> = (0..headers.len())
        .filter(|i| shown[*i])
        .filter_map(|i| match gives[i] {
            Give::Shrink { share, .. } => Some((share, i)),
            _ => None,
        })
        .collect();
    takers.sort_unstable();
    for (_, index) in takers {
        let more = (content[index] - widths[index]).min(spare);
        widths[index] += more;
        spare -= more;
    }
    (0..headers.len())
        .map(|i| shown[i].then_some(widths[i]))
        .collect()
}

/// Hides columns while `too_wide`, each time the shown one with the highest `rank` (the
/// rightmost among equals); stops when none has a rank.
fn drop_while(
    shown: &mut [bool],
    too_wide: impl Fn(&[bool]) -> bool,
    rank: impl Fn(usize) -> Option<u8>,
) {
    while too_wide(shown) {
        let victim = (0..shown.len())
            .filter(|i| shown[*i])
            .filter_map(|i| rank(i).map(|r| (r, i)))
            .max();
        match victim {
            Some((_, index)) => shown[index] = false,
            None => break,
        }
    }
}

/// Sets the table's columns to `layout` (from [`fit`]) plus padding.
pub fn apply(table: &mut Table, layout: &[Option<usize>]) {
    for (index, column) in table.column_iter_mut().enumerate() {
        let constraint = match layout.get(index).copied().flatten() {
            Some(cells) => ColumnConstraint::Absolute(Width::Fixed(
                u16::try_from(cells + PADDING).unwrap_or(u16::MAX),
            )),
            None if index < layout.len() => ColumnConstraint::Hidden,
            None => continue,
        };
        column.set_constraint(constraint);
    }
}

/// `line` cut to `width` cells with an ellipsis when longer (for plain, uncoloured text).
pub fn cut(line: &str, width: usize) -> String {
    if line.width() <= width {
        return line.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in line.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(headers: &[&str], rows: &[&[&str]], width: usize) -> Vec<Option<usize>> {
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect();
        fit(&headers, &rows, width)
    }

    #[test]
    fn drops_reith_before_cutting_text_and_keeps_handle_whole() {
        let note = "a long note ".repeat(5);
        let w = layout(
            &["DUE", "HANDLE", "REITH", "WHAT"],
            &[&[
                "5y overdue",
                "dmitri-van-dijk",
                "r+1 i+1 h+1",
                note.trim_end(),
            ]],
            60,
        );
        assert_eq!(w[0], Some(10));
        assert_eq!(w[1], Some(15));
        assert_eq!(w[2], None, "REITH hidden");
        assert_eq!(
            w[3],
            Some(60 - 12 - 17 - 2 - 2),
            "two blanks between three columns"
        );
    }

    #[test]
    fn text_goes_down_to_its_bare_minimum_when_nothing_is_left_to_drop() {
        let w = layout(
            &["DUE", "HANDLE", "NOTE"],
            &[&[
                "12d overdue",
                "a-very-long-handle-indeed",
                &"word ".repeat(20),
            ]],
            56,
        );
        assert_eq!(w[1], Some(25), "the handle stays whole");
        assert_eq!(w[2], Some(56 - 13 - 27 - 2 - 2));
    }

    #[test]
    fn everything_fits_untouched_when_there_is_room() {
        assert_eq!(
            layout(&["ID", "NOTE"], &[&["1", "short"]], 80),
            vec![Some(2), Some(5)]
        );
    }

    #[test]
    fn a_late_column_outlives_droppable_ones_and_text_comfort() {
        let text = "send the proposal with the new prices and the signed contract";
        let w = layout(
            &["ID", "HANDLE", "DUE AT", "TEXT", "DONE AT"],
            &[&[
                "12",
                "priya-natarajan",
                "Fri 4 Dec 2026",
                text,
                "done 3d ago",
            ]],
            80,
        );
        assert!(w[4].is_some(), "DONE AT kept at 80: {w:?}");
        assert!(w[3].is_some_and(|t| t >= 8), "{w:?}");
    }

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

    #[test]
    fn cut_keeps_within_width() {
        assert_eq!(cut("abcdef", 10), "abcdef");
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("Wójcik Müller", 5), "Wójc…");
    }
}
