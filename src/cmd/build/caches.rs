//! The work a build keeps for the next one, under `.faultline-cache/` in the site root:
//! each entry file's parse (`parses.bin`, [`Parses`]), each entry's search terms
//! (`terms.bin`, [`Memo`]) and each job's notes (`plan.bin`, [`KeptPlan`]). A warm build
//! takes them for the entries whose file did not change, parses and tokenises only the
//! others, and plans only the jobs the changes reach.
//!
//! A site folder may come from anyone, so a kept file is used only when the record of the
//! output being replaced holds its seal (a BLAKE3 hash): the output is what the earlier
//! build wrote, and no one can write other bytes under the same seal. `--cold` neither
//! reads nor writes them. They are written on threads of their own while the build goes
//! on, and sealed in the record once written.

use super::check;
use crate::incremental::kept_plan::KeptPlan;
use crate::load::Loaded;
use crate::model::Site;
use crate::model::body::Bodies;
use crate::model::kept::Parses;
use crate::search::Index;
use crate::search::memo::Memo;
use crate::store;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

/// A kept file: its name under the cache folder and its magic.
type Kind = (&'static str, &'static [u8; 8]);

const PARSES: Kind = ("parses.bin", b"FLPARS01");
const TERMS: Kind = ("terms.bin", b"FLTERM01");
const PLAN: Kind = ("plan.bin", b"FLPLAN01");

/// The seals of the files a build kept, as its record holds them; empty for a file it did
/// not keep.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Seals {
    parses: String,
    terms: String,
    #[serde(default)]
    plan: String,
}

/// Where a kept file's seal goes.
type SealOf = fn(&mut Seals) -> &mut String;

/// The work kept by the earlier build, as this one goes on.
pub(super) struct Kept {
    root: PathBuf,
    parses: Parses,
    terms: Memo,
    plan: Option<KeptPlan>,
    seals: Seals,
    /// The digest of each file under `content/`, by its path from the root.
    digests: HashMap<String, u128>,
    /// Kept files being written: which seal each one gives.
    writing: Vec<(SealOf, JoinHandle<String>)>,
}

impl Kept {
    /// The files kept under `root` that `seals` (from the earlier record) seal; what is
    /// missing or not sealed so is empty. `digests` are those of `loaded`'s files.
    pub(super) fn read(root: &Path, seals: Seals, loaded: &Loaded, digests: &[u128]) -> Kept {
        let ((parses, terms), plan) = rayon::join(
            || {
                rayon::join(
                    || sealed(root, PARSES, &seals.parses).and_then(Parses::decode),
                    || sealed(root, TERMS, &seals.terms).and_then(|body| Memo::decode(&body)),
                )
            },
            || sealed(root, PLAN, &seals.plan).and_then(|body| KeptPlan::decode(&body)),
        );
        Kept {
            root: root.to_path_buf(),
            parses: parses.unwrap_or_default(),
            terms: terms.unwrap_or_default(),
            plan,
            seals,
            digests: loaded.files.iter().map(|f| f.path.clone()).zip(digests.iter().copied()).collect(),
            writing: Vec::new(),
        }
    }

    /// Parses and checks the site, taking the kept parses; keeps this build's.
    pub(super) fn check(mut self, loaded: Loaded, digests: &[u128], drafts: bool) -> (check::Checked, Kept) {
        let kept = std::mem::take(&mut self.parses);
        let (site, diagnostics, (parses, changed)) =
            crate::model::build_kept(loaded, digests, kept, Bodies::InFiles(&self.root));
        if changed || self.seals.parses.is_empty() {
            self.keep(|seals| &mut seals.parses, PARSES, move || parses.encode());
        }
        let related = self.plan.as_ref().map(KeptPlan::related);
        (check::run_parsed(&self.root, (site, diagnostics), drafts, related), self)
    }

    /// The search index of a checked site, through the kept terms; keeps this build's.
    pub(super) fn index(&mut self, site: &Site, included: &[bool]) -> anyhow::Result<Index> {
        let hashes: Vec<u64> = site.entries.iter().map(|e| self.digest(&e.file) as u64).collect();
        let index = self.terms.index(&site.entries, included, &hashes)?;
        if self.terms.changed() || self.seals.terms.is_empty() {
            let terms = std::mem::take(&mut self.terms);
            self.keep(|seals| &mut seals.terms, TERMS, move || terms.encode());
        }
        Ok(index)
    }

    /// The digest of the entry file at `path` (from the root).
    pub(super) fn digest(&self, path: &str) -> u128 {
        self.digests.get(path).copied().unwrap_or_default()
    }

    /// The plan the earlier build kept, taken out.
    pub(super) fn take_plan(&mut self) -> Option<KeptPlan> {
        self.plan.take()
    }

    /// Keeps this build's plan.
    pub(super) fn keep_plan(&mut self, plan: KeptPlan) {
        self.keep(|seals| &mut seals.plan, PLAN, move || plan.encode());
    }

    /// Writes a kept file on a thread of its own.
    fn keep(&mut self, seal: SealOf, kind: Kind, encode: impl FnOnce() -> Vec<u8> + Send + 'static) {
        let root = self.root.clone();
        self.writing.push((seal, std::thread::spawn(move || write(&root, kind, &encode()))));
    }

    /// The seals of what this build kept, once every file is written.
    pub(super) fn seals(mut self) -> Seals {
        for (seal, writing) in self.writing.drain(..) {
            // A writer that panicked kept nothing: the next build does without that file.
            *seal(&mut self.seals) = writing.join().unwrap_or_default();
        }
        self.seals
    }
}

fn sealed(root: &Path, (name, magic): Kind, seal: &str) -> Option<Vec<u8>> {
    if seal.is_empty() {
        return None;
    }
    store::read_sealed(&root.join(store::DIR).join(name), magic, seal)
}

/// Writes `body` as a kept file; returns its seal, empty when it cannot be written (a
/// site folder that cannot be written only loses the speed-up).
fn write(root: &Path, (name, magic): Kind, body: &[u8]) -> String {
    let Some(key) = store::binary_key() else { return String::new() };
    match store::write(&root.join(store::DIR).join(name), magic, key, body) {
        Ok(()) => store::seal(body),
        Err(_) => String::new(),
    }
}
