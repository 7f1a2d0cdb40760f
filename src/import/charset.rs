//! Text in a legacy charset (`rel import --encoding windows-1252`): the label read, and a
//! reader that turns such a stream into UTF-8 as it goes, so the CSV reader stays UTF-8.

use crate::error::{Error, Result};
use encoding_rs::Encoding;
use std::io::Read;

/// An `--encoding` label (`windows-1252`, `latin1`, `iso-8859-15`…), or exit 2.
pub fn encoding_named(label: &str) -> Result<&'static Encoding> {
    Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
        Error::usage(format!("unknown encoding '{label}'"))
            .with_hint("try windows-1252, iso-8859-1, iso-8859-15 or utf-8")
    })
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
