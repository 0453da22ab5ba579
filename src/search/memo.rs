//! The search index of `serve`, updated by the entries that changed: each entry's terms
//! are kept, by the entry's file and a hash of that file, so that a rebuild tokenises only
//! the entries whose file changed, then merges every entry's terms and weighs them again
//! (a term's rarity depends on every entry, so the merge runs over all of them).
//!
//! [`Memo::index`] returns what [`Index::build`] returns for the same site; the tests
//! check it, and the serve tests check the files against a build's.
//!
//! `build` keeps the memo between runs (see `cmd::build::caches`), each entry's file
//! known by its digest.

use super::index::{Doc, Index, Phrase, walk_entry};
use crate::model::entry::Entry;
use crate::store::{Reader, Writer};
use anyhow::Result;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// No field weight comes near this; a kept weight above it is forged.
const MAX_FIELD_WEIGHT: u64 = 1 << 10;

/// One entry's part of the index, without its document number.
struct Tokens {
    /// Each term (by its number in the memo's vocabulary) once, with its best field weight.
    terms: Vec<(u32, u32)>,
    phrases: Vec<String>,
    doc: Doc,
}

/// An entry just tokenised: its terms by text, before they get their numbers.
struct Walked {
    key: (String, u64),
    best: HashMap<String, u32>,
    phrases: Vec<String>,
    doc: Doc,
}

/// Each entry's terms, from the last index built through it.
#[derive(Default)]
pub(crate) struct Memo {
    /// Every term met, by number; a term no entry holds any more stays (it gets no postings).
    vocabulary: Vec<String>,
    numbers: HashMap<String, u32>,
    /// By the entry's file and the hash of its text.
    entries: HashMap<(String, u64), Arc<Tokens>>,
    /// Whether an index since the memo was made or read tokenised or dropped an entry.
    changed: bool,
}

impl Memo {
    /// The index of the `entries` for which `included` is true, `hashes` holding the hash
    /// of each entry's file (all three by position in the site).
    pub(crate) fn index(&mut self, entries: &[Entry], included: &[bool], hashes: &[u64]) -> Result<Index> {
        let keys = Memo::keys(entries, included, hashes);
        let fresh: Vec<(usize, &Entry)> = self.missing(&keys).into_iter().map(|i| (i, &entries[i])).collect();
        self.index_of(keys, &fresh)
    }

    /// The key of each included entry (see [`Memo::index`]), with its position.
    pub(crate) fn keys(entries: &[Entry], included: &[bool], hashes: &[u64]) -> Vec<(usize, (String, u64))> {
        (0..entries.len()).filter(|&i| included[i]).map(|i| (i, (entries[i].file.clone(), hashes[i]))).collect()
    }

    /// The positions of the entries among `keys` whose terms the memo lacks.
    pub(crate) fn missing(&self, keys: &[(usize, (String, u64))]) -> Vec<usize> {
        keys.iter().filter(|(_, key)| !self.entries.contains_key(key)).map(|(i, _)| *i).collect()
    }

    /// The index of the entries of `keys` (see [`Memo::keys`]), `fresh` holding each one
    /// the memo lacks ([`Memo::missing`]) with its position. `Err` when the body of one of
    /// them, left in its file, cannot be read back as it was.
    pub(crate) fn index_of(&mut self, keys: Vec<(usize, (String, u64))>, fresh: &[(usize, &Entry)]) -> Result<Index> {
        let by_position: HashMap<usize, &(String, u64)> = keys.iter().map(|(i, key)| (*i, key)).collect();
        let mut tokenised = false;
        // A chunk at a time: an entry's terms by text take far more memory than by number,
        // and a first build tokenises every entry.
        for chunk in fresh.chunks(256) {
            let walked: Vec<Walked> = chunk
                .par_iter()
                .filter_map(|&(i, entry)| {
                    let key = by_position.get(&i)?;
                    let mut best: HashMap<String, u32> = HashMap::default();
                    let walked = walk_entry(i, entry, &mut |term, weight| match best.get_mut(term) {
                        Some(w) => *w = (*w).max(weight),
                        None => {
                            best.insert(term.to_string(), weight);
                        }
                    });
                    Some(walked.map(|(phrases, doc)| Walked { key: (*key).clone(), best, phrases, doc }))
                })
                .collect::<Result<_>>()?;
            tokenised |= !walked.is_empty();
            // Numbers are handles only: the index orders terms by their text.
            for Walked { key, best, phrases, doc } in walked {
                let terms = best.into_iter().map(|(term, weight)| (self.number(term), weight)).collect();
                self.entries.insert(key, Arc::new(Tokens { terms, phrases, doc }));
            }
        }
        // An entry the memo lacked and was not given has no terms: its key is left out.
        let kept: Vec<(usize, Arc<Tokens>)> =
            keys.iter().filter_map(|(i, key)| Some((*i, Arc::clone(self.entries.get(key)?)))).collect();
        let before = self.entries.len();
        self.entries.retain(|_, tokens| Arc::strong_count(tokens) > 1);
        self.changed |= tokenised || self.entries.len() != before;
        Ok(self.merge(&kept))
    }

    /// Whether an index since the memo was made or read changed what it holds.
    pub(crate) fn changed(&self) -> bool {
        self.changed
    }

    fn number(&mut self, term: String) -> u32 {
        if let Some(&n) = self.numbers.get(&term) {
            return n;
        }
        let n = self.vocabulary.len() as u32;
        self.vocabulary.push(term.clone());
        self.numbers.insert(term, n);
        n
    }

    /// The body of the kept memo (see [`crate::store`]), with only the terms its
    /// entries hold.
    pub(crate) fn encode(&self) -> Vec<u8> {
        // In the order of the keys, so that the same memo writes the same bytes.
        let mut entries: Vec<_> = self.entries.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut used = vec![u32::MAX; self.vocabulary.len()];
        let mut terms = Vec::new();
        for (_, tokens) in &entries {
            for &(term, _) in &tokens.terms {
                if used[term as usize] == u32::MAX {
                    used[term as usize] = terms.len() as u32;
                    terms.push(term);
                }
            }
        }
        let mut out = Writer::default();
        out.number(terms.len() as u64);
        for &term in &terms {
            out.text(&self.vocabulary[term as usize]);
        }
        out.number(entries.len() as u64);
        for ((file, hash), tokens) in entries {
            out.text(file);
            out.number(*hash);
            out.number(tokens.terms.len() as u64);
            for &(term, weight) in &tokens.terms {
                out.number(u64::from(used[term as usize]));
                out.number(u64::from(weight));
            }
            out.number(tokens.phrases.len() as u64);
            tokens.phrases.iter().for_each(|phrase| out.text(phrase));
            let Doc { entry: _, id, title, summary, code_key, fix } = &tokens.doc;
            [id, title, summary, code_key, fix].into_iter().for_each(|text| out.text(text));
        }
        out.into_bytes()
    }

    /// Reads a body that [`Memo::encode`] wrote, checking every term number.
    pub(crate) fn decode(body: &[u8]) -> Option<Memo> {
        let mut input = Reader::new(body);
        let vocabulary = (0..input.count(1)?).map(|_| input.text()).collect::<Option<Vec<String>>>()?;
        let numbers: HashMap<String, u32> = vocabulary.iter().enumerate().map(|(i, t)| (t.clone(), i as u32)).collect();
        if numbers.len() != vocabulary.len() {
            return None;
        }
        let n = u32::try_from(vocabulary.len()).ok()?;
        let mut entries = HashMap::default();
        for _ in 0..input.count(8)? {
            let key = (input.text()?, input.number()?);
            let terms = (0..input.count(2)?)
                .map(|_| {
                    Some((input.below(n)?, u32::try_from(input.number().filter(|&w| w <= MAX_FIELD_WEIGHT)?).ok()?))
                })
                .collect::<Option<Vec<(u32, u32)>>>()?;
            let phrases = (0..input.count(1)?).map(|_| input.text()).collect::<Option<Vec<String>>>()?;
            let doc = Doc {
                entry: 0,
                id: input.text()?,
                title: input.text()?,
                summary: input.text()?,
                code_key: input.text()?,
                fix: input.text()?,
            };
            entries.insert(key, Arc::new(Tokens { terms, phrases, doc }));
        }
        input.is_empty().then_some(Memo { vocabulary, numbers, entries, changed: false })
    }

    /// The index of `kept`, the parts of the entries at these positions, in doc order.
    fn merge(&self, kept: &[(usize, Arc<Tokens>)]) -> Index {
        let (postings, (phrases, docs)) = rayon::join(
            || self.postings(kept),
            || {
                let mut phrases = Vec::new();
                let mut docs = Vec::with_capacity(kept.len());
                for (doc, (entry, tokens)) in kept.iter().enumerate() {
                    let doc = doc as u32;
                    phrases.extend(tokens.phrases.iter().map(|text| Phrase { text: text.clone(), doc }));
                    docs.push(Doc { entry: *entry, ..tokens.doc.clone() });
                }
                phrases.sort();
                (phrases, docs)
            },
        );
        let by_term = postings
            .into_iter()
            .enumerate()
            .filter(|(_, list)| !list.is_empty())
            .map(|(term, list)| (self.vocabulary[term].clone(), list))
            .collect();
        Index::weighed(docs, by_term, phrases)
    }

    /// Each term's postings (by term number) from `kept`, in doc order. Millions of pairs
    /// land in scattered lists: each list is allocated once at its size, and each thread
    /// fills the lists of one range of terms.
    fn postings(&self, kept: &[(usize, Arc<Tokens>)]) -> Vec<Vec<(u32, u32)>> {
        let mut sizes = vec![0usize; self.vocabulary.len()];
        kept.iter().flat_map(|(_, tokens)| &tokens.terms).for_each(|&(term, _)| sizes[term as usize] += 1);
        let ranges = rayon::current_num_threads().max(1);
        let per = self.vocabulary.len().div_ceil(ranges).max(1);
        let parts: Vec<Vec<Vec<(u32, u32)>>> = sizes
            .par_chunks(per)
            .enumerate()
            .map(|(part, sizes)| {
                let first = (part * per) as u32;
                let mut lists: Vec<Vec<(u32, u32)>> = sizes.iter().map(|&n| Vec::with_capacity(n)).collect();
                for (doc, (_, tokens)) in kept.iter().enumerate() {
                    let doc = doc as u32;
                    for &(term, weight) in &tokens.terms {
                        let Some(list) = term.checked_sub(first).and_then(|t| lists.get_mut(t as usize)) else {
                            continue;
                        };
                        // A term is once in an entry's terms; a kept memo is checked, not trusted.
                        if list.last().is_none_or(|&(last, _)| last != doc) {
                            list.push((doc, weight));
                        }
                    }
                }
                lists
            })
            .collect();
        parts.into_iter().flatten().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::check;

    fn same(a: &Index, b: &Index) {
        assert_eq!(a.docs, b.docs);
        assert_eq!(a.terms, b.terms);
        assert_eq!(a.postings, b.postings);
        assert_eq!(a.phrases, b.phrases);
    }

    #[test]
    fn the_memo_builds_what_a_whole_build_builds_after_each_change() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let hub = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hub/content");
        let copy = |from: &std::path::Path| {
            for file in walkdir::WalkDir::new(from).into_iter().flatten().filter(|f| f.file_type().is_file()) {
                let to = root.join("content").join(file.path().strip_prefix(from).unwrap());
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                std::fs::copy(file.path(), to).unwrap();
            }
        };
        copy(&hub);
        let mut memo = Memo::default();
        let http = root.join("content/http");
        let edits: [&dyn Fn(); 4] = [
            &|| {},
            &|| {
                let text = std::fs::read_to_string(http.join("502.md")).unwrap();
                std::fs::write(http.join("502.md"), text.replacen("title: ", "title: Gateway quux ", 1)).unwrap();
            },
            &|| std::fs::remove_file(http.join("504.md")).unwrap(),
            &|| {
                let text = std::fs::read_to_string(http.join("500.md")).unwrap();
                std::fs::write(http.join("999.md"), text.replace("code: 500", "code: 999")).unwrap();
            },
        ];
        for edit in edits {
            edit();
            // As a build keeps it between runs.
            memo = Memo::decode(&memo.encode()).expect("a memo reads back");
            let checked = check::run(root, false).unwrap();
            let hashes: Vec<u64> = checked
                .site
                .entries
                .iter()
                .map(|e| xxhash_rust::xxh3::xxh3_64(&std::fs::read(root.join(&e.file)).unwrap()))
                .collect();
            let whole = Index::build(&checked.site, &checked.graph.included).unwrap();
            same(&memo.index(&checked.site.entries, &checked.graph.included, &hashes).unwrap(), &whole);
            assert_eq!(memo.entries.len(), whole.docs.len(), "parts of entries gone are dropped");
        }
    }

    #[test]
    fn a_damaged_memo_is_refused_or_harmless() {
        let checked =
            check::run(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hub").as_path(), false)
                .unwrap();
        let (entries, included) = (&checked.site.entries[..12], &checked.graph.included[..12]);
        let hashes: Vec<u64> = (0..12).collect();
        let mut memo = Memo::default();
        let whole = memo.index(entries, included, &hashes).unwrap();
        let body = memo.encode();
        for len in (0..body.len()).step_by(17) {
            assert!(Memo::decode(&body[..len]).is_none(), "a memo cut at {len} bytes decoded");
        }
        for i in (0..body.len()).step_by(29) {
            let mut forged = body.clone();
            forged[i] ^= 0x41;
            if let Some(mut memo) = Memo::decode(&forged) {
                let index = memo.index(entries, included, &hashes).unwrap();
                assert_eq!(index.docs.len(), whole.docs.len());
                for list in &index.postings {
                    assert!(list.windows(2).all(|w| w[0].0 < w[1].0), "postings stay in doc order, once each");
                }
            }
        }
    }
}
