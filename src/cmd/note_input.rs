//! Where a note comes from: the words, `-`/piped stdin, or `$VISUAL`/`$EDITOR` as `git commit`
//! does it.

use crate::error::{Error, Result};
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::Command;

pub use crate::checks::MAX_NOTE_BYTES;

/// A note and, when it was written in the editor, the private file it lives in until saved.
pub struct Note {
    pub text: String,
    editor_file: Option<(tempfile::TempDir, PathBuf)>,
}

impl Note {
    /// A note that did not come from the editor (nothing to keep on failure).
    pub fn from_text(text: String) -> Note {
        Note {
            text,
            editor_file: None,
        }
    }

    /// After a failed save, keep the editor's file and say where it is, so no writing is lost.
    pub fn keep_on_failure<T>(self, result: Result<T>) -> Result<T> {
        match (result, self.editor_file) {
            (Err(err), Some((dir, path))) => Err(keep_editor_file(err, dir, &path)),
            (result, _) => result,
        }
    }
}

/// Keeps the editor's folder past this process and adds its path to the error's hint.
fn keep_editor_file(err: Error, dir: tempfile::TempDir, path: &std::path::Path) -> Error {
    let _ = dir.keep();
    let hint = format!("your note is kept in {}", path.display());
    let hint = match err.hint {
        Some(old) => format!("{old}; {hint}"),
        None => hint,
    };
    Error {
        hint: Some(hint),
        ..err
    }
}

/// How `log` finds its note: `-e` or a bare terminal opens the editor; `-` or a pipe reads
/// stdin; otherwise the words are the note.
pub fn read_note(words: &[String], edit: bool) -> Result<Note> {
    let joined = words.join(" ");
    if edit {
        return edit_note(&joined);
    }
    if words.len() == 1 && words[0] == "-" {
        return read_stdin().map(Note::from_text);
    }
    if !words.is_empty() {
        return check_size(joined).map(Note::from_text);
    }
    if !std::io::stdin().is_terminal() {
        return read_stdin().map(Note::from_text);
    }
    edit_note("")
}

fn check_size(text: String) -> Result<String> {
    crate::checks::note(&text)?;
    Ok(text)
}

/// The note given as words on the command line, checked as every other way in is.
pub fn from_words(words: &[String]) -> Result<Note> {
    check_size(words.join(" ")).map(Note::from_text)
}

/// Reads a note from stdin: UTF-8, no NUL bytes, at most `MAX_NOTE_BYTES`; one trailing
/// newline dropped. Empty is allowed (the touch still counts).
pub fn read_stdin() -> Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_NOTE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| Error::runtime(format!("cannot read the note from stdin: {err}")))?;
    decode_note(bytes, "stdin")
}

fn decode_note(bytes: Vec<u8>, source: &str) -> Result<String> {
    if bytes.len() > MAX_NOTE_BYTES {
        return Err(Error::usage(format!(
            "note from {source} is too long (the limit is {MAX_NOTE_BYTES} bytes)"
        )));
    }
    if bytes.contains(&0) {
        return Err(Error::usage(format!(
            "note from {source} contains NUL bytes"
        )));
    }
    let mut text = String::from_utf8(bytes)
        .map_err(|_| Error::usage(format!("note from {source} is not valid UTF-8")))?;
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    Ok(text)
}

/// Opens `$VISUAL`/`$EDITOR` on a 0600 file in a private 0700 folder. An empty note cancels.
pub fn edit_note(initial: &str) -> Result<Note> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string());
    let dir = tempfile::Builder::new().prefix("rel-note-").tempdir()?;
    let path = dir.path().join("NOTE.txt");
    std::fs::write(&path, initial)?;
    // Through the shell, as git does, so EDITOR may carry arguments ("code --wait").
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg("sh")
        .arg(&path)
        .status()
        .map_err(|err| Error::runtime(format!("cannot start editor '{editor}': {err}")))?;
    // From here on the file may hold the user's writing: any failure keeps it.
    let written = std::fs::read(&path);
    let typed_something = written
        .as_ref()
        .map_or(true, |bytes| bytes.as_slice() != initial.as_bytes());
    let checked = if !status.success() {
        Err(Error::runtime(format!(
            "editor '{editor}' failed; nothing written"
        )))
    } else {
        written
            .map_err(|err| Error::runtime(format!("cannot read the note: {err}")))
            .and_then(|bytes| decode_note(bytes, "the editor"))
    };
    let text = match checked {
        Ok(text) => text,
        Err(err) if typed_something => return Err(keep_editor_file(err, dir, &path)),
        Err(err) => return Err(err),
    };
    if text.trim().is_empty() {
        return Err(Error::runtime("empty note; nothing written"));
    }
    Ok(Note {
        text,
        editor_file: Some((dir, path)),
    })
}
