//! Walking a mailbox one message at a time, keeping only each message's header block: an mbox
//! file (the `From ` line starts a message, as mutt and Thunderbird write it) or a Maildir
//! (`cur/` and `new/`, one file per message, as notmuch and offlineimap keep it). Bodies are
//! read past, never kept or parsed, so memory stays bounded whatever the mailbox's size.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Header blocks longer than this are not mail (a binary file, a broken mbox): the message is
/// reported and skipped rather than held in memory.
pub const MAX_HEADER: usize = 256 * 1024;

/// One message's header block and where it was found (for warnings).
#[derive(Debug)]
pub struct RawMessage {
    /// `message 12` in an mbox, the file name in a Maildir.
    pub place: String,
    /// The header block, or why there is none to read.
    pub header: Result<Vec<u8>, String>,
}

/// Calls `each` with every message of an mbox, in order. A line `From ` at the start of the
/// file or after an empty line starts a message (mboxo/mboxrd: a body's own `From ` lines are
/// written `>From `).
pub fn each_mbox_message<R: Read>(
    input: R,
    mut each: impl FnMut(RawMessage) -> crate::error::Result<()>,
) -> std::io::Result<crate::error::Result<()>> {
    let mut input = BufReader::with_capacity(1 << 16, input);
    let mut line = Vec::with_capacity(1024);
    let mut header: Vec<u8> = Vec::new();
    let mut in_header = false;
    let mut oversized = false;
    let mut number = 0usize;
    let mut previous_empty = true;
    let mut started = false;
    loop {
        line.clear();
        let read = input.read_until(b'\n', &mut line)?;
        let at_end = read == 0;
        let separator = !at_end && previous_empty && is_envelope(&line);
        if (separator || at_end) && started {
            let header = std::mem::take(&mut header);
            let result = if oversized {
                Err("its header is larger than 256 KB".to_string())
            } else if in_header && header.is_empty() {
                Err("it has no header".to_string())
            } else {
                Ok(header)
            };
            if let Err(err) = each(RawMessage {
                place: format!("message {number}"),
                header: result,
            }) {
                return Ok(Err(err));
            }
        }
        if at_end {
            return Ok(Ok(()));
        }
        let empty = line == b"\n" || line == b"\r\n";
        if separator {
            number += 1;
            started = true;
            in_header = true;
            oversized = false;
        } else if in_header {
            if empty {
                in_header = false;
            } else if header.len() + line.len() > MAX_HEADER {
                oversized = true;
                header.clear();
            } else if !oversized {
                header.extend_from_slice(&line);
            }
        }
        previous_empty = empty;
    }
}

/// `From sender Mon Jan  1 09:30:00 2024`: the envelope line, told from a body's sentence
/// that an mbox writer forgot to escape by its time of day (`HH:MM`).
fn is_envelope(line: &[u8]) -> bool {
    line.starts_with(b"From ")
        && line.windows(4).any(|w| {
            w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit() && w[3].is_ascii_digit()
        })
}

/// The message files of a Maildir (`cur/` and `new/`), and of Maildir++ sub-folders
/// (`.Sent/cur`…) and plain sub-folders that are Maildirs (as offlineimap lays out
/// accounts), sorted so every run reads them in the same order.
pub fn maildir_files(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut folders = vec![root.to_path_buf()];
    for entry in std::fs::read_dir(root)? {
        let path = entry?.path();
        if path.is_dir() && is_maildir(&path) {
            folders.push(path);
        }
    }
    let mut files = Vec::new();
    for folder in folders {
        for sub in ["cur", "new"] {
            let dir = folder.join(sub);
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries {
                let path = entry?.path();
                let hidden = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'));
                if path.is_file() && !hidden {
                    files.push(path);
                }
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A folder with `cur/` and `new/`.
pub fn is_maildir(path: &Path) -> bool {
    path.join("cur").is_dir() && path.join("new").is_dir()
}

/// A folder holding Maildirs (an offlineimap account) without being one itself.
pub fn holds_maildirs(path: &Path) -> bool {
    std::fs::read_dir(path).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|e| e.path().is_dir() && is_maildir(&e.path()))
    })
}

/// The header block of one Maildir message file: read up to the first empty line, no further.
pub fn maildir_header(path: &Path) -> std::io::Result<Result<Vec<u8>, String>> {
    let mut input = BufReader::new(File::open(path)?);
    let mut header = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 || line == b"\n" || line == b"\r\n" {
            break;
        }
        if header.len() + line.len() > MAX_HEADER {
            return Ok(Err("its header is larger than 256 KB".into()));
        }
        header.extend_from_slice(&line);
    }
    if header.is_empty() {
        return Ok(Err("it has no header".into()));
    }
    Ok(Ok(header))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers_of(text: &str) -> Vec<Result<String, String>> {
        let mut out = Vec::new();
        each_mbox_message(text.as_bytes(), |m| {
            out.push(m.header.map(|h| String::from_utf8_lossy(&h).into_owned()));
            Ok(())
        })
        .unwrap()
        .unwrap();
        out
    }

    #[test]
    fn an_escaped_from_line_in_a_body_starts_no_message() {
        let mbox = "From a@x Mon Jan  1 00:00:00 2024\nSubject: one\n\nbody\n>From here\n\nFrom b@x Mon Jan  1 00:00:00 2024\nSubject: two\n\nFrom the body, not a separator\n";
        let found = headers_of(mbox);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].as_deref(), Ok("Subject: one\n"));
        assert_eq!(found[1].as_deref(), Ok("Subject: two\n"));
    }

    #[test]
    fn crlf_mailboxes_and_missing_trailing_newlines_are_read() {
        let found = headers_of("From a Mon Jan  1 00:00:00 2024\r\nSubject: x\r\n\r\nbody");
        assert_eq!(found, vec![Ok("Subject: x\r\n".to_string())]);
        assert!(headers_of("").is_empty());
    }
}
