//! `faultline serve` (docs/cli.md): build the site into memory, serve it over HTTP, watch the
//! site's folders, rebuild what changed, and reload the pages open in a browser.
//!
//! Three threads of work, one way of data:
//!
//! 1. `watch` turns file-system events into debounced batches of changed paths;
//! 2. the rebuild thread hands each batch to the [`crate::incremental`] engine, which re-reads only
//!    the changed files and re-renders only the pages whose inputs changed, then publishes
//!    the new files and the diagnostics to the `http` side; once the files have been quiet
//!    for a moment, it updates the search index;
//! 3. `http` serves the last good site from memory, and tells open pages, through `live`,
//!    to reload or to show the diagnostics.
//!
//! The in-memory site is exactly what `faultline build --base-url <served URL>` writes;
//! the live-reload script is added to HTML responses only, never to the site itself.

use crate::diag::{self, Diagnostic};
use crate::incremental::{Changes, Engine, Outcome, SearchDone};
use crate::serve::{Served, http, live, watch};
use anyhow::{Context, Result, anyhow};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// What `faultline serve` was asked to do.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    pub drafts: bool,
}

/// `faultline serve`: runs [`run`] and returns the exit status.
pub(crate) fn command(root: &Path, options: &Options) -> u8 {
    match run(root, options) {
        Ok(()) => super::OK,
        Err(e) => {
            eprintln!("error: {e:#}");
            super::FAILED
        }
    }
}

/// Builds, serves and watches the site at `root` until Ctrl-C. `Err` when it cannot start
/// (the port is taken, the root is unusable); content errors never stop it.
pub(crate) fn run(root: &Path, options: &Options) -> Result<()> {
    let address = SocketAddr::new(options.bind, options.port);
    // Bind before the first build, so a taken port fails at once instead of after a build.
    let listener = std::net::TcpListener::bind(address).map_err(|e| bind_error(address, &e))?;
    let url = format!("http://{}/", listener.local_addr().unwrap_or(address));
    let root = root.to_path_buf();
    // Fail early, with the same message as `check`, on a folder that is not a site.
    crate::load::load(&root)?;

    let mut engine = Engine::new(&root, options.drafts, &url);
    let started = Instant::now();
    let outcome = engine.rebuild(&Changes::everything());
    let first_version = live::first_version();
    let served = Arc::new(RwLock::new(Served::new(first_version)));
    let live = live::Live::new(first_version);
    publish(&served, &live, &engine, &outcome, started, "built", true);

    let mut watcher = watch::Watcher::start(&root).context("cannot watch the site's folders for changes")?;
    eprintln!("serving {} at {url}", shown_root(&root));
    if options.bind.is_loopback() {
        eprintln!(
            "listening on {} only: other machines cannot connect (pass --bind 0.0.0.0 to share it)",
            options.bind
        );
    } else {
        eprintln!(
            "warning: listening on {}: anyone who can reach this machine can read the site, drafts included if --drafts is given",
            options.bind
        );
    }
    eprintln!("watching content/, themes/, templates/, static/ and site.yaml; press Ctrl-C to stop");
    if options.open {
        open_browser(&url);
    }

    {
        let (served, live) = (served.clone(), live.clone());
        std::thread::Builder::new()
            .name("faultline-rebuild".into())
            .spawn(move || rebuild_loop(&mut engine, &mut watcher, &served, &live))
            .context("cannot start the rebuild thread")?;
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the HTTP server's runtime")?;
    runtime.block_on(http::serve(listener, served, live))?;
    eprintln!("stopped");
    Ok(())
}

/// The message for an address that cannot be listened on, with what to do about it.
fn bind_error(address: SocketAddr, error: &std::io::Error) -> anyhow::Error {
    match error.kind() {
        std::io::ErrorKind::AddrInUse => anyhow!(
            "cannot listen on {address}: the port {} is already in use (another `faultline serve`?)\n  hint: choose another port with --port, such as --port {}",
            address.port(),
            address.port().wrapping_add(1).max(1024)
        ),
        std::io::ErrorKind::AddrNotAvailable => anyhow!(
            "cannot listen on {address}: this machine has no such address\n  hint: pass --bind 127.0.0.1 (this machine only) or --bind 0.0.0.0 (every interface)"
        ),
        std::io::ErrorKind::PermissionDenied => anyhow!(
            "cannot listen on {address}: permission denied\n  hint: ports below 1024 need special rights; choose another port with --port, such as --port 1111"
        ),
        _ => anyhow!("cannot listen on {address}: {error}"),
    }
}

fn shown_root(root: &Path) -> String {
    root.canonicalize().unwrap_or_else(|_| PathBuf::from(root)).display().to_string()
}

/// Opens `url` in the reader's browser without waiting for it; a machine without one only
/// gets a note, since the server works all the same.
fn open_browser(url: &str) {
    if let Err(e) = opener::open_browser(url) {
        eprintln!("note: could not open a browser ({e}); open {url} yourself");
    }
}

/// How long the inputs must be quiet after a rebuild before the search index is updated.
/// The watcher already gathered the save's events into one batch before the rebuild, so
/// this only lets a save that came during the rebuild start the next one first. A save
/// that comes while the index is being built is not held up (the index is built on its
/// own thread and thrown away if the site changed since).
const SEARCH_AFTER: Duration = Duration::from_millis(10);

/// How often the rebuild thread looks whether the search index it asked for is ready: a
/// wait of this much at most between the index being built and being served.
const SEARCH_POLL: Duration = Duration::from_millis(5);

/// Rebuilds after each batch of changes until the watcher stops. The search index, which
/// takes long on a big site, is built on its own thread from a copy of the entries, once the
/// files have been quiet for a moment: a save that comes meanwhile is not held up, and an
/// index built from a site that has changed since is thrown away.
fn rebuild_loop(engine: &mut Engine, watcher: &mut watch::Watcher, served: &RwLock<Served>, live: &live::Live) {
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let mut search_pending = false;
    let mut search_running = false;
    loop {
        let idle = match (search_running, search_pending) {
            (true, _) => Some(SEARCH_POLL),
            (false, true) => Some(SEARCH_AFTER),
            (false, false) => None,
        };
        match watcher.next(idle) {
            watch::Next::Changes(changes) => {
                let started = Instant::now();
                let mut outcome = engine.update(&changes);
                let what = changes.describe();
                if engine.has_rest() {
                    publish(served, live, engine, &outcome, started, &format!("{what}: edited pages first"), true);
                    // The model is whole: the index can be built beside the rest.
                    if !search_running {
                        search_running = start_search(engine, &done_tx, served, live);
                    }
                    outcome = engine.rest().unwrap_or(outcome);
                }
                search_pending |= matches!(outcome, Outcome::Built { .. });
                publish(served, live, engine, &outcome, started, &what, true);
            }
            watch::Next::Idle if !search_running => {
                search_pending = false;
                search_running = start_search(engine, &done_tx, served, live);
            }
            watch::Next::Idle => {}
            watch::Next::Stopped => break,
        }
        if let Ok((started, done)) = done_rx.try_recv() {
            search_running = false;
            if let Some(outcome) = engine.apply_search(done) {
                publish(served, live, engine, &outcome, started, "search index", false);
            }
        }
    }
}

/// Starts building the search index on its own thread if it is out of date; whether it
/// runs there. Without a thread to spare, it is built here and published at once.
fn start_search(
    engine: &mut Engine,
    done_tx: &std::sync::mpsc::Sender<(Instant, SearchDone)>,
    served: &RwLock<Served>,
    live: &live::Live,
) -> bool {
    let Some(job) = engine.search_job() else { return false };
    let done_tx = done_tx.clone();
    let spawned = std::thread::Builder::new().name("faultline-search".into()).spawn(move || {
        let started = Instant::now();
        let _ = done_tx.send((started, job.run()));
    });
    if spawned.is_err() {
        let started = Instant::now();
        if let Some(outcome) = engine.finish() {
            publish(served, live, engine, &outcome, started, "search index", false);
        }
    }
    spawned.is_ok()
}

/// Prints what a rebuild did, like `check` prints diagnostics, and hands the result to the
/// server: new files (and a new version, which reloads open pages, when `reload`) when the
/// build succeeded, the diagnostics for the overlay either way.
fn publish(
    served: &RwLock<Served>,
    live: &live::Live,
    engine: &Engine,
    outcome: &Outcome,
    started: Instant,
    what: &str,
    reload: bool,
) {
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    match outcome {
        Outcome::Built { changed, removed, rendered, warnings } => {
            for d in warnings {
                eprintln!("{}", d.to_text());
            }
            let version = if changed.is_empty() && removed.is_empty() {
                served.read().map(|s| s.version).unwrap_or_default()
            } else {
                let mut site = served.write().unwrap_or_else(|poisoned| poisoned.into_inner());
                for path in removed {
                    site.files.remove(path);
                }
                for path in changed {
                    if let Some(bytes) = engine.files().get(path) {
                        site.files.insert(path.clone(), bytes.clone());
                    }
                }
                if reload {
                    site.version += 1;
                    site.note_changed(changed.iter().chain(removed));
                }
                site.version
            };
            eprintln!(
                "{what}: rendered {rendered} files, {} changed, {} removed, in {ms:.0} ms",
                changed.len(),
                removed.len()
            );
            live.set(version, None);
        }
        Outcome::Errors(diagnostics) => failed(served, live, diagnostics_text(diagnostics), what, ms),
        Outcome::Failed(message) => failed(served, live, format!("error: {message}\n"), what, ms),
    }
}

/// Prints why a rebuild failed and what is served meanwhile, and shows it to open pages.
fn failed(served: &RwLock<Served>, live: &live::Live, text: String, what: &str, ms: f64) {
    eprint!("{text}");
    let (version, built) = served.read().map(|s| (s.version, !s.files.is_empty())).unwrap_or_default();
    if built {
        eprintln!("{what}: not rebuilt ({ms:.0} ms); still serving the last good build");
    } else {
        eprintln!("{what}: not built ({ms:.0} ms); the site has never built, so every page says so until it does");
    }
    live.set(version, Some(text));
}

/// Diagnostics exactly as `check` prints them: each one and a blank line, then the count.
fn diagnostics_text(diagnostics: &[Diagnostic]) -> String {
    let mut text: String = diag::text_blocks(diagnostics).iter().map(|block| format!("{block}\n")).collect();
    text.push_str(&format!("error: {}\n", diag::summary(diagnostics)));
    text
}
