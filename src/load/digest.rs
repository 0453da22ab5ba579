//! Digests of what a command read: equal digests mean equal inputs, so work done for one
//! (the search cache's index, a build's whole output) serves the other. A digest names
//! the running binary too, since another build of faultline may turn the same inputs into
//! other bytes.

use super::{Loaded, SourceFile};
use rayon::prelude::*;
use xxhash_rust::xxh3::Xxh3;

/// The digest of each loaded file (its path, its kind and its text as read), in load order.
pub(crate) fn files(files: &[SourceFile]) -> Vec<u128> {
    // The texts are most of the bytes: each file is hashed on its own, in parallel.
    files
        .par_iter()
        .map(|SourceFile { path, kind, text }| {
            let mut hasher = Xxh3::new();
            field(&mut hasher, path.as_bytes());
            field(&mut hasher, format!("{kind:?}").as_bytes());
            match text {
                Some(text) => field(&mut hasher, text.as_bytes()),
                None => field(&mut hasher, b"\xff unreadable"),
            }
            hasher.digest128()
        })
        .collect()
}

/// The digest of what was loaded (each file under `content/` as read, by its digest in
/// `files`, `site.yaml` as parsed, the problems met while reading), of `drafts` and of the
/// running binary; `None` when the binary cannot be identified, and then nothing may be
/// reused.
pub(crate) fn loaded(loaded: &Loaded, files: &[u128], drafts: bool) -> Option<u128> {
    let (size, built) = binary()?;
    // Named field by field, so that a field added to what is loaded cannot be left out.
    let Loaded { config, files: _, diagnostics } = loaded;
    let mut hasher = Xxh3::new();
    field(&mut hasher, env!("CARGO_PKG_VERSION").as_bytes());
    field(&mut hasher, &size.to_le_bytes());
    field(&mut hasher, &built.to_le_bytes());
    field(&mut hasher, &[u8::from(drafts)]);
    field(&mut hasher, format!("{config:?}").as_bytes());
    field(&mut hasher, format!("{diagnostics:?}").as_bytes());
    for digest in files {
        field(&mut hasher, &digest.to_le_bytes());
    }
    Some(hasher.digest128())
}

/// The size and modification time (in nanoseconds) of the running binary: another build
/// of faultline, even of the same version, has others.
pub(crate) fn binary() -> Option<(u64, u128)> {
    let binary = running_binary()?;
    Some((binary.len(), binary.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos()))
}

/// The file of the running binary. On Linux, the one this process runs even when a new
/// build replaced it since it started, whose cache would then carry the old code's index
/// under the new binary's key.
fn running_binary() -> Option<std::fs::Metadata> {
    if cfg!(target_os = "linux") {
        std::fs::metadata("/proc/self/exe").ok()
    } else {
        std::fs::metadata(std::env::current_exe().ok()?).ok()
    }
}

/// Hashes `bytes` after their length, so that no two different lists of fields hash the
/// same bytes.
pub(crate) fn field(hasher: &mut Xxh3, bytes: &[u8]) {
    hasher.update(&(bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}
