//! The work a build keeps for the next one, under `.faultline-cache/` in the site root:
//! each entry file's parse (`parses.bin`, [`Parses`]) and each entry's search terms
//! (`terms.bin`, [`Memo`]). A warm build takes them for the entries whose file did not
//! change, and parses and tokenises only the others.
//!
//! A site folder may come from anyone, so a kept file is used only when the record of the
//! output being replaced holds its seal (a BLAKE3 hash): the output is what the earlier
//! build wrote, and no one can write other bytes under the same seal. `--cold` neither
//! reads nor writes them.

use crate::model::kept::Parses;
use crate::search::memo::Memo;
use crate::store;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A kept file: its name under the cache folder and its magic.
type Kind = (&'static str, &'static [u8; 8]);

const PARSES: Kind = ("parses.bin", b"FLPARS01");
const TERMS: Kind = ("terms.bin", b"FLTERM01");

/// The seals of the files a build kept, as its record holds them; empty for a file it did
/// not keep.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Seals {
    pub(super) parses: String,
    pub(super) terms: String,
}

/// What the earlier build kept.
#[derive(Default)]
pub(super) struct Caches {
    pub(super) parses: Parses,
    pub(super) terms: Memo,
}

impl Caches {
    /// The files kept under `root` whose seals are `seals`; what is missing or not sealed
    /// so is empty.
    pub(super) fn read(root: &Path, seals: &Seals) -> Caches {
        let (parses, terms) = rayon::join(
            || sealed(root, PARSES, &seals.parses).and_then(|body| Parses::decode(&body)),
            || sealed(root, TERMS, &seals.terms).and_then(|body| Memo::decode(&body)),
        );
        Caches { parses: parses.unwrap_or_default(), terms: terms.unwrap_or_default() }
    }
}

fn sealed(root: &Path, (name, magic): Kind, seal: &str) -> Option<Vec<u8>> {
    if seal.is_empty() {
        return None;
    }
    store::read_sealed(&root.join(store::DIR).join(name), magic, seal)
}

/// Keeps the parses under `root`; returns their seal, empty when they cannot be written
/// (a site folder that cannot be written only loses the speed-up).
pub(super) fn keep_parses(root: &Path, parses: &Parses) -> String {
    keep(root, PARSES, &parses.encode())
}

/// Keeps the search terms under `root`; returns their seal, as [`keep_parses`] does.
pub(super) fn keep_terms(root: &Path, terms: &Memo) -> String {
    keep(root, TERMS, &terms.encode())
}

fn keep(root: &Path, (name, magic): Kind, body: &[u8]) -> String {
    let Some(key) = store::binary_key() else { return String::new() };
    match store::write(&root.join(store::DIR).join(name), magic, key, body) {
        Ok(()) => store::seal(body),
        Err(_) => String::new(),
    }
}
