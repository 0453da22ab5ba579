//! Cross-links (docs/content.md), computed once as data that rendering only reads: references are
//! resolved and checked, then the related lists, comparison pairs and comparison rows.
//!
//! Entries are addressed by their index in `Site::entries`; since that vector is in
//! natural id order, comparing indices is comparing ids.

mod compare;
pub(crate) mod related;

use crate::diag::Diagnostic;
use crate::model::entry::Ref;
use crate::model::{Site, hint};
use std::collections::HashMap;

pub(crate) use compare::Pair;

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
    build_kept(site, drafts, None)
}

/// [`build`], taking the related lists `kept` by an earlier build when they were computed
/// from the same inputs (a warm build after an edit that leaves them as they were).
pub(crate) fn build_kept(site: &Site, drafts: bool, kept: Option<&related::Kept>) -> (LinkGraph, Vec<Diagnostic>) {
    let (mut graph, diagnostics) = references(site, drafts);
    graph.related = related::compute_or_take(site, &site.index_by_id(), &graph.included, kept);
    (graph, diagnostics)
}

/// [`build`] but for the related lists, which are left empty: references resolved and
/// checked, drafts, redirects and comparison pairs.
pub(crate) fn references(site: &Site, drafts: bool) -> (LinkGraph, Vec<Diagnostic>) {
    references_where(site, drafts, |_, _| true)
}

/// [`references`] after the entries at `came` were added to a site, and the entries with
/// the ids in `went` taken out of it, when every reference of that site held: only the
/// references of the entries that came and those naming an id that went can fail, so only
/// those are checked. Drafts, redirects and pairs are computed whole.
pub(crate) fn references_after(
    site: &Site,
    drafts: bool,
    came: &[usize],
    went: &[&str],
) -> (LinkGraph, Vec<Diagnostic>) {
    references_where(site, drafts, |entry, r| entry.is_some_and(|i| came.contains(&i)) || went.contains(&r.id.as_str()))
}

/// Whether each entry takes part in the build: drafts only with `drafts`.
pub(crate) fn included(site: &Site, drafts: bool) -> Vec<bool> {
    site.entries.iter().map(|e| drafts || !e.fm.draft).collect()
}

/// [`references`], checking only the references `wanted` picks, given the position of the
/// entry that holds each (`None` for pages).
fn references_where(
    site: &Site,
    drafts: bool,
    wanted: impl Fn(Option<usize>, &Ref) -> bool,
) -> (LinkGraph, Vec<Diagnostic>) {
    let index = site.index_by_id();
    let included = included(site, drafts);
    let mut diagnostics = Vec::new();
    let checker = RefChecker { site, index: &index, drafts };
    for (i, entry) in site.entries.iter().enumerate() {
        checker.check_entry(entry, |r| wanted(Some(i), r), &mut diagnostics);
    }
    let pages = site.home.iter().chain(site.source_pages.values()).chain(site.prose.values());
    for page in pages {
        for r in page.links.iter().filter(|r| wanted(None, r)) {
            diagnostics.extend(checker.check(&page.file, "link", r, true));
        }
    }
    let redirects = redirects(site, &index, &included, &mut diagnostics);
    let (pairs, partners) = compare::pairs(site, &index, &included, &mut diagnostics);
    (LinkGraph { included, related: Vec::new(), pairs, partners, redirects }, diagnostics)
}

/// The diagnostics of the references of the entries at `entries` alone, as [`references`]
/// reports them: enough after an edit that changed nothing other entries' references
/// depend on (`incremental::signature::shape_signature`).
pub(crate) fn check_references_of(site: &Site, drafts: bool, entries: impl Iterator<Item = usize>) -> Vec<Diagnostic> {
    let index = site.index_by_id();
    let checker = RefChecker { site, index: &index, drafts };
    let mut diagnostics = Vec::new();
    entries.for_each(|i| checker.check_entry(&site.entries[i], |_| true, &mut diagnostics));
    diagnostics
}

struct RefChecker<'a> {
    site: &'a Site,
    index: &'a HashMap<&'a str, usize>,
    drafts: bool,
}

impl RefChecker<'_> {
    /// Checks the references of `entry` that `wanted` picks.
    fn check_entry(
        &self,
        entry: &crate::model::entry::Entry,
        wanted: impl Fn(&Ref) -> bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let published = !entry.fm.draft;
        for (field, refs) in [("related", &entry.related), ("compare", &entry.compare), ("link", &entry.links)] {
            for r in refs.iter().filter(|r| wanted(r)) {
                diagnostics.extend(self.check(&entry.file, field, r, published));
            }
        }
    }

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
