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
}

/// How a column, named by its table header, gives way.
fn give(header: &str) -> Give {
    match header {
        "DUE" | "DUE AT" | "NEXT DUE" | "HANDLE" | "ID" | "AT" | "WHEN" | "KIND" | "KEY"
        | "FIELD" | "SECTION" => Give::Never,
        "WHAT" | "TEXT" | "NOTE" | "MATCH" | "SNIPPET" | "VALUE" => Give::Shrink {
            comfortable: 24,
            bare: 8,
            share: 0,
        },
        // Lists of handles: whole when there is room, else each row's first handle whole.
        "CONTACTS" | "WHO" => Give::Shrink {
            comfortable: usize::MAX,
            bare: FIRST_HANDLE,
            share: 1,
        },
        "NAME" => Give::Shrink {
            comfortable: 14,
            bare: 8,
            share: 2,
        },
        "REITH" | "TRAITS" => Give::Drop(9),
        "TAGS" | "DONE AT" => Give::Drop(8),
        "ORG" | "ROLE" => Give::Drop(7),
        "EVERY" | "CHANNEL" => Give::Drop(6),
        "OWNER" => Give::Drop(5),
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

/// Marks a bare minimum that is the widest first item of a comma-separated list (plus one
/// cell for the ellipsis after it).
const FIRST_HANDLE: usize = 0;

/// Each cell is drawn with one space either side.
const PADDING: usize = 2;

/// Lays out `table` (headers and rows already added) to fit `width` cells: sets every
/// column's width, hiding the columns that must go.
pub fn fit(table: &mut Table, headers: &[String], width: usize) {
    let mut content: Vec<usize> = headers.iter().map(|h| h.width()).collect();
    let mut first_item: Vec<usize> = vec![0; headers.len()];
    for row in table.row_iter() {
        for (index, cell) in row.cell_iter().enumerate() {
            if let Some(widest) = content.get_mut(index) {
                let text = cell.content();
                let cell_width = text.lines().map(|l| l.width()).max().unwrap_or(0);
                *widest = (*widest).max(cell_width);
                let first = text.split(',').next().unwrap_or("").width();
                let more = usize::from(text.contains(','));
                first_item[index] = first_item[index].max(first + more);
            }
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
    while needed(&shown, false) > width {
        let victim = (0..headers.len())
            .filter(|i| shown[*i])
            .filter_map(|i| match gives[i] {
                Give::Drop(rank) => Some((rank, i)),
                _ => None,
            })
            // Highest rank first; among equals, the rightmost.
            .max();
        match victim {
            Some((_, index)) => shown[index] = false,
            None => break,
        }
    }
    let bare = needed(&shown, false) > width;
    // Still too wide at their barest: free text goes too, the shortest-asking (a name) first.
    while needed(&shown, bare) > width {
        let victim = (0..headers.len())
            .filter(|i| shown[*i])
            .filter_map(|i| match gives[i] {
                Give::Shrink { comfortable, .. } => Some((std::cmp::Reverse(comfortable), i)),
                _ => None,
            })
            .max();
        match victim {
            Some((_, index)) => shown[index] = false,
            None => break,
        }
    }
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
        {
            let more = (content[index] - widths[index]).min(spare);
            widths[index] += more;
            spare -= more;
        }
    }
    for (index, column) in table.column_iter_mut().enumerate() {
        let constraint = if shown.get(index).copied().unwrap_or(true) {
            let cells = widths.get(index).copied().unwrap_or(1) + PADDING;
            ColumnConstraint::Absolute(Width::Fixed(u16::try_from(cells).unwrap_or(u16::MAX)))
        } else {
            ColumnConstraint::Hidden
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

    fn table(headers: &[&str], rows: &[&[&str]]) -> (Table, Vec<String>) {
        let mut table = Table::new();
        table.set_header(headers.to_vec());
        for row in rows {
            table.add_row(row.to_vec());
        }
        (table, headers.iter().map(|h| h.to_string()).collect())
    }

    fn widths(table: &Table) -> Vec<Option<u16>> {
        table
            .column_iter()
            .map(|c| match c.constraint() {
                Some(ColumnConstraint::Absolute(Width::Fixed(w))) => Some(*w),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn drops_reith_before_cutting_text_and_keeps_handle_whole() {
        let note = "a long note ".repeat(5);
        let (mut t, headers) = table(
            &["DUE", "HANDLE", "REITH", "WHAT"],
            &[&[
                "5y overdue",
                "dmitri-van-dijk",
                "r+1 i+1 h+1",
                note.trim_end(),
            ]],
        );
        fit(&mut t, &headers, 60);
        let w = widths(&t);
        assert_eq!(w[0], Some(12));
        assert_eq!(w[1], Some(17));
        assert_eq!(w[2], None, "REITH hidden");
        assert_eq!(
            w[3],
            Some(60 - 12 - 17 - 2),
            "two blanks between three columns"
        );
    }

    #[test]
    fn text_goes_down_to_its_bare_minimum_when_nothing_is_left_to_drop() {
        let (mut t, headers) = table(
            &["DUE", "HANDLE", "NOTE"],
            &[&[
                "12d overdue",
                "a-very-long-handle-indeed",
                &"word ".repeat(20),
            ]],
        );
        fit(&mut t, &headers, 56);
        let w = widths(&t);
        assert_eq!(w[1], Some(27), "the handle stays whole");
        assert_eq!(w[2], Some(56 - 13 - 27 - 2));
    }

    #[test]
    fn everything_fits_untouched_when_there_is_room() {
        let (mut t, headers) = table(&["ID", "NOTE"], &[&["1", "short"]]);
        fit(&mut t, &headers, 80);
        assert_eq!(widths(&t), vec![Some(4), Some(7)]);
    }

    #[test]
    fn cut_keeps_within_width() {
        assert_eq!(cut("abcdef", 10), "abcdef");
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("Wójcik Müller", 5), "Wójc…");
    }
}
