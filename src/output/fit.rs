//! Fitting tables to the terminal: each column's width, as its header says it gives way
//! (`columns`), and what is left of the width shared out.

use super::columns::{FIRST_HANDLE, Give, first_item_width, give};
use comfy_table::{ColumnConstraint, Table, Width};
use unicode_width::UnicodeWidthStr;

/// Each cell is drawn with one space either side.
const PADDING: usize = 2;

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
}
