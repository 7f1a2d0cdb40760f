//! Text in other encodings: the `--encoding` label, a reader that turns a legacy charset into
//! UTF-8 as it streams (so the CSV reader stays UTF-8), UTF-16 and UTF-32 files found by their
//! byte-order mark or their zero bytes, and the charset a stray 8-bit text most likely is
//! (chardetng, Firefox's detector), so a hint names it instead of a fixed guess.

use crate::error::{Error, Result};
use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};
use std::io::{BufRead, BufReader, Read};

/// An `--encoding` label (`windows-1252`, `latin1`, `iso-8859-15`…), or exit 2.
pub fn encoding_named(label: &str) -> Result<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
        Error::usage(format!("unknown encoding '{label}'"))
            .with_hint("try utf-8, utf-16le, utf-32le, windows-1252, iso-8859-15 or shift_jis")
    })
}

/// A whole-file encoding whose every character takes two or four bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wide {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

impl Wide {
    fn named(label: &str) -> Option<Wide> {
        match label.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-16" | "utf-16le" | "utf16" | "utf16le" | "ucs-2" => Some(Wide::Utf16Le),
            "utf-16be" | "utf16be" => Some(Wide::Utf16Be),
            "utf-32" | "utf-32le" | "utf32" | "utf32le" | "ucs-4" => Some(Wide::Utf32Le),
            "utf-32be" | "utf32be" => Some(Wide::Utf32Be),
            _ => None,
        }
    }

    /// From the first bytes: a byte-order mark, else the zeros ASCII text has in each
    /// encoding (`B\0E\0` is UTF-16LE, `\0\0\0B` UTF-32BE…).
    pub fn sniff(head: &[u8]) -> Option<Wide> {
        match head {
            [0xFF, 0xFE, 0, 0, ..] => return Some(Wide::Utf32Le),
            [0, 0, 0xFE, 0xFF, ..] => return Some(Wide::Utf32Be),
            [0xFF, 0xFE, ..] => return Some(Wide::Utf16Le),
            [0xFE, 0xFF, ..] => return Some(Wide::Utf16Be),
            _ => {}
        }
        let sample = &head[..head.len().min(64) / 4 * 4];
        if sample.len() < 4 {
            return None;
        }
        let zero_at = |offset: usize, step: usize| {
            sample
                .iter()
                .skip(offset)
                .step_by(step)
                .filter(|b| **b == 0)
                .count()
        };
        let quads = sample.len() / 4;
        let pairs = sample.len() / 2;
        // Most of the text is ASCII: mostly zeros where the high bytes go, none elsewhere.
        let mostly = |zeros: usize, of: usize| zeros * 4 >= of * 3;
        let utf32le =
            mostly(zero_at(1, 4) + zero_at(2, 4) + zero_at(3, 4), 3 * quads) && zero_at(0, 4) == 0;
        let utf32be =
            mostly(zero_at(0, 4) + zero_at(1, 4) + zero_at(2, 4), 3 * quads) && zero_at(3, 4) == 0;
        if utf32le {
            return Some(Wide::Utf32Le);
        }
        if utf32be {
            return Some(Wide::Utf32Be);
        }
        if mostly(zero_at(1, 2), pairs) && zero_at(0, 2) == 0 {
            return Some(Wide::Utf16Le);
        }
        if mostly(zero_at(0, 2), pairs) && zero_at(1, 2) == 0 {
            return Some(Wide::Utf16Be);
        }
        None
    }
}

/// The input as rel reads it: UTF-16 and UTF-32 (named by `--encoding`, or found by
/// `Wide::sniff`) turned into UTF-8 as it streams; and the legacy charset `--encoding`
/// names for the readers to apply where text is not UTF-8.
pub fn prepare<'a, R: BufRead + Send + 'a>(
    input: R,
    head: &[u8],
    label: Option<&str>,
) -> Result<(Box<dyn BufRead + Send + 'a>, Option<&'static Encoding>)> {
    let named_wide = label.and_then(Wide::named);
    let legacy = match (label, named_wide) {
        (Some(label), None) => Some(encoding_named(label)?),
        _ => None,
    };
    let wide = named_wide.or_else(|| match legacy {
        // `--encoding utf-8` (or a legacy charset) on a file with a UTF-16 mark: the mark wins.
        _ if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) => {
            Wide::sniff(head)
        }
        Some(_) => None,
        None => Wide::sniff(head),
    });
    let reader: Box<dyn BufRead + Send + 'a> = match wide {
        None => Box::new(input),
        Some(Wide::Utf16Le) => Box::new(BufReader::new(Transcoded::new(input, UTF_16LE))),
        Some(Wide::Utf16Be) => Box::new(BufReader::new(Transcoded::new(input, UTF_16BE))),
        Some(Wide::Utf32Le) => Box::new(BufReader::new(Utf32::new(input, false))),
        Some(Wide::Utf32Be) => Box::new(BufReader::new(Utf32::new(input, true))),
    };
    Ok((reader, if wide.is_some() { None } else { legacy }))
}

/// The first bytes as the format guess should see them: zero bytes of UTF-16/32 dropped.
pub fn readable_head(head: &[u8]) -> Vec<u8> {
    match Wide::sniff(head) {
        Some(_) => head.iter().copied().filter(|b| *b != 0).collect(),
        None => head.to_vec(),
    }
}

/// A reader that turns text in a legacy charset into UTF-8 as it streams.
pub struct Transcoded<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    out: Vec<u8>,
    at: usize,
    done: bool,
}

impl<R: Read> Transcoded<R> {
    pub fn new(inner: R, encoding: &'static Encoding) -> Transcoded<R> {
        Transcoded {
            inner,
            decoder: encoding.new_decoder(),
            out: Vec::new(),
            at: 0,
            done: false,
        }
    }
}

impl<R: Read> Read for Transcoded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at >= self.out.len() && !self.done {
            let mut chunk = [0u8; 8192];
            let n = self.inner.read(&mut chunk)?;
            let last = n == 0;
            let room = self.decoder.max_utf8_buffer_length(n).unwrap_or(n * 4 + 16);
            let mut text = String::with_capacity(room);
            let _ = self.decoder.decode_to_string(&chunk[..n], &mut text, last);
            self.out = text.into_bytes();
            self.at = 0;
            self.done = last;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// UTF-32 to UTF-8 as it streams (encoding_rs has no UTF-32): a leading byte-order mark is
/// dropped, a code unit that is no character becomes U+FFFD.
pub struct Utf32<R> {
    inner: R,
    big_endian: bool,
    pending: Vec<u8>,
    out: Vec<u8>,
    at: usize,
    started: bool,
}

impl<R: Read> Utf32<R> {
    pub fn new(inner: R, big_endian: bool) -> Utf32<R> {
        Utf32 {
            inner,
            big_endian,
            pending: Vec::new(),
            out: Vec::new(),
            at: 0,
            started: false,
        }
    }
}

impl<R: Read> Read for Utf32<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at >= self.out.len() {
            let mut chunk = [0u8; 8192];
            let n = self.inner.read(&mut chunk)?;
            if n == 0 {
                if self.pending.is_empty() {
                    return Ok(0);
                }
                // A cut-off last character.
                self.pending.clear();
                self.out = "\u{FFFD}".as_bytes().to_vec();
                self.at = 0;
                break;
            }
            self.pending.extend_from_slice(&chunk[..n]);
            let whole = self.pending.len() / 4 * 4;
            let mut text = String::with_capacity(whole);
            for unit in self.pending[..whole].chunks_exact(4) {
                let bytes = [unit[0], unit[1], unit[2], unit[3]];
                let code = if self.big_endian {
                    u32::from_be_bytes(bytes)
                } else {
                    u32::from_le_bytes(bytes)
                };
                let first = !self.started;
                self.started = true;
                if first && code == 0xFEFF {
                    continue;
                }
                text.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            self.pending.drain(..whole);
            self.out = text.into_bytes();
            self.at = 0;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Guesses the charset of text that is not UTF-8, from what it has been fed (the first
/// MiB of such text is plenty).
pub struct Guesser {
    detector: EncodingDetector,
    fed: usize,
}

impl Default for Guesser {
    fn default() -> Guesser {
        Guesser {
            detector: EncodingDetector::new(Iso2022JpDetection::Deny),
            fed: 0,
        }
    }
}

impl Guesser {
    pub fn feed(&mut self, bytes: &[u8]) {
        if self.fed < 1 << 20 && !bytes.is_ascii() {
            self.detector.feed(bytes, false);
            self.fed += bytes.len();
        }
    }

    /// The likeliest charset (never UTF-8: the text was not valid UTF-8).
    pub fn guess(&self) -> &'static Encoding {
        self.detector.guess(None, Utf8Detection::Deny)
    }

    /// `it looks like Shift_JIS: pass --encoding shift_jis`.
    pub fn hint(&self) -> String {
        let name = self.guess().name();
        format!(
            "it looks like {name}: pass --encoding {}",
            name.to_ascii_lowercase()
        )
    }
}

/// The hint for one piece of text that is not UTF-8.
pub fn hint_for(bytes: &[u8]) -> String {
    let mut guesser = Guesser::default();
    guesser.feed(bytes);
    guesser.hint()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf8_of(reader: impl Read) -> String {
        let mut text = String::new();
        BufReader::new(reader)
            .read_to_string(&mut text)
            .expect("utf-8");
        text
    }

    #[test]
    fn wide_encodings_are_found_with_or_without_a_mark() {
        let utf16le: Vec<u8> = "BEGIN:VCARD"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let utf16be: Vec<u8> = "BEGIN:VCARD"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let utf32le: Vec<u8> = "BEGIN:VCARD"
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        let utf32be: Vec<u8> = "BEGIN:VCARD"
            .chars()
            .flat_map(|c| (c as u32).to_be_bytes())
            .collect();
        assert_eq!(Wide::sniff(&utf16le), Some(Wide::Utf16Le));
        assert_eq!(Wide::sniff(&utf16be), Some(Wide::Utf16Be));
        assert_eq!(Wide::sniff(&utf32le), Some(Wide::Utf32Le));
        assert_eq!(Wide::sniff(&utf32be), Some(Wide::Utf32Be));
        assert_eq!(Wide::sniff(b"\xFF\xFEB\0"), Some(Wide::Utf16Le));
        assert_eq!(Wide::sniff(b"\xFF\xFE\0\0B\0\0\0"), Some(Wide::Utf32Le));
        assert_eq!(Wide::sniff(b"BEGIN:VCARD\r\nVERSION:3.0"), None);
        assert_eq!(Wide::sniff("Grüße, 山田".as_bytes()), None);
    }

    #[test]
    fn utf32_streams_to_utf8() {
        let mut bytes = 0xFEFFu32.to_be_bytes().to_vec();
        bytes.extend("Ämi 山田 🎉".chars().flat_map(|c| (c as u32).to_be_bytes()));
        assert_eq!(utf8_of(Utf32::new(&bytes[..], true)), "Ämi 山田 🎉");
    }

    #[test]
    fn hints_name_the_likely_charset() {
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("山田太郎さんのメモ、東京都港区");
        assert!(hint_for(&sjis).contains("Shift_JIS"), "{}", hint_for(&sjis));
        let (latin2, _, _) =
            encoding_rs::WINDOWS_1250.encode("Jan Kowalski, Łódź, Iksiński, zażółć gęślą jaźń");
        assert!(
            hint_for(&latin2).contains("windows-1250"),
            "{}",
            hint_for(&latin2)
        );
    }

    proptest::proptest! {
        #[test]
        fn wide_readers_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let _ = Wide::sniff(&bytes);
            let _ = readable_head(&bytes);
            for big_endian in [false, true] {
                let text = utf8_of(Utf32::new(&bytes[..], big_endian));
                proptest::prop_assert!(text.chars().count() <= bytes.len() / 4 + 1);
            }
        }
    }
}
