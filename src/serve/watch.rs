//! Watching the site's inputs (content/, themes/, templates/, static/, site.yaml) with
//! notify, and handing changes over in debounced batches.
//!
//! Debouncing is a quiet period: after the first event, events are gathered until none has
//! come for [`QUIET`]. An editor's save (write a temporary file, rename it over the old
//! one, fix its permissions) takes a few milliseconds, so it lands in one batch. A
//! debouncer crate works on a timer tick instead, which would add up to a tick of delay to
//! every save, and we need no more than the set of paths.

use crate::incremental::Changes;
use anyhow::Result;
use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

/// The folders under the root whose files are inputs, each watched recursively.
const FOLDERS: &[&str] = &["content", "themes", "templates", "static"];

/// How long the inputs must be quiet before a batch is handed over.
const QUIET: Duration = Duration::from_millis(25);

/// What [`Watcher::next`] saw.
pub(crate) enum Next {
    Changes(Changes),
    /// Nothing changed for the time given.
    Idle,
    /// The watcher stopped; no change will come.
    Stopped,
}

pub(crate) struct Watcher {
    /// Canonical, since events name paths under the path that was watched.
    root: PathBuf,
    watcher: RecommendedWatcher,
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    /// The folders that have a recursive watch.
    watched: BTreeSet<&'static str>,
}

impl Watcher {
    /// Watches the root itself (for site.yaml, and folders created later) and each input
    /// folder that exists.
    pub(crate) fn start(root: &Path) -> Result<Watcher> {
        let root = root.canonicalize()?;
        let (sender, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(sender)?;
        watcher.watch(&root, RecursiveMode::NonRecursive)?;
        let mut this = Watcher { root, watcher, events, watched: BTreeSet::new() };
        this.watch_folders(&BTreeSet::new());
        Ok(this)
    }

    /// Adds a recursive watch to each input folder that has none, and renews the watch of
    /// a folder that was itself removed or replaced (`touched`), whose old watch is gone.
    fn watch_folders(&mut self, touched: &BTreeSet<String>) {
        for &name in FOLDERS {
            let path = self.root.join(name);
            if touched.contains(name) && self.watched.remove(name) {
                let _ = self.watcher.unwatch(&path);
            }
            if !self.watched.contains(name)
                && path.is_dir()
                && self.watcher.watch(&path, RecursiveMode::Recursive).is_ok()
            {
                self.watched.insert(name);
            }
        }
    }

    /// Waits for a change to the inputs, then for them to be quiet, and returns what
    /// changed. With `idle`, gives up after that long without a change.
    pub(crate) fn next(&mut self, idle: Option<Duration>) -> Next {
        let mut changes = Changes::default();
        loop {
            let wait = if changes.is_empty() { idle } else { Some(QUIET) };
            let received = match wait {
                Some(wait) => self.events.recv_timeout(wait),
                None => self.events.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            let event = match received {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) if changes.is_empty() => return Next::Idle,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return Next::Stopped,
            };
            match event {
                Ok(event) if event.need_rescan() => changes.everything = true,
                // Files being opened or read change nothing, and the rebuild's own reads
                // would otherwise start the next rebuild.
                Ok(event) if is_read(&event.kind) => {}
                Ok(event) => {
                    for path in &event.paths {
                        if let Some(rel) = self.input(path) {
                            changes.paths.insert(rel);
                        }
                    }
                }
                // The kernel's queue overflowed or a watch broke: events were lost.
                Err(_) => changes.everything = true,
            }
        }
        self.watch_folders(&changes.paths);
        Next::Changes(changes)
    }

    /// The path relative to the root, `/`-separated, if it is an input. Files that the
    /// content walk skips (editors' swap files, names starting with `_` or `.`) are not.
    fn input(&self, path: &Path) -> Option<String> {
        let rel = path.strip_prefix(&self.root).ok()?;
        let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
        let first = parts.first()?;
        let wanted = match first.as_str() {
            "site.yaml" => parts.len() == 1,
            "content" => !parts[1..].iter().any(|p| crate::load::ignored_name(p)),
            name => FOLDERS.contains(&name),
        };
        wanted.then(|| parts.join("/"))
    }
}

/// Whether an event only says that a file was opened or read.
fn is_read(kind: &EventKind) -> bool {
    matches!(kind, EventKind::Access(access) if *access != AccessKind::Close(AccessMode::Write))
}
