//! The server of `faultline serve` (docs/cli.md): the in-memory site over HTTP, live reload,
//! and the watcher that turns file-system events into batches of changes. The command that
//! ties them to the [`crate::incremental`] engine is [`crate::cmd::serve`].

pub(crate) mod http;
pub(crate) mod live;
mod streams;
pub(crate) mod watch;

use axum::body::Bytes;
use std::collections::HashMap;

/// The site as the server sees it: the last good build and its version. Versions grow with
/// every rebuild that changed a file, so an open page knows whether it is out of date.
pub(crate) struct Served {
    pub(crate) files: HashMap<String, Bytes>,
    pub(crate) version: u64,
    /// The version in which each file last changed or went away.
    changed_in: HashMap<String, u64>,
    /// The last version that changed a file pages load beside their own (a style sheet, a
    /// script, an image): every open page is out of date then.
    resources_changed_in: u64,
}

impl Served {
    /// A site with no file yet, at `version`.
    pub(crate) fn new(version: u64) -> Served {
        Served { files: HashMap::new(), version, changed_in: HashMap::new(), resources_changed_in: 0 }
    }

    /// Notes that `paths` changed or went away in the current version.
    pub(crate) fn note_changed<'p>(&mut self, paths: impl IntoIterator<Item = &'p String>) {
        for path in paths {
            // Pages and the data files next to them (the JSON API, feeds, the sitemap) are
            // not loaded by other pages; anything else may be.
            let page_or_data = [".html", ".json", ".xml", ".txt"].iter().any(|ext| path.ends_with(ext));
            if !page_or_data {
                self.resources_changed_in = self.version;
            }
            self.changed_in.insert(path.clone(), self.version);
        }
    }

    /// The version a page open at `key` (a path of the map) must have seen to be up to
    /// date: the last one that changed it or what it loads. An unknown page (a 404) or
    /// none follows every version.
    pub(crate) fn version_of(&self, key: Option<&str>) -> u64 {
        match key.and_then(|key| self.changed_in.get(key)) {
            Some(&changed) => changed.max(self.resources_changed_in),
            None => self.version,
        }
    }
}
