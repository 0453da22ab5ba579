//! The site as the renderer reads it, with a note of what each view reads.
//!
//! Views reach the entries, their cards and comparison rows, their related lists and the
//! lists by source, class, tag and status only through [`Model`], whose fields are private
//! to this module. While a view is made inside [`noting`], every such read is noted: the
//! entries it read, the lists it read, or that it read them all. The incremental engine
//! keeps these notes beside each job's fingerprint, so that after an edit to some entries
//! it makes again only the views that read what the edit changed: a new template variable
//! reads through the same methods, so it cannot be missed.
//!
//! What is read without a note (the configuration, the pages beside the entries, ids and
//! URLs, drafts, comparison pairs, redirects) is what an edit of an entry that keeps its
//! links leaves alone; the engine plans every job again when any of it may have changed.

use super::view::{Card, Row};
use crate::config::SiteConfig;
use crate::link::{LinkGraph, Pair};
use crate::model::entry::{Class, Entry};
use crate::model::{Page, Site};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use xxhash_rust::xxh3::Xxh3Default;

/// What one view read, as [`noting`] records it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reads {
    /// Positions of the entries it read (their fields, card, row or related list).
    entries: Vec<u32>,
    /// Keys of the lists it read ([`Model::list_hashes`]).
    lists: Vec<u64>,
    /// It went through every entry or every list.
    everything: bool,
}

/// The key under which a view that shows the navigation's counts notes them (the counts
/// change with the lists, and every page shows the navigation).
pub(crate) const NAV_COUNTS: u64 = 0;

impl Reads {
    /// Notes that the view shows the navigation's counts.
    pub(crate) fn add_nav_counts(&mut self) {
        self.lists.push(NAV_COUNTS);
    }

    /// Whether the view read any of `entries` (flags by position) or of `lists`.
    pub(crate) fn touch(&self, entries: &[bool], lists: &std::collections::HashSet<u64>) -> bool {
        self.everything
            || self.entries.iter().any(|&i| entries.get(i as usize).copied().unwrap_or(true))
            || self.lists.iter().any(|key| lists.contains(key))
    }
}

impl Reads {
    /// Writes the notes for a later build (see `incremental::kept_plan`).
    pub(crate) fn encode(&self, out: &mut crate::store::Writer) {
        out.number(u64::from(self.everything));
        out.number(self.entries.len() as u64);
        self.entries.iter().for_each(|&i| out.number(u64::from(i)));
        out.number(self.lists.len() as u64);
        self.lists.iter().for_each(|&key| out.number(key));
    }

    /// Reads notes that [`Reads::encode`] wrote; a position past the entries reads as
    /// touched (see [`Reads::touch`]).
    pub(crate) fn decode(input: &mut crate::store::Reader<'_>) -> Option<Reads> {
        let everything = match input.number()? {
            0 => false,
            1 => true,
            _ => return None,
        };
        let entries = (0..input.count(1)?).map(|_| u32::try_from(input.number()?).ok()).collect::<Option<_>>()?;
        let lists = (0..input.count(1)?).map(|_| input.number()).collect::<Option<_>>()?;
        Some(Reads { entries, lists, everything })
    }
}

thread_local! {
    static NOTES: RefCell<Option<Reads>> = const { RefCell::new(None) };
}

/// Runs `make` and returns what it read through a [`Model`] on this thread. Nested calls
/// keep their own notes (a rayon thread waiting inside one view may make another).
pub(crate) fn noting<T>(make: impl FnOnce() -> T) -> (T, Reads) {
    let outer = NOTES.with(|n| n.replace(Some(Reads::default())));
    let value = make();
    let mut reads = NOTES.with(|n| n.replace(outer)).unwrap_or_default();
    reads.entries.sort_unstable();
    reads.entries.dedup();
    reads.lists.sort_unstable();
    reads.lists.dedup();
    (value, reads)
}

fn note(add: impl FnOnce(&mut Reads)) {
    NOTES.with(|n| {
        if let Some(reads) = n.borrow_mut().as_mut() {
            add(reads);
        }
    });
}

fn note_entry(i: usize) {
    note(|r| r.entries.push(i as u32));
}

fn note_everything() {
    note(|r| r.everything = true);
}

/// A key for the list of entries of one source, class, tag or status.
fn list_key(kind: &str, name: impl Hash) -> u64 {
    let mut h = Xxh3Default::new();
    (kind, name).hash(&mut h);
    h.finish()
}

fn note_list(kind: &str, name: impl Hash) {
    let key = list_key(kind, name);
    note(|r| r.lists.push(key));
}

/// The list of `lists` under `name`, noted as read (empty when there is none).
fn listed<'m, K, Q>(lists: &'m BTreeMap<K, Vec<usize>>, kind: &str, name: &Q) -> &'m [usize]
where
    K: std::borrow::Borrow<Q> + Ord,
    Q: Hash + Ord + ?Sized,
{
    note_list(kind, name);
    lists.get(name).map_or(&[], Vec::as_slice)
}

/// The site, its link graph, every entry's card and row, and the lists of included
/// entries by source, class, tag and status.
#[derive(Clone)]
pub(crate) struct Model<'a> {
    site: &'a Site,
    graph: &'a LinkGraph,
    cards: Cow<'a, [Card]>,
    rows: Cow<'a, [Row]>,
    /// Included entries by source, class and tag, in natural order.
    by_source: BTreeMap<&'a str, Vec<usize>>,
    by_class: BTreeMap<Class, Vec<usize>>,
    by_tag: BTreeMap<&'a str, Vec<usize>>,
    /// Included non-http entries by their `status`, in natural order.
    by_status: BTreeMap<i64, Vec<usize>>,
}

impl<'a> Model<'a> {
    pub(super) fn new(site: &'a Site, graph: &'a LinkGraph, cards: Cow<'a, [Card]>, rows: Cow<'a, [Row]>) -> Self {
        // Gathered in hash maps, then sorted once: a tree lookup per tag of every entry costs
        // more than the rest of this function.
        let mut by_source: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
        let mut by_class: BTreeMap<Class, Vec<usize>> = BTreeMap::new();
        let mut by_tag: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
        let mut by_status: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        for (i, e) in site.entries.iter().enumerate().filter(|(i, _)| graph.included[*i]) {
            by_source.entry(&e.source).or_default().push(i);
            if let (false, Some(status)) = (e.source == "http", e.fm.status) {
                by_status.entry(status).or_default().push(i);
            }
            if let Some(class) = e.class {
                by_class.entry(class).or_default().push(i);
            }
            for tag in &e.fm.tags {
                let list = by_tag.entry(tag).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        // A class page lists http entries first, then the others whose status is in it.
        for list in by_class.values_mut() {
            list.sort_by_key(|&i| (site.entries[i].source != "http", i));
        }
        Model {
            site,
            graph,
            cards,
            rows,
            by_source: by_source.into_iter().collect(),
            by_class,
            by_tag: by_tag.into_iter().collect(),
            by_status,
        }
    }

    /// The same model, borrowing this one's cards and rows.
    pub(super) fn borrowed(&self) -> Model<'_> {
        Model {
            site: self.site,
            graph: self.graph,
            cards: Cow::Borrowed(&self.cards),
            rows: Cow::Borrowed(&self.rows),
            by_source: self.by_source.clone(),
            by_class: self.by_class.clone(),
            by_tag: self.by_tag.clone(),
            by_status: self.by_status.clone(),
        }
    }

    /// A hash of every list by its key, for the engine to tell which lists an edit changed.
    pub(crate) fn list_hashes(&self) -> HashMap<u64, u64> {
        fn add<K: Hash>(out: &mut HashMap<u64, u64>, kind: &str, lists: &BTreeMap<K, Vec<usize>>) {
            for (name, list) in lists {
                let mut h = Xxh3Default::new();
                list.hash(&mut h);
                out.insert(list_key(kind, name), h.finish());
            }
        }
        let mut out = HashMap::new();
        add(&mut out, "source", &self.by_source);
        add(&mut out, "class", &self.by_class);
        add(&mut out, "tag", &self.by_tag);
        add(&mut out, "status", &self.by_status);
        out
    }

    /// Entry `i`.
    pub(super) fn entry(&self, i: usize) -> &'a Entry {
        note_entry(i);
        &self.site.entries[i]
    }

    /// Every entry, drafts included, for a view that goes through them all.
    pub(super) fn entries(&self) -> &'a [Entry] {
        note_everything();
        &self.site.entries
    }

    /// How many entries there are, drafts included: a view that goes through every
    /// position reads every entry. A view that spreads its reads over rayon's threads must
    /// note this way first, since notes are kept per thread.
    pub(super) fn entry_count(&self) -> usize {
        note_everything();
        self.site.entries.len()
    }

    pub(super) fn card(&self, i: usize) -> &Card {
        note_entry(i);
        &self.cards[i]
    }

    pub(super) fn row(&self, i: usize) -> &Row {
        note_entry(i);
        &self.rows[i]
    }

    /// Entry `i`'s related fixes.
    pub(super) fn related(&self, i: usize) -> &'a [usize] {
        note_entry(i);
        &self.graph.related[i]
    }

    pub(super) fn source_list(&self, source: &str) -> &[usize] {
        listed(&self.by_source, "source", source)
    }

    pub(super) fn class_list(&self, class: Class) -> &[usize] {
        listed(&self.by_class, "class", &class)
    }

    pub(super) fn tag_list(&self, tag: &str) -> &[usize] {
        listed(&self.by_tag, "tag", tag)
    }

    /// The included non-http entries whose `status` is `status`.
    pub(super) fn status_list(&self, status: i64) -> &[usize] {
        listed(&self.by_status, "status", &status)
    }

    /// Every list by source, for a view that shows them all.
    pub(super) fn by_source(&self) -> &BTreeMap<&'a str, Vec<usize>> {
        note_everything();
        &self.by_source
    }

    pub(super) fn by_class(&self) -> &BTreeMap<Class, Vec<usize>> {
        note_everything();
        &self.by_class
    }

    pub(super) fn by_tag(&self) -> &BTreeMap<&'a str, Vec<usize>> {
        note_everything();
        &self.by_tag
    }

    // Read without a note: see the module's documentation.

    pub(super) fn config(&self) -> &'a SiteConfig {
        &self.site.config
    }

    pub(super) fn home(&self) -> Option<&'a Page> {
        self.site.home.as_ref()
    }

    pub(super) fn source_pages(&self) -> &'a BTreeMap<String, Page> {
        &self.site.source_pages
    }

    /// Comparison prose, by page name.
    pub(super) fn prose(&self) -> &'a BTreeMap<String, Page> {
        &self.site.prose
    }

    /// Entry `i`'s id.
    pub(super) fn id(&self, i: usize) -> &'a str {
        &self.site.entries[i].id
    }

    pub(super) fn included(&self, i: usize) -> bool {
        self.graph.included[i]
    }

    pub(super) fn pairs(&self) -> &'a [Pair] {
        &self.graph.pairs
    }

    /// The pair of entries `a` and `b`, if they form one.
    pub(super) fn pair(&self, a: usize, b: usize) -> Option<&'a Pair> {
        self.graph.pair(a, b)
    }

    /// Entry `i`'s comparison partners.
    pub(super) fn partners(&self, i: usize) -> &'a [usize] {
        &self.graph.partners[i]
    }

    pub(super) fn redirects(&self) -> &'a [(String, usize)] {
        &self.graph.redirects
    }
}
