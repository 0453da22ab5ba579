//! Writing a build: into a sibling folder first, swapped in only when complete, so a failed
//! or interrupted build leaves the previous output exactly as it was (docs/cli.md).

mod lock;
mod swap;

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

pub(crate) use lock::BuildLock;

/// The file that marks a folder as faultline's output, so it may be replaced.
pub(crate) const MARKER: &str = ".faultline-output";
pub(crate) const MARKER_TEXT: &str = "This folder is written by `faultline build` and replaced by the next build.\n";
/// The file beside the marker that records what each file of the output was made from, so
/// that the next build can take the files whose inputs did not change from this one.
pub(crate) const RECORD: &str = ".faultline-record";

/// What identifies a file as the one a build wrote: its size, modification time and inode.
/// Any later write to it changes the time; a file put there by anything else has another
/// inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub len: u64,
    pub modified: u128,
    pub inode: u64,
}

/// Whether the file at `path` holds exactly `bytes`; read by blocks, so that a large
/// static file is not held twice.
fn holds_bytes(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut file) = std::fs::File::open(path) else { return false };
    let mut block = vec![0u8; 64 * 1024];
    let mut rest = bytes;
    loop {
        match file.read(&mut block) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if n <= rest.len() && block[..n] == rest[..n] => rest = &rest[n..],
            Ok(_) | Err(_) => return false,
        }
    }
}

/// The stamp of the file at `path`, if there is one.
pub(crate) fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::symlink_metadata(path).ok().filter(std::fs::Metadata::is_file)?;
    let modified = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some(Stamp { len: meta.len(), modified, inode })
}

/// The record an earlier build left in `target`, if it is there and readable.
pub(crate) fn read_record(target: &Path) -> Option<String> {
    std::fs::read_to_string(target.join(RECORD)).ok()
}

/// A build being written: files go into `staging`, which becomes `target` on `commit`.
/// It holds the output's lock until it is committed or dropped; dropped uncommitted (any
/// failure), it removes the staging folder.
pub(crate) struct Staging {
    target: PathBuf,
    staging: PathBuf,
    /// The staging folder started as the tree the last build replaced ([`Staging::over_spare`]):
    /// its files may be links to the output's, so none is written in place.
    spare: bool,
    committed: bool,
    _lock: BuildLock,
}

/// Refuses an output folder that faultline must not replace: the site's own folders, or
/// a folder that holds anything but an earlier output.
pub(crate) fn check_target(root: &Path, target: &Path) -> Result<()> {
    let absolute = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
        // Resolve what exists, keep the rest, so a not-yet-created folder compares too.
        let mut existing = p.clone();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    existing = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut resolved = existing.canonicalize().unwrap_or(existing);
        resolved.extend(rest.iter().rev());
        resolved
    };
    let target_abs = absolute(target);
    let root_abs = absolute(root);
    if target_abs == root_abs || root_abs.starts_with(&target_abs) {
        bail!("refusing to write the build into {}: it holds the site itself; choose another --out", target.display());
    }
    for name in ["content", "themes", "templates", "static"] {
        if target_abs.starts_with(root_abs.join(name)) {
            bail!(
                "refusing to write the build into {}: it is inside the site's {name}/ folder; choose another --out",
                target.display()
            );
        }
    }
    if target.is_file() {
        bail!("refusing to write the build into {}: it is a file", target.display());
    }
    if target.is_dir() {
        let mut entries = std::fs::read_dir(target).with_context(|| format!("cannot read {}", target.display()))?;
        if entries.next().is_some() && !target.join(MARKER).is_file() {
            bail!(
                "refusing to write the build into {}: it is not empty and is not an earlier faultline output (it has no {MARKER} file); nothing in it was touched",
                target.display()
            );
        }
    }
    Ok(())
}

/// The tree the last warm build replaced, kept beside the output for the next one.
fn spare(target: &Path) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "public".into());
    target.with_file_name(format!(".{name}.faultline-spare"))
}

fn sibling(target: &Path, tag: &str) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "public".into());
    target.with_file_name(format!(".{name}.faultline-{tag}-{}", std::process::id()))
}

/// Removes what killed builds left beside `target`; only called under its lock, so no
/// running build's folder is among them.
pub(crate) fn clean_leftovers(target: &Path, _held: &BuildLock) {
    let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
        return;
    };
    let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
    let prefix = format!(".{}.faultline-", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let spare = spare(target);
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix)
            && Some(entry.file_name().as_os_str()) != spare.file_name()
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

impl Staging {
    /// Checks `target` again under `lock` (another build may have changed it while this one
    /// waited), cleans leftovers and creates the staging folder beside it.
    pub(crate) fn begin(root: &Path, target: &Path, lock: BuildLock) -> Result<Staging> {
        check_target(root, target)?;
        clean_leftovers(target, &lock);
        remove_tree(&spare(target));
        let staging = sibling(target, "staging");
        std::fs::create_dir(&staging).with_context(|| format!("cannot create {}", staging.display()))?;
        let staging = Staging { target: target.to_path_buf(), staging, spare: false, committed: false, _lock: lock };
        staging.write(MARKER, MARKER_TEXT.as_bytes())?;
        Ok(staging)
    }

    /// Like [`Staging::begin`], but starts from the tree the last warm build replaced, when
    /// there is one, pruned to the files of `planned` (every path this build writes):
    /// most of its files are links to the output's, so taking them costs nothing, and only
    /// the files that changed are replaced.
    pub(crate) fn over_spare(
        root: &Path,
        target: &Path,
        lock: BuildLock,
        planned: &std::collections::BTreeSet<String>,
    ) -> Result<Staging> {
        let spare = spare(target);
        let is_dir = std::fs::symlink_metadata(&spare).is_ok_and(|m| m.is_dir());
        if !is_dir || !target.is_dir() {
            return Staging::begin(root, target, lock);
        }
        check_target(root, target)?;
        clean_leftovers(target, &lock);
        let staging = sibling(target, "staging");
        std::fs::rename(&spare, &staging).with_context(|| format!("cannot move {}", spare.display()))?;
        let staging = Staging { target: target.to_path_buf(), staging, spare: true, committed: false, _lock: lock };
        let planned: std::collections::HashSet<&str> = planned.iter().map(String::as_str).collect();
        let mut ancestors = std::collections::HashSet::new();
        for path in &planned {
            ancestors.extend(path.match_indices('/').map(|(at, _)| &path[..at]));
        }
        prune(&staging.staging, "", &planned, &ancestors);
        staging.write(MARKER, MARKER_TEXT.as_bytes())?;
        Ok(staging)
    }

    /// Writes one file; `path` is relative with `/` separators and was made by the
    /// renderer from validated ids, so it cannot leave the folder.
    pub(crate) fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        debug_assert!(!path.split('/').any(|s| s == ".." || s.is_empty()));
        let full = self.staging.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        if self.spare {
            // A file of the spare tree may be the output's own (a link): replaced, never
            // written through.
            remove_file(&full)?;
        }
        std::fs::write(&full, bytes).with_context(|| format!("cannot write {}", full.display()))
    }

    /// Writes `bytes` to `path`, or takes the earlier output's file when it holds these very
    /// bytes, so that a file a warm build did not change keeps its time and inode (and a
    /// server's `ETag`). Returns whether it was taken.
    pub(crate) fn write_or_take(&self, path: &str, bytes: &[u8]) -> Result<bool> {
        if let Some(stamp) = self.earlier_stamp(path).filter(|stamp| stamp.len == bytes.len() as u64) {
            if holds_bytes(&self.target.join(path), bytes) {
                self.reuse(path, stamp)?;
                return Ok(true);
            }
        }
        self.write(path, bytes)?;
        Ok(false)
    }

    /// Takes `path`, whose stamp is `stamp`, from the earlier output into the staging
    /// folder: a hard link, or a copy where the file system cannot link. Returns the stamp
    /// of the file taken: a link is the same file.
    pub(crate) fn reuse(&self, path: &str, stamp: Stamp) -> Result<Stamp> {
        debug_assert!(!path.split('/').any(|s| s == ".." || s.is_empty()));
        let (from, to) = (self.target.join(path), self.staging.join(path));
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        if self.spare {
            // Already there: the spare tree holds this very file (same inode and time).
            if self.stamp(path) == Some(stamp) {
                return Ok(stamp);
            }
            remove_file(&to)?;
        }
        if std::fs::hard_link(&from, &to).is_ok() {
            return Ok(stamp);
        }
        std::fs::copy(&from, &to).with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
        self.stamp(path).ok_or_else(|| anyhow::anyhow!("{path} is missing after it was copied"))
    }

    /// Where the file `path` with `stamp` is to be taken from: `Some(true)` when the staging
    /// folder holds it already (the spare tree's file is that very file), `Some(false)` from
    /// the earlier output, `None` when neither has it (it must be made again).
    pub(crate) fn holds(&self, path: &str, stamp: Stamp) -> Option<bool> {
        if self.spare && self.stamp(path) == Some(stamp) {
            return Some(true);
        }
        (self.earlier_stamp(path) == Some(stamp)).then_some(false)
    }

    /// The stamp of a file of the earlier output, and of one written into this build.
    fn earlier_stamp(&self, path: &str) -> Option<Stamp> {
        stamp(&self.target.join(path))
    }

    pub(crate) fn stamp(&self, path: &str) -> Option<Stamp> {
        stamp(&self.staging.join(path))
    }

    /// Swaps the finished build in place of the old output, atomically where the OS can,
    /// then removes the old tree, or keeps it beside the output for the next build when
    /// `keep` (a warm build, whose old tree shares most of its files with the new one).
    pub(crate) fn commit(mut self, keep: bool) -> Result<()> {
        if !self.target.exists() {
            std::fs::rename(&self.staging, &self.target)
                .with_context(|| format!("cannot move the new build to {}", self.target.display()))?;
            self.committed = true;
            return Ok(());
        }
        let old = swap::exchange(&self.staging, &self.target, sibling(&self.target, "old"))
            .with_context(|| format!("cannot swap the new build into {}", self.target.display()))?;
        self.committed = true;
        // A kill from here on leaves the old tree beside the output, for the next build to
        // remove; the output itself is the new tree.
        if !keep || std::fs::rename(&old, spare(&self.target)).is_err() {
            remove_tree(&old);
        }
        Ok(())
    }
}

/// Removes the file at `path`, if there is one.
fn remove_file(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot replace {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Removes from the folder `dir` (at `rel` in the tree) everything that is not a file of
/// `planned` or a folder on the way to one. Links are removed, never followed.
fn prune(
    dir: &Path,
    rel: &str,
    planned: &std::collections::HashSet<&str>,
    ancestors: &std::collections::HashSet<&str>,
) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let path = if rel.is_empty() { name } else { format!("{rel}/{name}") };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && ancestors.contains(path.as_str()) {
            prune(&entry.path(), &path, planned, ancestors);
        } else if is_dir {
            remove_tree(&entry.path());
        } else if !planned.contains(path.as_str()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Removes the tree at `dir` on every core: the output of 10,000 entries holds 30,000 files,
/// and removing them one after the other was a tenth of a warm build. Links are removed,
/// never followed.
fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    let children = |dir: &Path| -> Vec<(PathBuf, bool)> {
        let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
        entries.flatten().map(|e| (e.path(), e.file_type().is_ok_and(|t| t.is_dir()))).collect()
    };
    let grandchildren: Vec<(PathBuf, bool)> =
        children(dir).into_iter().filter(|(_, is_dir)| *is_dir).flat_map(|(path, _)| children(&path)).collect();
    grandchildren.par_iter().for_each(|(path, is_dir)| {
        let _ = if *is_dir { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) };
    });
    let _ = std::fs::remove_dir_all(dir);
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_bytes_compares_every_block_and_the_length() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &big).unwrap();
        assert!(holds_bytes(&path, &big));
        let mut late = big.clone();
        late[150_000] ^= 1;
        assert!(!holds_bytes(&path, &late), "a difference in the third block");
        assert!(!holds_bytes(&path, &big[..199_999]), "a shorter text");
        assert!(!holds_bytes(&path, &[big.as_slice(), b"x"].concat()), "a longer text");
        assert!(!holds_bytes(&dir.path().join("missing"), b""));
        std::fs::write(&path, b"").unwrap();
        assert!(holds_bytes(&path, b""));
    }

    /// A temporary folder holding a site folder `site` and the place of its output `public`.
    fn folders() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let (root, out) = (dir.path().join("site"), dir.path().join("public"));
        std::fs::create_dir(&root).unwrap();
        (dir, root, out)
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
        names.sort();
        names
    }

    #[test]
    fn commit_exchanges_the_trees_and_removes_the_old_one() {
        let (dir, root, out) = folders();
        for text in ["first", "second"] {
            let staging = Staging::begin(&root, &out, BuildLock::acquire(&out).unwrap()).unwrap();
            staging.write("a/index.html", text.as_bytes()).unwrap();
            staging.commit(false).unwrap();
            assert_eq!(std::fs::read_to_string(out.join("a/index.html")).unwrap(), text);
        }
        assert_eq!(names(dir.path()), [".public.faultline.lock", "public", "site"]);
        assert_eq!(names(&out), [MARKER, "a"]);
    }

    #[test]
    fn a_failed_build_removes_its_staging_folder_and_leaves_the_output() {
        let (dir, root, out) = folders();
        let staging = Staging::begin(&root, &out, BuildLock::acquire(&out).unwrap()).unwrap();
        staging.write("x", b"1").unwrap();
        staging.commit(false).unwrap();
        let staging = Staging::begin(&root, &out, BuildLock::acquire(&out).unwrap()).unwrap();
        staging.write("x", b"2").unwrap();
        let error = staging.write("x/y", b"3").unwrap_err();
        assert!(format!("{error:#}").contains(".public.faultline-staging-"), "{error:#}");
        drop(staging);
        assert_eq!(names(dir.path()), [".public.faultline.lock", "public", "site"]);
        assert_eq!(std::fs::read_to_string(out.join("x")).unwrap(), "1");
    }

    #[test]
    fn leftovers_of_killed_builds_are_removed_under_the_lock() {
        let (dir, root, out) = folders();
        std::fs::create_dir_all(dir.path().join(".public.faultline-staging-1/a")).unwrap();
        let staging = Staging::begin(&root, &out, BuildLock::acquire(&out).unwrap()).unwrap();
        staging.commit(false).unwrap();
        assert_eq!(names(dir.path()), [".public.faultline.lock", "public", "site"]);
    }

    /// The tree a warm build replaced is kept and the next warm build starts from it: a
    /// file it shares with the output (a link) is replaced, never written through, so the
    /// output stays as it was until the swap; what the build does not plan is pruned.
    #[test]
    fn a_build_over_the_spare_tree_never_writes_into_the_output() {
        let (dir, root, out) = folders();
        let staging = Staging::begin(&root, &out, BuildLock::acquire(&out).unwrap()).unwrap();
        for (path, text) in [("a/index.html", "a1"), ("b/index.html", "b1"), ("gone/index.html", "g1"), ("c", "c1")] {
            staging.write(path, text.as_bytes()).unwrap();
        }
        staging.commit(false).unwrap();
        // A warm build: takes a and b, writes c anew; the old tree is kept.
        let stamp = |path: &str| super::stamp(&out.join(path)).unwrap();
        let staging = Staging::begin(&root, &out, BuildLock::acquire(&out).unwrap()).unwrap();
        staging.reuse("a/index.html", stamp("a/index.html")).unwrap();
        staging.reuse("b/index.html", stamp("b/index.html")).unwrap();
        staging.write("c", b"c2").unwrap();
        staging.commit(true).unwrap();
        assert_eq!(names(dir.path()), [".public.faultline-spare", ".public.faultline.lock", "public", "site"]);
        // The next one starts from the spare, whose a and b are the output's own files.
        let planned: std::collections::BTreeSet<String> =
            ["a/index.html", "b/index.html", "c/index.html", MARKER].map(String::from).into();
        let (a, b) = (stamp("a/index.html"), stamp("b/index.html"));
        let staging = Staging::over_spare(&root, &out, BuildLock::acquire(&out).unwrap(), &planned).unwrap();
        assert_eq!(staging.reuse("a/index.html", a).unwrap(), a);
        staging.write("b/index.html", b"b2").unwrap();
        staging.write("c/index.html", b"c3").unwrap();
        assert_eq!(std::fs::read_to_string(out.join("b/index.html")).unwrap(), "b1", "written through a link");
        assert_eq!(stamp("b/index.html"), b);
        staging.commit(true).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("b/index.html")).unwrap(), "b2");
        assert_eq!(std::fs::read_to_string(out.join("c/index.html")).unwrap(), "c3", "a file where a folder goes");
        assert_eq!(names(&out), [MARKER, "a", "b", "c"], "what was not planned is pruned");
        // A build that does not start warm removes the spare.
        let staging = Staging::begin(&root, &out, BuildLock::acquire(&out).unwrap()).unwrap();
        staging.commit(false).unwrap();
        assert_eq!(names(dir.path()), [".public.faultline.lock", "public", "site"]);
    }
}
