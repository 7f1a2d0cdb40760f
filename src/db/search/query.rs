//! What the user typed, made into an FTS5 query: a bare word with punctuation (`key-account`,
//! `o'brien`, `e-mail`) would be FTS5 syntax (`-` is a column filter, `'` an error), so it is
//! searched as the phrase it reads as; quotes, `AND`/`OR`/`NOT`/`NEAR`, a trailing `*` and
//! parentheses keep their FTS5 meaning.

/// The FTS5 query for `typed`.
pub fn fts_query(typed: &str) -> String {
    let mut out = String::with_capacity(typed.len() + 8);
    let mut word = String::new();
    let mut chars = typed.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                push_word(&mut out, &mut word);
                // A quoted phrase is copied as typed, up to its closing quote ("" inside is
                // FTS5's escaped quote, copied as two quotes).
                out.push('"');
                for inner in chars.by_ref() {
                    out.push(inner);
                    if inner == '"' {
                        break;
                    }
                }
            }
            '(' | ')' => {
                push_word(&mut out, &mut word);
                out.push(c);
            }
            c if c.is_whitespace() => {
                push_word(&mut out, &mut word);
                out.push(' ');
            }
            c => word.push(c),
        }
    }
    push_word(&mut out, &mut word);
    out
}

/// Appends one bare word: as typed when FTS5 reads it as a word (or an operator), else quoted.
fn push_word(out: &mut String, word: &mut String) {
    if word.is_empty() {
        return;
    }
    let (stem, prefix) = match word.strip_suffix('*') {
        Some(stem) => (stem, "*"),
        None => (word.as_str(), ""),
    };
    let plain = |c: char| c.is_alphanumeric() || c == '_' || !c.is_ascii();
    let operator = matches!(stem, "AND" | "OR" | "NOT" | "NEAR");
    if stem.is_empty() || operator || stem.chars().all(plain) {
        out.push_str(word);
    } else {
        out.push('"');
        out.push_str(&stem.replace('"', "\"\""));
        out.push('"');
        out.push_str(prefix);
    }
    word.clear();
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn words_with_punctuation_become_phrases() {
        assert_eq!(fts_query("key-account"), "\"key-account\"");
        assert_eq!(fts_query("o'brien"), "\"o'brien\"");
        assert_eq!(fts_query("e-mail renewal"), "\"e-mail\" renewal");
        assert_eq!(fts_query("key-acc*"), "\"key-acc\"*");
    }

    #[test]
    fn fts_syntax_keeps_its_meaning() {
        assert_eq!(fts_query("renewal"), "renewal");
        assert_eq!(fts_query("\"signed contract\""), "\"signed contract\"");
        assert_eq!(fts_query("budget OR funding"), "budget OR funding");
        assert_eq!(fts_query("renew* NOT lisbon"), "renew* NOT lisbon");
        assert_eq!(fts_query("(a OR b) AND c"), "(a OR b) AND c");
        assert_eq!(
            fts_query("(key-account OR vip)"),
            "(\"key-account\" OR vip)"
        );
        assert_eq!(fts_query("maría"), "maría");
    }

    proptest::proptest! {
        #[test]
        fn never_panics(typed in "\\PC{0,40}") {
            let _ = fts_query(&typed);
        }
    }
}
