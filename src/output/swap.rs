//! Putting a finished build in place of the old output so that at every instant the output
//! path holds a complete tree: one atomic exchange where the OS has it (Linux
//! `renameat2(RENAME_EXCHANGE)`), two renames elsewhere.

use std::io;
use std::path::{Path, PathBuf};

/// Swaps the trees at `staging` and `target` (both exist); returns where the old tree now
/// is, for the caller to remove. `aside` is a free path to move the old tree to when the
/// exchange is not available.
pub(super) fn exchange(staging: &Path, target: &Path, aside: PathBuf) -> io::Result<PathBuf> {
    match atomic_exchange(staging, target) {
        Ok(()) => return Ok(staging.to_path_buf()),
        Err(e) if !unsupported(&e) => return Err(e),
        Err(_) => {}
    }
    // Not atomic: a kill between the renames leaves the old tree at `aside` and no output
    // until the next build.
    std::fs::rename(target, &aside)?;
    if let Err(e) = std::fs::rename(staging, target) {
        let _ = std::fs::rename(&aside, target);
        return Err(e);
    }
    Ok(aside)
}

#[cfg(target_os = "linux")]
fn atomic_exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn atomic_exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Errors meaning "this system or file system cannot exchange", not "this exchange failed".
fn unsupported(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::Unsupported || matches!(e.raw_os_error(), Some(22 | 38 | 95))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trees_trade_places() {
        let dir = tempfile::tempdir().unwrap();
        let (new, out) = (dir.path().join("new"), dir.path().join("out"));
        for (folder, text) in [(&new, "new"), (&out, "old")] {
            std::fs::create_dir(folder).unwrap();
            std::fs::write(folder.join("f"), text).unwrap();
        }
        let old = exchange(&new, &out, dir.path().join("aside")).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("f")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(old.join("f")).unwrap(), "old");
    }
}
