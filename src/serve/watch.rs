//! Watching the site's inputs (content/, themes/, templates/, static/, site.yaml) with
//! notify, and handing changes over in debounced batches.
//!
//! Debouncing is a quiet period: after the first event, events are gathered until none has
//! come for [`SETTLED`] once every input file written in the batch was closed again, or
//! for [`QUIET`] while one may still be open (or where the platform does not report
//! closes). An editor's save (write a temporary file, close it, rename it over the old
//! one, fix its permissions) then lands in one batch, and the page follows the close by
//! little more than [`SETTLED`]. A debouncer crate works on a timer tick instead, which
//! would add up to a tick of delay to every save, and we need no more than the set of
//! paths.

use crate::incremental::Changes;
use anyhow::Result;
use notify::event::{AccessKind, AccessMode, CreateKind, EventKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

/// The folders under the root whose files are inputs, each watched recursively.
const FOLDERS: &[&str] = &["content", "themes", "templates", "static"];

/// How long the inputs must be quiet before a batch is handed over, when every input file
/// written in it was closed: what ends a save after the close (a rename, a chmod) follows
/// it within a millisecond or so.
const SETTLED: Duration = Duration::from_millis(10);

/// How long the inputs must be quiet before a batch is handed over while a file written in
/// it may still be open.
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
        let mut batch = Batch::default();
        loop {
            let received = match batch.wait(idle) {
                Some(wait) => self.events.recv_timeout(wait),
                None => self.events.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            match received {
                Ok(event) => batch.take(event, |path| self.input(path)),
                Err(RecvTimeoutError::Timeout) if batch.changes.is_empty() => return Next::Idle,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return Next::Stopped,
            }
        }
        self.watch_folders(&batch.changes.paths);
        Next::Changes(batch.changes)
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

/// The changes gathered since the first event of a batch.
#[derive(Default)]
struct Batch {
    changes: Changes,
    /// The input files written in the batch and not closed since.
    open: BTreeSet<String>,
}

impl Batch {
    /// How long to wait for the next event: `idle` before the first change, then the quiet
    /// spell that ends the batch.
    fn wait(&self, idle: Option<Duration>) -> Option<Duration> {
        match (self.changes.is_empty(), self.open.is_empty()) {
            (true, _) => idle,
            (false, true) => Some(SETTLED),
            (false, false) => Some(QUIET),
        }
    }

    /// Adds an event; `input` gives an input's path from the root (see [`Watcher::input`]).
    fn take(&mut self, event: notify::Result<notify::Event>, input: impl Fn(&Path) -> Option<String>) {
        let event = match event {
            // Files being opened or read change nothing, and the rebuild's own reads
            // would otherwise start the next rebuild.
            Ok(event) if !event.need_rescan() && is_read(&event.kind) => return,
            Ok(event) if !event.need_rescan() => event,
            // The kernel's queue overflowed or a watch broke: events were lost.
            _ => {
                self.changes.everything = true;
                return;
            }
        };
        let written =
            matches!(event.kind, EventKind::Create(CreateKind::File) | EventKind::Modify(ModifyKind::Data(_)));
        let closed =
            matches!(event.kind, EventKind::Access(AccessKind::Close(AccessMode::Write)) | EventKind::Remove(_));
        for rel in event.paths.iter().filter_map(|path| input(path)) {
            if written {
                self.open.insert(rel.clone());
            } else if closed {
                self.open.remove(&rel);
            }
            self.changes.paths.insert(rel);
        }
    }
}

/// Whether an event only says that a file was opened or read.
fn is_read(kind: &EventKind) -> bool {
    matches!(kind, EventKind::Access(access) if *access != AccessKind::Close(AccessMode::Write))
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{DataChange, RemoveKind};

    fn event(kind: EventKind, path: &str) -> notify::Result<notify::Event> {
        Ok(notify::Event::new(kind).add_path(PathBuf::from(path)))
    }

    /// Inputs are the files under content/ but editors' swap files.
    fn input(path: &Path) -> Option<String> {
        let path = path.to_str()?;
        (path.starts_with("content/") && !path.contains("/.")).then(|| path.to_string())
    }

    #[test]
    fn a_batch_settles_sooner_once_every_file_written_is_closed() {
        let mut batch = Batch::default();
        let idle = Some(Duration::from_secs(1));
        assert_eq!(batch.wait(idle), idle, "nothing changed yet");
        batch.take(event(EventKind::Create(CreateKind::File), "content/http/502.md"), input);
        batch.take(event(EventKind::Modify(ModifyKind::Data(DataChange::Any)), "content/http/502.md"), input);
        assert_eq!(batch.wait(idle), Some(QUIET), "the file may still be written");
        // An editor's swap file stays open while the editor runs, and is no input.
        batch.take(event(EventKind::Modify(ModifyKind::Data(DataChange::Any)), "content/http/.502.md.swp"), input);
        batch.take(event(EventKind::Access(AccessKind::Close(AccessMode::Write)), "content/http/502.md"), input);
        assert_eq!(batch.wait(idle), Some(SETTLED));
        batch.take(event(EventKind::Create(CreateKind::File), "content/http/504.md"), input);
        assert_eq!(batch.wait(idle), Some(QUIET));
        batch.take(event(EventKind::Remove(RemoveKind::File), "content/http/504.md"), input);
        assert_eq!(batch.wait(idle), Some(SETTLED), "a file deleted is not being written");
        let paths: Vec<&str> = batch.changes.paths.iter().map(String::as_str).collect();
        assert_eq!(paths, ["content/http/502.md", "content/http/504.md"]);
        // Reads change nothing.
        batch.take(event(EventKind::Access(AccessKind::Close(AccessMode::Read)), "content/http/503.md"), input);
        assert_eq!(batch.changes.paths.len(), 2);
        assert!(!batch.changes.everything);
        batch.take(Err(notify::Error::generic("queue overflow")), input);
        assert!(batch.changes.everything, "lost events read everything again");
    }
}
