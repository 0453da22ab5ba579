//! The search cache (docs/cli.md, `faultline search`): the index the last query built,
//! kept under the site root, so that the next query reads the files but skips parsing,
//! linking and indexing them.
//!
//! Nothing in the file is trusted. It is used only when its key equals the key of what was
//! just loaded: a hash of every input the index and the content warning depend on (each
//! file under `content/` as read, `site.yaml` as parsed, the problems met while reading),
//! of `--drafts`, and of the running binary. Its body must also match its checksum and
//! decode within its own length. Anything else is a miss: the caller builds the index the
//! full way and writes the file anew.

use super::index::{Doc, Index, Phrase};
use crate::store::{self, Reader, Writer};
use std::path::{Path, PathBuf};

/// The first bytes of a cache file; the digits are the format's version.
const MAGIC: &[u8; 8] = b"FLSRCH01";

/// No stored weight comes near this (the best field times the rarest term's factor), and
/// ranking multiplies and adds weights: a bound keeps that far from overflowing.
const MAX_WEIGHT: u32 = 1 << 20;

/// What a query needs from the full path.
pub(crate) struct Cached {
    pub(crate) index: Index,
    /// The summary of the site's errors (`diag::summary`), when it has any.
    pub(crate) problems: Option<String>,
}

/// The cache file for a site: with and without drafts the indexes differ, so each has its own.
pub(crate) fn file(root: &Path, drafts: bool) -> PathBuf {
    root.join(store::DIR).join(if drafts { "search-drafts.bin" } else { "search.bin" })
}

/// The key and the decoded contents of the cache file at `path`, if it is whole: the
/// caller compares the key with [`crate::load::digest::loaded`]'s. Decoding needs no key, so it can run while
/// the site is read.
pub(crate) fn read(path: &Path) -> Option<(u128, Cached)> {
    let (key, body) = store::read(path, MAGIC)?;
    Some((key, decode(&body)?))
}

/// Writes `cached` under `key` at `path` (see [`store::write`]).
pub(crate) fn write(path: &Path, key: u128, cached: &Cached) -> std::io::Result<()> {
    store::write(path, MAGIC, key, &encode(cached))
}

/// The body: the content warning, then the index's documents, terms with their postings
/// (document numbers as gaps) and phrases, every number a LEB128 varint.
fn encode(cached: &Cached) -> Vec<u8> {
    let index = &cached.index;
    let mut out = Writer::default();
    match &cached.problems {
        Some(summary) => {
            out.number(1);
            out.text(summary);
        }
        None => out.number(0),
    }
    out.number(index.docs.len() as u64);
    for doc in &index.docs {
        out.number(doc.entry as u64);
        for text in [&doc.id, &doc.title, &doc.summary, &doc.code_key, &doc.fix] {
            out.text(text);
        }
    }
    out.number(index.terms.len() as u64);
    for (term, list) in index.terms.iter().zip(&index.postings) {
        out.text(term);
        out.number(list.len() as u64);
        let mut previous = 0;
        for &(doc, weight) in list {
            out.number(u64::from(doc - previous));
            out.number(u64::from(weight));
            previous = doc;
        }
    }
    out.number(index.phrases.len() as u64);
    for phrase in &index.phrases {
        out.text(&phrase.text);
        out.number(u64::from(phrase.doc));
    }
    out.into_bytes()
}

/// Reads a body that [`encode`] wrote, checking every number against what it indexes.
fn decode(body: &[u8]) -> Option<Cached> {
    let mut input = Reader::new(body);
    let problems = match input.number()? {
        0 => None,
        1 => Some(input.text()?),
        _ => return None,
    };
    let docs = (0..input.count(6)?).map(|_| decode_doc(&mut input)).collect::<Option<Vec<Doc>>>()?;
    let n = docs.len() as u32;
    let term_count = input.count(2)?;
    let mut terms: Vec<String> = Vec::with_capacity(term_count);
    let mut postings = Vec::with_capacity(term_count);
    for _ in 0..term_count {
        let term = input.text()?;
        // Ranking looks terms up by binary search.
        if terms.last().is_some_and(|last| *last >= term) {
            return None;
        }
        terms.push(term);
        postings.push(decode_postings(&mut input, n)?);
    }
    let phrases = (0..input.count(2)?)
        .map(|_| Some(Phrase { text: input.text()?, doc: input.below(n)? }))
        .collect::<Option<Vec<Phrase>>>()?;
    if !input.is_empty() || !phrases.is_sorted() {
        return None;
    }
    Some(Cached { index: Index::from_parts(docs, terms, postings, phrases), problems })
}

fn decode_doc(input: &mut Reader<'_>) -> Option<Doc> {
    Some(Doc {
        entry: usize::try_from(input.number()?).ok()?,
        id: input.text()?,
        title: input.text()?,
        summary: input.text()?,
        code_key: input.text()?,
        fix: input.text()?,
    })
}

/// One term's postings: documents in increasing order, each below `n`.
fn decode_postings(input: &mut Reader<'_>, n: u32) -> Option<Vec<(u32, u32)>> {
    let len = input.count(2)?;
    let mut list = Vec::with_capacity(len);
    let mut doc = 0u32;
    for i in 0..len {
        let gap = u32::try_from(input.number()?).ok()?;
        if i > 0 && gap == 0 {
            return None;
        }
        doc = doc.checked_add(gap).filter(|&d| d < n)?;
        let weight = u32::try_from(input.number()?).ok().filter(|&w| w <= MAX_WEIGHT)?;
        list.push((doc, weight));
    }
    Some(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Cached {
        let doc = |entry: usize, id: &str, code: &str| Doc {
            entry,
            id: id.into(),
            title: format!("Title of {id}"),
            summary: "A summary, with ü".into(),
            code_key: code.into(),
            fix: String::new(),
        };
        let docs = vec![doc(0, "http/502", "502"), doc(2, "http/504", "504")];
        let terms = vec!["502".to_string(), "gateway".to_string()];
        let postings = vec![vec![(0, 140)], vec![(0, 8), (1, 200)]];
        let phrases = vec![Phrase { text: "bad gateway".into(), doc: 0 }];
        let index = Index::from_parts(docs, terms, postings, phrases);
        Cached { index, problems: Some("1 error in 1 file".into()) }
    }

    #[test]
    fn a_body_decodes_to_what_was_encoded() {
        let cached = sample();
        let back = decode(&encode(&cached)).expect("decodes");
        assert_eq!(back.problems, cached.problems);
        assert_eq!(back.index.docs, cached.index.docs);
        assert_eq!(back.index.terms, cached.index.terms);
        assert_eq!(back.index.postings, cached.index.postings);
        assert_eq!(back.index.phrases, cached.index.phrases);
        assert_eq!(back.index.search("gateway"), cached.index.search("gateway"));
    }

    #[test]
    fn every_truncation_and_every_flipped_byte_is_refused_or_harmless() {
        let body = encode(&sample());
        for len in 0..body.len() {
            assert!(decode(&body[..len]).is_none(), "a body cut at {len} bytes decoded");
        }
        for i in 0..body.len() {
            for bit in 0..8 {
                let mut forged = body.clone();
                forged[i] ^= 1 << bit;
                // Decoding must not panic; what decodes must be searchable without one.
                if let Some(cached) = decode(&forged) {
                    for query in ["502", "gateway", "bad gateway", "gatewya", "5"] {
                        for hit in cached.index.search(query) {
                            assert!((hit.doc as usize) < cached.index.docs.len());
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn random_bytes_after_a_valid_start_never_panic() {
        let body = encode(&sample());
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let keep = (next() as usize) % (body.len() + 1);
            let mut forged = body[..keep].to_vec();
            forged.extend((0..next() % 64).map(|_| next() as u8));
            if let Some(cached) = decode(&forged) {
                for hit in cached.index.search("gateway 502 bad") {
                    assert!((hit.doc as usize) < cached.index.docs.len());
                }
            }
        }
    }
}
