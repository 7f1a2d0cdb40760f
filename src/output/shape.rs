//! Cutting a table cell to its column's width so that what matters stays visible: a list of
//! people keeps its first handle whole and says how many more (`priya-natarajan +3`), a note
//! keeps its `(+N lines)`, and a search snippet is centred on its first match. Everything else
//! ends in an ellipsis.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// `text` (already escaped for display) cut to `width` cells the way the column `header` wants.
pub fn shape(header: &str, text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    match header {
        "WHO" | "CONTACTS" => people(text, width),
        "NOTE" | "WHAT" | "TEXT" => keep_suffix(text, width),
        "MATCH" | "SNIPPET" => centred(text, width),
        _ => cut(text, width),
    }
}

/// `text` cut to `width` cells, ending in `…` when anything was left out.
pub fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    // Zero-width characters (combining marks) take no cell, but each measure below reads the
    // whole prefix: a note of a million of them would take a trillion steps. A cell shows at
    // most this many characters, far more than any real text fits in `width` cells.
    let most_chars = 4 * width + 64;
    for (n, c) in text.chars().enumerate() {
        out.push(c);
        // Measured as a string, not char by char: a variation selector widens the character
        // before it (🕯 is one cell, 🕯 followed by U+FE0F two). Cells are a line wide.
        if out.width() + 1 > width || n >= most_chars {
            out.pop();
            break;
        }
    }
    out.push('…');
    out
}

/// `a,b,c` → `a +2` when the whole list does not fit (the first handle is what is typed next).
fn people(text: &str, width: usize) -> String {
    let mut items = text.split(',');
    let first = items.next().unwrap_or("");
    let more = items.count();
    if more == 0 {
        return cut(text, width);
    }
    cut(&format!("{first} +{more}"), width)
}

/// A note's first line cut before its `(+N lines)`, which stays whenever it fits.
fn keep_suffix(text: &str, width: usize) -> String {
    let Some(start) = text.rfind(" (+") else {
        return cut(text, width);
    };
    let suffix = &text[start..];
    let is_count = suffix.ends_with(" lines)") || suffix.ends_with(" line)");
    let suffix_width = suffix.width();
    if !is_count || suffix_width + 2 > width {
        return cut(text, width);
    }
    format!("{}{suffix}", cut(&text[..start], width - suffix_width))
}

/// A snippet cut around its first `[match]`, with `…` on the sides that were cut.
fn centred(text: &str, width: usize) -> String {
    let Some(open) = text.find('[') else {
        return cut(text, width);
    };
    let close = text[open..].find(']').map_or(text.len(), |i| open + i + 1);
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |byte: usize| {
        chars
            .iter()
            .position(|(b, _)| *b >= byte)
            .unwrap_or(chars.len())
    };
    let (first, last) = (at(open), at(close));
    let cells = |from: usize, to: usize| -> usize {
        chars[from..to]
            .iter()
            .map(|(_, c)| c.width().unwrap_or(0))
            .sum()
    };
    // The match itself, then room shared on both sides; an ellipsis takes a cell per cut side.
    if cells(first, last) + 2 > width {
        let matched: String = chars[first..].iter().map(|(_, c)| *c).collect();
        return if first == 0 {
            cut(&matched, width)
        } else {
            format!("…{}", cut(&matched, width - 1))
        };
    }
    let (mut from, mut to) = (first, last);
    let mut used = cells(from, to);
    let n = chars.len();
    // Grow one character at a time on the side with less context so far; an ellipsis takes a
    // cell on each side that is still cut.
    let fits = |from: usize, to: usize, used: usize| {
        used + usize::from(from > 0) + usize::from(to < n) <= width
    };
    loop {
        let prefer_left = from > 0 && (to == n || cells(from, first) <= cells(last, to));
        let mut grown = false;
        for left in [prefer_left, !prefer_left] {
            if left && from > 0 {
                let w = chars[from - 1].1.width().unwrap_or(0);
                if fits(from - 1, to, used + w) {
                    from -= 1;
                    used += w;
                    grown = true;
                    break;
                }
            } else if !left && to < n {
                let w = chars[to].1.width().unwrap_or(0);
                if fits(from, to + 1, used + w) {
                    to += 1;
                    used += w;
                    grown = true;
                    break;
                }
            }
        }
        if !grown {
            break;
        }
    }
    let body: String = chars[from..to].iter().map(|(_, c)| *c).collect();
    let left = if from > 0 { "…" } else { "" };
    let right = if to < chars.len() { "…" } else { "" };
    format!("{left}{}{right}", body.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_keeps_within_width() {
        assert_eq!(cut("abcdef", 10), "abcdef");
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("Wójcik Müller", 5), "Wójc…");
    }

    #[test]
    fn people_keep_the_first_handle_and_a_count() {
        assert_eq!(
            shape("WHO", "priya-natarajan,tom-baker,ann,bo", 20),
            "priya-natarajan +3"
        );
        assert_eq!(shape("CONTACTS", "a,b", 10), "a,b");
    }

    #[test]
    fn a_cut_note_keeps_its_line_count() {
        let note = "talked through the whole renewal and the budget (+4 lines)";
        let shaped = shape("NOTE", note, 30);
        assert!(shaped.ends_with("… (+4 lines)"), "{shaped}");
        assert_eq!(shaped.width(), 30);
    }

    #[test]
    fn a_snippet_shows_its_match() {
        let snippet = "we talked about the budget, the team, hiring, the offsite and the \
                       conference in [Lisbon] next spring";
        for width in [12, 20, 30, 45] {
            let shaped = shape("MATCH", snippet, width);
            assert!(shaped.contains("[Lisbon]"), "{width}: {shaped}");
            assert!(shaped.width() <= width, "{width}: {shaped}");
        }
        assert_eq!(shape("MATCH", "[a] b", 10), "[a] b");
    }

    #[test]
    fn a_match_wider_than_the_cell_is_cut_at_its_start() {
        let shaped = shape("MATCH", "some words then [averyveryverylongword] end", 10);
        assert!(shaped.starts_with("…[avery"), "{shaped}");
        assert!(shaped.width() <= 10);
    }

    #[test]
    fn a_flood_of_zero_width_characters_is_cut_in_linear_time() {
        let text = format!("a{}bcdef", "\u{301}".repeat(1_000_000));
        let shaped = cut(&text, 4);
        assert!(
            shaped.width() <= 4 && shaped.ends_with('…'),
            "{}",
            shaped.len()
        );
    }

    #[test]
    fn a_variation_selector_counts_for_the_character_it_widens() {
        // Found by the property below: 🕯 is one cell, with U+FE0F two, and the cut
        // counted them char by char.
        assert_eq!(shape("WHO", "🕯\u{fe0f} AAAA", 2), "🕯…");
        assert!(shape("WHO", "🕯\u{fe0f} AAAA", 3).width() <= 3);
    }

    proptest::proptest! {
        /// Any text, any column: no panic, and never wider than the column.
        #[test]
        fn shaping_never_panics_and_fits(
            text in "\\PC{0,80}",
            header in proptest::sample::select(vec!["WHO", "NOTE", "MATCH", "NAME"]),
            width in 2usize..60,
        ) {
            let shaped = shape(header, &text, width);
            proptest::prop_assert!(shaped.width() <= width, "{shaped:?} at {width}");
        }

        /// Snippets with a match shorter than the column always show it whole.
        #[test]
        fn a_short_match_is_always_shown(
            before in "[a-z ]{0,60}",
            word in "[a-z]{1,8}",
            after in "[a-z ]{0,60}",
            width in 12usize..60,
        ) {
            let text = format!("{before}[{word}]{after}");
            let shaped = shape("MATCH", &text, width);
            let matched = format!("[{word}]");
            proptest::prop_assert!(shaped.contains(&matched), "{shaped:?}");
        }
    }
}
