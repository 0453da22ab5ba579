//! The rebuild engine of `serve`: the site in memory, brought up to date after each batch
//! of changes by redoing only what the changes reach.
//!
//! A rebuild runs the same stages as `build`, each with what it kept from the last one:
//!
//! 1. **load and model**: only the changed files of `content/` are read and parsed again
//!    (`Sources`); `site.yaml`, the theme and `static/` only when something under them
//!    changed. The site is assembled by [`crate::model::assemble`], as `check` does.
//! 2. **link**: the link graph is computed again, except the related lists, which are
//!    computed again only for the entries a change can reach ([`crate::link::rebuild`]).
//! 3. **render**: every job gets a fingerprint of what it reads
//!    ([`crate::render::Renderer::plan`]); only jobs whose fingerprint changed are
//!    rendered, and only files whose bytes changed are replaced. Cards, comparison rows and
//!    `api/index.json` items are kept for the entries whose file did not change.
//! 4. **search**: the search index is one structure over every entry, rebuilt whole, so it
//!    comes after the pages ([`Engine::finish`]): the edited page is served first.
//!
//! An edit that changes nothing other pages read ([`crate::render::shared_signature`]: the
//! body, causes, steps, FAQ...) skips stages 1 to 3 for everything but the edited entries:
//! they take their old versions' places in the last site, and only their own pages, API
//! files and comparison pages are rendered again.
//!
//! Whatever the sequence of changes, the files equal what `faultline build --base-url
//! <served URL>` writes from the same inputs; the tests check this file by file.

use super::sources::Sources;
use super::theme::ThemeState;
use crate::build::static_collisions;
use crate::config::{self, SiteConfig};
use crate::diag::{self, Diagnostic, Severity};
use crate::link::{self, LinkGraph};
use crate::load::theme;
use crate::model::id::natural_cmp;
use crate::model::{self, Site};
use crate::output::MARKER;
use crate::render::urls::LinkStyle;
use crate::render::view::{Card, Row};
use crate::render::{self, ApiMemo, Inputs, Options, Renderer};
use anyhow::Result;
use axum::body::Bytes;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty() && !self.everything
    }

    /// Whether anything at or under `top` (`static`, `site.yaml`) changed.
    fn touch(&self, top: &str) -> bool {
        self.everything
            || self.paths.iter().any(|p| p == top || p.strip_prefix(top).is_some_and(|r| r.starts_with('/')))
    }

    /// "content/http/502.md changed", for the terminal.
    pub fn describe(&self) -> String {
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

/// A copy of the site for the search index, to build it on another thread.
pub struct SearchJob {
    /// What the index is built from, as [`Engine`] tells whether it is still current.
    source: u64,
    site: Site,
    included: Vec<bool>,
}

impl SearchJob {
    /// Builds the search index files.
    pub fn run(self) -> SearchDone {
        SearchDone { source: self.source, files: render::search_files(&self.site, &self.included) }
    }
}

/// The search index files of a [`SearchJob`].
pub struct SearchDone {
    source: u64,
    files: Vec<render::OutFile>,
}

/// What the renderer needs of each entry, kept while the entry's file does not change: its
/// card and row, and for each entry the hash of its file (which they were made from) and
/// their hashes. All in entry order.
#[derive(Default)]
struct Derived {
    cards: Vec<Card>,
    rows: Vec<Row>,
    hashes: Vec<Hashes>,
}

#[derive(Clone, Copy)]
struct Hashes {
    source: u64,
    card: u64,
    row: u64,
}

/// The site in memory, and what it takes to rebuild it.
pub struct Engine {
    root: PathBuf,
    drafts: bool,
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
    /// The `api/index.json` item of each entry, from the last rebuild.
    api_memo: ApiMemo,
    /// The last good site: output path to bytes.
    files: BTreeMap<String, Bytes>,
    /// The fingerprint and output paths of each job of the last good site, by first path.
    jobs: HashMap<String, (u64, Vec<String>)>,
    /// The output paths of the theme's assets, `static/` and the search index.
    assets: BTreeSet<String>,
    statics_paths: BTreeSet<String>,
    search_paths: BTreeSet<String>,
    /// A hash of what the search index was last built from; it is stale when this differs.
    search_source: Option<u64>,
}

impl Engine {
    /// An engine for the site at `root`, served at `base_url`; nothing is built until the
    /// first [`Engine::rebuild`] or [`Engine::update`].
    pub fn new(root: &Path, drafts: bool, base_url: &str) -> Engine {
        Engine {
            root: root.to_path_buf(),
            drafts,
            base_url: base_url.to_string(),
            config: None,
            sources: Sources::default(),
            theme: None,
            statics: None,
            model: None,
            model_is_good: false,
            derived: Derived::default(),
            api_memo: ApiMemo::default(),
            files: BTreeMap::new(),
            jobs: HashMap::new(),
            assets: BTreeSet::new(),
            statics_paths: BTreeSet::new(),
            search_paths: BTreeSet::new(),
            search_source: None,
        }
    }

    /// The last good site, by output path.
    pub fn files(&self) -> &BTreeMap<String, Bytes> {
        &self.files
    }

    /// Brings the whole site, search index included, up to date with the files on disk
    /// after `changes`: [`Engine::update`], then [`Engine::finish`].
    pub fn rebuild(&mut self, changes: &Changes) -> Outcome {
        match self.update(changes) {
            Outcome::Built { mut changed, mut removed, mut rendered, warnings } => match self.finish() {
                Some(Outcome::Built { changed: more, removed: gone, rendered: count, .. }) => {
                    changed.extend(more);
                    removed.extend(gone);
                    rendered += count;
                    Outcome::Built { changed, removed, rendered, warnings }
                }
                Some(other) => other,
                None => Outcome::Built { changed, removed, rendered, warnings },
            },
            other => other,
        }
    }

    /// Brings every file but the search index up to date after `changes`.
    pub fn update(&mut self, changes: &Changes) -> Outcome {
        self.try_update(changes).unwrap_or_else(|e| Outcome::Failed(format!("{e:#}")))
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
    pub fn search_job(&self) -> Option<SearchJob> {
        let (site, graph) = self.model.as_ref().filter(|_| self.model_is_good)?;
        let source = self.search_source_of(site, graph);
        if self.search_source == Some(source) {
            return None;
        }
        let site = Site {
            config: site.config.clone(),
            entries: site.entries.clone(),
            broken: site.broken.clone(),
            home: site.home.clone(),
            source_pages: site.source_pages.clone(),
            prose: site.prose.clone(),
        };
        Some(SearchJob { source, site, included: graph.included.clone() })
    }

    /// Puts the files of a finished [`SearchJob`] in place, unless the site changed since
    /// the job was taken (a newer one will follow); `None` when nothing was done.
    pub fn apply_search(&mut self, done: SearchDone) -> Option<Outcome> {
        let (site, graph) = self.model.as_ref().filter(|_| self.model_is_good)?;
        if self.search_source_of(site, graph) != done.source {
            return None;
        }
        let statics = self.statics.as_ref()?;
        let generated: BTreeSet<String> = done.files.iter().map(|f| f.path.clone()).collect();
        let collisions = static_collisions(statics, |p| generated.contains(p));
        if !collisions.is_empty() {
            return Some(Outcome::Errors(collisions));
        }
        self.search_source = Some(done.source);
        let rendered = done.files.len();
        let mut changed = Vec::new();
        for file in done.files {
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

    /// An edit to existing entries that changes nothing but their own pages, API files and
    /// comparison pages (see [`render::shared_signature`]): the new entries take the old
    /// ones' places in the last site, which otherwise stays as it is, and only those files
    /// are rendered again. `None` when the change is anything else.
    fn page_local(&mut self, changed: &HashSet<String>) -> Result<Option<Outcome>> {
        let (Some((site, _)), Some(theme)) = (&self.model, &self.theme) else {
            return Ok(None);
        };
        let mut places = Vec::new();
        for path in changed {
            let Some(i) = site.entries.iter().position(|e| e.file == *path) else {
                return Ok(None);
            };
            match self.sources.parsed_entry(path) {
                Some(new) if render::shared_signature(new) == render::shared_signature(&site.entries[i]) => {
                    places.push((i, path))
                }
                _ => return Ok(None),
            }
        }
        let Some((mut site, graph)) = self.model.take() else {
            return Ok(None);
        };
        for (i, path) in &places {
            if let Some(entry) = self.sources.lend_entry(path) {
                site.entries[*i] = entry;
                self.derived.hashes[*i].source = self.sources.hash_of(path);
            }
        }
        let options = Options {
            style: LinkStyle::Folder,
            base_url: Some(self.base_url.clone()),
            assets: theme.asset_paths.clone(),
        };
        let derived = &self.derived;
        let renderer = Renderer::without_search(
            &site,
            &graph,
            &theme.templates,
            &options,
            (&derived.cards, &derived.rows),
            &self.api_memo,
        );
        let entry_hashes: Vec<u64> = derived.hashes.iter().map(|h| h.source).collect();
        let card_hashes: Vec<u64> = derived.hashes.iter().map(|h| h.card).collect();
        let row_hashes: Vec<u64> = derived.hashes.iter().map(|h| h.row).collect();
        let inputs = Inputs {
            entries: &entry_hashes,
            cards: &card_hashes,
            rows: &row_hashes,
            templates: &theme.template_inputs,
        };
        let mut plan: Vec<render::Planned> =
            places.iter().flat_map(|(i, _)| renderer.plan_entry(&inputs, *i)).collect();
        plan.sort_by(|a, b| a.paths[0].cmp(&b.paths[0]));
        plan.dedup_by(|a, b| a.paths[0] == b.paths[0]);
        let jobs: Vec<&render::Planned> = plan.iter().collect();
        let rendered = Mutex::new(Vec::new());
        let result = renderer.render_planned(&jobs, &|file| {
            rendered.lock().unwrap_or_else(|p| p.into_inner()).push(file);
            Ok(())
        });
        drop(renderer);
        self.model = Some((site, graph));
        result?;
        let rendered = rendered.into_inner().unwrap_or_else(|p| p.into_inner());
        let mut changed_files = Vec::new();
        for file in &rendered {
            if self.files.get(&file.path).is_none_or(|old| old.as_ref() != file.bytes.as_slice()) {
                changed_files.push(file.path.clone());
                self.files.insert(file.path.clone(), Bytes::copy_from_slice(&file.bytes));
            }
        }
        for planned in plan {
            self.jobs.insert(planned.paths[0].clone(), (planned.fingerprint, planned.paths));
        }
        self.model_is_good = true;
        Ok(Some(Outcome::Built {
            changed: changed_files,
            removed: Vec::new(),
            rendered: rendered.len(),
            warnings: Vec::new(),
        }))
    }

    /// The related lists of the last site and the profiles of the entries the changed files
    /// held, for the link stage; `None` when so much changed that computing every list is
    /// as quick.
    fn before(&self, site: &Site, graph: LinkGraph, changed: &HashSet<String>) -> Option<link::Before> {
        const MANY: usize = 256;
        if changed.len() > MANY {
            return None;
        }
        let mut ids: BTreeSet<&str> = changed.iter().filter_map(|path| self.sources.entry_id(path)).collect();
        ids.extend(site.entries.iter().filter(|e| changed.contains(&e.file)).map(|e| e.id.as_str()));
        let index = site.index_by_id();
        let changed = ids
            .into_iter()
            .map(|id| (id.to_string(), index.get(id).map(|&i| link::Profile::of(site, i, graph.included[i]))))
            .collect();
        Some(link::Before {
            ids: site.entries.iter().map(|e| e.id.clone()).collect(),
            lists: graph.related,
            limit: site.config.related_limit,
            changed,
        })
    }

    fn search_source_of(&self, site: &Site, graph: &LinkGraph) -> u64 {
        let mut h = DefaultHasher::new();
        for (entry, _) in site.entries.iter().zip(&graph.included).filter(|(_, included)| **included) {
            self.sources.hash_of(&entry.file).hash(&mut h);
        }
        h.finish()
    }

    fn try_update(&mut self, changes: &Changes) -> Result<Outcome> {
        let was_good = std::mem::replace(&mut self.model_is_good, false);
        if changes.touch(config::FILE) || self.config.is_none() {
            self.config = Some(config::load(&self.root));
        }
        // Read while the last site still holds its entries, so that the related lists can
        // start from what the changed entries were.
        let changed = self.sources.refresh(&self.root, changes);
        if let Ok(changed) = &changed {
            let only_content = !changes.everything && changes.paths.iter().all(|p| p.starts_with("content/"));
            if was_good && only_content && !changed.is_empty() {
                if let Some(outcome) = self.page_local(changed)? {
                    return Ok(outcome);
                }
            }
        }
        let before = self.model.take().and_then(|(site, graph)| {
            let before = changed.as_ref().ok().and_then(|changed| self.before(&site, graph, changed));
            self.sources.give_back(site);
            before
        });
        changed?;
        let (config, mut diagnostics) = self.config.clone().unwrap_or_default();
        let (parsed, walk_diagnostics) = self.sources.lend();
        diagnostics.extend(walk_diagnostics);
        let (site, mut diagnostics) = model::assemble(config, parsed, diagnostics);
        let (graph, link_diagnostics) = match before {
            Some(before) => link::rebuild(&site, self.drafts, before),
            None => link::build(&site, self.drafts),
        };
        diagnostics.extend(link_diagnostics);
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            diag::attach_source_lines(&mut diagnostics, &self.root);
            diag::sort(&mut diagnostics);
            self.model = Some((site, graph));
            return Ok(Outcome::Errors(diagnostics));
        }
        let outcome = self.render(&site, &graph, changes, diagnostics);
        self.model = Some((site, graph));
        outcome
    }

    /// Renders what changed of a site without errors.
    fn render(
        &mut self,
        site: &Site,
        graph: &LinkGraph,
        changes: &Changes,
        warnings: Vec<Diagnostic>,
    ) -> Result<Outcome> {
        let theme_name = &site.config.theme;
        let theme = match self.theme.take() {
            Some(theme) if theme.name == *theme_name && !changes.touch("themes") && !changes.touch("templates") => {
                theme
            }
            // Left unset on failure, so the theme is read again at the next change.
            _ => ThemeState::load(&self.root, theme_name)?,
        };
        let statics = match self.statics.take() {
            Some(statics) if !changes.touch("static") => statics,
            _ => theme::files(&self.root.join("static")).inspect_err(|_| self.theme = None)?,
        };
        let derived = self.derive(site);
        let outcome = self.render_files(site, graph, &theme, &statics, &derived, warnings);
        self.derived = derived;
        self.theme = Some(theme);
        self.statics = Some(statics);
        outcome
    }

    /// Plans every job, renders those whose fingerprint changed, and puts the files that
    /// changed in place.
    fn render_files(
        &mut self,
        site: &Site,
        graph: &LinkGraph,
        theme: &ThemeState,
        statics: &BTreeMap<String, Vec<u8>>,
        derived: &Derived,
        warnings: Vec<Diagnostic>,
    ) -> Result<Outcome> {
        let options = Options {
            style: LinkStyle::Folder,
            base_url: Some(self.base_url.clone()),
            assets: theme.asset_paths.clone(),
        };
        let renderer = Renderer::without_search(
            site,
            graph,
            &theme.templates,
            &options,
            (&derived.cards, &derived.rows),
            &self.api_memo,
        );
        let entry_hashes: Vec<u64> = derived.hashes.iter().map(|h| h.source).collect();
        let card_hashes: Vec<u64> = derived.hashes.iter().map(|h| h.card).collect();
        let row_hashes: Vec<u64> = derived.hashes.iter().map(|h| h.row).collect();
        let inputs = Inputs {
            entries: &entry_hashes,
            cards: &card_hashes,
            rows: &row_hashes,
            templates: &theme.template_inputs,
        };
        let plan = renderer.plan(&inputs);

        let planned: HashSet<&str> = plan.iter().flat_map(|p| &p.paths).map(String::as_str).collect();
        let generated = |p: &str| {
            planned.contains(p) || theme.assets.contains_key(p) || self.search_paths.contains(p) || p == MARKER
        };
        let collisions = static_collisions(statics, generated);
        if !collisions.is_empty() {
            let mut diagnostics = warnings;
            diagnostics.extend(collisions);
            diag::sort(&mut diagnostics);
            return Ok(Outcome::Errors(diagnostics));
        }
        // The paths that may be gone: those of jobs no longer planned, and the assets and
        // static files of the last build.
        let removed: Vec<String> = self
            .jobs
            .iter()
            .filter(|(key, _)| !planned.contains(key.as_str()))
            .flat_map(|(_, (_, paths))| paths)
            .chain(&self.assets)
            .chain(&self.statics_paths)
            .filter(|p| !generated(p) && !statics.contains_key(*p))
            .cloned()
            .collect();

        let dirty: Vec<&render::Planned> =
            plan.iter().filter(|p| self.jobs.get(&p.paths[0]).is_none_or(|(fp, _)| *fp != p.fingerprint)).collect();
        let rendered = Mutex::new(Vec::new());
        renderer.render_planned(&dirty, &|file| {
            rendered.lock().unwrap_or_else(|p| p.into_inner()).push(file);
            Ok(())
        })?;
        let rendered = rendered.into_inner().unwrap_or_else(|p| p.into_inner());
        let count = rendered.len();

        let mut changed = Vec::new();
        let files = &mut self.files;
        let mut put = |path: &str, bytes: &[u8]| {
            if files.get(path).is_none_or(|old| old.as_ref() != bytes) {
                changed.push(path.to_string());
                files.insert(path.to_string(), Bytes::copy_from_slice(bytes));
            }
        };
        for file in &rendered {
            put(&file.path, &file.bytes);
        }
        for (path, bytes) in theme.assets.iter().chain(statics.iter()) {
            put(path, bytes);
        }
        for path in &removed {
            self.files.remove(path);
        }
        drop(planned);
        self.jobs = plan.into_iter().map(|p| (p.paths[0].clone(), (p.fingerprint, p.paths))).collect();
        self.assets = theme.assets.keys().cloned().collect();
        self.statics_paths = statics.keys().cloned().collect();
        self.model_is_good = true;
        let warnings = warnings.into_iter().filter(|d| d.severity == Severity::Warning).collect();
        Ok(Outcome::Built { changed, removed, rendered: count, warnings })
    }

    /// Each entry's card and row, with their hashes, in entry order: kept from the last
    /// rendered site for the entries whose file did not change. Both sites are in natural id
    /// order, so one walk through both pairs them.
    fn derive(&mut self, site: &Site) -> Derived {
        let old = std::mem::take(&mut self.derived);
        let mut old = old.cards.into_iter().zip(old.rows).zip(old.hashes).peekable();
        let mut new = Derived::default();
        for entry in &site.entries {
            while old.next_if(|((card, _), _)| natural_cmp(&card.id, &entry.id) == Ordering::Less).is_some() {}
            let source = self.sources.hash_of(&entry.file);
            let ((card, row), hashes) = old
                .next_if(|((card, _), hashes)| card.id == entry.id && hashes.source == source)
                .unwrap_or_else(|| {
                    let (card, row) = render::card_and_row(entry, LinkStyle::Folder);
                    let hashes = Hashes { source, card: hash_debug(&card), row: hash_debug(&row) };
                    ((card, row), hashes)
                });
            new.cards.push(card);
            new.rows.push(row);
            new.hashes.push(hashes);
        }
        new
    }
}

/// A hash of every field of a value, through its `Debug` form.
fn hash_debug(value: &impl std::fmt::Debug) -> u64 {
    let mut h = DefaultHasher::new();
    format!("{value:?}").hash(&mut h);
    h.finish()
}
