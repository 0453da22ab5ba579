//! A build of the very inputs of the earlier one: every file under `content/`, `site.yaml`,
//! the theme, `static/`, the options and the faultline binary the same. Its output would
//! be the earlier output byte for byte, so it takes every file of that output, with the
//! warnings and the summary its record kept, and parses, links and renders nothing.
//!
//! The jobs' fingerprints cannot say this faster: computing them means parsing every entry
//! and building the search index. A digest of the bytes read can.

use super::caches::Seals;
use super::{BuildOptions, Summary};
use crate::diag::{Diagnostic, Kept};
use crate::incremental::warm::{self, Job, Record};
use crate::load::digest::{self, field};
use crate::load::{Kind, Loaded, theme::Theme};
use crate::output::Staging;
use anyhow::Result;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::Duration;
use walkdir::WalkDir;
use xxhash_rust::xxh3::Xxh3;

/// What a record keeps of its build as a whole, in its second line.
#[derive(Serialize, Deserialize)]
pub(super) struct Whole {
    /// The digest of the build's inputs ([`inputs`]), in hex; empty when there was none.
    inputs: String,
    entries: usize,
    comparisons: usize,
    other_pages: usize,
    files: usize,
    bytes: u64,
    diagnostics: Vec<Kept>,
    /// The seals of what the build kept under `.faultline-cache/`.
    #[serde(default)]
    seals: Seals,
}

impl Whole {
    pub(super) fn new(inputs: Option<u128>, summary: &Summary, diagnostics: &[Diagnostic], seals: Seals) -> Whole {
        Whole {
            inputs: inputs.map(|digest| format!("{digest:032x}")).unwrap_or_default(),
            entries: summary.entries,
            comparisons: summary.comparisons,
            other_pages: summary.other_pages,
            files: summary.files,
            bytes: summary.bytes,
            diagnostics: diagnostics.iter().cloned().map(Kept).collect(),
            seals,
        }
    }

    /// The record's line: JSON escapes every tab and line break.
    pub(super) fn line(&self) -> String {
        serde_json::to_string(self).expect("a Whole serialises")
    }
}

/// The digests of everything a build's output is made from (`inputs`, see [`kept`]) and of
/// all that but the entry files (`surroundings`, see `incremental::kept_plan`); `None`
/// when the running binary cannot be identified ([`digest::loaded`]).
pub(super) fn inputs(
    (loaded, files): (&Loaded, &[u128]),
    theme: &Theme,
    statics: &BTreeMap<String, Vec<u8>>,
    options: &BuildOptions,
) -> Option<Digests> {
    let mut hasher = Xxh3::new();
    let Theme { templates, assets, origins } = theme;
    for (label, files) in [("templates", templates), ("origins", origins)] {
        field(&mut hasher, label.as_bytes());
        for (name, text) in files {
            field(&mut hasher, name.as_bytes());
            field(&mut hasher, text.as_bytes());
        }
    }
    for (label, files) in [("assets", assets), ("static", statics)] {
        field(&mut hasher, label.as_bytes());
        for (path, bytes) in files {
            field(&mut hasher, path.as_bytes());
            field(&mut hasher, bytes);
        }
    }
    field(&mut hasher, format!("{:?} {:?}", options.offline, options.base_url).as_bytes());
    let rest = hasher.digest128();
    let with = |files: &[u128]| {
        let mut hasher = Xxh3::new();
        field(&mut hasher, &digest::loaded(loaded, files, options.drafts)?.to_le_bytes());
        field(&mut hasher, &rest.to_le_bytes());
        Some(hasher.digest128())
    };
    let beside: Vec<u128> = loaded
        .files
        .iter()
        .zip(files)
        .filter(|(file, _)| !matches!(file.kind, Kind::Entry { .. }))
        .map(|(_, digest)| *digest)
        .collect();
    Some(Digests { inputs: with(files)?, surroundings: with(&beside)? })
}

/// See [`inputs`].
#[derive(Clone, Copy)]
pub(super) struct Digests {
    pub(super) inputs: u128,
    pub(super) surroundings: u128,
}

/// The seals the earlier output's `record` keeps.
pub(super) fn seals(record: &Record) -> Option<Seals> {
    serde_json::from_str::<Whole>(&record.whole).ok().map(|whole| whole.seals)
}

/// What the earlier output's `record` keeps, when it was built from `inputs` and every
/// file it lists is still the one that build wrote.
pub(super) fn kept(out: &Path, record: &Record, inputs: u128) -> Option<Whole> {
    let whole: Whole = serde_json::from_str(&record.whole).ok()?;
    if u128::from_str_radix(&whole.inputs, 16).ok()? != inputs {
        return None;
    }
    let intact = record
        .jobs
        .par_iter()
        .flat_map(|(_, files)| files)
        .all(|(path, stamp)| crate::output::stamp(&out.join(path)) == Some(*stamp));
    intact.then_some(whole)
}

/// Whether the earlier output already is this build's: [`kept`] found every file of
/// `record` as its build wrote it, `own` (the theme's assets, the site's static files and
/// the marker, by path) hold their bytes, and the folder holds nothing else. Then the
/// build has nothing to write.
pub(super) fn in_place(out: &Path, record: &Record, own: &BTreeMap<&str, &[u8]>) -> bool {
    let mut files: HashSet<&str> =
        record.jobs.iter().flat_map(|(_, files)| files.iter().map(|(path, _)| path.as_str())).collect();
    files.extend(own.keys());
    files.insert(crate::output::RECORD);
    let folders: HashSet<&str> =
        files.iter().flat_map(|path| path.match_indices('/').map(|(at, _)| &path[..at])).collect();
    let mut found = 0;
    for entry in WalkDir::new(out).min_depth(1) {
        let Ok(entry) = entry else { return false };
        let Some(path) = entry.path().strip_prefix(out).ok().and_then(Path::to_str) else { return false };
        let kind = entry.file_type();
        if kind.is_file() && files.contains(path) {
            found += 1;
        } else if !(kind.is_dir() && folders.contains(path)) {
            return false;
        }
    }
    found == files.len() && own.par_iter().all(|(path, bytes)| std::fs::read(out.join(path)).is_ok_and(|b| b == *bytes))
}

/// Takes every file of `record` from the earlier output into `staging` (which holds the
/// theme's and the site's static files already), writes the record again and swaps the
/// output in.
pub(super) fn take(staging: Staging, whole: &Whole, record: Record) -> Result<()> {
    let jobs = record
        .jobs
        .into_par_iter()
        .map(|(fingerprint, files)| {
            let files = files
                .into_iter()
                .map(|(path, stamp)| Ok((path.clone(), staging.reuse(&path, stamp)?)))
                .collect::<Result<_>>()?;
            Ok((fingerprint, files))
        })
        .collect::<Result<Vec<Job>>>()?;
    staging.write(crate::output::RECORD, warm::text(record.key, &whole.line(), &jobs).as_bytes())?;
    staging.commit(false)
}

/// The diagnostics and the summary of a build that took the `taken` files of its record.
pub(super) fn outcome(whole: Whole, taken: usize, elapsed: Duration) -> (Vec<Diagnostic>, Summary) {
    let summary = Summary {
        entries: whole.entries,
        comparisons: whole.comparisons,
        other_pages: whole.other_pages,
        files: whole.files,
        bytes: whole.bytes,
        taken,
        elapsed,
    };
    (whole.diagnostics.into_iter().map(|Kept(d)| d).collect(), summary)
}
