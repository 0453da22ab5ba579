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
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use xxhash_rust::xxh3::xxh3_128;

/// The cache folder, under the site root.
pub(crate) const DIR: &str = ".faultline-cache";

/// The first bytes of a cache file; the digits are the format's version.
const MAGIC: &[u8; 8] = b"FLSRCH01";

/// Magic, key, checksum of the body, length of the body.
const HEADER: usize = 8 + 16 + 16 + 8;

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
    root.join(DIR).join(if drafts { "search-drafts.bin" } else { "search.bin" })
}

/// The key and the decoded contents of the cache file at `path`, if it is whole: the
/// caller compares the key with [`crate::load::digest::loaded`]'s. Decoding needs no key, so it can run while
/// the site is read.
pub(crate) fn read(path: &Path) -> Option<(u128, Cached)> {
    // Checked before opening: opening a named pipe would block until something writes.
    if !std::fs::symlink_metadata(path).ok()?.is_file() {
        return None;
    }
    let mut file = std::fs::File::open(path).ok()?;
    let mut header = [0; HEADER];
    file.read_exact(&mut header).ok()?;
    let mut head = Reader { bytes: &header };
    if head.take(8)? != MAGIC {
        return None;
    }
    let key = head.u128()?;
    let checksum = head.u128()?;
    let len = u64::from_le_bytes(head.take(8)?.try_into().ok()?);
    // The file's own size bounds what is read, and a size that memory cannot hold is a miss.
    if file.metadata().ok()?.len() != len.checked_add(HEADER as u64)? {
        return None;
    }
    let mut body = Vec::new();
    body.try_reserve_exact(usize::try_from(len).ok()?).ok()?;
    file.take(len).read_to_end(&mut body).ok()?;
    if body.len() as u64 != len || xxh3_128(&body) != checksum {
        return None;
    }
    Some((key, decode(&body)?))
}

/// Writes `cached` under `key` at `path`, replacing the file in one rename so that a
/// query running at the same time reads the old file or the new one, never half of one.
///
/// A site folder may come from anyone: the cache folder must be a real folder, not a
/// link to one elsewhere, and no file is written through a link.
pub(crate) fn write(path: &Path, key: u128, cached: &Cached) -> std::io::Result<()> {
    let dir = path.parent().expect("a cache file is inside the cache folder");
    std::fs::create_dir_all(dir)?;
    if !std::fs::symlink_metadata(dir)?.is_dir() {
        return Err(std::io::Error::other("the cache folder is a link"));
    }
    let ignore = dir.join(".gitignore");
    if std::fs::symlink_metadata(&ignore).is_err() {
        // Sites made before the cache existed do not list it in their .gitignore.
        match create_new(&ignore, b"# faultline's caches: safe to delete, never to commit.\n*\n") {
            // Another query running at the same time wrote it first.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            other => other?,
        }
    }
    let body = encode(cached);
    let mut bytes = Vec::with_capacity(HEADER + body.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&key.to_le_bytes());
    bytes.extend_from_slice(&xxh3_128(&body).to_le_bytes());
    bytes.extend_from_slice(&(body.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&body);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    // Left over by a run that was killed, with the same process id.
    let _ = std::fs::remove_file(&temporary);
    let written = create_new(&temporary, &bytes).and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// Writes a file that must not exist yet: a link in its place is an error, never followed.
fn create_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::OpenOptions::new().write(true).create_new(true).open(path)?.write_all(bytes)
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
    out.bytes
}

/// Reads a body that [`encode`] wrote, checking every number against what it indexes.
fn decode(body: &[u8]) -> Option<Cached> {
    let mut input = Reader { bytes: body };
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
    if !input.bytes.is_empty() || !phrases.is_sorted() {
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

#[derive(Default)]
struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    fn number(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.bytes.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.bytes.push(n as u8);
    }

    fn text(&mut self, text: &str) {
        self.number(text.len() as u64);
        self.bytes.extend_from_slice(text.as_bytes());
    }
}

/// Reads from a byte slice; every method returns `None` instead of reading past its end.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.bytes.len() {
            return None;
        }
        let (taken, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(taken)
    }

    fn u128(&mut self) -> Option<u128> {
        Some(u128::from_le_bytes(self.take(16)?.try_into().ok()?))
    }

    fn number(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for (i, &byte) in self.bytes.iter().enumerate().take(10) {
            n |= u64::from(byte & 0x7f).checked_shl(7 * i as u32)?;
            if byte < 0x80 {
                self.bytes = &self.bytes[i + 1..];
                return Some(n);
            }
        }
        None
    }

    /// A count of items each at least `min_bytes` long: never more than the bytes left
    /// could hold, so a forged count cannot make a reader allocate more than the file.
    fn count(&mut self, min_bytes: usize) -> Option<usize> {
        let n = usize::try_from(self.number()?).ok()?;
        (n <= self.bytes.len() / min_bytes).then_some(n)
    }

    fn below(&mut self, n: u32) -> Option<u32> {
        u32::try_from(self.number()?).ok().filter(|&v| v < n)
    }

    fn text(&mut self) -> Option<String> {
        let len = self.count(1)?;
        String::from_utf8(self.take(len)?.to_vec()).ok()
    }
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

    #[test]
    fn forged_counts_do_not_allocate_beyond_the_input() {
        let mut input = Reader { bytes: &[0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2] };
        assert_eq!(input.count(1), None);
        let mut input = Reader { bytes: &[0xff; 11] };
        assert_eq!(input.number(), None);
    }
}
