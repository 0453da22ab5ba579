//! Cross-links (docs/content.md), computed once as data that rendering only reads: references are
//! resolved and checked, then the related lists, comparison pairs and comparison rows.
//!
//! Entries are addressed by their index in `Site::entries`; since that vector is in
//! natural id order, comparing indices is comparing ids.

mod compare;
mod related;

use crate::diag::Diagnostic;
use crate::model::entry::{Entry, Ref};
use crate::model::{Site, hint};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

pub(crate) use compare::Pair;
pub use related::{Before, Profile};

/// The link graph of the entries taking part in one build.
#[derive(Debug, Default)]
pub struct LinkGraph {
    /// Whether each entry takes part (drafts only with `--drafts`).
    pub included: Vec<bool>,
    /// Each entry's related fixes, in docs/content.md order.
    pub related: Vec<Vec<usize>>,
    /// Comparison pairs, in natural order of A, then B.
    pub pairs: Vec<Pair>,
    /// Each entry's comparison partners (either side named the other), in natural order.
    pub partners: Vec<Vec<usize>>,
    /// Old ids from `redirect_from`, with the entry each leads to, in natural order.
    pub redirects: Vec<(String, usize)>,
}

impl LinkGraph {
    /// The pair of two entries, if they form one.
    pub fn pair(&self, a: usize, b: usize) -> Option<&Pair> {
        let (a, b) = if a < b { (a, b) } else { (b, a) };
        self.pairs.binary_search_by(|p| (p.a, p.b).cmp(&(a, b))).ok().map(|i| &self.pairs[i])
    }
}

/// Resolves every reference and computes the graph. With `drafts` false, drafts take no
/// part and a published entry or page that links to one is an error.
pub fn build(site: &Site, drafts: bool) -> (LinkGraph, Vec<Diagnostic>) {
    link(site, drafts, None)
}

/// [`build`] after a change, given the related lists before it and what changed: only the
/// related lists the change can reach are computed again (`serve` uses this; see
/// `related::update`). Everything else is computed as `build` does.
pub fn rebuild(site: &Site, drafts: bool, before: Before) -> (LinkGraph, Vec<Diagnostic>) {
    link(site, drafts, Some(before))
}

/// The graph after a change to entries that kept their [`link_signature`]: only their
/// tags, source or class may have changed, so only the related lists can differ (they are
/// updated as [`rebuild`] does); the rest of `graph` stays, and no diagnostic can appear.
pub(crate) fn relink_related(site: &Site, graph: LinkGraph, before: Before) -> LinkGraph {
    let index = site.index_by_id();
    let related = if before.limit == site.config.related_limit {
        related::update(site, &index, &graph.included, before)
    } else {
        related::compute(site, &index, &graph.included)
    };
    LinkGraph { related, ..graph }
}

/// A hash of everything about an entry that the link graph and its diagnostics are made
/// from, but for what only related lists read (its tags, source and class): its id and
/// file, whether it is a draft, what it names in `related`, `compare`, `redirect_from` and
/// links, and its anchors.
pub(crate) fn link_signature(e: &Entry) -> u64 {
    let mut h = DefaultHasher::new();
    (&e.id, &e.file, e.fm.draft, &e.anchors).hash(&mut h);
    for refs in [&e.related, &e.compare, &e.redirect_from, &e.links] {
        refs.len().hash(&mut h);
        refs.iter().for_each(|r| (&r.id, &r.fragment).hash(&mut h));
    }
    h.finish()
}

fn link(site: &Site, drafts: bool, before: Option<Before>) -> (LinkGraph, Vec<Diagnostic>) {
    let index = site.index_by_id();
    let included: Vec<bool> = site.entries.iter().map(|e| drafts || !e.fm.draft).collect();
    let mut diagnostics = Vec::new();
    let checker = RefChecker { site, index: &index, drafts };
    for entry in &site.entries {
        let published = !entry.fm.draft;
        for (field, refs) in [("related", &entry.related), ("compare", &entry.compare), ("link", &entry.links)] {
            for r in refs {
                diagnostics.extend(checker.check(&entry.file, field, r, published));
            }
        }
    }
    let pages = site.home.iter().chain(site.source_pages.values()).chain(site.prose.values());
    for page in pages {
        for r in &page.links {
            diagnostics.extend(checker.check(&page.file, "link", r, true));
        }
    }
    let redirects = redirects(site, &index, &included, &mut diagnostics);
    let related = match before {
        Some(before) if before.limit == site.config.related_limit => related::update(site, &index, &included, before),
        _ => related::compute(site, &index, &included),
    };
    let (pairs, partners) = compare::pairs(site, &index, &included, &mut diagnostics);
    (LinkGraph { included, related, pairs, partners, redirects }, diagnostics)
}

struct RefChecker<'a> {
    site: &'a Site,
    index: &'a HashMap<&'a str, usize>,
    drafts: bool,
}

impl RefChecker<'_> {
    fn check(&self, file: &str, field: &str, r: &Ref, from_published: bool) -> Option<Diagnostic> {
        // Named only when something is wrong: this runs for every reference of every entry.
        let what = || match field {
            "link" => {
                format!("the link `@/{}{}`", r.id, r.fragment.as_ref().map(|f| format!("#{f}")).unwrap_or_default())
            }
            _ => format!("`{field}`"),
        };
        let error = |message: String, hint: Option<String>| {
            Some(Diagnostic::error(message).file(file).at_pos(r.pos).hint_opt(hint))
        };
        let Some(&target) = self.index.get(r.id.as_str()) else {
            if self.site.broken.contains(&r.id) {
                return None;
            }
            let closest = hint::closest(&r.id, self.site.all_ids());
            return error(format!("{} names `{}`, which does not exist", what(), r.id), hint::did_you_mean(closest));
        };
        let target = &self.site.entries[target];
        if from_published && target.fm.draft && !self.drafts {
            return error(
                format!("{} names `{}`, which is a draft", what(), r.id),
                Some(format!("publish {} (remove `draft: true`) or build with --drafts", target.file)),
            );
        }
        if let Some(fragment) = &r.fragment {
            if !target.anchors.contains(fragment) {
                let closest = hint::closest(fragment, target.anchors.iter().map(String::as_str));
                return error(
                    format!("{}: `{}` has no anchor `#{fragment}`", what(), r.id),
                    hint::did_you_mean(closest),
                );
            }
        }
        None
    }
}

fn redirects(
    site: &Site,
    index: &HashMap<&str, usize>,
    included: &[bool],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(String, usize)> {
    let mut taken: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, entry) in site.entries.iter().enumerate() {
        for r in &entry.redirect_from {
            let clash = if index.contains_key(r.id.as_str()) || site.broken.contains(&r.id) {
                Some(format!("`redirect_from` lists `{}`, which is an existing entry", r.id))
            } else {
                taken.get(r.id.as_str()).map(|&other| {
                    format!("`redirect_from` lists `{}`, which {} also redirects", r.id, site.entries[other].file)
                })
            };
            if let Some(message) = clash {
                diagnostics.push(
                    Diagnostic::error(message)
                        .file(&entry.file)
                        .at_pos(r.pos)
                        .hint("an old id can lead to only one entry"),
                );
                continue;
            }
            taken.insert(&r.id, i);
            if included[i] {
                out.push((r.id.clone(), i));
            }
        }
    }
    out.sort_by(|a, b| crate::model::id::natural_cmp(&a.0, &b.0));
    out
}
