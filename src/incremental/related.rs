//! Related lists after a change: only the lists a change can reach are computed again
//! (see [`update`]); the rest of the link graph is computed as `build` does.

use crate::diag::Diagnostic;
use crate::link::related::{Lists, candidates, compute, names, score, tags_of};
use crate::link::{self, LinkGraph};
use crate::model::Site;
use crate::model::entry::Class;
use rayon::prelude::*;
use std::collections::HashMap;

/// [`link::build`] after a change, given the related lists before it and what changed:
/// only the related lists the change can reach are computed again. Everything else is
/// computed as `build` does.
pub fn relink(site: &Site, drafts: bool, before: Before) -> (LinkGraph, Vec<Diagnostic>) {
    let (graph, diagnostics) = link::references(site, drafts);
    (relink_related(site, graph, before), diagnostics)
}

/// `graph` with its related lists after a change, computed again only where the change
/// reaches, as [`relink`] does. `serve` calls it alone when only tags, source or class
/// changed, since the rest of the graph stays.
pub(super) fn relink_related(site: &Site, graph: LinkGraph, before: Before) -> LinkGraph {
    LinkGraph { related: lists_after(site, &graph.included, before), ..graph }
}

/// The related lists after a change, as [`relink_related`] computes them, given which
/// entries take part.
pub(super) fn lists_after(site: &Site, included: &[bool], before: Before) -> Vec<Vec<usize>> {
    let index = site.index_by_id();
    if before.limit == site.config.related_limit {
        update(site, &index, included, before)
    } else {
        compute(site, &index, included)
    }
}

/// What decides the place an entry takes in other entries' related lists, and its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub included: bool,
    pub source: String,
    pub class: Option<Class>,
    /// Its distinct tags, in the order written.
    pub tags: Vec<String>,
    /// The ids its own `related` names, as written.
    pub related: Vec<String>,
}

impl Profile {
    /// The profile of entry `i`, which takes part in the build when `included`.
    pub fn of(site: &Site, i: usize, included: bool) -> Profile {
        let e = &site.entries[i];
        Profile {
            included,
            source: e.source.clone(),
            class: e.class,
            tags: tags_of(site, i).into_iter().map(str::to_string).collect(),
            related: e.related.iter().map(|r| r.id.clone()).collect(),
        }
    }

    fn scoring(&self) -> (bool, &str, Option<Class>, &[String]) {
        (self.included, &self.source, self.class, &self.tags)
    }
}

/// The related lists of the site before a change, and what changed, for [`relink`].
#[derive(Debug, Clone, Default)]
pub struct Before {
    /// The entry ids before the change, in order.
    pub ids: Vec<String>,
    /// Each entry's related list before the change, by position in `ids`.
    pub lists: Vec<Vec<usize>>,
    /// The `related_limit` the lists were computed with.
    pub limit: usize,
    /// Every id whose entry may have changed, with its profile before the change (`None`
    /// when there was no entry with that id).
    pub changed: Vec<(String, Option<Profile>)>,
}

/// The related lists after a change, computed again only for the entries it can reach;
/// every other list is the one before, moved to its entry's new position.
///
/// A changed entry X reaches the list of Y when Y is X; when X's `related` names Y (Y's
/// backlinks change); when Y's own `related` names X and X came, went, or became a draft
/// or not; when Y's list held X and X's tags, source, class or inclusion changed; and when
/// X now scores high enough with Y to enter Y's list: Y's list has room, or X beats the last
/// scored entry on it (higher score, or the same score and an earlier id). Lists filled by
/// Y's own `related` and backlinks alone take no scored entry.
fn update(site: &Site, index: &HashMap<&str, usize>, included: &[bool], before: Before) -> Vec<Vec<usize>> {
    let n = site.entries.len();
    let moved: Vec<Option<usize>> = before.ids.iter().map(|id| index.get(id.as_str()).copied()).collect();
    let mut out: Vec<Option<Vec<usize>>> = vec![None; n];
    for (old, list) in before.lists.into_iter().enumerate() {
        if let Some(new) = moved[old] {
            // A list naming an entry that is gone is computed again (left `None`).
            out[new] = list.into_iter().map(|j| moved[j]).collect();
        }
    }
    let mut again: Vec<bool> = out.iter().map(Option::is_none).collect();
    let limit = site.config.related_limit;
    for (id, old) in &before.changed {
        let at = index.get(id.as_str()).copied();
        let new = at.map(|i| Profile::of(site, i, included[i]));
        if *old == new {
            continue;
        }
        if let Some(i) = at {
            again[i] = true;
        }
        let named = |p: &Option<Profile>| p.as_ref().map(|p| (p.included, p.related.clone()));
        if named(old) != named(&new) {
            for target in old.iter().chain(new.iter()).flat_map(|p| &p.related) {
                if let Some(&j) = index.get(target.as_str()) {
                    again[j] = true;
                }
            }
        }
        if old.as_ref().is_some_and(|p| p.included) != new.as_ref().is_some_and(|p| p.included) {
            for (j, e) in site.entries.iter().enumerate() {
                if e.related.iter().any(|r| r.id == *id) {
                    again[j] = true;
                }
            }
        }
        if old.as_ref().map(Profile::scoring) == new.as_ref().map(Profile::scoring) {
            continue;
        }
        let Some(x) = at else {
            continue;
        };
        for (y, list) in out.iter().enumerate() {
            if list.as_ref().is_some_and(|l| l.contains(&x)) {
                again[y] = true;
            }
        }
        if !included[x] {
            continue;
        }
        for y in candidates(site, included, x) {
            if again[y] || !included[y] {
                continue;
            }
            let Some(list) = &out[y] else {
                continue;
            };
            let enters = match list.last() {
                _ if list.len() < limit => true,
                None => true,
                Some(&last) => {
                    // Not on the list as one of y's own or as a backlink.
                    let scored_part = !(included[last] && (names(site, y, last) || names(site, last, y)));
                    let (new_score, last_score) = (score(site, y, x), score(site, y, last));
                    scored_part && (new_score > last_score || (new_score == last_score && x < last))
                }
            };
            if enters {
                again[y] = true;
            }
        }
    }
    if again.iter().any(|a| *a) {
        let todo: Vec<usize> = (0..n).filter(|&y| again[y]).collect();
        let lists = Lists::of_entries(site, index, included, &todo);
        let computed: Vec<(usize, Vec<usize>)> =
            todo.into_par_iter().map_init(|| vec![0u16; n], |counts, y| (y, lists.of(y, counts))).collect();
        for (y, list) in computed {
            out[y] = Some(list);
        }
    }
    out.into_iter().map(Option::unwrap_or_default).collect()
}
