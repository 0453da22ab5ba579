//! The HTTP side of `serve`, on axum: the site from memory (with the live-reload script
//! added to HTML), the event stream pages follow, and a clean stop on Ctrl-C.
//!
//! Only paths the build produced are answered. A request path is percent-decoded first and
//! refused if any segment is then `.` or `..`, or it holds a backslash or NUL, so encoded
//! forms such as `%2e%2e%2f` are caught too. It is then only a key into the in-memory map:
//! nothing is ever read from the disk on a request's behalf.

use super::Served;
use super::live::{self, Live};
use super::streams::Streams;
use anyhow::{Context, Result};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// How long open connections get to finish after Ctrl-C before the server stops anyway.
const STOP_GRACE: Duration = Duration::from_secs(3);

#[derive(Clone)]
struct App {
    served: Arc<RwLock<Served>>,
    live: Live,
    streams: Streams,
}

/// Serves until Ctrl-C (or SIGTERM), then lets open requests finish.
pub(crate) async fn serve(listener: std::net::TcpListener, served: Arc<RwLock<Served>>, live: Live) -> Result<()> {
    listener.set_nonblocking(true).context("cannot set up the listening socket")?;
    let listener = tokio::net::TcpListener::from_std(listener).context("cannot set up the listening socket")?;
    let app = Router::new()
        .route(live::EVENTS, get(events))
        .route(live::SCRIPT_PATH, get(script))
        .fallback(file)
        .with_state(App { served, live: live.clone(), streams: Streams::default() });
    let (stopped_tx, stopped_rx) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        stop_signal().await;
        eprintln!("stopping...");
        // Ends the event streams, which would otherwise keep their connections open forever.
        live.stop();
        let _ = stopped_tx.send(());
    };
    let server = std::pin::pin!(axum::serve(listener, app).with_graceful_shutdown(shutdown).into_future());
    let deadline = std::pin::pin!(async move {
        if stopped_rx.await.is_ok() {
            tokio::time::sleep(STOP_GRACE).await;
        } else {
            std::future::pending::<()>().await;
        }
    });
    match futures_util::future::select(server, deadline).await {
        futures_util::future::Either::Left((result, _)) => result.context("the HTTP server failed"),
        futures_util::future::Either::Right(_) => Ok(()),
    }
}

/// Ctrl-C, or SIGTERM from a process manager.
async fn stop_signal() {
    let ctrl_c = std::pin::pin!(async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    });
    let term = std::pin::pin!(async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    });
    futures_util::future::select(ctrl_c, term).await;
}

/// One `state` event on connecting, then one per change, until the server stops or the
/// stream is closed to make room (see [`Streams`]). The connection closes with the stream,
/// so a closed stream gives its descriptor back. A page that names its path
/// (`?path=/http/502/`) is told the version of that page ([`Served::version_of`]), so it
/// reloads only when it or what it loads changed.
async fn events(State(app): State<App>, uri: Uri) -> Response {
    let receiver = app.live.subscribe();
    let ticket = app.streams.open();
    let key = uri.query().and_then(page_of_query);
    let served = app.served.clone();
    let stream = futures_util::stream::unfold((receiver, true, ticket), move |(mut receiver, first, mut ticket)| {
        let (served, key) = (served.clone(), key.clone());
        async move {
            if !first {
                let changed = std::pin::pin!(receiver.changed());
                let next = futures_util::future::select(changed, &mut ticket.closed).await;
                if !matches!(next, futures_util::future::Either::Left((Ok(()), _))) {
                    return None;
                }
            }
            let mut state = receiver.borrow_and_update().clone();
            if state.stopping {
                return None;
            }
            state.version = served.read().unwrap_or_else(|poisoned| poisoned.into_inner()).version_of(key.as_deref());
            let data = serde_json::to_string(&state).unwrap_or_default();
            Some((Ok::<_, Infallible>(Event::default().event("state").data(data)), (receiver, false, ticket)))
        }
    });
    let mut response = Sse::new(stream).keep_alive(KeepAlive::default()).into_response();
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

async fn script() -> Response {
    let mut response = Bytes::from_static(live::SCRIPT.as_bytes()).into_response();
    set_headers(&mut response, "live.js");
    response
}

/// Answers a request for a file of the site.
async fn file(State(app): State<App>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        let mut response = (StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD are served\n").into_response();
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let Some(key) = site_path(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "this path leaves the site or is not valid\n").into_response();
    };
    let served = app.served.read().unwrap_or_else(|poisoned| poisoned.into_inner());
    if served.files.is_empty() {
        let html = never_built(&app.live.errors().unwrap_or_default());
        return page(StatusCode::SERVICE_UNAVAILABLE, "index.html", Bytes::from(html), served.version);
    }
    match lookup(&served.files, &key) {
        Found::File(bytes) => page(StatusCode::OK, &key, bytes.clone(), served.version),
        Found::Folder => {
            let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
            let location = format!("{}/{query}", uri.path());
            let mut response = StatusCode::PERMANENT_REDIRECT.into_response();
            if let Ok(value) = HeaderValue::from_str(&location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Found::Nothing => match served.files.get("404.html") {
            Some(bytes) => page(StatusCode::NOT_FOUND, "404.html", bytes.clone(), served.version),
            None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
        },
    }
}

/// The page served for every path until the site has built once without errors: it says
/// so and lists the diagnostics as `check` prints them, which the live-reload script keeps
/// up to date in `#faultline-never-built` (reloading once the site builds).
fn never_built(errors: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>faultline serve: the site has not been built yet</title></head>\n<body><h1>The site has not been built yet</h1>\n<p>The site has errors, so there is no page to show yet. Fix them and this page reloads by itself; the terminal lists them too.</p>\n<pre id=\"faultline-never-built\">{}</pre>\n</body></html>\n",
        crate::render::escape(errors)
    )
}

/// A file of the site as a response: its content type, no caching (it may change at any
/// save), and the live-reload script when it is HTML.
fn page(status: StatusCode, path: &str, bytes: Bytes, version: u64) -> Response {
    let body = if path.ends_with(".html") { Body::from(live::inject(&bytes, version)) } else { Body::from(bytes) };
    let mut response = (status, body).into_response();
    set_headers(&mut response, path);
    response
}

fn set_headers(response: &mut Response, path: &str) {
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&content_type(path)) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
}

/// The content type of a file by its extension; text types say they are UTF-8, which is
/// what the build writes.
fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let text = mime.type_() == mime_guess::mime::TEXT
        || matches!(mime.essence_str(), "application/javascript" | "application/json" | "image/svg+xml");
    if text { format!("{}; charset=utf-8", mime.essence_str()) } else { mime.essence_str().to_string() }
}

/// The key of the page named by an event stream's query (`path=%2Fhttp%2F502%2F`).
fn page_of_query(query: &str) -> Option<String> {
    let value = query.split('&').find_map(|pair| pair.strip_prefix("path="))?;
    site_path(&percent_encoding::percent_decode_str(value).decode_utf8().ok()?)
}

/// The key of a request path in the site's map (`http/502/index.html` for `/http/502/`),
/// or `None` for a path that is not valid or tries to leave the site.
fn site_path(raw: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8().ok()?;
    let rest = decoded.strip_prefix('/')?;
    if rest.contains(['\\', '\0']) || rest.split('/').any(|segment| segment == "." || segment == "..") {
        return None;
    }
    Some(if rest.is_empty() || rest.ends_with('/') { format!("{rest}index.html") } else { rest.to_string() })
}

enum Found<'a> {
    File(&'a Bytes),
    /// A folder holding an index.html, asked for without its trailing slash.
    Folder,
    Nothing,
}

fn lookup<'a>(files: &'a HashMap<String, Bytes>, key: &str) -> Found<'a> {
    match files.get(key) {
        Some(bytes) => Found::File(bytes),
        None if files.contains_key(&format!("{key}/index.html")) => Found::Folder,
        None => Found::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_keys_and_traversal_is_refused() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(site_path("/http/502/").as_deref(), Some("http/502/index.html"));
        assert_eq!(site_path("/api/http/502.json").as_deref(), Some("api/http/502.json"));
        assert_eq!(site_path("/tags/a%20b/").as_deref(), Some("tags/a b/index.html"));
        for bad in [
            "/../site.yaml",
            "/http/../../etc/passwd",
            "/%2e%2e/site.yaml",
            "/%2e%2e%2fsite.yaml",
            "/http/%2E%2E%2F%2E%2E%2Fsite.yaml",
            "/./index.html",
            "/http\\..\\site.yaml",
            "/a%00b",
            "/%ff",
            "relative",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn folders_without_a_slash_redirect() {
        let files: HashMap<String, Bytes> =
            [("http/502/index.html".to_string(), Bytes::from_static(b"x"))].into_iter().collect();
        assert!(matches!(lookup(&files, "http/502"), Found::Folder));
        assert!(matches!(lookup(&files, "http/502/index.html"), Found::File(_)));
        assert!(matches!(lookup(&files, "http/503"), Found::Nothing));
    }

    #[test]
    fn content_types_name_the_charset_of_text() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.0123456789.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("search/index.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("api/index.json"), "application/json; charset=utf-8");
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("logo.svg"), "image/svg+xml; charset=utf-8");
        assert_eq!(content_type("logo.png"), "image/png");
        assert_eq!(content_type("data.bin"), "application/octet-stream");
    }
}
