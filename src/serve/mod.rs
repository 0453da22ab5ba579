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
}
