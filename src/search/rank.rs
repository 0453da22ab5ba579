//! Ranking a query against the index (SEARCH.md §4).

use super::index::Index;
use super::reduce::reduce;
use super::words::{scores, split};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

// Every constant here is shipped in the index head (`render/search.rs`), so the page's
// script ranks with the same numbers without keeping a copy.

/// A code hit is worth as much as a three-part phrase.
pub(crate) const CODE_HIT: u32 = 3;
/// How many consecutive query parts a code may span (`ssl handshake failed`).
pub(crate) const CODE_SPAN: usize = 4;
/// Scoring terms looked at, so that a pasted stack trace costs no more than a line.
pub(crate) const MAX_TERMS: usize = 32;
/// Multipliers of a term's weight: the query term itself, a term it begins while being
/// typed, a term one edit away, two edits away.
pub(crate) const EXACT: u32 = 4;
pub(crate) const PREFIX: u32 = 3;
pub(crate) const TYPO: [u32; 2] = [2, 1];
/// A term being typed looks for longer terms once it has this many characters.
pub(crate) const PREFIX_MIN_CHARS: usize = 2;
/// An unknown term looks for near spellings once it has this many characters (one edit),
/// or [`TYPO_FAR_CHARS`] (two edits).
pub(crate) const TYPO_MIN_CHARS: usize = 4;
pub(crate) const TYPO_FAR_CHARS: usize = 8;

/// A ranked result: the document's number and its two scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub doc: u32,
    pub exact: u32,
    pub points: u32,
}

/// Edit distance between two strings, counted in characters; `None` when above `max`.
fn levenshtein(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        let mut row_min = current[0];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
            row_min = row_min.min(current[j + 1]);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    (previous[b.len()] <= max).then_some(previous[b.len()])
}

impl Index {
    /// The terms a query term stands for, each with its multiplier: itself ([`EXACT`]), the
    /// terms it begins while being typed ([`PREFIX`]), near spellings when it is not a term
    /// ([`TYPO`]).
    fn expand(&self, term: &str, typing: bool) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        let known = self.term_ids.get(term);
        if let Some(&id) = known {
            out.push((id, EXACT));
        }
        if typing && term.chars().nth(PREFIX_MIN_CHARS - 1).is_some() {
            let start = self.terms.partition_point(|t| t.as_str() < term);
            let end = start + self.terms[start..].partition_point(|t| t.starts_with(term));
            out.extend((start..end).filter(|&i| Some(&(i as u32)) != known).map(|i| (i as u32, PREFIX)));
        }
        let chars: Vec<char> = term.chars().collect();
        if known.is_none() && chars.len() >= TYPO_MIN_CHARS && chars.iter().any(|c| c.is_alphabetic()) {
            let max = if chars.len() >= TYPO_FAR_CHARS { 2 } else { 1 };
            let mut other = Vec::new();
            for (i, candidate) in self.terms.iter().enumerate() {
                // Most terms differ in length by more than `max`: skip them without
                // decoding (a term has no more characters than bytes).
                if candidate.len() + max < chars.len() || candidate.chars().count().abs_diff(chars.len()) > max {
                    continue;
                }
                other.clear();
                other.extend(candidate.chars());
                if let Some(d) = levenshtein(&chars, &other, max) {
                    out.push((i as u32, TYPO[usize::from(d != 1)]));
                }
            }
        }
        out
    }

    /// The documents matching `query`, best first (SEARCH.md §4).
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let reduced = reduce(query);
        let words = split(&reduced);
        // A query ending in a space or punctuation has no word still being typed.
        let typing = query.chars().last().is_some_and(char::is_alphanumeric);
        let tail_start = words.terms.len() - if typing { words.tail } else { 0 };

        let mut exact: HashMap<u32, u32> = HashMap::default();
        let mut coded: HashSet<u32> = HashSet::default();
        let mut matched_phrases: HashSet<u32> = HashSet::default();
        for i in 0..words.parts.len() {
            let mut key = String::new();
            for part in words.parts[i..].iter().take(CODE_SPAN) {
                key.push_str(part);
                for &doc in self.by_code.get(&key).into_iter().flatten() {
                    if coded.insert(doc) {
                        *exact.entry(doc).or_default() += CODE_HIT;
                    }
                }
            }
            for &p in self.by_first_part.get(&words.parts[i]).into_iter().flatten() {
                let phrase = &self.phrases[p as usize];
                let len = phrase.text.split(' ').count();
                let fits = words.parts.get(i..i + len).is_some_and(|run| run.iter().eq(phrase.text.split(' ')));
                if fits && matched_phrases.insert(p) {
                    *exact.entry(phrase.doc).or_default() += len as u32;
                }
            }
        }

        let mut seen: HashSet<&str> = HashSet::default();
        let mut points: HashMap<u32, u32> = HashMap::default();
        let scoring = words
            .terms
            .iter()
            .enumerate()
            .filter(|(_, t)| scores(t))
            .filter(|(_, t)| seen.insert(t.as_str()))
            .take(MAX_TERMS);
        for (position, term) in scoring {
            let mut best: HashMap<u32, u32> = HashMap::default();
            for (id, factor) in self.expand(term, position >= tail_start) {
                for &(doc, weight) in &self.postings[id as usize] {
                    let score = best.entry(doc).or_default();
                    *score = (*score).max(weight * factor);
                }
            }
            for (doc, score) in best {
                *points.entry(doc).or_default() += score;
            }
        }

        let mut hits: Vec<Hit> = points
            .keys()
            .chain(exact.keys())
            .collect::<HashSet<_>>()
            .into_iter()
            .map(|&doc| Hit {
                doc,
                exact: exact.get(&doc).copied().unwrap_or(0),
                points: points.get(&doc).copied().unwrap_or(0),
            })
            .collect();
        hits.sort_unstable_by(|a, b| b.exact.cmp(&a.exact).then(b.points.cmp(&a.points)).then(a.doc.cmp(&b.doc)));
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distance(a: &str, b: &str, max: usize) -> Option<usize> {
        levenshtein(&a.chars().collect::<Vec<_>>(), &b.chars().collect::<Vec<_>>(), max)
    }

    #[test]
    fn levenshtein_counts_edits_up_to_a_bound() {
        assert_eq!(distance("gatway", "gateway", 1), Some(1));
        assert_eq!(distance("timout", "timeout", 1), Some(1));
        assert_eq!(distance("gateway", "gateway", 1), Some(0));
        assert_eq!(distance("getaway", "gateway", 1), None);
        assert_eq!(distance("getaway", "gateway", 2), Some(2));
        assert_eq!(distance("ab", "abcd", 1), None);
        assert_eq!(distance("héllo", "hello", 1), Some(1));
    }
}
