//! The table a person reads: borderless, fitted to the terminal, cells shaped to their
//! column and coloured by their tone.

use super::{Listing, Output, Tone};
use crate::escape::escape_visible;
use comfy_table::{
    Cell, CellAlignment, Color, ContentArrangement, LineStyle, Row, Table, TableStyle,
};

impl Output {
    pub(super) fn table(&self, listing: &Listing) -> Table {
        let mut headers: Vec<String> = listing
            .table_headers
            .iter()
            .map(|h| header_text(h))
            .collect();
        // Cells as they will show (escaped), so widths are measured on what is drawn.
        let mut rows: Vec<Vec<(String, Tone)>> = listing
            .rows
            .iter()
            .map(|row| {
                row.pretty
                    .iter()
                    .map(|(text, tone)| (escape_visible(text), *tone))
                    .collect()
            })
            .collect();
        // Columns empty on every row say nothing: they go before any text is cut.
        crate::output::columns::drop_empty_columns(&mut headers, &mut rows);
        let mut table = new_table(self.color);
        let layout = crate::output::terminal::terminal_width().map(|width| {
            // A 100,000-character name is measured only up to a little past the width: every
            // step below is linear in what it reads.
            let texts: Vec<Vec<String>> = rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|(text, _)| cut_chars(text, width + 1).to_string())
                        .collect()
                })
                .collect();
            crate::output::fit::fit(&headers, &texts, width)
        });
        table.set_header(headers.iter().map(|h| self.header_cell(h)));
        for row in &rows {
            let cells = row.iter().enumerate().map(|(index, (text, tone))| {
                let shown = match layout
                    .as_ref()
                    .and_then(|l| l.get(index).copied().flatten())
                {
                    // The whole text: a note's `(+N lines)` and a snippet's match may lie
                    // past the width (shaping is linear, whatever the length).
                    Some(width) => crate::output::shape::shape(&headers[index], text, width),
                    None => text.clone(),
                };
                self.styled(shown, *tone)
            });
            let mut table_row = Row::from(cells);
            // One line per record: long notes end in an ellipsis instead of wrapping.
            table_row.max_height(1);
            table.add_row(table_row);
        }
        if let Some(layout) = &layout {
            crate::output::fit::apply(&mut table, layout);
        }
        table
    }

    pub fn header_cell(&self, text: &str) -> Cell {
        let cell = Cell::new(header_text(text));
        if self.color {
            cell.add_attribute(comfy_table::Attribute::Bold)
        } else {
            cell
        }
    }

    pub fn cell(&self, text: &str, tone: Tone) -> Cell {
        self.styled(escape_visible(text), tone)
    }

    /// A cell of text already escaped, coloured by its tone when colour is on.
    fn styled(&self, text: String, tone: Tone) -> Cell {
        let cell = Cell::new(text);
        if !self.color {
            return cell;
        }
        match tone {
            Tone::Plain => cell,
            Tone::Alert => cell.fg(Color::Red),
            Tone::Warn => cell.fg(Color::Yellow),
            Tone::Good => cell.fg(Color::Green),
            Tone::Dim => cell.fg(Color::DarkGrey),
        }
    }
}

/// A column name as a table header shows it: `last_touch` → `LAST TOUCH`.
fn header_text(name: &str) -> String {
    name.to_uppercase().replace('_', " ")
}

/// No borders, only a line under the header, as `gh` and Taskwarrior draw lists.
const TABLE_STYLE: TableStyle =
    TableStyle::new().header_separator(LineStyle::none().fill('─').junction(' '));

/// A borderless table with a line under the header, as wide as the terminal allows.
pub fn new_table(color: bool) -> Table {
    let mut table = Table::new();
    table.load_style(TABLE_STYLE);
    table.set_content_arrangement(ContentArrangement::Dynamic);
    table.set_truncation_indicator("…");
    // The width is set here rather than left to comfy-table, which only asks the terminal
    // when it also draws colour: with NO_COLOR a table would ignore the terminal's width.
    if let Some(width) = crate::output::terminal::terminal_width() {
        table.set_width(u16::try_from(width).unwrap_or(u16::MAX));
    }
    if color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table
}

/// The first `limit` characters of `text`.
fn cut_chars(text: &str, limit: usize) -> &str {
    match text.char_indices().nth(limit) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// Right-aligns a column of numbers.
pub fn align_right(table: &mut Table, index: usize) {
    if let Some(column) = table.column_mut(index) {
        column.set_cell_alignment(CellAlignment::Right);
    }
}
