//! The dialect of a CSV file: its delimiter, sniffed from the header line (comma, semicolon
//! or tab: Thunderbird writes all three), and rows read as bytes first so that a row that is
//! not UTF-8 gets a hint naming the charset it most likely is.

use csv::StringRecord;
use std::io::Read;

/// A header line longer than this is no address book's: it is sniffed from its start.
const MAX_HEADER: usize = 1 << 20;

/// The bytes up to and including the first line end outside quotes (or `MAX_HEADER`).
pub(super) fn first_line<R: Read>(reader: &mut R) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut quoted = false;
    let mut byte = [0u8; 1];
    while head.len() < MAX_HEADER {
        if reader.read(&mut byte)? == 0 {
            break;
        }
        head.push(byte[0]);
        match byte[0] {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            _ => {}
        }
    }
    Ok(head)
}

/// Comma, semicolon or tab: whichever the header line holds most of outside quotes
/// (a comma when it holds none: a one-column file).
pub fn sniff_delimiter(header: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for byte in header {
        match byte {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let delimiters = [b',', b';', b'\t'];
    let mut best = 0;
    for index in 1..3 {
        if counts[index] > counts[best] {
            best = index;
        }
    }
    delimiters[best]
}

/// Why a row could not be read as text.
pub(super) enum Unread {
    Csv(csv::Error),
    /// The row's bytes, kept so the hint can name the charset they most likely are.
    NotUtf8(csv::ByteRecord),
}

/// One row as text, read as bytes first so that a row that is not UTF-8 can be told
/// apart and its charset guessed.
pub(super) fn read_text<R: Read>(
    csv: &mut csv::Reader<R>,
    row: &mut StringRecord,
) -> Result<bool, Unread> {
    let mut bytes = csv::ByteRecord::new();
    if !csv.read_byte_record(&mut bytes).map_err(Unread::Csv)? {
        return Ok(false);
    }
    match StringRecord::from_byte_record(bytes) {
        Ok(text) => {
            *row = text;
            Ok(true)
        }
        Err(err) => Err(Unread::NotUtf8(err.into_byte_record())),
    }
}

pub(super) fn not_utf8(bytes: &csv::ByteRecord) -> String {
    let text: Vec<u8> = bytes.iter().flat_map(|cell| cell.iter().copied()).collect();
    format!(
        "text is not valid UTF-8 ({})",
        crate::import::charset::hint_for(&text)
    )
}
