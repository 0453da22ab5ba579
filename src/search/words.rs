//! Splitting text into parts and terms (SEARCH.md §1). The page's script does the same,
//! rule for rule, so every check here is on characters, not on a regex dialect.

/// Words too common to say anything about an error. Shipped in the index, so the page's
/// script never keeps its own copy.
pub(crate) const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "do", "does", "for", "from", "has", "have",
    "how", "if", "in", "into", "is", "it", "its", "of", "on", "or", "so", "than", "that", "the", "their", "then",
    "there", "these", "this", "to", "was", "were", "what", "when", "which", "while", "will", "with", "you", "your",
];

/// A scoring term has at least this many characters (shipped in the index head).
pub(crate) const MIN_TERM_CHARS: usize = 2;

/// A text split for search: `parts` in order, for phrase matching; `terms` for lookup
/// (parts plus joined forms, in order of appearance, repeats kept).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Words {
    pub parts: Vec<String>,
    pub terms: Vec<String>,
    /// When the text ends with a letter or digit, how many of the last `terms` end there:
    /// the terms a reader may still be typing.
    pub tail: usize,
}

/// What [`walk`] hands out: a part (also a term), or a joined form (a term only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece {
    Part,
    Joined,
}

/// Splits `text` into parts and terms.
pub(crate) fn split(text: &str) -> Words {
    let mut words = Words::default();
    words.tail = walk(text, &mut |piece, s| {
        if piece == Piece::Part {
            words.parts.push(s.to_string());
        }
        words.terms.push(s.to_string());
    });
    words
}

/// Hands every part and joined term of `text` to `emit`, lowercased, in order, without
/// allocating per word (the index walks megabytes of text). Returns the `tail` count of
/// [`Words`].
pub(crate) fn walk(text: &str, emit: &mut dyn FnMut(Piece, &str)) -> usize {
    let mut lower = String::new();
    let mut compound = String::new();
    let mut chunks_in_compound = 0;
    // The terms that end where the last chunk ends: its last piece, the chunk itself
    // when it was split by case, and its compound.
    let mut ending = 0;
    let flush = |compound: &mut String, chunks: &mut usize, emit: &mut dyn FnMut(Piece, &str)| {
        let joined = *chunks > 1;
        if joined {
            emit(Piece::Joined, compound);
        }
        compound.clear();
        *chunks = 0;
        joined
    };
    for word in text.split_whitespace() {
        for (chunk, joined) in chunks(word) {
            if !joined {
                flush(&mut compound, &mut chunks_in_compound, emit);
            }
            let mut pieces = 0;
            for piece in camel_pieces(chunk) {
                lowercase_into(&mut lower, piece);
                emit(Piece::Part, &lower);
                pieces += 1;
            }
            ending = 1;
            lowercase_into(&mut lower, chunk);
            if pieces > 1 {
                emit(Piece::Joined, &lower);
                ending += 1;
            }
            compound.push_str(&lower);
            chunks_in_compound += 1;
        }
        if flush(&mut compound, &mut chunks_in_compound, emit) {
            ending += 1;
        }
    }
    if text.chars().last().is_some_and(char::is_alphanumeric) { ending } else { 0 }
}

fn lowercase_into(out: &mut String, s: &str) {
    out.clear();
    if s.is_ascii() {
        out.push_str(s);
        out.make_ascii_lowercase();
    } else {
        // The whole string at once: Greek final sigma depends on its neighbours.
        out.push_str(&s.to_lowercase());
    }
}

/// Whether a term is worth scoring: not a stop word, longer than one character.
pub(crate) fn scores(term: &str) -> bool {
    // Most terms are longer than every stop word: they skip the list.
    term.chars().nth(MIN_TERM_CHARS - 1).is_some() && (term.len() > STOP_WORD_MAX_LEN || !STOP_WORDS.contains(&term))
}

/// The length of the longest stop word, in bytes.
const STOP_WORD_MAX_LEN: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < STOP_WORDS.len() {
        if STOP_WORDS[i].len() > max {
            max = STOP_WORDS[i].len();
        }
        i += 1;
    }
    max
};

/// A word's runs of letters and digits, each with whether exactly one `-` or `_` joins it
/// to the run before it (`Back-off`, `ERR_TOO_MANY_REDIRECTS`).
fn chunks(word: &str) -> impl Iterator<Item = (&str, bool)> {
    let mut rest = word;
    let mut first = true;
    std::iter::from_fn(move || {
        let start = rest.find(char::is_alphanumeric)?;
        let gap = &rest[..start];
        let joined = !first && (gap == "-" || gap == "_");
        first = false;
        let after = &rest[start..];
        let len = after.find(|c: char| !c.is_alphanumeric()).unwrap_or(after.len());
        rest = &after[len..];
        Some((&after[..len], joined))
    })
}

/// `CrashLoopBackOff` -> `Crash`, `Loop`, `Back`, `Off`: a split wherever a lowercase
/// letter is followed by an uppercase one.
fn camel_pieces(chunk: &str) -> impl Iterator<Item = &str> {
    let mut rest = chunk;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut previous_lower = false;
        let mut end = rest.len();
        for (i, c) in rest.char_indices() {
            if previous_lower && c.is_uppercase() {
                end = i;
                break;
            }
            previous_lower = c.is_lowercase();
        }
        let (piece, after) = rest.split_at(end);
        rest = after;
        Some(piece)
    })
}

/// A code as the index keys it: lowercase letters and digits only.
pub(crate) fn code_key(code: &str) -> String {
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
