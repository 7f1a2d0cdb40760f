//! Whole notes for a person to read before a call: `rel show` prints each recent touch's note
//! wrapped (a long one cut after ten lines), `rel timeline --full` prints every note whole, and
//! a timeline row says how many lines its first line stands for.

use super::friendly;
use crate::db::interactions::Interaction;
use crate::output::escape_visible;
use std::io::Write;
use unicode_width::UnicodeWidthChar;

/// `rel show` cuts a note after this many (wrapped) lines.
pub const SHOW_MAX_LINES: usize = 10;

/// The notes are indented under their header line by this much.
const INDENT: &str = "    ";

/// The width to wrap at: `COLUMNS`, else the terminal's, else 80.
pub fn terminal_width() -> usize {
    if let Some(width) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| *w > 0)
    {
        return width;
    }
    // SAFETY: TIOCGWINSZ only fills the winsize struct we own; a failure leaves it zeroed.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    if ok && size.ws_col > 0 {
        usize::from(size.ws_col)
    } else {
        80
    }
}

/// `-t trust --strained honesty` shown as `+trust -honesty`.
pub fn marks_text(i: &Interaction) -> String {
    i.marks
        .marked()
        .iter()
        .map(|(name, v)| format!("{}{name}", if v.as_i64() == Some(1) { "+" } else { "-" }))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A note's first line and, when it has more, how many: `called about it (+3 lines)`.
pub fn first_line_with_more(note: &str) -> String {
    let mut lines = note.lines();
    let first = lines.next().unwrap_or("").trim().to_string();
    match lines.count() {
        0 => first,
        more => format!(
            "{first} (+{more} {})",
            if more == 1 { "line" } else { "lines" }
        ),
    }
}

/// Writes touches as blocks: a header line (id, when, channel, who, marks), then the note
/// wrapped to `width` and indented, cut after `max_lines` with `… (+N lines)` when given.
pub fn write_blocks(
    out: &mut impl Write,
    touches: &[Interaction],
    now: i64,
    width: usize,
    max_lines: Option<usize>,
) -> std::io::Result<()> {
    for (index, touch) in touches.iter().enumerate() {
        if index > 0 {
            writeln!(out)?;
        }
        let marks = marks_text(touch);
        // Wrapped between its parts (never inside a handle) when the terminal is narrow.
        let mut parts = vec![
            touch.id.to_string(),
            friendly::day(touch.at, now),
            touch.channel.clone(),
        ];
        let last = touch.contacts.len().saturating_sub(1);
        parts.extend(touch.contacts.iter().enumerate().map(|(index, handle)| {
            if index < last {
                format!("{handle},")
            } else {
                handle.clone()
            }
        }));
        if !marks.is_empty() {
            parts.push(marks);
        }
        for line in wrap_items(&parts, width, INDENT.len()) {
            writeln!(out, "{}", escape_visible(&line))?;
        }
        let lines = wrap(
            touch.note.trim_end(),
            width.saturating_sub(INDENT.len()).max(20),
        );
        let shown = max_lines.map_or(lines.len(), |max| lines.len().min(max));
        for line in &lines[..shown] {
            if line.is_empty() {
                writeln!(out)?;
            } else {
                writeln!(out, "{INDENT}{line}")?;
            }
        }
        if shown < lines.len() {
            writeln!(out, "{INDENT}… (+{} lines)", lines.len() - shown)?;
        }
    }
    Ok(())
}

/// `items` on lines of at most `width` columns, two spaces between items (one after an item
/// ending in a comma), the lines after the first indented by `indent`; an item is never split.
pub fn wrap_items(items: &[String], width: usize, indent: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut current_width = 0;
    for item in items {
        let item_width: usize = item.chars().map(|c| c.width().unwrap_or(0)).sum();
        let gap = if current.is_empty() {
            0
        } else if current.ends_with(',') {
            1
        } else {
            2
        };
        if !current.is_empty() && current_width + gap + item_width > width {
            lines.push(std::mem::take(&mut current));
            current = " ".repeat(indent);
            current_width = indent;
        } else {
            current.push_str(&" ".repeat(gap));
            current_width += gap;
        }
        current.push_str(item);
        current_width += item_width;
    }
    if !current.trim().is_empty() {
        lines.push(current);
    }
    lines
}

/// Each line of `text` escaped and wrapped at word boundaries to `width` columns (a word
/// longer than that is split); blank lines are kept.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    if text.is_empty() {
        return out;
    }
    for line in text.split('\n') {
        let line = escape_visible(line.trim_end_matches('\r'));
        let mut current = String::new();
        let mut current_width = 0;
        for word in line.split(' ') {
            let word_width: usize = word.chars().map(|c| c.width().unwrap_or(0)).sum();
            let gap = usize::from(!current.is_empty());
            if current_width + gap + word_width <= width {
                if gap == 1 {
                    current.push(' ');
                }
                current.push_str(word);
                current_width += gap + word_width;
                continue;
            }
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
                current_width = 0;
            }
            for c in word.chars() {
                let w = c.width().unwrap_or(0);
                if current_width + w > width && !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                    current_width = 0;
                }
                current.push(c);
                current_width += w;
            }
        }
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{first_line_with_more, wrap};

    #[test]
    fn wraps_at_words_and_splits_only_words_too_long() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("one\n\ntwo", 10), ["one", "", "two"]);
        assert_eq!(wrap("", 10), Vec::<String>::new());
        assert_eq!(wrap("日本語の", 4), ["日本", "語の"]);
    }

    #[test]
    fn counts_the_lines_after_the_first() {
        assert_eq!(first_line_with_more("only"), "only");
        assert_eq!(first_line_with_more("a\nb"), "a (+1 line)");
        assert_eq!(first_line_with_more("a\nb\nc"), "a (+2 lines)");
    }
}
