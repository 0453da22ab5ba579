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
use std::collections::{BTreeSet, HashMap};

struct Postings<'a> {
    /// Each entry's source as a small number, so scoring compares integers, not strings.
    source_of: Vec<u32>,
    tags: HashMap<&'a str, Vec<usize>>,
    source: HashMap<&'a str, Vec<usize>>,
    class: HashMap<Class, Vec<usize>>,
    source_class: HashMap<(&'a str, Class), Vec<usize>>,
}

/// Distinct tags of an entry, in the order written.
fn tags_of(site: &Site, i: usize) -> Vec<&str> {
    let mut tags: Vec<&str> = Vec::new();
    for t in &site.entries[i].fm.tags {
        if !tags.contains(&t.as_str()) {
            tags.push(t);
        }
    }
    tags
}

fn postings<'a>(site: &'a Site, included: &[bool]) -> Postings<'a> {
    let mut numbers: HashMap<&str, u32> = HashMap::new();
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
        tags: HashMap::new(),
        source: HashMap::new(),
        class: HashMap::new(),
        source_class: HashMap::new(),
    };
    for (i, e) in site.entries.iter().enumerate().filter(|(i, _)| included[*i]) {
        for tag in tags_of(site, i) {
            p.tags.entry(tag).or_default().push(i);
        }
        p.source.entry(&e.source).or_default().push(i);
        if let Some(class) = e.class {
            p.class.entry(class).or_default().push(i);
            p.source_class.entry((&e.source, class)).or_default().push(i);
        }
    }
    p
}

/// What the related list of any entry is computed from.
struct Lists<'a> {
    site: &'a Site,
    index: &'a HashMap<&'a str, usize>,
    included: &'a [bool],
    /// For each entry, the included entries whose `related` names it, in natural order.
    backlinks: Vec<Vec<usize>>,
    postings: Postings<'a>,
    limit: usize,
}

impl<'a> Lists<'a> {
    fn new(site: &'a Site, index: &'a HashMap<&'a str, usize>, included: &'a [bool]) -> Lists<'a> {
        let mut backlinks: Vec<Vec<usize>> = vec![Vec::new(); site.entries.len()];
        for (i, e) in site.entries.iter().enumerate().filter(|(i, _)| included[*i]) {
            for r in &e.related {
                if let Some(&t) = index.get(r.id.as_str()) {
                    if included[t] && !backlinks[t].contains(&i) {
                        backlinks[t].push(i);
                    }
                }
            }
        }
        let postings = postings(site, included);
        Lists { site, index, included, backlinks, postings, limit: site.config.related_limit }
    }

    /// The entries `i` names in its own `related` that take part, without repeats.
    fn own(&self, i: usize) -> Vec<usize> {
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
    fn of(&self, i: usize, counts: &mut [u16]) -> Vec<usize> {
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

/// The related list of every entry (empty for entries not included).
pub(crate) fn compute(site: &Site, index: &HashMap<&str, usize>, included: &[bool]) -> Vec<Vec<usize>> {
    let n = site.entries.len();
    let lists = Lists::new(site, index, included);
    (0..n).into_par_iter().map_init(|| vec![0u16; n], |counts, i| lists.of(i, counts)).collect()
}

/// Appends the best-scoring entries to `out` until it holds `limit`.
fn scored(site: &Site, p: &Postings<'_>, i: usize, limit: usize, counts: &mut [u16], out: &mut Vec<usize>) {
    let me = &site.entries[i];
    let same_source = |x: usize| p.source_of[x] == p.source_of[i];
    let same_class = |x: usize| me.class.is_some() && site.entries[x].class == me.class;
    let mut touched: Vec<usize> = Vec::new();
    for tag in tags_of(site, i) {
        for &x in &p.tags[tag] {
            if counts[x] == 0 {
                touched.push(x);
            }
            counts[x] = counts[x].saturating_add(1);
        }
    }
    let score =
        |x: usize, shared: u16| 3 * u32::from(shared) + 2 * u32::from(same_source(x)) + u32::from(same_class(x));
    let mut tagged: Vec<(u32, usize)> =
        touched.iter().filter(|&&x| x != i && !out.contains(&x)).map(|&x| (score(x, counts[x]), x)).collect();
    // Only the best `need` tagged candidates can make the list, whatever the untagged ones
    // score, so select them in linear time instead of sorting every candidate.
    let need = limit.saturating_sub(out.len());
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
        let untagged: Vec<usize> = {
            let (posting, keep): (&Vec<usize>, &dyn Fn(usize) -> bool) = match (level, me.class) {
                (3, Some(class)) => (p.source_class.get(&(me.source.as_str(), class)).unwrap_or(&empty), &|_| true),
                (2, _) => (p.source.get(me.source.as_str()).unwrap_or(&empty), &|x| !same_class(x)),
                (1, Some(class)) => (p.class.get(&class).unwrap_or(&empty), &|x| !same_source(x)),
                _ => (&empty, &|_| true),
            };
            posting
                .iter()
                .copied()
                .filter(|&x| x != i && counts[x] == 0 && keep(x) && !out.contains(&x))
                .take(need)
                .collect()
        };
        let mut merged: Vec<usize> = from_tags.into_iter().chain(untagged).collect();
        merged.sort_unstable();
        out.extend(merged.into_iter().take(need));
    }
    for x in touched {
        counts[x] = 0;
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

/// The related lists of the site before a change, and what changed, for
/// [`crate::link::rebuild`].
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
pub(crate) fn update(site: &Site, index: &HashMap<&str, usize>, included: &[bool], before: Before) -> Vec<Vec<usize>> {
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
    let mut lists: Option<Lists<'_>> = None;
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
        let lists = lists.get_or_insert_with(|| Lists::new(site, index, included));
        for y in candidates(lists, x) {
            if again[y] || !included[y] {
                continue;
            }
            let Some(list) = &out[y] else {
                continue;
            };
            let enters = match list.last() {
                _ if list.len() < lists.limit => true,
                None => true,
                Some(&last) => {
                    let scored_part = !lists.backlinks[y].contains(&last) && !lists.own(y).contains(&last);
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
        let lists = lists.get_or_insert_with(|| Lists::new(site, index, included));
        let todo: Vec<usize> = (0..n).filter(|&y| again[y]).collect();
        let computed: Vec<(usize, Vec<usize>)> =
            todo.into_par_iter().map_init(|| vec![0u16; n], |counts, y| (y, lists.of(y, counts))).collect();
        for (y, list) in computed {
            out[y] = Some(list);
        }
    }
    out.into_iter().map(Option::unwrap_or_default).collect()
}

/// The included entries that score above 0 with `x`: those sharing a tag, its source or
/// its class.
fn candidates(lists: &Lists<'_>, x: usize) -> BTreeSet<usize> {
    let e = &lists.site.entries[x];
    let mut out: BTreeSet<usize> = BTreeSet::new();
    for tag in tags_of(lists.site, x) {
        out.extend(lists.postings.tags.get(tag).into_iter().flatten());
    }
    out.extend(lists.postings.source.get(e.source.as_str()).into_iter().flatten());
    if let Some(class) = e.class {
        out.extend(lists.postings.class.get(&class).into_iter().flatten());
    }
    out.remove(&x);
    out
}

/// docs/content.md's score of `x` in the related list of `y`.
fn score(site: &Site, y: usize, x: usize) -> u32 {
    let (a, b) = (&site.entries[y], &site.entries[x]);
    let tags_y = tags_of(site, y);
    let shared = tags_of(site, x).iter().filter(|t| tags_y.contains(t)).count() as u32;
    3 * shared + 2 * u32::from(a.source == b.source) + u32::from(a.class.is_some() && a.class == b.class)
}
