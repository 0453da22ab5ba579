//! The search index as scripts (SEARCH.md §5): `search/index.js` with the term list and
//! the code keys, `search/shard-<n>.js` files with postings and phrases by term range,
//! `search/docs-<n>.js` files with what the result list shows, by blocks of documents, and
//! `search/ids.js` with every id; so a page loads only the shards and blocks its query
//! needs. Scripts, not JSON, because `fetch` cannot read files from `file://`.

use crate::search::Index;
use serde_json::json;

/// Roughly how many bytes of postings and phrases go into one shard: small enough that a
/// query's few shards stay far below the first-result budget, large enough that the hub
/// needs only a handful.
const SHARD_BYTES: usize = 32 * 1024;

/// Documents per `search/docs-<n>.js`: the eight results of the search box touch at most
/// eight blocks of about 1.5 KB gzipped each at 10,000 entries (BENCHMARKS.md).
const DOCS_PER_BLOCK: usize = 16;

/// Digits of a posting number: every digit but the last from `MORE`, the last from `END`,
/// big-endian base 32. Neither alphabet needs escaping in a JSON string.
const MORE: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ@$*+-.";
const END: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";

fn push_number(out: &mut String, n: u32) {
    let mut digits = [0u8; 7];
    let len = number_digits(&mut digits, n);
    // Both alphabets are ASCII.
    out.push_str(std::str::from_utf8(&digits[7 - len..]).expect("ASCII digits"));
}

/// Writes `n`'s digits at the end of `digits`; returns how many.
fn number_digits(digits: &mut [u8; 7], mut n: u32) -> usize {
    let mut len = 0;
    loop {
        let d = (n % 32) as usize;
        digits[6 - len] = if len == 0 { END[d] } else { MORE[d] };
        len += 1;
        n /= 32;
        if n == 0 {
            return len;
        }
    }
}

/// A term's postings: `(doc delta, weight)` pairs, the first delta counted from 0.
fn encode(postings: &[(u32, u32)]) -> String {
    let mut out = Vec::with_capacity(postings.len() * 3);
    let mut digits = [0u8; 7];
    let mut previous = 0;
    for &(doc, weight) in postings {
        for n in [doc - previous, weight] {
            let len = number_digits(&mut digits, n);
            out.extend_from_slice(&digits[7 - len..]);
        }
        previous = doc;
    }
    String::from_utf8(out).expect("ASCII digits")
}

/// One file of the index. Each is a job of its own in a build, so an edit that changes
/// some files (the head, a few shards) leaves the others, and their times, alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum File {
    /// `search/index.js`.
    Head,
    /// `search/ids.js`.
    Ids,
    /// `search/shard-<k>.js`.
    Shard(usize),
    /// `search/docs-<n>.js`.
    Block(usize),
}

impl File {
    pub(crate) fn path(self) -> String {
        match self {
            File::Head => "search/index.js".into(),
            File::Ids => "search/ids.js".into(),
            File::Shard(k) => format!("search/shard-{k}.js"),
            File::Block(n) => format!("search/docs-{n}.js"),
        }
    }
}

/// The index split into shards: where each starts in the term list, and which phrases
/// each holds.
pub(super) struct Shards {
    /// Term number of each shard's first term; shard k ends where k + 1 starts.
    starts: Vec<usize>,
    /// Each shard's phrases, by their numbers in `Index::phrases`.
    phrases: Vec<Vec<usize>>,
}

impl Shards {
    pub(super) fn plan(index: &Index) -> Shards {
        // A phrase goes with the last term not after its first part (shard 0 for any
        // earlier), so a page finds it by comparing strings against shard starts.
        let owner = |text: &str| index.terms.partition_point(|t| t.as_str() <= text).saturating_sub(1);
        let mut bytes: Vec<usize> = index.postings.iter().map(|p| p.len() * 3).collect();
        for p in &index.phrases {
            if let Some(b) = bytes.get_mut(owner(p.first_part())) {
                *b += p.text.len() + 8;
            }
        }
        let mut starts = vec![0];
        let mut filled = 0;
        for (term, b) in bytes.iter().enumerate() {
            if filled > 0 && filled + b > SHARD_BYTES {
                starts.push(term);
                filled = 0;
            }
            filled += b;
        }
        let shard_of = |term: usize| starts.partition_point(|&s| s <= term) - 1;
        let mut phrases = vec![Vec::new(); starts.len()];
        for (i, p) in index.phrases.iter().enumerate() {
            phrases[shard_of(owner(p.first_part()))].push(i);
        }
        Shards { starts, phrases }
    }

    pub(super) fn count(&self) -> usize {
        self.starts.len()
    }

    /// `search/index.js`: what every query needs, and nothing a result list shows.
    pub(super) fn head(&self, index: &Index) -> Vec<u8> {
        let codes: Vec<&str> = index.docs.iter().map(|d| d.code_key.as_str()).collect();
        let data = json!({
            "v": 3,
            "count": index.docs.len(),
            "block": DOCS_PER_BLOCK,
            "codes": codes,
            "rules": rules(),
            "terms": front_code(&index.terms),
            "shards": self.starts,
        });
        script("faultlineSearch.index(", &data)
    }

    /// How many `search/docs-<n>.js` files the index has.
    pub(super) fn blocks(index: &Index) -> usize {
        index.docs.len().div_ceil(DOCS_PER_BLOCK)
    }

    /// `search/docs-<n>.js`: `[id, title, summary, code key, first fix step]` of documents
    /// `n * DOCS_PER_BLOCK` onwards.
    pub(super) fn block(index: &Index, n: usize) -> Vec<u8> {
        let docs: Vec<_> = index.docs[n * DOCS_PER_BLOCK..]
            .iter()
            .take(DOCS_PER_BLOCK)
            .map(|d| json!([d.id, d.title, d.summary, d.code_key, d.fix]))
            .collect();
        script(&format!("faultlineSearch.docs({n}, "), &json!(docs))
    }

    /// `search/ids.js`: every id, front-coded, for the proposal of a new entry (which must
    /// not take an existing id) on the pages that offer one.
    pub(super) fn ids(index: &Index) -> Vec<u8> {
        let ids: Vec<&str> = index.docs.iter().map(|d| d.id.as_str()).collect();
        script("faultlineSearch.ids(", &json!(front_code(&ids)))
    }

    /// Every file of the index: the head, the ids, the shards, the blocks of documents.
    pub(super) fn files(&self, index: &Index) -> Vec<File> {
        let mut files = vec![File::Head, File::Ids];
        files.extend((0..self.count()).map(File::Shard));
        files.extend((0..Self::blocks(index)).map(File::Block));
        files
    }

    /// The bytes of `file`.
    pub(super) fn bytes(&self, index: &Index, file: File) -> Vec<u8> {
        match file {
            File::Head => self.head(index),
            File::Ids => Self::ids(index),
            File::Shard(k) => self.shard(index, k),
            File::Block(n) => Self::block(index, n),
        }
    }

    /// `search/shard-<k>.js`.
    pub(super) fn shard(&self, index: &Index, k: usize) -> Vec<u8> {
        let end = self.starts.get(k + 1).copied().unwrap_or(index.terms.len());
        let postings: Vec<String> = index.postings[self.starts[k]..end].iter().map(|p| encode(p)).collect();
        let phrases: Vec<_> =
            self.phrases[k].iter().map(|&i| &index.phrases[i]).map(|p| json!([p.doc, p.text])).collect();
        script(&format!("faultlineSearch.shard({k}, "), &json!({ "postings": postings, "phrases": phrases }))
    }
}

/// A sorted list as one string: each item is the number of UTF-16 units it shares with the
/// one before (a posting number, [`push_number`]), then the rest of it, then a space. No
/// term or id holds a space, and sorted neighbours share most of their text, which gzip
/// alone does not find (the 10,000-entry bench's terms: 68 KB gzipped as a JSON list, 5 KB
/// front-coded).
fn front_code<S: AsRef<str>>(items: &[S]) -> String {
    let mut out = String::new();
    let mut previous = "";
    for item in items {
        let item = item.as_ref();
        let (shared_units, shared_bytes) = previous
            .chars()
            .zip(item.chars())
            .take_while(|(a, b)| a == b)
            .fold((0, 0), |(u, b), (c, _)| (u + c.len_utf16(), b + c.len_utf8()));
        push_number(&mut out, shared_units as u32);
        out.push_str(&item[shared_bytes..]);
        out.push(' ');
        previous = item;
    }
    out
}

/// Every constant and word list the page's script needs to reduce, split and rank a query
/// as `src/search/` does (SEARCH.md §6): the script keeps no copy of its own.
fn rules() -> serde_json::Value {
    use crate::search::{rank, reduce, words};
    let alphabet = |a: &[u8; 32]| String::from_utf8_lossy(a).into_owned();
    json!({
        "stop": words::STOP_WORDS,
        "min_term_chars": words::MIN_TERM_CHARS,
        "noise_keys": reduce::NOISE_KEYS,
        "context_keys": reduce::CONTEXT_KEYS,
        "strip": reduce::STRIP.iter().collect::<String>(),
        "number_digits": reduce::NUMBER_DIGITS,
        "hex_id_chars": reduce::HEX_ID_CHARS,
        "id_chars": reduce::ID_CHARS,
        "id_digits": reduce::ID_DIGITS,
        "code_hit": rank::CODE_HIT,
        "code_span": rank::CODE_SPAN,
        "max_terms": rank::MAX_TERMS,
        "exact": rank::EXACT,
        "prefix": rank::PREFIX,
        "typo": rank::TYPO,
        "prefix_min_chars": rank::PREFIX_MIN_CHARS,
        "typo_min_chars": rank::TYPO_MIN_CHARS,
        "typo_far_chars": rank::TYPO_FAR_CHARS,
        "more": alphabet(MORE),
        "end": alphabet(END),
    })
}

/// `call` + JSON + `);`, with `<` escaped so that no content can close a script element
/// even if someone inlines the file.
fn script(call: &str, data: &serde_json::Value) -> Vec<u8> {
    let json = data.to_string().replace('<', "\\u003c");
    format!("{call}{json});\n").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_base_32_with_a_marked_last_digit() {
        let mut s = String::new();
        for n in [0, 31, 32, 1023, 1024] {
            push_number(&mut s, n);
            s.push(' ');
        }
        assert_eq!(s, "0 v B0 .v BA0 ");
        assert_eq!(encode(&[(3, 40), (4, 8), (40, 1)]), "3B818B41");
    }

    #[test]
    fn documents_go_in_blocks_in_order_and_every_id_in_one_list() {
        let mut index = Index::default();
        index.docs = (0..DOCS_PER_BLOCK * 2 + 3)
            .map(|i| crate::search::index::Doc {
                entry: i,
                id: format!("x/e{i:03}"),
                title: format!("T{i}"),
                summary: String::new(),
                code_key: format!("e{i}"),
                fix: String::new(),
            })
            .collect();
        assert_eq!(Shards::blocks(&index), 3);
        let paths: Vec<String> = Shards::plan(&index).files(&index).into_iter().map(File::path).collect();
        assert_eq!(
            paths,
            [
                "search/index.js",
                "search/ids.js",
                "search/shard-0.js",
                "search/docs-0.js",
                "search/docs-1.js",
                "search/docs-2.js"
            ]
        );
        let last = String::from_utf8(Shards::block(&index, 2)).unwrap();
        let n = DOCS_PER_BLOCK * 2;
        let want = format!(r#"faultlineSearch.docs(2, [["x/e{n:03}","T{n}","","e{n}",""],"#);
        assert!(last.starts_with(&want), "{last}");
        assert_eq!(last.matches("],[").count(), 2, "three documents in the last block: {last}");
        let ids = String::from_utf8(Shards::ids(&index)).unwrap();
        assert!(ids.starts_with(r#"faultlineSearch.ids("0x/e000 51 5"#), "{ids}");
    }

    #[test]
    fn sorted_lists_are_front_coded_in_utf16_units() {
        assert_eq!(front_code(&["gate", "gateway", "gatéx", "gaté𝒳", "h10"]), "0gate 4way 3éx 4𝒳 0h10 ");
        assert_eq!(front_code::<&str>(&[]), "");
        // A shared prefix of 40 units takes two digits.
        let long = "a".repeat(41);
        assert_eq!(front_code(&[&long[..40], &long]), format!("0{} B8a ", &long[..40]));
    }
}
