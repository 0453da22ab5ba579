//! Live reload: the state open pages follow (the site's version and the current
//! diagnostics), the script that follows it, and adding that script to HTML responses.
//!
//! Pages learn the state over server-sent events: one `state` event when they connect and
//! one after every rebuild. A page reloads when the version is newer than the one it was
//! served with, which also covers rebuilds that happened while it was reconnecting.

use serde::Serialize;
use std::sync::Arc;
use tokio::sync::watch;

/// The server's own paths. Entry ids cannot start with `_`, so only a theme or `static/`
/// file under `__faultline/` could be hidden by them.
pub(crate) const EVENTS: &str = "/__faultline/events";
pub(crate) const SCRIPT_PATH: &str = "/__faultline/live.js";

/// The script added to every HTML response.
pub(crate) const SCRIPT: &str = include_str!("live.js");

/// What open pages follow.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct State {
    pub(crate) version: u64,
    /// The diagnostics text while the site has errors, as the terminal shows it.
    pub(crate) errors: Option<String>,
    /// Set on Ctrl-C, so that event streams end and the server can stop.
    #[serde(skip)]
    pub(crate) stopping: bool,
}

/// The sending side, shared by the rebuild thread and the server.
#[derive(Clone)]
pub(crate) struct Live {
    sender: Arc<watch::Sender<State>>,
}

impl Live {
    pub(crate) fn new(version: u64) -> Live {
        let (sender, _) = watch::channel(State { version, errors: None, stopping: false });
        Live { sender: Arc::new(sender) }
    }

    /// Publishes a new state; pages are told only when it differs from the last one.
    pub(crate) fn set(&self, version: u64, errors: Option<String>) {
        self.sender.send_if_modified(|state| {
            let changed = state.version != version || state.errors != errors;
            state.version = version;
            state.errors = errors;
            changed
        });
    }

    /// The diagnostics text open pages show now, if any.
    pub(crate) fn errors(&self) -> Option<String> {
        self.sender.borrow().errors.clone()
    }

    pub(crate) fn stop(&self) {
        self.sender.send_modify(|state| state.stopping = true);
    }

    pub(crate) fn subscribe(&self) -> watch::Receiver<State> {
        self.sender.subscribe()
    }
}

/// The first version of this run: the time in milliseconds, so that a page served by an
/// earlier run of the server finds itself out of date and reloads.
pub(crate) fn first_version() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_millis() as u64)
}

/// `html` with the live-reload script before its last `</body>`, or at the end without one.
pub(crate) fn inject(html: &[u8], version: u64) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\" data-version=\"{version}\"></script>");
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        let out = inject(b"<html><body><p>a</p></BODY></html>", 7);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<html><body><p>a</p><script src=\"/__faultline/live.js\" data-version=\"7\"></script></BODY></html>"
        );
        let out = inject(b"<p>no body</p>", 1);
        assert!(String::from_utf8(out).unwrap().ends_with("data-version=\"1\"></script>"));
    }

    #[test]
    fn pages_are_told_only_of_changes() {
        let live = Live::new(1);
        let mut rx = live.subscribe();
        rx.borrow_and_update();
        live.set(1, None);
        assert!(!rx.has_changed().unwrap());
        live.set(1, Some("error: x\n".into()));
        assert!(rx.has_changed().unwrap());
        assert_eq!(rx.borrow_and_update().errors.as_deref(), Some("error: x\n"));
    }
}
