//! The four formats a script reads (json, jsonl, csv, tsv), written row by row as a listing
//! makes them.

use super::{Format, ListRow, Output};
use crate::error::Result;
use crate::escape::escape_tsv;
use std::borrow::Borrow;
use std::io::{BufWriter, Write};

impl Output {
    /// json, jsonl, csv or tsv through one buffer (stdout alone is flushed at every line).
    pub(super) fn write_rows<R: Borrow<ListRow>>(
        &self,
        headers: &[&str],
        rows: impl Iterator<Item = Result<R>>,
    ) -> Result<()> {
        let mut out = BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
        match self.format {
            Format::Json => {
                // The same bytes as `to_writer_pretty` of the whole array, one element at a time.
                let mut empty = true;
                for row in rows {
                    let row = row?;
                    out.write_all(if empty { b"[\n" } else { b",\n" })?;
                    empty = false;
                    let text = serde_json::to_string_pretty(&row.borrow().json)?;
                    for (index, line) in text.lines().enumerate() {
                        if index > 0 {
                            out.write_all(b"\n")?;
                        }
                        out.write_all(b"  ")?;
                        out.write_all(line.as_bytes())?;
                    }
                }
                out.write_all(if empty { b"[]\n" } else { b"\n]\n" })?;
            }
            Format::Jsonl => {
                for row in rows {
                    serde_json::to_writer(&mut out, &row?.borrow().json)?;
                    writeln!(out)?;
                }
            }
            Format::Tsv | Format::Table => {
                writeln!(out, "{}", headers.join("\t"))?;
                for row in rows {
                    let row = row?;
                    for (index, cell) in row.borrow().plain.iter().enumerate() {
                        if index > 0 {
                            out.write_all(b"\t")?;
                        }
                        out.write_all(escape_tsv(cell).as_bytes())?;
                    }
                    writeln!(out)?;
                }
            }
            Format::Csv => {
                let mut writer = csv::Writer::from_writer(&mut out);
                writer.write_record(headers)?;
                for row in rows {
                    let row = row?;
                    let cells = row
                        .borrow()
                        .plain
                        .iter()
                        .map(|c| crate::escape::csv_cell(c));
                    writer.write_record(cells.map(|c| c.into_owned()))?;
                }
                writer.flush()?;
            }
        }
        out.flush()?;
        Ok(())
    }
}
