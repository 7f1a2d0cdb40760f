//! Where a note comes from: the words, `-`/piped stdin, or `$VISUAL`/`$EDITOR` as `git commit`
//! does it.

use crate::error::{Error, Result};
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::Command;

/// Notes longer than this are refused: a relationship note is not a file store.
pub const MAX_NOTE_BYTES: usize = 1024 * 1024;

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
            (Err(err), Some((dir, path))) => {
                let _ = dir.keep();
                let hint = format!("your note is kept in {}", path.display());
                let hint = match err.hint {
                    Some(old) => format!("{old}; {hint}"),
                    None => hint,
                };
                Err(Error {
                    hint: Some(hint),
                    ..err
                })
            }
            (result, _) => result,
        }
    }
}

/// How `log` finds its note: `-e` or a bare terminal opens the editor (on `about`, the
/// template's comment lines); `-` or a pipe reads stdin; otherwise the words are the note.
pub fn read_note(words: &[String], edit: bool, about: &[String]) -> Result<Note> {
    let joined = words.join(" ");
    if edit {
        return edit_note(&joined, about);
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
    edit_note("", about)
}

fn check_size(text: String) -> Result<String> {
    if text.len() > MAX_NOTE_BYTES {
        return Err(Error::usage(format!(
            "note is too long ({} bytes; the limit is {} bytes)",
            text.len(),
            MAX_NOTE_BYTES
        )));
    }
    Ok(text)
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

/// What the editor's file holds after the note, as `git commit` does it: a blank line, then
/// `about` and the rules as comment lines, which are dropped again when the file is read.
fn template(initial: &str, about: &[String]) -> String {
    let mut text = format!("{initial}\n\n");
    for line in about {
        text.push_str(&format!("# {line}\n"));
    }
    text.push_str("# Write the note above. Lines starting with '#' are dropped;\n");
    text.push_str("# an empty note cancels.\n");
    text
}

/// The note in the editor's file: comment lines dropped, blank lines around it trimmed.
fn strip_comments(text: &str) -> String {
    let kept: Vec<&str> = text.lines().filter(|line| !line.starts_with('#')).collect();
    let first = kept.iter().position(|line| !line.trim().is_empty());
    let last = kept.iter().rposition(|line| !line.trim().is_empty());
    match (first, last) {
        (Some(first), Some(last)) => kept[first..=last].join("\n"),
        _ => String::new(),
    }
}

/// Opens `$VISUAL`/`$EDITOR` on a 0600 file in a private 0700 folder holding `initial` and the
/// comment template. An empty note cancels.
pub fn edit_note(initial: &str, about: &[String]) -> Result<Note> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string());
    let dir = tempfile::Builder::new().prefix("rel-note-").tempdir()?;
    let path = dir.path().join("NOTE.txt");
    std::fs::write(&path, template(initial, about))?;
    // Through the shell, as git does, so EDITOR may carry arguments ("code --wait").
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$@\""))
        .arg("sh")
        .arg(&path)
        .status()
        .map_err(|err| Error::runtime(format!("cannot start editor '{editor}': {err}")))?;
    if !status.success() {
        return Err(Error::runtime(format!(
            "editor '{editor}' failed; nothing written"
        )));
    }
    let text = strip_comments(&decode_note(std::fs::read(&path)?, "the editor")?);
    if text.trim().is_empty() {
        return Err(Error::runtime("empty note; nothing written"));
    }
    Ok(Note {
        text,
        editor_file: Some((dir, path)),
    })
}

#[cfg(test)]
mod tests {
    use super::{strip_comments, template};

    #[test]
    fn the_template_round_trips_to_the_note_alone() {
        let about = ["Logging a touch with Ann (ann).".to_string()];
        let file = template("first line\n\nsecond", &about);
        assert!(
            file.contains("\n# Logging a touch with Ann (ann).\n"),
            "{file}"
        );
        assert_eq!(strip_comments(&file), "first line\n\nsecond");
        assert_eq!(strip_comments(&template("", &about)), "");
        assert_eq!(
            strip_comments("\n  \nnote # not a comment\n#gone\n\n"),
            "note # not a comment"
        );
    }
}
