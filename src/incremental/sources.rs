//! The files of `content/` between rebuilds: the last walk, and each file's hash and what
//! parsing it gave, so that a rebuild reads and parses only the files that changed.
//!
//! The site model owns its entries, so the cache lends each parsed file to the site that
//! [`crate::model::assemble`] builds (the same function `check` and `build` use, so both
//! agree on every rule across files) and takes it back at the next rebuild.

use super::Changes;
use crate::diag::Diagnostic;
use crate::load::{self, Kind, SourceFile};
use crate::model::body::Bodies;
use crate::model::entry::Entry;
use crate::model::{self, Parsed, Site};
use anyhow::Result;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

/// One file of `content/`, by its path from the root (`content/http/502.md`).
struct Cached {
    kind: Kind,
    /// A hash of the path and of the text (or of the read error).
    hash: u64,
    /// Why it could not be read, and what parsing it found.
    diagnostics: Vec<Diagnostic>,
    /// What parsing gave, while it is not lent to the site.
    parsed: Option<Parsed>,
    /// Whether `parsed` is in the site now.
    lent: bool,
}

#[derive(Default)]
pub(super) struct Sources {
    /// The files of the last walk, in walk order, and the layout errors it found.
    walk: Option<(load::Found, Vec<Diagnostic>)>,
    files: HashMap<String, Cached>,
}

impl Sources {
    /// Brings the cache up to date with `content/` after `changes`, and returns the paths
    /// (from the root) of the files that were added, removed, or whose text changed. It may
    /// run while the site holds the files' parses: a file parsed again is not given back.
    pub(super) fn refresh(&mut self, root: &Path, changes: &Changes) -> Result<HashSet<String>> {
        let touched: Vec<&String> =
            changes.paths.iter().filter(|p| *p == "content" || p.starts_with("content/")).collect();
        if !changes.everything && touched.is_empty() && self.walk.is_some() {
            return Ok(HashSet::new());
        }
        let mut changed = HashSet::new();
        let to_read = match self.walk.take() {
            Some(walk) if !changes.everything => match self.without_walk(root, &touched, walk) {
                Ok((walk, to_read, removed)) => {
                    self.walk = Some(walk);
                    changed.extend(removed);
                    to_read
                }
                Err(_) => self.walk_again(root, changes, &touched, &mut changed)?,
            },
            _ => self.walk_again(root, changes, &touched, &mut changed)?,
        };
        let read: Vec<(u64, SourceFile, Option<Diagnostic>)> = to_read
            .into_par_iter()
            .map(|(rel, kind)| {
                let (file, problem) = load::read_source(root, &rel, kind);
                let mut h = DefaultHasher::new();
                (&file.path, &file.text, problem.as_ref().map(|d| &d.message)).hash(&mut h);
                (h.finish(), file, problem)
            })
            .collect();
        // A file saved without a change (or touched) keeps its parse.
        let to_parse: Vec<(u64, SourceFile, Option<Diagnostic>)> = read
            .into_iter()
            .filter(|(hash, file, _)| self.files.get(&file.path).is_none_or(|c| c.hash != *hash))
            .collect();
        changed.extend(to_parse.iter().map(|(_, file, _)| file.path.clone()));
        let parsed: Vec<(String, Cached)> = to_parse
            .into_par_iter()
            .map(|(hash, file, problem)| {
                let (path, kind) = (file.path.clone(), file.kind.clone());
                let (parsed, mut diagnostics) = model::parse_file(file, Bodies::Held);
                diagnostics.extend(problem);
                (path, Cached { kind, hash, diagnostics, parsed, lent: false })
            })
            .collect();
        self.files.extend(parsed);
        Ok(changed)
    }

    /// The files to read after changes to `touched` alone, and the last walk brought up to
    /// date without walking again, when every touched path is a known file saved, a known
    /// file gone, or a new file the walk would read in a source folder it entered; with
    /// the paths of the files gone. Otherwise `Err` hands the walk back, for a new one.
    /// A walk that found layout errors is done again when a file comes or goes, so that
    /// fixing them counts.
    #[allow(clippy::type_complexity)]
    fn without_walk(
        &mut self,
        root: &Path,
        touched: &[&String],
        walk: (load::Found, Vec<Diagnostic>),
    ) -> Result<((load::Found, Vec<Diagnostic>), Vec<(String, Kind)>, Vec<String>), (load::Found, Vec<Diagnostic>)>
    {
        let (mut to_read, mut gone, mut added) = (Vec::new(), Vec::new(), false);
        for path in touched {
            let rel = path.strip_prefix("content/").unwrap_or(path);
            let known = self.files.get(*path).map(|cached| cached.kind.clone());
            let is_file = load::is_regular_file(root, path);
            match known {
                Some(kind) if is_file => to_read.push((rel.to_string(), kind)),
                Some(_) if load::is_gone(root, path) => gone.push(path.to_string()),
                None if is_file && self.in_walked_folder(rel) => match load::kind_of_new_file(rel) {
                    Some(kind) => {
                        added = true;
                        to_read.push((rel.to_string(), kind));
                    }
                    None => return Err(walk),
                },
                _ => return Err(walk),
            }
        }
        if (added || !gone.is_empty()) && !walk.1.is_empty() {
            return Err(walk);
        }
        let (mut found, diagnostics) = walk;
        found.retain(|(rel, _)| !gone.iter().any(|path| path.strip_prefix("content/") == Some(rel)));
        for (rel, kind) in &to_read {
            if let Err(at) = found.binary_search_by(|(other, _)| load::walk_order(other, rel)) {
                found.insert(at, (rel.clone(), kind.clone()));
            }
        }
        self.files.retain(|path, _| !gone.contains(path));
        Ok(((found, diagnostics), to_read, gone))
    }

    /// Whether the walk went into the folder of `rel` (relative to `content/`): the
    /// content folder itself, or a source folder it read a file of.
    fn in_walked_folder(&self, rel: &str) -> bool {
        match rel.rsplit_once('/') {
            None => true,
            Some((folder, _)) => {
                let prefix = format!("content/{folder}/");
                self.files.keys().any(|path| path.starts_with(&prefix))
            }
        }
    }

    /// Walks `content/` again: forgets the files that are gone (adding them to `changed`),
    /// and returns the files to read, the new ones and the touched ones.
    fn walk_again(
        &mut self,
        root: &Path,
        changes: &Changes,
        touched: &[&String],
        changed: &mut HashSet<String>,
    ) -> Result<Vec<(String, Kind)>> {
        let walk = load::scan(root)?;
        let listed: HashSet<String> = walk.0.iter().map(|(rel, _)| format!("content/{rel}")).collect();
        self.files.retain(|path, _| {
            let keep = listed.contains(path);
            if !keep {
                changed.insert(path.clone());
            }
            keep
        });
        let is_touched = |path: &str| {
            changes.everything
                || touched
                    .iter()
                    .any(|t| path == t.as_str() || path.strip_prefix(t.as_str()).is_some_and(|r| r.starts_with('/')))
        };
        let to_read = walk
            .0
            .iter()
            .filter(|(rel, _)| {
                let path = format!("content/{rel}");
                !self.files.contains_key(&path) || is_touched(&path)
            })
            .cloned()
            .collect();
        self.walk = Some(walk);
        Ok(to_read)
    }

    /// Whether the file at `path` (from the root) was there at the last refresh.
    pub(super) fn holds(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// Whether the last walk found no layout problem.
    pub(super) fn walk_is_clean(&self) -> bool {
        self.walk.as_ref().is_some_and(|(_, diagnostics)| diagnostics.is_empty())
    }

    /// The hash of the file at `path` (from the root), which stands for everything parsed
    /// from it.
    pub(super) fn hash_of(&self, path: &str) -> u64 {
        self.files.get(path).map_or(0, |c| c.hash)
    }

    /// The id of the entry at `path` (from the root), if it was parsed since it was last
    /// lent to the site: the files [`Sources::refresh`] found changed.
    pub(super) fn entry_id(&self, path: &str) -> Option<&str> {
        match self.files.get(path).and_then(|c| c.parsed.as_ref()) {
            Some(Parsed::Entry(_, id, _)) => Some(id),
            _ => None,
        }
    }

    /// The entry parsed from `path` since it was last lent, if it parsed without a problem.
    pub(super) fn parsed_entry(&self, path: &str) -> Option<&Entry> {
        match self.files.get(path) {
            Some(Cached { parsed: Some(Parsed::Entry(Some(entry), _, _)), diagnostics, .. })
                if diagnostics.is_empty() =>
            {
                Some(entry)
            }
            _ => None,
        }
    }

    /// Lends the entry parsed from `path` to the site, like [`Sources::lend`] does.
    pub(super) fn lend_entry(&mut self, path: &str) -> Option<Entry> {
        let cached = self.files.get_mut(path)?;
        match cached.parsed.take() {
            Some(Parsed::Entry(Some(entry), _, _)) => {
                cached.lent = true;
                Some(*entry)
            }
            other => {
                cached.parsed = other;
                None
            }
        }
    }

    /// What [`crate::model::assemble`] takes, in walk order: each file's parse, lent to the
    /// site, and its diagnostics; then the layout errors of the walk.
    pub(super) fn lend(&mut self) -> (Vec<model::ParsedFile>, Vec<Diagnostic>) {
        let Some((found, walk_diagnostics)) = &self.walk else {
            return (Vec::new(), Vec::new());
        };
        let mut out = Vec::with_capacity(found.len());
        let mut ids: HashSet<&str> = HashSet::with_capacity(found.len());
        for (rel, kind) in found {
            let path = format!("content/{rel}");
            let Some(cached) = self.files.get_mut(&path) else {
                continue;
            };
            let first = match kind {
                Kind::Entry { id, .. } => ids.insert(id),
                _ => true,
            };
            let parsed = match &cached.parsed {
                // The second file of an id defined twice only counts as being there (the site
                // keeps the first), and a file that did not parse only lends its id and path:
                // a copy of those will do.
                Some(Parsed::Entry(entry, id, _)) if !first || entry.is_none() => {
                    Some(Parsed::Entry(None, id.clone(), path))
                }
                _ => {
                    cached.lent = cached.parsed.is_some();
                    cached.parsed.take()
                }
            };
            out.push((parsed, cached.diagnostics.clone()));
        }
        (out, walk_diagnostics.clone())
    }

    /// Takes back everything the site borrowed.
    pub(super) fn give_back(&mut self, site: Site) {
        // A file read again since it was lent already holds its new parse.
        let mut back = |path: String, parsed: Parsed| {
            if let Some(cached) = self.files.get_mut(&path).filter(|c| c.lent) {
                cached.parsed = Some(parsed);
                cached.lent = false;
            }
        };
        for entry in site.entries {
            let (id, path) = (entry.id.clone(), entry.file.clone());
            back(path.clone(), Parsed::Entry(Some(Box::new(entry)), id, path));
        }
        if let Some(page) = site.home {
            back(page.file.clone(), Parsed::Home(page));
        }
        for (source, page) in site.source_pages {
            back(page.file.clone(), Parsed::Source(source, page));
        }
        for (name, page) in site.prose {
            back(page.file.clone(), Parsed::Prose(name, page));
        }
        debug_assert!(self.files.values().all(|c| !c.lent), "the site dropped a file it was lent");
    }
}
