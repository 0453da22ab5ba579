//! Entries that came or went (a new file in `content/`, a file deleted), in a site without
//! errors: the new entries are put into the last site at their places, the deleted ones
//! taken out of it, instead of the site being put together again from every file; only
//! the references those moves can break are checked again (`link::references_after`), and
//! the edited pages come first as after any edit ([`first`]).
//!
//! Every later entry moves one place, so the rest of the rebuild plans every job.

use super::related::{self, Before, Profile};
use super::{Engine, Outcome, first};
use crate::diag::Diagnostic;
use crate::link::{self, LinkGraph};
use crate::model::Site;
use crate::model::id::natural_cmp;
use crate::render::{self, urls::LinkStyle};
use anyhow::Result;
use std::collections::HashSet;

/// The entries a batch of changes added and removed.
pub(super) struct Arrivals {
    /// The files of the new entries.
    came: Vec<String>,
    /// The positions, in the last site, of the entries whose file is gone, highest first.
    went: Vec<usize>,
}

impl Engine {
    /// The entries `changed` (the paths [`super::sources::Sources::refresh`] found) added
    /// and removed, when that is all they did: every path is the file of an entry of the
    /// last site that is gone, or a new file that parsed into an entry without a problem,
    /// whose id no other entry or file has. `None` otherwise, and when the last walk
    /// found layout errors.
    pub(super) fn arrivals(&self, changed: &HashSet<String>) -> Option<Arrivals> {
        let (site, _) = self.model.as_ref()?;
        if changed.len() > first::MOST || !self.sources.walk_is_clean() {
            return None;
        }
        let (mut came, mut went, mut ids) = (Vec::new(), Vec::new(), HashSet::new());
        for path in changed {
            if let Some(i) = site.entries.iter().position(|e| e.file == *path) {
                if self.sources.holds(path) {
                    return None;
                }
                went.push(i);
                continue;
            }
            let id = &self.sources.parsed_entry(path)?.id;
            let taken = site.entries.binary_search_by(|e| natural_cmp(&e.id, id)).is_ok();
            if taken || site.broken.contains(id) || !ids.insert(id) {
                return None;
            }
            came.push(path.clone());
        }
        went.sort_unstable_by(|a, b| b.cmp(a));
        Some(Arrivals { came, went })
    }

    /// Takes the entries that went out of the last site and puts those that came into it,
    /// then links it and renders the new entries' pages first.
    pub(super) fn arrive(&mut self, Arrivals { came, went }: Arrivals) -> Result<Outcome> {
        let gone = self.pages_of(&went);
        let Some((mut site, mut graph)) = self.model.take() else {
            return Ok(Outcome::Failed("internal: in-place rebuild without a site".into()));
        };
        // What changed: the ids that went, with their profiles, then those that came.
        let mut before = Before {
            ids: site.entries.iter().map(|e| e.id.clone()).collect(),
            lists: std::mem::take(&mut graph.related),
            limit: site.config.related_limit,
            changed: went
                .iter()
                .map(|&i| (site.entries[i].id.clone(), Some(Profile::of(&site, i, graph.included[i]))))
                .collect(),
        };
        for &i in &went {
            site.entries.remove(i);
            self.derived.cards.remove(i);
            self.derived.rows.remove(i);
            self.derived.sources.remove(i);
        }
        for path in &came {
            let Some(entry) = self.sources.lend_entry(path) else {
                self.model = Some((site, graph));
                return Ok(Outcome::Failed(format!("internal: {path} has no entry to lend")));
            };
            // `arrivals` found no entry with an id that compares equal.
            let at = site.entries.binary_search_by(|e| natural_cmp(&e.id, &entry.id)).unwrap_or_else(|at| at);
            let (card, row) = render::card_and_row(&entry, LinkStyle::Folder);
            self.derived.cards.insert(at, card);
            self.derived.rows.insert(at, row);
            self.derived.sources.insert(at, self.sources.hash_of(path));
            before.changed.push((entry.id.clone(), None));
            site.entries.insert(at, entry);
        }
        // The new entries' places, once every one is in.
        let mut came: Vec<usize> = before
            .changed
            .iter()
            .filter(|(_, old)| old.is_none())
            .filter_map(|(id, _)| site.entries.binary_search_by(|e| natural_cmp(&e.id, id)).ok())
            .collect();
        came.sort_unstable();
        let (graph, diagnostics) = self.link_after(&site, &came, before);
        self.linked_in_place((site, graph), diagnostics, (came, gone), None)
    }

    /// The link graph of `site` after the entries at `came` came and those `before` names
    /// with an old profile went, and its diagnostics; the related lists start from `before`.
    fn link_after(&self, site: &Site, came: &[usize], before: Before) -> (LinkGraph, Vec<Diagnostic>) {
        let went: Vec<String> =
            before.changed.iter().filter(|(_, old)| old.is_some()).map(|(id, _)| id.clone()).collect();
        let went: Vec<&str> = went.iter().map(String::as_str).collect();
        let included = link::included(site, self.drafts);
        // Both walk every entry; neither needs the other.
        let ((graph, diagnostics), related) = rayon::join(
            || link::references_after(site, self.drafts, came, &went),
            || related::lists_after(site, &included, before),
        );
        (LinkGraph { related, ..graph }, diagnostics)
    }
}
