//! What tells the engine that an edit to an entry reaches no further than the entry
//! itself, so that it can skip putting the site together again.

use crate::model::entry::{Entry, Ref};
use std::hash::{DefaultHasher, Hash, Hasher};

/// A hash of everything about an entry that files other than its own page, its API file,
/// the comparison pages it is on (and the search index, which reads everything) may read.
/// It hashes every field but those only the entry's own view (its page and comparison
/// pages) and its API file show, so that a new field counts as shared until it is listed
/// here: an edit that leaves the hash unchanged (the body, causes, steps, FAQ, messages...)
/// changes only those files.
pub(super) fn shared_signature(e: &Entry) -> u64 {
    let mut fm = e.fm.clone();
    fm.also_known_as.clear();
    fm.spec = None;
    fm.iana = None;
    fm.client_action = None;
    fm.fastest_fix.clear();
    fm.causes.clear();
    fm.steps.clear();
    fm.estimated_time = None;
    fm.faq.clear();
    fm.messages.clear();
    let mut h = DefaultHasher::new();
    fm.hash(&mut h);
    (&e.id, &e.source, &e.file, e.class, &e.anchors).hash(&mut h);
    hash_refs(e, &mut h);
    h.finish()
}

/// A hash of everything about an entry that the link graph and its diagnostics are made
/// from, but for what only related lists read (its tags, source and class): its id and
/// file, whether it is a draft, what it names in `related`, `compare`, `redirect_from` and
/// links, and its anchors.
pub(super) fn link_signature(e: &Entry) -> u64 {
    let mut h = DefaultHasher::new();
    (&e.id, &e.file, e.fm.draft, &e.anchors).hash(&mut h);
    hash_refs(e, &mut h);
    h.finish()
}

/// A hash of what other entries' references, the comparison pairs and the redirects
/// depend on: the entry's id and file, whether it is a draft, its anchors, and what it
/// names in `compare` and `redirect_from`. An edit that keeps it, and changes only what
/// the entry names in `related` or links to, needs only the entry's own references
/// checked.
pub(super) fn shape_signature(e: &Entry) -> u64 {
    let mut h = DefaultHasher::new();
    (&e.id, &e.file, e.fm.draft, &e.anchors).hash(&mut h);
    for refs in [&e.compare, &e.redirect_from] {
        refs.len().hash(&mut h);
        refs.iter().for_each(|r: &Ref| (&r.id, &r.fragment).hash(&mut h));
    }
    h.finish()
}

/// Where a reference is written only matters to diagnostics, and a site that is rendered
/// has none.
fn hash_refs(e: &Entry, h: &mut DefaultHasher) {
    for refs in [&e.related, &e.compare, &e.redirect_from, &e.links] {
        refs.len().hash(h);
        refs.iter().for_each(|r: &Ref| (&r.id, &r.fragment).hash(h));
    }
}
