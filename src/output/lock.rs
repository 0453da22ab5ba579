//! One build at a time per output folder: an advisory lock on a file beside it, held for
//! the whole build and released by the OS when the build ends or dies (docs/cli.md).
//!
//! A second build into the same folder waits for the first to finish, then builds; only a
//! build holding the lock removes what killed builds left beside the output, so it never
//! deletes a running build's staging folder.

use anyhow::{Context, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// The held lock of one output folder; dropping it releases the lock.
#[derive(Debug)]
pub(crate) struct BuildLock {
    _file: File,
}

/// The lock file of `target`: `.<name>.faultline.lock` in its parent. Not matched by the
/// leftover pattern `.<name>.faultline-*`, and never removed: removing a lock file while
/// another build waits on it would let a third build lock a new file beside it.
pub(crate) fn lock_path(target: &Path) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "public".into());
    target.with_file_name(format!(".{name}.faultline.lock"))
}

impl BuildLock {
    /// Locks `target` for this build, waiting (and saying so) while another build holds it.
    /// The folder holding `target` is created if needed.
    pub(crate) fn acquire(target: &Path) -> Result<BuildLock> {
        if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let path = lock_path(target);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot create the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                eprintln!("another build is writing {}; waiting for it to finish", target.display());
                file.lock().with_context(|| format!("cannot lock {}", path.display()))?;
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
        Ok(BuildLock { _file: file })
    }
}
