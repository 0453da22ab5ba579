//! The search index (SEARCH.md §3): every included entry's code key, phrases and weighted
//! terms, computed once at build time so that ranking only looks terms up and adds.

use super::reduce::reduce;
use super::words::{code_key, scores, split, walk};
use crate::model::Site;
use crate::model::entry::Entry;
use crate::model::markdown::plain;
use rayon::prelude::*;
use std::collections::HashMap;

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
}

/// A phrase of a document: its parts, joined by single spaces.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Phrase {
    pub text: String,
    pub doc: u32,
}

impl Phrase {
    pub fn first_part(&self) -> &str {
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

/// What one entry contributes before documents are numbered together.
struct Extract {
    doc: Doc,
    /// Each scoring term with the best field weight it has in this entry.
    terms: HashMap<String, u32>,
    phrases: Vec<String>,
}

fn extract(entry_index: usize, e: &Entry) -> Extract {
    let fm = &e.fm;
    let mut terms: HashMap<String, u32> = HashMap::with_capacity(256);
    let mut add = |text: &str, weight: u32| {
        walk(text, &mut |_, term| {
            if !scores(term) {
                return;
            }
            match terms.get_mut(term) {
                Some(best) => *best = (*best).max(weight),
                None => {
                    terms.insert(term.to_string(), weight);
                }
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
        add(&plain(text), TEXT);
    }
    for cause in &fm.causes {
        add(&plain(&cause.title), TEXT);
        add(&plain(cause.detail.as_deref().unwrap_or("")), TEXT);
    }
    for step in &fm.steps {
        for text in [Some(&step.title), step.detail.as_ref(), step.tip.as_ref()].into_iter().flatten() {
            add(&plain(text), TEXT);
        }
    }
    for faq in &fm.faq {
        add(&plain(&faq.q), TEXT);
        add(&plain(&faq.a), TEXT);
    }
    add(&plain(&e.body), TEXT);

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
    let doc =
        Doc { entry: entry_index, id: e.id.clone(), title: fm.title.clone(), summary, code_key: code_key(&fm.code) };
    Extract { doc, terms, phrases }
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
    /// Indexes the entries for which `included` is true, in their (natural) order.
    pub fn build(site: &Site, included: &[bool]) -> Index {
        let extracts: Vec<Extract> =
            site.entries.par_iter().enumerate().filter(|(i, _)| included[*i]).map(|(i, e)| extract(i, e)).collect();
        let mut df: HashMap<&str, usize> = HashMap::new();
        for x in &extracts {
            for term in x.terms.keys() {
                *df.entry(term).or_default() += 1;
            }
        }
        let mut terms: Vec<String> = df.keys().map(|t| t.to_string()).collect();
        terms.sort_unstable();
        let term_ids: HashMap<String, u32> = terms.iter().enumerate().map(|(i, t)| (t.clone(), i as u32)).collect();
        let rarities: Vec<u32> = terms.iter().map(|t| rarity(extracts.len(), df[t.as_str()])).collect();
        let mut postings: Vec<Vec<(u32, u32)>> = vec![Vec::new(); terms.len()];
        let mut phrases = Vec::new();
        let mut docs = Vec::with_capacity(extracts.len());
        for (doc, x) in extracts.into_iter().enumerate() {
            let doc = doc as u32;
            for (term, weight) in &x.terms {
                let id = term_ids[term] as usize;
                postings[id].push((doc, weight * rarities[id]));
            }
            phrases.extend(x.phrases.into_iter().map(|text| Phrase { text, doc }));
            docs.push(x.doc);
        }
        phrases.sort();
        let mut by_code: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, d) in docs.iter().enumerate().filter(|(_, d)| !d.code_key.is_empty()) {
            by_code.entry(d.code_key.clone()).or_default().push(i as u32);
        }
        let mut by_first_part: HashMap<String, Vec<u32>> = HashMap::new();
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
