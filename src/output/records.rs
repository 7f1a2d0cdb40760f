//! What a command prints about one thing: the id or handle it made, a whole record in JSON
//! formats, or a line for a person.

use super::{Format, Output};
use crate::error::Result;
use crate::escape::escape_visible;
use serde_json::Value;
use std::io::Write;

impl Output {
    /// Prints what `add`, `log` and `remind` print: the bare id/handle, or the whole record in
    /// JSON formats, or nothing with `-q`.
    pub fn created(&self, bare: &str, record: &Value) -> Result<()> {
        if self.quiet {
            return Ok(());
        }
        let mut out = std::io::stdout().lock();
        match self.format {
            Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(record)?)?,
            Format::Jsonl => writeln!(out, "{}", serde_json::to_string(record)?)?,
            _ => writeln!(out, "{bare}")?,
        }
        Ok(())
    }

    /// Like [`Output::created`], but a person at a terminal reads `friendly` words instead of
    /// the bare line scripts rely on.
    pub fn created_or_say(
        &self,
        bare: &str,
        record: &Value,
        friendly: impl FnOnce() -> String,
    ) -> Result<()> {
        if self.for_person() {
            return self.note(&friendly());
        }
        self.created(bare, record)
    }

    /// Prints one JSON document in json/jsonl; false when the caller should draw text instead.
    pub fn json_record(&self, record: &impl serde::Serialize) -> Result<bool> {
        // Written as it is serialized: a large record (`stats` lists every strained contact)
        // is never held as one string.
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        match self.format {
            Format::Json => serde_json::to_writer_pretty(&mut out, record)?,
            Format::Jsonl => serde_json::to_writer(&mut out, record)?,
            _ => return Ok(false),
        }
        writeln!(out)?;
        out.flush()?;
        Ok(true)
    }

    /// Several records: a JSON array, or one JSONL line each; false when the caller should
    /// draw text instead.
    pub fn json_records(&self, records: &[Value]) -> Result<bool> {
        match self.format {
            Format::Json => self.json_record(&records),
            Format::Jsonl => {
                let mut out = std::io::stdout().lock();
                for record in records {
                    writeln!(out, "{}", serde_json::to_string(record)?)?;
                }
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Whether records are printed as JSON or JSONL.
    pub fn is_json(&self) -> bool {
        matches!(self.format, Format::Json | Format::Jsonl)
    }

    /// A line for a person (confirmations like "archived maria"); silent with `-q`.
    pub fn note(&self, text: &str) -> Result<()> {
        if !self.quiet {
            writeln!(std::io::stdout().lock(), "{}", escape_visible(text))?;
        }
        Ok(())
    }
}
