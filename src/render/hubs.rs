//! What hub pages compute over many entries: the errors other pages link to most, and the
//! groups of a class page.

use super::Renderer;
use super::view::Card;
use serde::Serialize;
use std::collections::HashSet;

/// How many of the most linked entries the home page shows.
pub(super) const MOST_LINKED: usize = 8;

/// The entries of a list page from one source, under a heading.
#[derive(Debug, Serialize, Hash)]
pub(super) struct Group<'a> {
    pub heading: String,
    pub entries: Vec<&'a Card>,
}

impl Renderer<'_> {
    /// The included entries most linked from other included entries (by `related`,
    /// `compare` or an `@/` link; each linking entry counts once), most first, ties in
    /// natural order; only entries something links to.
    pub(super) fn most_linked(&self) -> Vec<usize> {
        let mut counts = vec![0usize; self.model.entry_count()];
        for (i, e) in self.model.entries().iter().enumerate().filter(|(i, _)| self.model.included(*i)) {
            let targets: HashSet<usize> = e
                .related
                .iter()
                .chain(&e.compare)
                .chain(&e.links)
                .filter_map(|r| self.index.get(r.id.as_str()).copied())
                .filter(|&t| t != i && self.model.included(t))
                .collect();
            targets.into_iter().for_each(|t| counts[t] += 1);
        }
        let mut linked: Vec<usize> = (0..counts.len()).filter(|&i| counts[i] > 0).collect();
        linked.sort_by(|a, b| counts[*b].cmp(&counts[*a]).then(a.cmp(b)));
        linked.truncate(MOST_LINKED);
        linked
    }

    /// The cards of a class page split by source, in the order the list holds them (HTTP
    /// codes first, then the other sources in natural order).
    pub(super) fn groups<'c>(&self, cards: &[&'c Card]) -> Vec<Group<'c>> {
        let mut groups: Vec<Group<'c>> = Vec::new();
        let mut last: Option<&str> = None;
        for card in cards {
            if last != Some(card.source.as_str()) {
                let heading = match card.source.as_str() {
                    "http" => "HTTP status codes".to_string(),
                    source => self.source_title(source),
                };
                groups.push(Group { heading, entries: Vec::new() });
                last = Some(&card.source);
            }
            if let Some(group) = groups.last_mut() {
                group.entries.push(card);
            }
        }
        groups
    }
}
