//! The search index (SEARCH.md §3): every included entry's code key, phrases and weighted
//! terms, computed once at build time so that ranking only looks terms up and adds.

use super::reduce::reduce;
use super::words::{code_key, scores, split, walk};
use crate::model::Site;
use crate::model::entry::Entry;
use crate::model::markdown::{plain, plain_words};
use anyhow::Result;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

/// Field weights, best first (SEARCH.md §3).
const CODE: u32 = 10;
const TITLE: u32 = 8;
const ALIAS: u32 = 6;
const TAG: u32 = 4;
const SUMMARY: u32 = 3;
const TEXT: u32 = 1;

/// One searchable entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// The entry's position in `Site::entries`.
    pub entry: usize,
    pub id: String,
    pub title: String,
    /// Plain text, for the result list.
    pub summary: String,
    pub code_key: String,
    /// The first step of the fastest fix, plain text, for the search page's best answer.
    pub fix: String,
}

/// A phrase of a document: its parts, joined by single spaces.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Phrase {
    pub text: String,
    pub doc: u32,
}

impl Phrase {
    pub(crate) fn first_part(&self) -> &str {
        self.text.split(' ').next().unwrap_or("")
    }
}

/// The whole index, in the form both the build's files and `faultline search` use.
#[derive(Debug, Default)]
pub struct Index {
    pub docs: Vec<Doc>,
    /// Every scoring term, sorted (byte order, which is code point order).
    pub terms: Vec<String>,
    /// For each term, `(doc, weight)` by doc number.
    pub postings: Vec<Vec<(u32, u32)>>,
    /// Sorted by text, then doc.
    pub phrases: Vec<Phrase>,
    pub(super) term_ids: HashMap<String, u32>,
    pub(super) by_code: HashMap<String, Vec<u32>>,
    pub(super) by_first_part: HashMap<String, Vec<u32>>,
}

/// Part of the index, built by one thread from some of the entries: postings still carry
/// field weights (rarity needs every document), in no particular doc order.
#[derive(Default)]
struct Partial {
    postings: HashMap<String, Vec<(u32, u32)>>,
    docs: Vec<(u32, Doc)>,
    phrases: Vec<Phrase>,
}

impl Partial {
    fn merge(mut self, mut other: Partial) -> Partial {
        if self.postings.len() < other.postings.len() {
            std::mem::swap(&mut self, &mut other);
        }
        for (term, list) in other.postings {
            self.postings.entry(term).or_default().extend(list);
        }
        self.docs.extend(other.docs);
        self.phrases.extend(other.phrases);
        self
    }
}

/// Adds entry `e`, document number `doc`, to `acc`. Terms go straight into the thread's
/// postings (a term met again in the same entry keeps its best field), so no per-entry map
/// is ever alive beside the others.
fn add_entry(acc: &mut Partial, doc: u32, entry_index: usize, e: &Entry) -> Result<()> {
    let postings = &mut acc.postings;
    let (phrases, entry) = walk_entry(entry_index, e, &mut |term, weight| {
        let list = match postings.get_mut(term) {
            Some(list) => list,
            None => postings.entry(term.to_string()).or_default(),
        };
        match list.last_mut() {
            Some((d, best)) if *d == doc => *best = (*best).max(weight),
            _ => list.push((doc, weight)),
        }
    })?;
    acc.phrases.extend(phrases.into_iter().map(|text| Phrase { text, doc }));
    acc.docs.push((doc, entry));
    Ok(())
}

/// Hands every scoring term of entry `e` (at `entry_index` in the site) to `add` with the
/// weight of the field it is in, each time it appears; returns the entry's phrases
/// (sorted, without repeats) and its document. `Err` when the entry's body, left in its
/// file, cannot be read back as it was (see [`crate::model::body`]).
pub(super) fn walk_entry(entry_index: usize, e: &Entry, add: &mut dyn FnMut(&str, u32)) -> Result<(Vec<String>, Doc)> {
    let fm = &e.fm;
    let mut add = |text: &str, weight: u32| {
        walk(text, &mut |_, term| {
            if scores(term) {
                add(term, weight);
            }
        });
    };
    add(&fm.code, CODE);
    add(&fm.title, TITLE);
    if let Some(name) = &fm.name {
        add(name, TITLE);
    }
    for text in &fm.also_known_as {
        add(text, ALIAS);
    }
    let messages: Vec<String> = fm.messages.iter().map(|m| reduce(m)).collect();
    for text in &messages {
        add(text, ALIAS);
    }
    for tag in &fm.tags {
        add(tag, TAG);
    }
    let summary = plain(&fm.summary);
    add(&summary, SUMMARY);
    for text in fm
        .fastest_fix
        .iter()
        .chain([&fm.typical_cause, &fm.first_check, &fm.generated_by, &fm.client_action].into_iter().flatten())
    {
        add(&plain_words(text), TEXT);
    }
    for cause in &fm.causes {
        add(&plain_words(&cause.title), TEXT);
        add(&plain_words(cause.detail.as_deref().unwrap_or("")), TEXT);
    }
    for step in &fm.steps {
        for text in [Some(&step.title), step.detail.as_ref(), step.tip.as_ref()].into_iter().flatten() {
            add(&plain_words(text), TEXT);
        }
    }
    for faq in &fm.faq {
        add(&plain_words(&faq.q), TEXT);
        add(&plain_words(&faq.a), TEXT);
    }
    add(&plain_words(&e.body.text()?), TEXT);

    let mut phrases: Vec<String> = [Some(&fm.title), fm.name.as_ref()]
        .into_iter()
        .flatten()
        .chain(&fm.also_known_as)
        .chain(&messages)
        .map(|text| split(text).parts)
        .filter(|parts| parts.len() >= 2)
        .map(|parts| parts.join(" "))
        .collect();
    phrases.sort();
    phrases.dedup();
    let fix = fm.fastest_fix.first().map(|step| plain(step)).unwrap_or_default();
    let entry = Doc {
        entry: entry_index,
        id: e.id.clone(),
        title: fm.title.clone(),
        summary,
        code_key: code_key(&fm.code),
        fix,
    };
    Ok((phrases, entry))
}

/// `1 + floor(log2(n / df))`, in integers so that it never depends on float rounding.
fn rarity(n: usize, df: usize) -> u32 {
    let mut k = 0;
    while df << (k + 1) <= n {
        k += 1;
    }
    1 + k
}

impl Index {
    /// Indexes the entries for which `included` is true, in their (natural) order. `Err`
    /// when a body left in its file cannot be read back as it was.
    pub fn build(site: &Site, included: &[bool]) -> Result<Index> {
        let numbered: Vec<(u32, usize)> =
            (0..site.entries.len()).filter(|&i| included[i]).enumerate().map(|(doc, i)| (doc as u32, i)).collect();
        let partial = numbered
            .par_iter()
            .try_fold(Partial::default, |mut acc, &(doc, i)| {
                add_entry(&mut acc, doc, i, &site.entries[i])?;
                Ok::<_, anyhow::Error>(acc)
            })
            .try_reduce(Partial::default, |a, b| Ok(a.merge(b)))?;
        let mut docs: Vec<(u32, Doc)> = partial.docs;
        docs.sort_unstable_by_key(|(doc, _)| *doc);
        let docs: Vec<Doc> = docs.into_iter().map(|(_, d)| d).collect();
        let mut phrases = partial.phrases;
        phrases.sort();
        Ok(Index::weighed(docs, partial.postings.into_iter().collect(), phrases))
    }

    /// The index of `docs` (in doc order), each term's postings with field weights (in any
    /// order) and sorted phrases: postings sorted by doc and weighted by rarity, terms sorted.
    pub(super) fn weighed(docs: Vec<Doc>, mut by_term: Vec<(String, Vec<(u32, u32)>)>, phrases: Vec<Phrase>) -> Index {
        let n = docs.len();
        by_term.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let (terms, postings): (Vec<String>, Vec<Vec<(u32, u32)>>) = by_term
            .into_par_iter()
            .map(|(term, mut list)| {
                list.sort_unstable_by_key(|(doc, _)| *doc);
                let r = rarity(n, list.len());
                list.iter_mut().for_each(|(_, w)| *w *= r);
                (term, list)
            })
            .unzip();
        Index::from_parts(docs, terms, postings, phrases)
    }

    /// The index of these documents, terms, postings and sorted phrases, with the lookup
    /// tables ranking uses (also how the search cache rebuilds a stored index).
    pub(crate) fn from_parts(
        docs: Vec<Doc>,
        terms: Vec<String>,
        postings: Vec<Vec<(u32, u32)>>,
        phrases: Vec<Phrase>,
    ) -> Index {
        let term_ids: HashMap<String, u32> = terms.iter().enumerate().map(|(i, t)| (t.clone(), i as u32)).collect();
        let mut by_code: HashMap<String, Vec<u32>> = HashMap::default();
        for (i, d) in docs.iter().enumerate().filter(|(_, d)| !d.code_key.is_empty()) {
            by_code.entry(d.code_key.clone()).or_default().push(i as u32);
        }
        let mut by_first_part: HashMap<String, Vec<u32>> = HashMap::default();
        for (i, p) in phrases.iter().enumerate() {
            by_first_part.entry(p.first_part().to_string()).or_default().push(i as u32);
        }
        Index { docs, terms, postings, phrases, term_ids, by_code, by_first_part }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rarity_is_an_integer_log() {
        assert_eq!(rarity(142, 142), 1);
        assert_eq!(rarity(142, 71), 2);
        assert_eq!(rarity(142, 70), 2);
        assert_eq!(rarity(142, 1), 8);
        assert_eq!(rarity(10_000, 1), 14);
    }
}
