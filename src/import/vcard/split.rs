//! Cuts a vCard stream into cards, one physical line at a time, before calcard reads each
//! card. This is where nothing may be lost silently: a `BEGIN:VCARD` glued to the previous
//! `END:VCARD` (two files joined with `cat`) starts a card of its own, lines outside any card
//! are a bad record naming their line, a nested vCard 2.1 `AGENT:` card is dropped from its
//! host, raw 8-bit text in the charset a property names (`CHARSET=Windows-1252`, as
//! Outlook writes) is decoded to UTF-8, because calcard reads only UTF-8 text, and
//! quoted-printable values are decoded whole (`qp.rs`).

use super::super::charset::Guesser;
use super::line::{charset_of, decode, split_property, strip_prefix_ci, trim_key};
use super::qp;
use encoding_rs::Encoding;
use std::collections::VecDeque;
use std::io::{BufRead, Read};

/// A physical line longer than this is no real vCard's (photos are folded).
const MAX_LINE: usize = 16 << 20;
/// A card larger than this is refused instead of held in memory.
const MAX_CARD: usize = 64 << 20;

/// One card's text (as UTF-8, nested cards removed), or why it has none.
#[derive(Debug)]
pub struct RawCard {
    pub record: usize,
    /// 1-based line of its `BEGIN:VCARD` (or of the first stray line).
    pub line: usize,
    pub body: Result<String, String>,
    /// What was read only in part (quoted-printable bytes that had to be guessed at).
    pub warnings: Vec<String>,
}

/// Yields the cards of a stream in file order; an I/O error ends it.
pub struct Splitter<R> {
    reader: R,
    fallback: Option<&'static Encoding>,
    line_no: usize,
    records: usize,
    open: Option<OpenCard>,
    stray: Option<(usize, String)>,
    ready: VecDeque<RawCard>,
    finished: bool,
    /// Fed the text that is not UTF-8, to name its likely charset in a hint.
    guesser: Guesser,
}

struct OpenCard {
    line: usize,
    body: String,
    error: Option<String>,
    agent: Agent,
    /// The charset of the property whose continuation lines may follow.
    charset: Option<&'static Encoding>,
    /// The current property is dropped (an `AGENT`), and so are its continuations.
    dropping: bool,
    /// A quoted-printable property whose last line ended in a soft break (`=`): the next
    /// line continues it.
    quoted_printable: Option<Vec<u8>>,
    /// `VERSION:2.1`: backslashes are text, not escapes.
    version21: bool,
    warnings: Vec<String>,
}

/// Where we are with a vCard 2.1 nested `AGENT` card.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Agent {
    None,
    /// `AGENT:` with an empty value: a `BEGIN:VCARD` on the next line is its card.
    Expected,
    /// Inside the nested card, this many `BEGIN`s deep.
    Inside(usize),
}

enum Line {
    Bytes(Vec<u8>),
    TooLong,
}

impl<R: BufRead> Splitter<R> {
    /// `fallback` decodes non-UTF-8 lines that name no charset (`--encoding`).
    pub fn new(reader: R, fallback: Option<&'static Encoding>) -> Splitter<R> {
        Splitter {
            reader,
            fallback,
            line_no: 0,
            records: 0,
            open: None,
            stray: None,
            ready: VecDeque::new(),
            finished: false,
            guesser: Guesser::default(),
        }
    }

    fn read_line(&mut self) -> std::io::Result<Option<Line>> {
        let mut buf = Vec::new();
        let limit = (MAX_LINE + 1) as u64;
        let mut bounded = <&mut R as Read>::take(&mut self.reader, limit);
        if bounded.read_until(b'\n', &mut buf)? == 0 {
            return Ok(None);
        }
        if buf.len() > MAX_LINE && buf.last() != Some(&b'\n') {
            // Skip to the end of the monster line without holding it.
            loop {
                let chunk = self.reader.fill_buf()?;
                if chunk.is_empty() {
                    break;
                }
                match chunk.iter().position(|b| *b == b'\n') {
                    Some(at) => {
                        self.reader.consume(at + 1);
                        break;
                    }
                    None => {
                        let len = chunk.len();
                        self.reader.consume(len);
                    }
                }
            }
            return Ok(Some(Line::TooLong));
        }
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        Ok(Some(Line::Bytes(buf)))
    }

    fn next_record(&mut self) -> usize {
        self.records += 1;
        self.records
    }

    fn flush_stray(&mut self) {
        if let Some((line, text)) = self.stray.take() {
            let record = self.next_record();
            self.ready.push_back(RawCard {
                record,
                line,
                body: Err(format!("'{text}' is outside any BEGIN:VCARD … END:VCARD")),
                warnings: Vec::new(),
            });
        }
    }

    fn begin(&mut self) {
        self.flush_stray();
        if let Some(card) = self.open.take() {
            let line = self.line_no;
            self.close(card, Some(format!("missing END:VCARD before line {line}")));
        }
        self.open = Some(OpenCard {
            line: self.line_no,
            body: String::from("BEGIN:VCARD\n"),
            error: None,
            agent: Agent::None,
            charset: None,
            dropping: false,
            quoted_printable: None,
            version21: false,
            warnings: Vec::new(),
        });
    }

    fn close(&mut self, mut card: OpenCard, error: Option<String>) {
        if let Some(pending) = card.quoted_printable.take() {
            self.push_quoted_printable(&mut card, pending);
        }
        let record = self.next_record();
        let body = match error.or(card.error) {
            Some(error) => Err(error),
            None => Ok(card.body + "END:VCARD\n"),
        };
        self.ready.push_back(RawCard {
            record,
            line: card.line,
            body,
            warnings: card.warnings,
        });
    }

    /// A whole quoted-printable property, decoded and added to the card.
    fn push_quoted_printable(&mut self, card: &mut OpenCard, pending: Vec<u8>) {
        if card.dropping || card.error.is_some() {
            return;
        }
        let (text, warning) =
            qp::rewrite(&pending, card.version21, self.fallback, &mut self.guesser);
        card.warnings.extend(warning);
        push_line(card, &text);
    }

    /// A quoted-printable value read so far: while it ends in `=` (a soft line break) the open
    /// card waits for its next line; else it is decoded onto the card.
    fn quoted_printable_line(&mut self, mut pending: Vec<u8>) {
        if pending.ends_with(b"=") {
            pending.pop();
            if let Some(card) = self.open.as_mut() {
                card.quoted_printable = Some(pending);
            }
        } else if let Some(mut card) = self.open.take() {
            self.push_quoted_printable(&mut card, pending);
            self.open = Some(card);
        }
    }

    /// Handles one physical line (a glued `END:VCARDBEGIN:VCARD` comes back as two).
    fn feed(&mut self, line: &[u8]) {
        let key = trim_key(line);
        if let Some(rest) = strip_prefix_ci(key, b"END:VCARD")
            && !rest.is_empty()
            && !self
                .open
                .as_ref()
                .is_some_and(|c| matches!(c.agent, Agent::Inside(_)))
        {
            self.feed(b"END:VCARD");
            self.feed(rest);
            return;
        }
        let is_begin = key.eq_ignore_ascii_case(b"BEGIN:VCARD");
        let is_end = key.eq_ignore_ascii_case(b"END:VCARD");
        let line_no = self.line_no;
        let Some(card) = self.open.as_mut() else {
            if is_begin {
                self.begin();
            } else if !key.is_empty() && self.stray.is_none() {
                let text: String = String::from_utf8_lossy(key).chars().take(40).collect();
                self.stray = Some((line_no, text));
            }
            return;
        };
        match card.agent {
            Agent::Inside(depth) => {
                card.agent = match (is_begin, is_end) {
                    (true, _) => Agent::Inside(depth + 1),
                    (_, true) if depth <= 1 => Agent::None,
                    (_, true) => Agent::Inside(depth - 1),
                    _ => Agent::Inside(depth),
                };
                return;
            }
            Agent::Expected if key.is_empty() => return,
            Agent::Expected if is_begin => {
                card.agent = Agent::Inside(1);
                return;
            }
            Agent::Expected => card.agent = Agent::None,
            Agent::None => {}
        }
        if is_end {
            if let Some(card) = self.open.take() {
                self.close(card, None);
            }
            return;
        }
        if is_begin {
            self.begin();
            return;
        }
        if let Some(mut pending) = card.quoted_printable.take() {
            pending.extend_from_slice(line);
            if pending.len() > MAX_CARD {
                card.error = Some(format!("card is larger than {} MiB", MAX_CARD >> 20));
                return;
            }
            self.quoted_printable_line(pending);
            return;
        }
        let continuation = matches!(line.first(), Some(b' ' | b'\t'));
        let mut name = &b""[..];
        if !continuation {
            let (property, params, value) = split_property(line);
            name = property;
            card.dropping = name.eq_ignore_ascii_case(b"AGENT");
            if card.dropping {
                let value = value.trim_ascii();
                if value.is_empty() {
                    card.agent = Agent::Expected;
                } else if value.eq_ignore_ascii_case(b"BEGIN:VCARD") {
                    card.agent = Agent::Inside(1);
                }
            }
            if name.eq_ignore_ascii_case(b"VERSION") {
                card.version21 = value.trim_ascii() == b"2.1";
            }
            card.charset = charset_of(params);
            if qp::is_quoted_printable(params) {
                self.quoted_printable_line(line.to_vec());
                return;
            }
        }
        if card.dropping || card.error.is_some() {
            return;
        }
        match decode(line, card.charset, self.fallback) {
            Ok(mut text) => {
                if card.version21
                    && !continuation
                    && let Some((head, value)) = text.split_once(':')
                {
                    text = format!("{head}:{}", qp::keep_backslashes(name, value));
                }
                push_line(card, &text);
            }
            Err(()) => {
                self.guesser.feed(line);
                card.error = Some(format!(
                    "line {line_no} is not UTF-8 and names no CHARSET ({})",
                    self.guesser.hint()
                ));
            }
        }
    }

    fn finish(&mut self) {
        self.flush_stray();
        if let Some(card) = self.open.take() {
            self.close(card, Some("missing END:VCARD at end of file".into()));
        }
        if self.records == 0 {
            let record = self.next_record();
            self.ready.push_back(RawCard {
                record,
                line: 1,
                body: Err("no vCard found (expected BEGIN:VCARD)".into()),
                warnings: Vec::new(),
            });
        }
    }
}

impl<R: BufRead> Iterator for Splitter<R> {
    type Item = std::io::Result<RawCard>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(card) = self.ready.pop_front() {
                return Some(Ok(card));
            }
            if self.finished {
                return None;
            }
            match self.read_line() {
                Err(err) => {
                    self.finished = true;
                    return Some(Err(err));
                }
                Ok(None) => {
                    self.finished = true;
                    self.finish();
                }
                Ok(Some(line)) => {
                    self.line_no += 1;
                    match line {
                        Line::Bytes(bytes) => self.feed(&bytes),
                        Line::TooLong => {
                            let message = format!("line {} is longer than 16 MiB", self.line_no);
                            match self.open.as_mut() {
                                Some(card) => card.error = card.error.take().or(Some(message)),
                                None => self.stray = Some((self.line_no, "…".into())),
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Adds one decoded line to a card, refusing a card that grows past `MAX_CARD`.
fn push_line(card: &mut OpenCard, text: &str) {
    card.body.push_str(text);
    card.body.push('\n');
    if card.body.len() > MAX_CARD {
        card.error = Some(format!("card is larger than {} MiB", MAX_CARD >> 20));
        card.body = String::new();
    }
}
