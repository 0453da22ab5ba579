//! The rebuild engine of `serve`: the site in memory, brought up to date after each batch
//! of changes by redoing only what the changes reach.
//!
//! A rebuild runs the same stages as `build`, each with what it kept from the last one:
//!
//! 1. **load and model**: only the changed files of `content/` are read and parsed again
//!    (`Sources`); `site.yaml`, the theme and `static/` only when something under them
//!    changed. The site is assembled by [`crate::model::assemble`], as `check` does.
//! 2. **link**: the link graph is computed again, except the related lists, which are
//!    computed again only for the entries a change can reach ([`related::relink`]).
//! 3. **render**: every job gets a fingerprint of the view it renders ([`fingerprint`]);
//!    only jobs whose fingerprint changed are rendered, and only files whose bytes changed
//!    are replaced. Cards and comparison rows are kept for the entries whose file did not
//!    change.
//! 4. **search**: the search index is one structure over every entry (a term's weight
//!    depends on how many entries hold it), so it comes after the pages
//!    ([`Engine::finish`]): the edited page is served first. Only the changed entries are
//!    tokenised again; every entry's kept terms are then merged and weighed
//!    ([`crate::search::memo`]).
//!
//! An edit that changes nothing other pages read ([`signature::shared_signature`]: the
//! body, causes, steps, FAQ...) skips stages 1 to 3 for everything but the edited entries:
//! they take their old versions' places in the last site, and only their own pages, API
//! files and comparison pages are rendered again. Entries that come or go (a new file, a
//! file deleted) are put into the last site or taken out of it in the same way
//! ([`arrivals`]), with only the references that can break checked again.
//!
//! Whatever the sequence of changes, the files equal what `faultline build --base-url
//! <served URL>` writes from the same inputs; the tests check this file by file.

mod arrivals;
mod fingerprint;
mod first;
pub(crate) mod kept_plan;
pub mod related;
mod scope;
mod signature;
mod sources;
pub(crate) mod theme_state;
pub(crate) mod warm;

use crate::config::{self, SiteConfig};
use crate::diag::{self, Diagnostic, Severity};
use crate::link::{self, LinkGraph};
use crate::load::theme;
use crate::model::entry::Entry;
use crate::model::id::natural_cmp;
use crate::model::{self, Site};
use crate::output::{MARKER, RECORD};
use crate::render::assets::static_collisions;
use crate::render::reads::Reads;
use crate::render::urls::LinkStyle;
use crate::render::view::{Card, Row};
use crate::render::{self, Job, Options, PAGE_SIZE, Renderer};
use crate::search::memo::Memo;
use anyhow::Result;
use axum::body::Bytes;
use fingerprint::Planned;
use related::{Before, Profile};
use sources::Sources;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use theme_state::ThemeState;

/// What changed on disk since the last rebuild.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// Files or folders, relative to the root with `/` separators (`content/http/502.md`).
    pub paths: BTreeSet<String>,
    /// Read everything again: the first build, or events were lost.
    pub everything: bool,
}

impl Changes {
    pub fn everything() -> Changes {
        Changes { paths: BTreeSet::new(), everything: true }
    }

    /// Changes to these paths (relative to the root).
    pub fn of<S: Into<String>>(paths: impl IntoIterator<Item = S>) -> Changes {
        Changes { paths: paths.into_iter().map(Into::into).collect(), everything: false }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.everything
    }

    /// Whether anything at or under `top` (`static`, `site.yaml`) changed.
    fn touch(&self, top: &str) -> bool {
        self.everything
            || self.paths.iter().any(|p| p == top || p.strip_prefix(top).is_some_and(|r| r.starts_with('/')))
    }

    /// "content/http/502.md changed", for the terminal.
    pub(crate) fn describe(&self) -> String {
        match (self.everything, self.paths.len()) {
            (true, _) => "rebuilt everything".to_string(),
            (false, 1) => format!("{} changed", self.paths.iter().next().map_or("", String::as_str)),
            (false, n) => format!("{n} files changed"),
        }
    }
}

/// What a rebuild did.
#[derive(Debug)]
pub enum Outcome {
    /// The site was rebuilt: the output paths written anew (with new bytes) and removed,
    /// how many files were rendered to find them, and the warnings.
    Built { changed: Vec<String>, removed: Vec<String>, rendered: usize, warnings: Vec<Diagnostic> },
    /// Content errors (and warnings), sorted as `check` prints them; the site stays as it was.
    Errors(Vec<Diagnostic>),
    /// Something other than content stopped the build (a theme or template error, a folder
    /// that cannot be read); the site stays as it was.
    Failed(String),
}

impl Outcome {
    /// This outcome followed by `next`: the files of both when both built, else the one
    /// that did not (the site is then as the failure left it).
    fn then(self, next: Outcome) -> Outcome {
        match (self, next) {
            (
                Outcome::Built { mut changed, mut removed, rendered, mut warnings },
                Outcome::Built { changed: more, removed: gone, rendered: count, warnings: more_warnings },
            ) => {
                // What the later outcome says of a path is what holds.
                let later: HashSet<String> = more.iter().chain(&gone).cloned().collect();
                changed.retain(|path| !later.contains(path));
                removed.retain(|path| !later.contains(path));
                changed.extend(more);
                removed.extend(gone);
                warnings.extend(more_warnings);
                Outcome::Built { changed, removed, rendered: rendered + count, warnings }
            }
            (Outcome::Built { .. }, failed) | (failed, _) => failed,
        }
    }
}

/// A job of the last good site: what it was rendered from, and the files it wrote.
struct PlannedJob {
    job: Job,
    fingerprint: u64,
    paths: Vec<String>,
    /// What its view read, to tell whether an edit reaches it ([`scope`]).
    reads: Reads,
    /// The rebuild that last planned it.
    generation: u64,
}

impl PlannedJob {
    fn new(planned: Planned, generation: u64) -> PlannedJob {
        let Planned { job, paths, fingerprint, reads } = planned;
        PlannedJob { job, fingerprint, paths, reads, generation }
    }
}

/// What the search index needs, to build it on another thread: every included entry's
/// key, a copy of the entries the memo has no terms for, and the memo itself, lent to the
/// job and given back with its files (so that what the memo lacks cannot change between).
pub(crate) struct SearchJob {
    /// What the index is built from, as [`Engine`] tells whether it is still current.
    source: u64,
    keys: Vec<(usize, (String, u64))>,
    fresh: Vec<(usize, Entry)>,
    memo: Memo,
}

impl SearchJob {
    /// Builds the search index files, tokenising only the entries whose file changed since
    /// the last job.
    pub(crate) fn run(mut self) -> SearchDone {
        let fresh: Vec<(usize, &Entry)> = self.fresh.iter().map(|(i, entry)| (*i, entry)).collect();
        let files = self.memo.index_of(self.keys, &fresh).map(|index| render::search_files(&index));
        SearchDone { source: self.source, files, memo: self.memo }
    }
}

/// The search index files of a [`SearchJob`], with the memo it was lent.
pub(crate) struct SearchDone {
    source: u64,
    /// `Err` when an entry's body could not be read (never for the bodies `serve` holds).
    files: anyhow::Result<Vec<render::OutFile>>,
    memo: Memo,
}

/// What the renderer needs of each entry, kept while the entry's file does not change: its
/// card and row, with the hash of the file they were made from. All in entry order.
#[derive(Default)]
struct Derived {
    cards: Vec<Card>,
    rows: Vec<Row>,
    sources: Vec<u64>,
}

/// The site in memory, and what it takes to rebuild it.
pub struct Engine {
    root: PathBuf,
    drafts: bool,
    /// Entries per page of a list.
    page_size: usize,
    /// Where the site is served, used as its `base_url` (canonical links, sitemap, 404.html).
    base_url: String,
    config: Option<(SiteConfig, Vec<Diagnostic>)>,
    sources: Sources,
    theme: Option<ThemeState>,
    statics: Option<BTreeMap<String, Vec<u8>>>,
    /// The model of the last rebuild, good or not; its entries go back to `sources` at the
    /// start of the next one.
    model: Option<(Site, LinkGraph)>,
    /// Whether `model` was rendered (it had no errors).
    model_is_good: bool,
    /// Of the entries of the last site that was rendered.
    derived: Derived,
    /// The last good site: output path to bytes.
    files: BTreeMap<String, Bytes>,
    /// The jobs of the last good site, by first path.
    jobs: HashMap<String, PlannedJob>,
    /// What the last plan saw beside the jobs' notes.
    seen: scope::Seen,
    /// Counts the rebuilds that rendered, to tell the jobs of the last one from older ones.
    generation: u64,
    /// The output paths of the theme's assets, `static/` and the search index.
    assets: BTreeSet<String>,
    statics_paths: BTreeSet<String>,
    search_paths: BTreeSet<String>,
    /// A hash of what the search index was last built from; it is stale when this differs.
    search_source: Option<u64>,
    /// Each entry's search terms, for the next index.
    /// Lent to the search job while it runs (an empty one stands in meanwhile).
    search_memo: Memo,
    /// What the last update left to render after the edited pages ([`Engine::rest`]).
    rest: Option<first::Rest>,
}

impl Engine {
    /// An engine for the site at `root`, served at `base_url`; nothing is built until the
    /// first [`Engine::rebuild`] or [`Engine::update`].
    pub fn new(root: &Path, drafts: bool, base_url: &str) -> Engine {
        Engine {
            root: root.to_path_buf(),
            drafts,
            page_size: PAGE_SIZE,
            base_url: base_url.to_string(),
            config: None,
            sources: Sources::default(),
            theme: None,
            statics: None,
            model: None,
            model_is_good: false,
            derived: Derived::default(),
            files: BTreeMap::new(),
            jobs: HashMap::new(),
            seen: scope::Seen::default(),
            generation: 0,
            assets: BTreeSet::new(),
            statics_paths: BTreeSet::new(),
            search_paths: BTreeSet::new(),
            search_source: None,
            search_memo: Memo::default(),
            rest: None,
        }
    }

    /// The engine with lists split into pages of `size` entries instead of the usual
    /// 200, so that tests cross page boundaries with a small site.
    pub fn with_page_size(self, size: usize) -> Engine {
        Engine { page_size: size.max(1), ..self }
    }

    /// The last good site, by output path.
    pub fn files(&self) -> &BTreeMap<String, Bytes> {
        &self.files
    }

    /// Brings the whole site, search index included, up to date with the files on disk
    /// after `changes`: [`Engine::update`], [`Engine::rest`], then [`Engine::finish`].
    pub fn rebuild(&mut self, changes: &Changes) -> Outcome {
        let outcome = self.update(changes);
        let outcome = self.rest().into_iter().fold(outcome, Outcome::then);
        self.finish().into_iter().fold(outcome, Outcome::then)
    }

    /// Brings the pages of the edited entries up to date after `changes`, and everything
    /// else but the search index unless it leaves that to [`Engine::rest`], which must
    /// follow (see `first.rs`).
    pub fn update(&mut self, changes: &Changes) -> Outcome {
        // Normally nothing: serve calls `rest` after every update.
        let pending = self.rest();
        let outcome = self.try_update(changes).unwrap_or_else(|e| Outcome::Failed(format!("{e:#}")));
        match pending {
            Some(pending) => pending.then(outcome),
            None => outcome,
        }
    }

    /// Brings the search index files up to date with the last [`Engine::update`], if it
    /// succeeded and changed what the index reads; `None` when there was nothing to do.
    pub fn finish(&mut self) -> Option<Outcome> {
        let job = self.search_job()?;
        self.apply_search(job.run())
    }

    /// What the search index needs, taken from the last [`Engine::update`] if it succeeded
    /// and changed what the index reads, so that the index can be built on another thread
    /// while the engine goes on (see [`Engine::apply_search`]).
    pub(crate) fn search_job(&mut self) -> Option<SearchJob> {
        // A model whose edited pages are out and whose rest is pending has no errors.
        let (site, graph) = self.model.as_ref().filter(|_| self.model_is_good || self.rest.is_some())?;
        let source = self.search_source_of(site, graph);
        if self.search_source == Some(source) {
            return None;
        }
        let hashes: Vec<u64> = site.entries.iter().map(|e| self.sources.hash_of(&e.file)).collect();
        let keys = Memo::keys(&site.entries, &graph.included, &hashes);
        let fresh = self.search_memo.missing(&keys).into_iter().map(|i| (i, site.entries[i].clone())).collect();
        Some(SearchJob { source, keys, fresh, memo: std::mem::take(&mut self.search_memo) })
    }

    /// Puts the files of a finished [`SearchJob`] in place, unless the site changed since
    /// the job was taken (a newer one will follow); `None` when nothing was done.
    pub(crate) fn apply_search(&mut self, done: SearchDone) -> Option<Outcome> {
        let SearchDone { source, files, memo } = done;
        self.search_memo = memo;
        let (site, graph) = self.model.as_ref().filter(|_| self.model_is_good)?;
        if self.search_source_of(site, graph) != source {
            return None;
        }
        let statics = self.statics.as_ref()?;
        let files = match files {
            Ok(files) => files,
            Err(error) => return Some(Outcome::Errors(vec![Diagnostic::error(format!("{error:#}"))])),
        };
        let generated: BTreeSet<String> = files.iter().map(|f| f.path.clone()).collect();
        let collisions = static_collisions(statics, |p| generated.contains(p));
        if !collisions.is_empty() {
            return Some(Outcome::Errors(collisions));
        }
        self.search_source = Some(source);
        let rendered = files.len();
        let mut changed = Vec::new();
        for file in files {
            if self.files.get(&file.path).is_none_or(|old| *old != file.bytes) {
                changed.push(file.path.clone());
                self.files.insert(file.path, Bytes::from(file.bytes));
            }
        }
        let removed: Vec<String> = self.search_paths.difference(&generated).cloned().collect();
        for path in &removed {
            self.files.remove(path);
        }
        self.search_paths = generated;
        Some(Outcome::Built { changed, removed, rendered, warnings: Vec::new() })
    }

    /// Where the entries of the changed files are in the last site, when each one is an
    /// entry there and parsed again without a problem; `None` otherwise.
    fn places_of(&self, changed: &HashSet<String>) -> Option<Vec<(usize, String)>> {
        let (site, _) = self.model.as_ref()?;
        changed
            .iter()
            .map(|path| {
                let i = site.entries.iter().position(|e| e.file == *path)?;
                self.sources.parsed_entry(path).map(|_| (i, path.clone()))
            })
            .collect()
    }

    /// Edits to entries of a site without errors, that add and remove no file: the new
    /// entries take the old ones' places in the last site, instead of the site being put
    /// together again, and what follows starts from the old ones.
    fn in_place(&mut self, places: Vec<(usize, String)>) -> Result<Outcome> {
        let Some((mut site, graph)) = self.model.take() else {
            return Ok(Outcome::Failed("internal: in-place rebuild without a site".into()));
        };
        let same = |signature: fn(&Entry) -> u64| {
            places
                .iter()
                .all(|(i, path)| self.sources.parsed_entry(path).map(signature) == Some(signature(&site.entries[*i])))
        };
        let (page_local, same_links) = (same(signature::shared_signature), same(signature::link_signature));
        let same_shape = same(signature::shape_signature);
        let changed: Vec<(String, Option<Profile>)> = places
            .iter()
            .map(|(i, _)| (site.entries[*i].id.clone(), Some(Profile::of(&site, *i, graph.included[*i]))))
            .collect();
        for (i, path) in &places {
            if let Some(entry) = self.sources.lend_entry(path) {
                site.entries[*i] = entry;
            }
            let (card, row) = render::card_and_row(&site.entries[*i], LinkStyle::Folder);
            self.derived.sources[*i] = self.sources.hash_of(path);
            self.derived.cards[*i] = card;
            self.derived.rows[*i] = row;
        }
        if page_local {
            return self.page_local(site, graph, &places);
        }
        let (graph, diagnostics, reach) =
            self.relink_in_place(&site, graph, &places, changed, (same_links, same_shape));
        let edited = places.iter().map(|(i, _)| *i).collect();
        self.linked_in_place((site, graph), diagnostics, (edited, Vec::new()), reach)
    }

    /// Keeps a site changed in place and linked again: reports its errors, or renders the
    /// `pages` of the edited entries (and takes away those of deleted ones) first, leaving
    /// the rest for [`Engine::rest`] with the kept cards and rows.
    fn linked_in_place(
        &mut self,
        model: (Site, LinkGraph),
        mut diagnostics: Vec<Diagnostic>,
        pages: (Vec<usize>, Vec<String>),
        reach: Option<Vec<bool>>,
    ) -> Result<Outcome> {
        self.model = Some(model);
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            diag::attach_source_lines(&mut diagnostics, &self.root);
            diag::sort(&mut diagnostics);
            return Ok(Outcome::Errors(diagnostics));
        }
        let derived = std::mem::take(&mut self.derived);
        self.first_pages(pages, first::Rest { warnings: diagnostics, reach, derived })
    }

    /// The link graph after edits to the entries at `places` (whose profiles were
    /// `changed`), with its diagnostics and the entries the edits reach: the edited ones
    /// and those whose related list changed, or `None` when drafts, pairs or redirects
    /// changed and every job must be planned again. `same` tells whether the edits kept
    /// each entry's link signature and shape signature ([`signature`]); the first
    /// implies the second.
    fn relink_in_place(
        &self,
        site: &Site,
        mut graph: LinkGraph,
        places: &[(usize, String)],
        changed: Vec<(String, Option<Profile>)>,
        (same_links, same_shape): (bool, bool),
    ) -> (LinkGraph, Vec<Diagnostic>, Option<Vec<bool>>) {
        let same_profiles = places
            .iter()
            .zip(&changed)
            .all(|((i, _), (_, old))| old.as_ref() == Some(&Profile::of(site, *i, graph.included[*i])));
        let mut reach = vec![false; site.entries.len()];
        places.iter().for_each(|(i, _)| reach[*i] = true);
        if same_links && same_profiles {
            return (graph, Vec::new(), Some(reach));
        }
        let old = std::mem::take(&mut graph.related);
        let before = Before {
            ids: site.entries.iter().map(|e| e.id.clone()).collect(),
            lists: old.clone(),
            limit: site.config.related_limit,
            changed,
        };
        // With its shape kept (which its links kept imply), nothing another entry's
        // references, the pairs or the redirects depend on changed: only the edited
        // entries' own references, if any changed, are checked again.
        let (new, diagnostics) = if same_shape {
            let diagnostics = match same_links {
                true => Vec::new(),
                false => link::check_references_of(site, self.drafts, places.iter().map(|(i, _)| *i)),
            };
            (related::relink_related(site, graph, before), diagnostics)
        } else {
            let (new, diagnostics) = related::relink(site, self.drafts, before);
            let kept = (&new.included, &new.pairs, &new.partners, &new.redirects)
                == (&graph.included, &graph.pairs, &graph.partners, &graph.redirects);
            if !kept {
                return (new, diagnostics, None);
            }
            (new, diagnostics)
        };
        old.iter().zip(&new.related).enumerate().filter(|(_, (a, b))| a != b).for_each(|(i, _)| reach[i] = true);
        (new, diagnostics, Some(reach))
    }

    /// Edits that change nothing but the entries' own pages, API files and comparison pages
    /// (see [`signature::shared_signature`]): only those are rendered again, in the last site
    /// with the new entries in place, whose links stay as they were.
    fn page_local(&mut self, site: Site, graph: LinkGraph, places: &[(usize, String)]) -> Result<Outcome> {
        let Some(theme) = &self.theme else {
            self.model = Some((site, graph));
            return Ok(Outcome::Failed("internal: in-place rebuild without a theme".into()));
        };
        let options = self.options(theme);
        let derived = &self.derived;
        let renderer = Self::renderer(&site, &graph, theme, derived, &options);
        let mut jobs: Vec<Job> = Vec::new();
        // A draft left out of the build has no page, and is in no pair.
        for (i, _) in places.iter().filter(|(i, _)| graph.included[*i]) {
            jobs.push(Job::Entry(*i));
            let pairs = graph.pairs.iter().enumerate().filter(|(_, p)| p.a == *i || p.b == *i);
            jobs.extend(pairs.map(|(p, _)| Job::Pair(p)));
        }
        jobs.sort_by_key(|job| renderer.paths_of(job));
        jobs.dedup();
        let result = fingerprint::plan(&renderer, &theme.template_inputs, jobs)
            .and_then(|plan| Ok((render_jobs(&renderer, &plan.iter().collect::<Vec<_>>())?, plan)));
        drop(renderer);
        self.model = Some((site, graph));
        let (rendered, plan) = result?;
        let count = rendered.len();
        let changed_files = self.put_rendered(rendered);
        self.keep_planned(plan);
        self.model_is_good = true;
        Ok(Outcome::Built { changed: changed_files, removed: Vec::new(), rendered: count, warnings: Vec::new() })
    }

    /// The related lists of the last site and the profiles of the entries the changed files
    /// held, for the link stage; `None` when so much changed that computing every list is
    /// as quick.
    fn before(&self, site: &Site, graph: LinkGraph, changed: &HashSet<String>) -> Option<Before> {
        const MANY: usize = 256;
        if changed.len() > MANY {
            return None;
        }
        let mut ids: BTreeSet<&str> = changed.iter().filter_map(|path| self.sources.entry_id(path)).collect();
        ids.extend(site.entries.iter().filter(|e| changed.contains(&e.file)).map(|e| e.id.as_str()));
        let index = site.index_by_id();
        let changed = ids
            .into_iter()
            .map(|id| (id.to_string(), index.get(id).map(|&i| Profile::of(site, i, graph.included[i]))))
            .collect();
        Some(Before {
            ids: site.entries.iter().map(|e| e.id.clone()).collect(),
            lists: graph.related,
            limit: site.config.related_limit,
            changed,
        })
    }

    /// A renderer that reuses the kept cards and rows (the search index is rebuilt on its
    /// own, after the pages).
    fn renderer<'a>(
        site: &'a Site,
        graph: &'a LinkGraph,
        theme: &'a ThemeState,
        derived: &'a Derived,
        options: &'a Options,
    ) -> Renderer<'a> {
        Renderer::with_cards(site, graph, &theme.templates, options, (&derived.cards, &derived.rows))
    }

    /// How this build links: to folders, with the served address as `base_url`.
    fn options(&self, theme: &ThemeState) -> Options {
        Options {
            style: LinkStyle::Folder,
            base_url: Some(self.base_url.clone()),
            assets: theme.asset_paths.clone(),
            page_size: self.page_size,
        }
    }

    /// A hash of the files of the entries in the build: all the search index reads.
    fn search_source_of(&self, site: &Site, graph: &LinkGraph) -> u64 {
        let mut h = DefaultHasher::new();
        for (entry, _) in site.entries.iter().zip(&graph.included).filter(|(_, included)| **included) {
            self.sources.hash_of(&entry.file).hash(&mut h);
        }
        h.finish()
    }

    fn try_update(&mut self, changes: &Changes) -> Result<Outcome> {
        let was_good = std::mem::replace(&mut self.model_is_good, false);
        // Dropped now, not when rendering: a change that ends in errors must still reach
        // the next rebuild that renders, whatever that one's changes touch.
        if changes.touch("static") {
            self.statics = None;
        }
        if changes.touch("themes") || changes.touch("templates") {
            self.theme = None;
        }
        if changes.touch(config::FILE) || self.config.is_none() {
            self.config = Some(config::load(&self.root));
        }
        // Read while the last site still holds its entries, so that the related lists can
        // start from what the changed entries were.
        let changed = self.sources.refresh(&self.root, changes);
        let only_content = !changes.everything && changes.paths.iter().all(|p| p.starts_with("content/"));
        if let Ok(changed) = &changed {
            if was_good && only_content && !changed.is_empty() {
                if let Some(places) = self.places_of(changed) {
                    return self.in_place(places);
                }
                if let Some(arrivals) = self.arrivals(changed) {
                    return self.arrive(arrivals);
                }
            }
        }
        // The pages of the last rendered site, whose positions the job table holds.
        let gone = match (&changed, was_good && only_content) {
            (Ok(changed), true) => self.pages_gone(changed),
            _ => Vec::new(),
        };
        let before = self.model.take().and_then(|(site, graph)| {
            let before = changed.as_ref().ok().and_then(|changed| self.before(&site, graph, changed));
            self.sources.give_back(site);
            before
        });
        let changed = changed?;
        let (config, mut diagnostics) = self.config.clone().unwrap_or_default();
        let (parsed, walk_diagnostics) = self.sources.lend();
        diagnostics.extend(walk_diagnostics);
        let (site, mut diagnostics) = model::assemble(config, parsed, diagnostics);
        let (graph, link_diagnostics) = match before {
            Some(before) => related::relink(&site, self.drafts, before),
            None => link::build(&site, self.drafts),
        };
        diagnostics.extend(link_diagnostics);
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            diag::attach_source_lines(&mut diagnostics, &self.root);
            diag::sort(&mut diagnostics);
            self.model = Some((site, graph));
            return Ok(Outcome::Errors(diagnostics));
        }
        let derived = self.derive(&site);
        // Pages of the files that changed come first, when only content changed.
        let edited = if only_content {
            site.entries.iter().enumerate().filter(|(_, e)| changed.contains(&e.file)).map(|(i, _)| i).collect()
        } else {
            Vec::new()
        };
        self.model = Some((site, graph));
        self.first_pages((edited, gone), first::Rest { warnings: diagnostics, reach: None, derived })
    }

    /// Renders what changed of a site without errors, with its entries' cards and rows;
    /// `reach` flags the entries an edit that kept every link changed, or is `None` when
    /// every job must be planned.
    fn render(
        &mut self,
        site: &Site,
        graph: &LinkGraph,
        (warnings, reach): (Vec<Diagnostic>, Option<Vec<bool>>),
        derived: Derived,
    ) -> Result<Outcome> {
        let theme_name = &site.config.theme;
        // Both were dropped at the start of the rebuild when a change touched them
        // ([`Engine::try_update`]); left unset on failure, so they are read again next time.
        let theme = match self.theme.take() {
            Some(theme) if theme.name == *theme_name => theme,
            _ => ThemeState::load(&self.root, theme_name)?,
        };
        let statics = match self.statics.take() {
            Some(statics) => statics,
            None => theme::files(&self.root.join("static")).inspect_err(|_| self.theme = None)?,
        };
        let outcome = self.render_files(site, graph, (&theme, &statics), &derived, (warnings, reach));
        self.derived = derived;
        self.theme = Some(theme);
        self.statics = Some(statics);
        outcome
    }

    /// Plans the jobs `reach` can reach (every job when it is `None` or reaches what views
    /// read without a note), renders those whose fingerprint changed, and puts the files
    /// that changed in place.
    fn render_files(
        &mut self,
        site: &Site,
        graph: &LinkGraph,
        (theme, statics): (&ThemeState, &BTreeMap<String, Vec<u8>>),
        derived: &Derived,
        (warnings, reach): (Vec<Diagnostic>, Option<Vec<bool>>),
    ) -> Result<Outcome> {
        let options = self.options(theme);
        let renderer = Self::renderer(site, graph, theme, derived, &options);
        let all = renderer.jobs();
        let reached = reach.and_then(|reach| {
            let planned = self.jobs.values().map(|job| (&job.job, &job.reads));
            self.seen.reached(&renderer, &all, &reach, planned)
        });
        let (jobs, gone, seen) = match reached {
            Some(reached) => (reached.jobs, reached.gone, None),
            None => (all.clone(), Vec::new(), Some(scope::Seen::of(&renderer, all))),
        };
        let (plan, rendered) = if self.jobs.is_empty() && seen.is_some() {
            // The first build: with nothing to compare with, each job's view is made once,
            // the big jobs first.
            let mut jobs = jobs;
            jobs.sort_by_key(|job| std::cmp::Reverse(fingerprint::weight(job)));
            let (plan, files) =
                fingerprint::plan_and_render_all(&renderer, &theme.template_inputs, jobs, |p, files| {
                    Ok(p.paths
                        .iter()
                        .cloned()
                        .zip(files)
                        .map(|(path, bytes)| render::OutFile { path, bytes })
                        .collect::<Vec<_>>())
                })?;
            (plan, files.into_iter().flatten().collect())
        } else {
            let plan = fingerprint::plan(&renderer, &theme.template_inputs, jobs)?;
            let dirty: Vec<&Planned> = plan
                .iter()
                .filter(|p| self.jobs.get(&p.paths[0]).is_none_or(|job| job.fingerprint != p.fingerprint))
                .collect();
            let rendered = render_jobs(&renderer, &dirty)?;
            (plan, rendered)
        };
        // The jobs left out of a narrowed plan were checked when they were planned.
        if let Some(collisions) = self.collisions(&plan, statics, &warnings) {
            return Ok(Outcome::Errors(collisions));
        }
        let count = rendered.len();

        let mut changed = Vec::new();
        let files = &mut self.files;
        let mut put = |path: String, bytes: Bytes| {
            if files.get(&path) != Some(&bytes) {
                changed.push(path.clone());
                files.insert(path, bytes);
            }
        };
        for file in rendered {
            put(file.path, Bytes::from(file.bytes));
        }
        let theme_assets = theme.assets.iter().filter(|(path, _)| !statics.contains_key(*path));
        for (path, bytes) in theme_assets.chain(statics.iter()) {
            put(path.clone(), Bytes::copy_from_slice(bytes));
        }

        let removed = match seen {
            Some(seen) => {
                self.seen = seen;
                self.replace_jobs(plan, theme, statics)
            }
            None => {
                self.keep_planned(plan);
                self.drop_jobs(&gone, (theme, statics))
            }
        };
        self.model_is_good = true;
        let warnings = warnings.into_iter().filter(|d| d.severity == Severity::Warning).collect();
        Ok(Outcome::Built { changed, removed, rendered: count, warnings })
    }

    /// The errors for static files that would replace files of the plan, if any, after
    /// `warnings`.
    fn collisions(
        &self,
        plan: &[Planned],
        statics: &BTreeMap<String, Vec<u8>>,
        warnings: &[Diagnostic],
    ) -> Option<Vec<Diagnostic>> {
        if statics.is_empty() {
            return None;
        }
        let planned: HashSet<&str> = plan.iter().flat_map(|p| &p.paths).map(String::as_str).collect();
        // A static file may replace a theme asset (a site's own favicon.svg), as in `build`.
        let generated = |p: &str| planned.contains(p) || self.search_paths.contains(p) || p == MARKER || p == RECORD;
        let collisions = static_collisions(statics, generated);
        if collisions.is_empty() {
            return None;
        }
        let mut diagnostics = warnings.to_vec();
        diagnostics.extend(collisions);
        diag::sort(&mut diagnostics);
        Some(diagnostics)
    }

    /// Puts rendered files in the site; returns the paths of those whose bytes changed.
    fn put_rendered(&mut self, rendered: Vec<render::OutFile>) -> Vec<String> {
        let mut changed = Vec::new();
        for file in rendered {
            let bytes = Bytes::from(file.bytes);
            if self.files.get(&file.path) != Some(&bytes) {
                changed.push(file.path.clone());
                self.files.insert(file.path, bytes);
            }
        }
        changed
    }

    /// Puts planned jobs in the job table, in place of their earlier versions.
    fn keep_planned(&mut self, plan: Vec<Planned>) {
        for planned in plan {
            self.jobs.insert(planned.paths[0].clone(), PlannedJob::new(planned, self.generation));
        }
    }

    /// Takes the `gone` jobs out of the job table and removes their files but those
    /// [`Engine::still_made`] otherwise; returns their paths.
    fn drop_jobs(&mut self, gone: &[Job], made: (&ThemeState, &BTreeMap<String, Vec<u8>>)) -> Vec<String> {
        if gone.is_empty() {
            return Vec::new();
        }
        let gone: HashSet<&Job> = gone.iter().collect();
        let mut removed = Vec::new();
        self.jobs.retain(|_, job| {
            let keep = !gone.contains(&job.job);
            if !keep {
                removed.append(&mut job.paths);
            }
            keep
        });
        removed.retain(|path| !self.still_made(path, made) && self.files.remove(path).is_some());
        removed
    }

    /// Whether `path` is still made by a job, the theme's assets, `static/` or the search
    /// index, so that a job or file gone does not take it away.
    fn still_made(&self, path: &str, (theme, statics): (&ThemeState, &BTreeMap<String, Vec<u8>>)) -> bool {
        self.jobs.contains_key(path)
            || theme.assets.contains_key(path)
            || statics.contains_key(path)
            || self.search_paths.contains(path)
    }

    /// Puts the jobs of the site just rendered in the job table, and removes the files of
    /// the jobs that are gone (and those of the assets and static files of the last site
    /// that no longer are); returns their paths.
    fn replace_jobs(
        &mut self,
        plan: Vec<Planned>,
        theme: &ThemeState,
        statics: &BTreeMap<String, Vec<u8>>,
    ) -> Vec<String> {
        self.generation += 1;
        let generation = self.generation;
        let mut maybe_gone: Vec<String> = self.assets.iter().chain(&self.statics_paths).cloned().collect();
        for planned in plan {
            match self.jobs.get_mut(&planned.paths[0]) {
                Some(job) => {
                    maybe_gone.extend(job.paths.iter().filter(|p| !planned.paths.contains(p)).cloned());
                    *job = PlannedJob::new(planned, generation);
                }
                None => {
                    let key = planned.paths[0].clone();
                    self.jobs.insert(key, PlannedJob::new(planned, generation));
                }
            }
        }
        self.jobs.retain(|_, job| {
            let current = job.generation == generation;
            if !current {
                maybe_gone.append(&mut job.paths);
            }
            current
        });
        let removed: Vec<String> = maybe_gone
            .into_iter()
            .filter(|p| !self.still_made(p, (theme, statics)) && self.files.contains_key(p))
            .collect();
        for path in &removed {
            self.files.remove(path);
        }
        self.assets = theme.assets.keys().cloned().collect();
        self.statics_paths = statics.keys().cloned().collect();
        removed
    }

    /// Each entry's card and row, with their hashes, in entry order: kept from the last
    /// rendered site for the entries whose file did not change. Both sites are in natural id
    /// order, so one walk through both pairs them.
    fn derive(&mut self, site: &Site) -> Derived {
        let old = std::mem::take(&mut self.derived);
        let mut old = old.cards.into_iter().zip(old.rows).zip(old.sources).peekable();
        let mut new = Derived::default();
        for entry in &site.entries {
            while old.next_if(|((card, _), _)| natural_cmp(&card.id, &entry.id) == Ordering::Less).is_some() {}
            let source = self.sources.hash_of(&entry.file);
            let ((card, row), _) = old
                .next_if(|((card, _), old)| card.id == entry.id && *old == source)
                .unwrap_or_else(|| (render::card_and_row(entry, LinkStyle::Folder), source));
            new.cards.push(card);
            new.rows.push(row);
            new.sources.push(source);
        }
        new
    }
}

/// Renders the planned jobs, in parallel, and returns their files.
fn render_jobs(renderer: &Renderer<'_>, jobs: &[&Planned]) -> Result<Vec<render::OutFile>> {
    let rendered = Mutex::new(Vec::new());
    fingerprint::render(renderer, jobs, &|file| {
        rendered.lock().unwrap_or_else(|p| p.into_inner()).push(file);
        Ok(())
    })?;
    Ok(rendered.into_inner().unwrap_or_else(|p| p.into_inner()))
}
