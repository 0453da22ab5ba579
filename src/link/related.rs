//! Related fixes (docs/content.md): the entry's own `related` list, then backlinks, then the most
//! alike entries by score = 3 × shared tags + 2 × same source + 1 × same class.
//!
//! Scoring never compares every entry with every other. Entries sharing a tag are found
//! through tag postings and scored exactly. Entries sharing no tag score at most 3, and
//! those are drawn lazily, in id order, from the source and class postings only when the
//! list still has room; any entry skipped there scores higher and was already taken, so
//! each walk stops after at most `limit` skips.

use crate::model::Site;
use crate::model::entry::Class;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

struct Postings<'a> {
    /// Each entry's source as a small number, so scoring compares integers, not strings.
    source_of: Vec<u32>,
    /// Each entry's class, beside the source numbers: scoring reads both for every entry
    /// sharing a tag (thousands at 100,000 entries), and the entries themselves are large.
    class_of: Vec<Option<Class>>,
    tags: FxHashMap<&'a str, Vec<usize>>,
    source: FxHashMap<&'a str, Vec<usize>>,
    class: FxHashMap<Class, Vec<usize>>,
    source_class: FxHashMap<(&'a str, Class), Vec<usize>>,
}

/// Distinct tags of an entry, in the order written.
pub(crate) fn tags_of(site: &Site, i: usize) -> Vec<&str> {
    let mut tags: Vec<&str> = Vec::new();
    for t in &site.entries[i].fm.tags {
        if !tags.contains(&t.as_str()) {
            tags.push(t);
        }
    }
    tags
}

/// The keys whose postings [`Lists`] holds: every key (`None`), or the tags, sources and
/// classes of some entries, enough to compute those entries' lists.
struct Wanted<'a>(Option<Keys<'a>>);

struct Keys<'a> {
    tags: Vec<&'a str>,
    sources: Vec<&'a str>,
    classes: Vec<Class>,
}

impl<'a> Wanted<'a> {
    fn of(site: &'a Site, entries: &[usize]) -> Wanted<'a> {
        let mut keys = Keys { tags: Vec::new(), sources: Vec::new(), classes: Vec::new() };
        for e in entries.iter().map(|&i| &site.entries[i]) {
            keys.tags.extend(e.fm.tags.iter().map(String::as_str));
            keys.sources.push(e.source.as_str());
            keys.classes.extend(e.class);
        }
        Wanted(Some(keys))
    }

    fn tag(&self, tag: &str) -> bool {
        self.0.as_ref().is_none_or(|k| k.tags.contains(&tag))
    }

    fn source(&self, source: &str) -> bool {
        self.0.as_ref().is_none_or(|k| k.sources.contains(&source))
    }

    fn class(&self, class: Class) -> bool {
        self.0.as_ref().is_none_or(|k| k.classes.contains(&class))
    }
}

fn postings<'a>(site: &'a Site, included: &[bool], wanted: &Wanted<'_>) -> Postings<'a> {
    let mut numbers: FxHashMap<&str, u32> = FxHashMap::default();
    let source_of = site
        .entries
        .iter()
        .map(|e| {
            let next = numbers.len() as u32;
            *numbers.entry(&e.source).or_insert(next)
        })
        .collect();
    let mut p = Postings {
        source_of,
        class_of: site.entries.iter().map(|e| e.class).collect(),
        tags: FxHashMap::default(),
        source: FxHashMap::default(),
        class: FxHashMap::default(),
        source_class: FxHashMap::default(),
    };
    for (i, e) in site.entries.iter().enumerate().filter(|(i, _)| included[*i]) {
        for tag in e.fm.tags.iter().filter(|t| wanted.tag(t)) {
            let posting = p.tags.entry(tag).or_default();
            // A tag written twice counts once: entries come in order.
            if posting.last() != Some(&i) {
                posting.push(i);
            }
        }
        let source = wanted.source(&e.source);
        if source {
            p.source.entry(&e.source).or_default().push(i);
        }
        if let Some(class) = e.class.filter(|c| wanted.class(*c)) {
            p.class.entry(class).or_default().push(i);
            if source {
                p.source_class.entry((&e.source, class)).or_default().push(i);
            }
        }
    }
    p
}

/// What the related list of any entry is computed from.
pub(crate) struct Lists<'a> {
    site: &'a Site,
    index: &'a HashMap<&'a str, usize>,
    included: &'a [bool],
    /// For each entry, the included entries whose `related` names it, in natural order.
    backlinks: Vec<Vec<usize>>,
    postings: Postings<'a>,
    limit: usize,
}

impl<'a> Lists<'a> {
    /// What every entry's related list is computed from.
    pub(crate) fn new(site: &'a Site, index: &'a HashMap<&'a str, usize>, included: &'a [bool]) -> Lists<'a> {
        Lists::wanted(site, index, included, None)
    }

    /// What the related lists of `entries` alone are computed from (see [`Lists::of`]):
    /// their backlinks, and the postings of their tags, sources and classes. For more than
    /// a few entries, everything, as [`Lists::new`] (their keys are looked up one by one).
    pub(crate) fn of_entries(
        site: &'a Site,
        index: &'a HashMap<&'a str, usize>,
        included: &'a [bool],
        entries: &[usize],
    ) -> Lists<'a> {
        const FEW: usize = 16;
        Lists::wanted(site, index, included, Some(entries).filter(|e| e.len() <= FEW))
    }

    /// What the lists of `entries` are computed from, or every list's for `None`.
    fn wanted(
        site: &'a Site,
        index: &'a HashMap<&'a str, usize>,
        included: &'a [bool],
        entries: Option<&[usize]>,
    ) -> Lists<'a> {
        let mut backlinks: Vec<Vec<usize>> = vec![Vec::new(); site.entries.len()];
        // For a few entries, an id is compared with theirs rather than looked up.
        let targets: Option<Vec<(&str, usize)>> =
            entries.map(|entries| entries.iter().map(|&t| (site.entries[t].id.as_str(), t)).collect());
        let target_of = |id: &str| match &targets {
            None => index.get(id).copied(),
            Some(targets) => targets.iter().find(|(t, _)| *t == id).map(|&(_, t)| t),
        };
        for (i, e) in site.entries.iter().enumerate().filter(|(i, _)| included[*i]) {
            for r in &e.related {
                if let Some(t) = target_of(&r.id) {
                    if included[t] && !backlinks[t].contains(&i) {
                        backlinks[t].push(i);
                    }
                }
            }
        }
        let wanted = entries.map_or(Wanted(None), |entries| Wanted::of(site, entries));
        let postings = postings(site, included, &wanted);
        Lists { site, index, included, backlinks, postings, limit: site.config.related_limit }
    }

    /// The entries `i` names in its own `related` that take part, without repeats.
    pub(crate) fn own(&self, i: usize) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for r in &self.site.entries[i].related {
            if let Some(&t) = self.index.get(r.id.as_str()) {
                if self.included[t] && !out.contains(&t) {
                    out.push(t);
                }
            }
        }
        out
    }

    /// The related list of entry `i` (empty when it is not included). `counts` holds a zero
    /// for every entry, and is left that way.
    pub(crate) fn of(&self, i: usize, counts: &mut [u16]) -> Vec<usize> {
        if !self.included[i] {
            return Vec::new();
        }
        let mut out = self.own(i);
        for &b in &self.backlinks[i] {
            if out.len() >= self.limit {
                break;
            }
            if b != i && !out.contains(&b) {
                out.push(b);
            }
        }
        if out.len() < self.limit {
            scored(self.site, &self.postings, i, self.limit, counts, &mut out);
        }
        out
    }
}

/// Related lists an earlier build computed, with a hash of what they were computed from
/// ([`inputs`]), so that a warm build takes them when its entries give the same hash.
#[derive(Debug, Default)]
pub(crate) struct Kept {
    pub inputs: u64,
    pub lists: Vec<Vec<usize>>,
}

/// A hash of everything the related lists are computed from: the limit, and each entry's
/// id, inclusion, source, class, tags and own `related`, in order.
pub(crate) fn inputs(site: &Site, included: &[bool]) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3Default::new();
    site.config.related_limit.hash(&mut h);
    for (i, e) in site.entries.iter().enumerate() {
        (&e.id, included[i], &e.source, e.class, tags_of(site, i)).hash(&mut h);
        e.related.len().hash(&mut h);
        e.related.iter().for_each(|r| r.id.hash(&mut h));
    }
    h.finish()
}

/// The related list of every entry, taken from `kept` when it was computed from the same
/// inputs, else computed.
pub(crate) fn compute_or_take(
    site: &Site,
    index: &HashMap<&str, usize>,
    included: &[bool],
    kept: Option<&Kept>,
) -> Vec<Vec<usize>> {
    let n = site.entries.len();
    match kept {
        Some(kept)
            if kept.lists.len() == n
                && kept.lists.iter().flatten().all(|&j| j < n)
                && kept.inputs == inputs(site, included) =>
        {
            kept.lists.clone()
        }
        _ => compute(site, index, included),
    }
}

/// The related list of every entry (empty for entries not included).
pub(crate) fn compute(site: &Site, index: &HashMap<&str, usize>, included: &[bool]) -> Vec<Vec<usize>> {
    let n = site.entries.len();
    let lists = Lists::new(site, index, included);
    (0..n).into_par_iter().map_init(|| vec![0u16; n], |counts, i| lists.of(i, counts)).collect()
}

/// Marks entries that cannot be candidates (the entry itself, those already listed) in
/// `counts`: counting passes over them, so no later step has to ask.
const EXCLUDED: u16 = u16::MAX;

/// The fewest shared tags a candidate needs to be worth scoring, from `by_shared` (how
/// many candidates share each number of tags, 63 standing for 63 or more). A shared tag is
/// worth 3 and source and class together at most 3, so once `need` candidates share `k`
/// tags or more, one that shares `k - 2` or fewer scores below every one of them. At
/// 100,000 entries an entry touches about 9,800 others through its tags. Counts over 63
/// taken as 63 only lower the floor, so more are scored, never fewer.
fn shared_floor(by_shared: &[usize; 64], need: usize) -> u16 {
    let mut at_least = 0;
    for k in (1..64u16).rev() {
        at_least += by_shared[usize::from(k)];
        if at_least >= need {
            return k - 1;
        }
    }
    0
}

/// Appends the best-scoring entries to `out` until it holds `limit`.
fn scored(site: &Site, p: &Postings<'_>, i: usize, limit: usize, counts: &mut [u16], out: &mut Vec<usize>) {
    let me = &site.entries[i];
    let same_source = |x: usize| p.source_of[x] == p.source_of[i];
    let same_class = |x: usize| me.class.is_some() && p.class_of[x] == me.class;
    for &x in out.iter().chain([&i]) {
        counts[x] = EXCLUDED;
    }
    // Counted in one pass over the tags' postings, with how many share each count: at
    // 100,000 entries this is most of the related step.
    let mut touched: Vec<usize> = Vec::new();
    let mut by_shared = [0usize; 64];
    for tag in tags_of(site, i) {
        for &x in &p.tags[tag] {
            let count = counts[x];
            if count == EXCLUDED {
                continue;
            }
            if count == 0 {
                touched.push(x);
            }
            // A count stops short of the mark (tens of thousands of tags, all shared).
            let next = count.saturating_add(1).min(EXCLUDED - 1);
            by_shared[usize::from(count).min(63)] -= usize::from(count > 0);
            by_shared[usize::from(next).min(63)] += 1;
            counts[x] = next;
        }
    }
    let score =
        |x: usize, shared: u16| 3 * u32::from(shared) + 2 * u32::from(same_source(x)) + u32::from(same_class(x));
    let need = limit.saturating_sub(out.len());
    // `need` candidates share `floor + 1` tags or more, so the list's last place scores at
    // least 3 × (floor + 1): one sharing `floor` tags reaches it only with both the source
    // and the class, and then ties at best.
    let floor = shared_floor(&by_shared, need);
    let worth = |x: usize| counts[x] > floor || (counts[x] == floor && same_source(x) && same_class(x));
    let mut tagged: Vec<(u32, usize)> =
        touched.iter().filter(|&&x| worth(x)).map(|&x| (score(x, counts[x]), x)).collect();
    // Only the best `need` tagged candidates can make the list, whatever the untagged ones
    // score, so select them in linear time instead of sorting every candidate.
    let best_first = |a: &(u32, usize), b: &(u32, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    if tagged.len() > need && need > 0 {
        tagged.select_nth_unstable_by(need - 1, best_first);
        tagged.truncate(need);
    }
    tagged.sort_unstable_by(best_first);

    let mut levels: Vec<u32> = tagged.iter().map(|t| t.0).chain([3, 2, 1]).collect();
    levels.sort_unstable_by(|a, b| b.cmp(a));
    levels.dedup();
    let empty = Vec::new();
    for level in levels {
        let need = limit.saturating_sub(out.len());
        if need == 0 {
            break;
        }
        let from_tags: Vec<usize> = tagged.iter().filter(|t| t.0 == level).map(|t| t.1).take(need).collect();
        // Entries sharing no tag, at this score: walk the posting that holds exactly them.
        // A count of 0 leaves out the entry, those listed before (marked) and those taken
        // from the tags; the levels' postings share no entry, so none is taken twice.
        let untagged: Vec<usize> = {
            let (posting, keep): (&Vec<usize>, &dyn Fn(usize) -> bool) = match (level, me.class) {
                (3, Some(class)) => (p.source_class.get(&(me.source.as_str(), class)).unwrap_or(&empty), &|_| true),
                (2, _) => (p.source.get(me.source.as_str()).unwrap_or(&empty), &|x| !same_class(x)),
                (1, Some(class)) => (p.class.get(&class).unwrap_or(&empty), &|x| !same_source(x)),
                _ => (&empty, &|_| true),
            };
            posting.iter().copied().filter(|&x| counts[x] == 0 && keep(x)).take(need).collect()
        };
        let mut merged: Vec<usize> = from_tags.into_iter().chain(untagged).collect();
        merged.sort_unstable();
        out.extend(merged.into_iter().take(need));
    }
    for x in touched.into_iter().chain(out.iter().copied()).chain([i]) {
        counts[x] = 0;
    }
}

/// The included entries other than `x` that score above 0 with it (those sharing a tag,
/// its source or its class), in order: one pass over the entries, with no postings.
pub(crate) fn candidates(site: &Site, included: &[bool], x: usize) -> Vec<usize> {
    let me = &site.entries[x];
    let alike = |e: &crate::model::entry::Entry| {
        e.source == me.source
            || (me.class.is_some() && e.class == me.class)
            || e.fm.tags.iter().any(|t| me.fm.tags.contains(t))
    };
    site.entries.iter().enumerate().filter(|&(j, e)| j != x && included[j] && alike(e)).map(|(j, _)| j).collect()
}

/// Whether entry `from`'s own `related` names entry `to`.
pub(crate) fn names(site: &Site, from: usize, to: usize) -> bool {
    site.entries[from].related.iter().any(|r| r.id == site.entries[to].id)
}

/// docs/content.md's score of `x` in the related list of `y`.
pub(crate) fn score(site: &Site, y: usize, x: usize) -> u32 {
    let (a, b) = (&site.entries[y], &site.entries[x]);
    let tags_y = tags_of(site, y);
    let shared = tags_of(site, x).iter().filter(|t| tags_y.contains(t)).count() as u32;
    3 * shared + 2 * u32::from(a.source == b.source) + u32::from(a.class.is_some() && a.class == b.class)
}
