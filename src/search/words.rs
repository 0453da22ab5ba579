//! Splitting text into parts and terms (SEARCH.md §1). The page's script does the same,
//! rule for rule, so every check here is on characters, not on a regex dialect.

/// Words too common to say anything about an error. Shipped in the index, so the page's
/// script never keeps its own copy.
pub const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "do", "does", "for", "from", "has", "have",
    "how", "if", "in", "into", "is", "it", "its", "of", "on", "or", "so", "than", "that", "the", "their", "then",
    "there", "these", "this", "to", "was", "were", "what", "when", "which", "while", "will", "with", "you", "your",
];

/// A text split for search: `parts` in order, for phrase matching; `terms` for lookup
/// (parts plus joined forms, in order of appearance, repeats kept).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Words {
    pub parts: Vec<String>,
    pub terms: Vec<String>,
    /// When the text ends with a letter or digit, how many of the last `terms` end there:
    /// the terms a reader may still be typing.
    pub tail: usize,
}

/// Splits `text` into parts and terms.
pub fn split(text: &str) -> Words {
    let mut words = Words::default();
    // The terms that end where the last chunk ends: its last piece, the chunk itself
    // when it was split by case, and its compound.
    let mut ending = 0;
    for word in text.split_whitespace() {
        for compound in compounds(word) {
            for chunk in &compound {
                let pieces = camel_pieces(chunk);
                words.parts.extend(pieces.iter().map(|p| p.to_lowercase()));
                words.terms.extend(pieces.iter().map(|p| p.to_lowercase()));
                ending = 1;
                if pieces.len() > 1 {
                    words.terms.push(chunk.to_lowercase());
                    ending += 1;
                }
            }
            if compound.len() > 1 {
                words.terms.push(compound.concat().to_lowercase());
                ending += 1;
            }
        }
    }
    if text.chars().last().is_some_and(char::is_alphanumeric) {
        words.tail = ending;
    }
    words
}

/// Whether a term is worth scoring: not a stop word, longer than one character.
pub fn scores(term: &str) -> bool {
    term.chars().nth(1).is_some() && !STOP_WORDS.contains(&term)
}

/// A word's runs of letters and digits, grouped into compounds: chunks joined by exactly
/// one `-` or `_` belong together (`Back-off`, `ERR_TOO_MANY_REDIRECTS`).
fn compounds(word: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = Vec::new();
    let mut chunk_start: Option<usize> = None;
    let mut last_end = 0;
    let mut joined = false;
    for (i, c) in word.char_indices().chain([(word.len(), ' ')]) {
        match (c.is_alphanumeric(), chunk_start) {
            (true, None) => {
                joined = !out.is_empty() && matches!(&word[last_end..i], "-" | "_");
                chunk_start = Some(i);
            }
            (false, Some(start)) => {
                match out.last_mut() {
                    Some(compound) if joined => compound.push(&word[start..i]),
                    _ => out.push(vec![&word[start..i]]),
                }
                chunk_start = None;
                last_end = i;
            }
            _ => {}
        }
    }
    out
}

/// `CrashLoopBackOff` -> `Crash`, `Loop`, `Back`, `Off`: a split wherever a lowercase
/// letter is followed by an uppercase one.
fn camel_pieces(chunk: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut previous_lower = false;
    for (i, c) in chunk.char_indices() {
        if previous_lower && c.is_uppercase() {
            pieces.push(&chunk[start..i]);
            start = i;
        }
        previous_lower = c.is_lowercase();
    }
    pieces.push(&chunk[start..]);
    pieces
}

/// A code as the index keys it: lowercase letters and digits only.
pub fn code_key(code: &str) -> String {
    code.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> Vec<String> {
        split(text).parts
    }

    #[test]
    fn splits_on_punctuation_and_case() {
        assert_eq!(parts("HTTP/1.1 502 Bad Gateway"), ["http", "1", "1", "502", "bad", "gateway"]);
        assert_eq!(parts("CrashLoopBackOff"), ["crash", "loop", "back", "off"]);
        assert_eq!(parts("OOMKilled H10"), ["oomkilled", "h10"]);
        assert_eq!(parts("SSL_do_handshake() failed"), ["ssl", "do", "handshake", "failed"]);
    }

    #[test]
    fn joins_compounds_and_camel_case_into_extra_terms() {
        let w = split("Back-off restarting ImagePullBackOff a--b");
        assert_eq!(
            w.terms,
            ["back", "off", "backoff", "restarting", "image", "pull", "back", "off", "imagepullbackoff", "a", "b"]
        );
        assert_eq!(split("ERR_TOO_MANY_REDIRECTS").terms.last().unwrap(), "errtoomanyredirects");
    }

    #[test]
    fn the_tail_is_the_last_word_while_it_is_being_typed() {
        assert_eq!(split("bad gatw").tail, 1);
        assert_eq!(split("bad gatw ").tail, 0);
        assert_eq!(split("time-ou").tail, 2);
        assert_eq!(split("CrashLoop").tail, 2);
        assert_eq!(split("502,").tail, 0);
        assert_eq!(split("").tail, 0);
    }

    #[test]
    fn scoring_terms_skip_stop_words_and_single_characters() {
        assert!(scores("gateway") && scores("h1") && scores("not"));
        assert!(!scores("the") && !scores("1") && !scores("é"));
    }

    #[test]
    fn code_keys_keep_letters_and_digits() {
        assert_eq!(code_key("CrashLoopBackOff"), "crashloopbackoff");
        assert_eq!(code_key("ssl-handshake-failed"), "sslhandshakefailed");
        assert_eq!(code_key("H10"), "h10");
    }
}
