//! `faultline serve`: the real binary on a free loopback port in a temporary copy of the
//! clean fixture, fetched with a minimal HTTP client over `TcpStream` (so that paths such
//! as `/../site.yaml` reach the server exactly as written), and the rebuild engine through
//! the library, compared file by file with `faultline build`.

use crate::harness::{Site, faultline, themed_fixture as site, tree};
use faultline::incremental::{Changes, Engine, Outcome};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long anything a test waits for may take: a rebuild, a start, a stop.
const PATIENCE: Duration = Duration::from_secs(30);

/// A port nobody listens on right now.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("its address").port()
}

/// A running `faultline serve`, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `faultline serve --port <free> <extra>` on `site` and waits until it serves.
    fn start(site: &Site, extra: &[&str]) -> Server {
        Server::start_with(site, extra, &[])
    }

    fn start_with(site: &Site, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let mut child = Command::new(env!("CARGO_BIN_EXE_faultline"))
            .args(["serve", "--port", &port.to_string(), "--root"])
            .arg(site.path())
            .args(extra)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start faultline serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().expect("a stderr pipe");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&line);
                sink.lock().unwrap().push('\n');
            }
        });
        let server = Server { child, port, stderr };
        server.wait_for_stderr("press Ctrl-C to stop");
        server
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/", self.port)
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn wait_for_stderr(&self, text: &str) {
        let started = Instant::now();
        while !self.stderr().contains(text) {
            assert!(started.elapsed() < PATIENCE, "no `{text}` on stderr in time:\n{}", self.stderr());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn get(&self, path: &str) -> Reply {
        request(self.port, "GET", path)
    }

    /// How many rebuilds the server finished (not counting the edited pages it hands over
    /// first, nor search index updates).
    fn rebuilds(&self) -> usize {
        self.stderr().lines().filter(|line| line.contains(" changed: rendered ")).count()
    }

    /// Waits until more than `done` rebuilds are finished.
    fn wait_for_rebuild(&self, done: usize) {
        let started = Instant::now();
        while self.rebuilds() <= done {
            assert!(started.elapsed() < PATIENCE, "no rebuild finished in time:\n{}", self.stderr());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Fetches `path` until `ready` holds, and returns that reply.
    fn wait_for(&self, path: &str, what: &str, ready: impl Fn(&Reply) -> bool) -> Reply {
        let started = Instant::now();
        loop {
            let reply = self.get(path);
            if ready(&reply) {
                return reply;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "{path} never showed {what}; last reply {}:\n{}\nstderr:\n{}",
                reply.status,
                reply.text(),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP response.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `METHOD path HTTP/1.1` with `Connection: close`, the path exactly as given.
fn request(port: u16, method: &str, path: &str) -> Reply {
    request_with(port, method, path, "")
}

/// [`request`] with more header lines (each ending in `\r\n`).
pub(crate) fn request_with(port: u16, method: &str, path: &str, headers: &str) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the server");
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{headers}Connection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the response");
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response head");
    let head = String::from_utf8(raw[..end].to_vec()).expect("a UTF-8 response head");
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(": ")).map(|(n, v)| (n.to_ascii_lowercase(), v.to_string())).collect();
    let mut body = raw[end + 4..].to_vec();
    if headers.iter().any(|(n, v)| n == "transfer-encoding" && v == "chunked") {
        body = unchunk(&body);
    }
    Reply { status, headers, body }
}

fn unchunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n").expect("a chunk size line");
        let size = usize::from_str_radix(std::str::from_utf8(&raw[..line_end]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[line_end + 2..line_end + 2 + size]);
        raw = &raw[line_end + 2 + size + 2..];
    }
}

/// An open event stream: `/__faultline/events`, read event by event.
struct Events {
    reader: BufReader<TcpStream>,
}

#[derive(Debug, serde::Deserialize)]
struct LiveState {
    version: u64,
    errors: Option<String>,
}

impl Events {
    fn open(server: &Server) -> Events {
        Events::open_for(server, "")
    }

    /// The stream of the page at `page` (`/http/502/`), as live.js opens it.
    fn open_for(server: &Server, page: &str) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let query = if page.is_empty() { String::new() } else { format!("?path={}", page.replace('/', "%2F")) };
        write!(stream, "GET /__faultline/events{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        let mut head = String::new();
        while line != "\r\n" {
            line.clear();
            reader.read_line(&mut line).expect("the event stream's head");
            head.push_str(&line);
        }
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(head.to_ascii_lowercase().contains("content-type: text/event-stream"), "{head}");
        Events { reader }
    }

    /// The next `state` event (keep-alive comments and chunk framing are skipped).
    /// The first state whose version is newer than `version`: an edit publishes more than
    /// once (the edited page, the rest, the search index), each with the versions of then.
    fn newer_than(&mut self, version: u64) -> LiveState {
        loop {
            let state = self.next();
            if state.version > version {
                return state;
            }
        }
    }

    fn next(&mut self) -> LiveState {
        let mut event = String::new();
        loop {
            let mut line = String::new();
            let read = self.reader.read_line(&mut line).expect("an event in time");
            assert!(read > 0, "the event stream ended");
            let line = line.trim_end_matches(['\r', '\n']);
            if let Some(name) = line.strip_prefix("event: ") {
                event = name.to_string();
            } else if let Some(data) = line.strip_prefix("data: ") {
                assert_eq!(event, "state");
                return serde_json::from_str(data).expect("a JSON state");
            }
        }
    }
}

/// The live-reload script tag the server adds to HTML.
const SCRIPT_TAG: &str = "<script src=\"/__faultline/live.js\" data-version=\"";

/// An HTML reply's body without the live-reload script, as the build writes it.
fn without_script(html: &str) -> String {
    let start = html.find(SCRIPT_TAG).expect("the live-reload script in an HTML reply");
    let end = start + html[start..].find("</script>").unwrap() + "</script>".len();
    format!("{}{}", &html[..start], &html[end..])
}

/// What `faultline build --base-url <url>` writes for `site`, in a folder outside it.
fn built(site: &Site, url: &str) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let out_path = out.path().join("public");
    let run = site.run(&["build", "--base-url", url, "--out", out_path.to_str().unwrap()]);
    run.assert_exit(0);
    let mut files = tree(&out_path);
    // The marker says "faultline wrote this folder"; serve has no folder.
    files.remove(".faultline-output");
    files
}

#[test]
fn serves_the_built_site_with_content_types_and_says_where() {
    let site = site();
    let server = Server::start(&site, &[]);
    let stderr = server.stderr();
    assert!(stderr.contains(&format!(" at {}\n", server.url())), "{stderr}");
    assert!(stderr.contains("listening on 127.0.0.1 only: other machines cannot connect"), "{stderr}");
    let expected = built(&site, &server.url());
    for (path, content_type) in [
        ("index.html", "text/html; charset=utf-8"),
        ("http/502/index.html", "text/html; charset=utf-8"),
        ("api/index.json", "application/json; charset=utf-8"),
        ("api/http/502.json", "application/json; charset=utf-8"),
        ("robots.txt", "text/plain; charset=utf-8"),
        ("sitemap.xml", "text/xml; charset=utf-8"),
    ] {
        let reply = server.get(&format!("/{path}"));
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-type"), Some(content_type), "{path}");
        let body = if path.ends_with(".html") { without_script(&reply.text()).into_bytes() } else { reply.body };
        assert_eq!(body, expected[path], "{path} differs from the build");
    }
    let css = expected.keys().find(|p| p.starts_with("style.") && p.ends_with(".css")).expect("a stylesheet");
    let reply = server.get(&format!("/{css}"));
    assert_eq!((reply.status, reply.header("content-type")), (200, Some("text/css; charset=utf-8")));
    assert_eq!(reply.body, expected[css]);
    // A folder is its index.html, and a folder without its slash redirects to it.
    assert_eq!(server.get("/http/502/").text(), server.get("/http/502/index.html").text());
    let reply = server.get("/http/502?x=1");
    assert_eq!((reply.status, reply.header("location")), (308, Some("/http/502/?x=1")));
    let reply = server.get("/no/such/page/");
    assert_eq!(reply.status, 404);
    assert_eq!(without_script(&reply.text()).as_bytes(), expected["404.html"].as_slice());
    assert_eq!(request(server.port, "POST", "/").status, 405);
    let script = server.get("/__faultline/live.js");
    assert_eq!((script.status, script.header("content-type")), (200, Some("text/javascript; charset=utf-8")));
    assert!(
        script
            .text()
            .contains("new EventSource(\"/__faultline/events?path=\" + encodeURIComponent(location.pathname))")
    );
    assert!(script.text().contains(".textContent = text"), "diagnostics are inserted as text");
    assert!(!script.text().contains("innerHTML"), "diagnostics are never inserted as HTML");
}

#[test]
fn an_edit_is_served_and_open_pages_are_told_to_reload() {
    let site = site();
    let server = Server::start(&site, &[]);
    let mut events = Events::open(&server);
    let first = events.next();
    assert_eq!(first.errors, None);
    let page = server.get("/http/502/").text();
    assert!(page.contains(&format!("{SCRIPT_TAG}{}\"", first.version)), "the page carries the version it shows");
    let text = String::from_utf8(site.read("content/http/502.md")).unwrap();
    let done = server.rebuilds();
    site.write("content/http/502.md", text.replace("title: 502 Bad Gateway", "title: 502 Bad Gateway, edited"));
    server.wait_for("/http/502/", "the new title", |r| r.text().contains("<h1>502 Bad Gateway, edited</h1>"));
    let next = events.next();
    assert!(next.version > first.version, "{next:?} after {first:?}");
    assert_eq!(next.errors, None);
    // The page that lists it, and the comparison page it is on, follow: the edited page is
    // served first.
    server.wait_for_stderr("content/http/502.md changed: edited pages first");
    server.wait_for_rebuild(done);
    assert!(server.get("/http/").text().contains("502 Bad Gateway, edited"));
    assert!(server.get("/compare/http-502-vs-http-504/").text().contains("502 Bad Gateway, edited"));
}

/// An open page is told of a new version only when it changed, or a file pages load did: an
/// edit of one entry does not reload every page open, and the edited page, handed over
/// before the lists, reloads once.
#[test]
fn open_pages_reload_only_when_they_or_what_they_load_changed() {
    let site = site();
    let server = Server::start(&site, &[]);
    let mut edited = Events::open_for(&server, "/http/502/");
    // A page that shows nothing of 502: not its title, tags or related list.
    let mut other = Events::open_for(&server, "/acme/e9/");
    let (before, other_before) = (edited.next().version, other.next().version);
    let done = server.rebuilds();
    let text = String::from_utf8(site.read("content/http/502.md")).unwrap();
    site.write("content/http/502.md", text.replace("title: 502 Bad Gateway", "title: 502 Bad Gateway, edited"));
    server.wait_for("/http/", "the new title in the list", |r| r.text().contains("502 Bad Gateway, edited"));
    let after = edited.newer_than(before).version;
    assert_eq!(other.next().version, other_before, "a page the edit did not change stays");
    // Served again, the page carries a version it will not reload for until it changes.
    let page = server.get("/http/502/").text();
    let carried: u64 = page.split(SCRIPT_TAG).nth(1).and_then(|rest| rest.split('"').next()?.parse().ok()).unwrap();
    assert!(carried >= after, "{carried} < {after}");
    // Nor did the later steps (the lists, the search index, which pages load only when a
    // reader searches).
    server.wait_for_rebuild(done);
    server.wait_for_stderr("search index:");
    let now = Events::open_for(&server, "/acme/e9/").next().version;
    assert_eq!(now, other_before, "no step of the edit changed the other page");
    // A file of static/, which any page may load, reloads every page.
    site.write("static/pic.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    server.wait_for("/pic.svg", "the static file", |r| r.status == 200);
    // The events of the edit's later steps left the other page's version as it was.
    other.newer_than(other_before);
}

#[test]
fn added_and_deleted_entries_come_and_go_from_every_list() {
    let site = site();
    let server = Server::start(&site, &[]);
    let lists = ["/http/", "/http/4xx/", "/tags/proxy/", "/api/index.json", "/sitemap.xml"];
    for list in lists {
        assert!(!server.get(list).text().contains("http/429"), "{list}");
    }
    assert_eq!(server.get("/http/429/").status, 404);
    let done = server.rebuilds();
    site.write(
        "content/http/429.md",
        "---\ntitle: 429 Too Many Requests\ncode: \"429\"\nsummary: The client sent too many requests.\ntags: [proxy]\n---\nSlow down.\n",
    );
    server.wait_for("/http/429/", "the new entry", |r| r.status == 200);
    // The lists follow the new entry's page.
    server.wait_for_rebuild(done);
    for list in lists {
        assert!(server.get(list).text().contains("http/429"), "{list} does not name the new entry");
    }
    assert!(server.get("/http/").text().contains("429 Too Many Requests"));
    let done = server.rebuilds();
    std::fs::remove_file(site.path().join("content/http/429.md")).unwrap();
    server.wait_for("/http/429/", "the entry gone", |r| r.status == 404);
    server.wait_for_rebuild(done);
    for list in lists {
        assert!(!server.get(list).text().contains("http/429"), "{list} still names the deleted entry");
    }
    assert_eq!(server.get("/api/http/429.json").status, 404);
}

#[test]
fn a_broken_file_keeps_the_last_good_site_and_reports_like_check() {
    let site = site();
    let server = Server::start(&site, &[]);
    let mut events = Events::open(&server);
    let good = events.next();
    let page = without_script(&server.get("/http/502/").text());
    let text = String::from_utf8(site.read("content/http/502.md")).unwrap();
    site.write("content/http/502.md", text.replace("related: [http/504]", "related: [http/509]"));
    let broken = events.next();
    let check = site.check();
    check.assert_exit(1);
    assert_eq!(broken.errors.as_deref(), Some(check.stderr.as_str()), "the overlay shows what check prints");
    assert!(check.stderr.contains("content/http/502.md:12:11: error: `related` names `http/509`"), "{}", check.stderr);
    assert_eq!(broken.version, good.version, "nothing was rebuilt");
    server.wait_for_stderr(&check.stderr);
    server.wait_for_stderr("still serving the last good build");
    let reply = server.get("/http/502/");
    assert_eq!(reply.status, 200);
    assert_eq!(without_script(&reply.text()), page, "the last good page is still served");

    // Content that looks like HTML reaches the page as data, for the script to show as text.
    site.write(
        "content/http/502.md",
        text.replace("related: [http/504]", "related: [\"<img src=x onerror=alert(1)>\"]"),
    );
    let hostile = events.next();
    assert!(hostile.errors.as_deref().unwrap().contains("<img src=x onerror=alert(1)>"), "{hostile:?}");

    site.write("content/http/502.md", text.replace("title: 502 Bad Gateway", "title: 502 Fixed"));
    let fixed = events.next();
    assert_eq!(fixed.errors, None);
    assert!(fixed.version > good.version);
    assert!(server.get("/http/502/").text().contains("<h1>502 Fixed</h1>"));
}

#[test]
fn a_site_broken_from_the_start_is_served_once_fixed() {
    let site = site();
    let text = String::from_utf8(site.read("content/http/504.md")).unwrap();
    site.write("content/http/504.md", "---\ntitle: [unclosed\n---\n");
    let server = Server::start(&site, &[]);
    let check = site.check();
    server.wait_for_stderr(&check.stderr);
    server.wait_for_stderr("built: not built (");
    server.wait_for_stderr("the site has never built, so every page says so until it does");
    assert!(!server.stderr().contains("last good build"), "{}", server.stderr());
    let reply = server.get("/http/502/");
    assert_eq!(reply.status, 503);
    let page = reply.text();
    assert!(page.contains("<h1>The site has not been built yet</h1>") && page.contains(SCRIPT_TAG), "{page}");
    assert!(!page.contains("last good build"), "{page}");
    // The diagnostics, exactly as check prints them, escaped into the page.
    let listed = check.stderr.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let listed = listed.replace('\'', "&#39;");
    assert!(page.contains(&format!("<pre id=\"faultline-never-built\">{listed}</pre>")), "{page}");
    assert!(
        check.stderr.starts_with("content/http/504.md:2:8: error: invalid YAML: the `[` opened here is not closed")
    );
    let mut events = Events::open(&server);
    assert_eq!(events.next().errors.as_deref(), Some(check.stderr.as_str()));
    site.write("content/http/504.md", text);
    server.wait_for("/http/502/", "the site", |r| r.status == 200);
    assert_eq!(events.next().errors, None);
}

#[test]
fn only_the_built_files_are_served_and_traversal_is_refused() {
    let site = site();
    site.write("secret.txt", "not for the web");
    let server = Server::start(&site, &[]);
    for path in [
        "/../site.yaml",
        "/../../../../etc/passwd",
        "/http/../../site.yaml",
        "/%2e%2e/site.yaml",
        "/%2e%2e%2fsite.yaml",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/http/%2e%2e/%2e%2e/secret.txt",
        "/..%5csite.yaml",
        "/./index.html",
    ] {
        let reply = server.get(path);
        assert_eq!(reply.status, 400, "{path}: {}", reply.text());
        assert!(!reply.text().contains("Acme error hub") && !reply.text().contains("not for"), "{path}");
    }
    for path in ["/site.yaml", "/secret.txt", "/content/http/502.md", "/themes/default/templates/base.html"] {
        assert_eq!(server.get(path).status, 404, "{path}");
    }
}

#[test]
fn a_taken_port_fails_with_a_hint() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = site().run(&["serve", "--port", &port]);
    run.assert_exit(1);
    assert!(
        run.stderr.starts_with(&format!("error: cannot listen on 127.0.0.1:{port}: the port {port} is already in use")),
        "{run}"
    );
    assert!(run.stderr.contains("\n  hint: choose another port with --port, such as --port "), "{run}");
}

#[test]
fn bad_addresses_and_ports_are_bad_usage() {
    let site = site();
    site.run(&["serve", "--port", "70000"]).assert_exit(2);
    site.run(&["serve", "--bind", "localhost:1"]).assert_exit(2);
    let run = faultline(&["serve", "--root", "/nonexistent/site", "--port", "0"]);
    run.assert_exit(1);
    assert!(run.stderr.contains("is not a folder"), "{run}");
}

#[test]
fn ctrl_c_stops_cleanly() {
    let site = site();
    let mut server = Server::start(&site, &[]);
    let _events = Events::open(&server);
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let status = crate::harness::wait_within(&mut server.child, PATIENCE).expect("serve did not stop on Ctrl-C");
    assert_eq!(status.code(), Some(0), "{}", server.stderr());
    server.wait_for_stderr("stopped\n");
    assert!(TcpStream::connect(("127.0.0.1", server.port)).is_err(), "the port is free again");
}

#[test]
fn drafts_are_served_only_with_the_flag() {
    let site = site();
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("/heroku/h12/").status, 404);
    drop(server);
    let server = Server::start(&site, &["--drafts"]);
    assert_eq!(server.get("/heroku/h12/").status, 200);
}

#[test]
fn open_starts_the_browser_on_the_home_page() {
    let site = site();
    let opened = site.path().join("opened.txt");
    let browser = site.path().join("browser.sh");
    std::fs::write(&browser, format!("#!/bin/sh\necho \"$1\" > '{}'\n", opened.display())).unwrap();
    let mut permissions = std::fs::metadata(&browser).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&browser, permissions).unwrap();
    let server = Server::start_with(&site, &["--open"], &[("BROWSER", browser.to_str().unwrap())]);
    let started = Instant::now();
    while std::fs::read_to_string(&opened).unwrap_or_default() != format!("{}\n", server.url()) {
        assert!(started.elapsed() < PATIENCE, "the browser was not started with {}", server.url());
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Entries per page of a list for the engines the equivalence tests drive: small, so that
/// the fixture's lists run over several pages.
const SMALL_PAGES: usize = 2;

/// Two engines on one site, rebuilt after each change: one with the usual page size,
/// compared with what `faultline build` writes, and one with small pages, compared with a
/// fresh engine with small pages (lists of several pages; the binary has no such setting).
struct Steps<'s> {
    site: &'s Site,
    url: &'static str,
    usual: Engine,
    small: Engine,
}

impl<'s> Steps<'s> {
    fn new(site: &'s Site) -> Steps<'s> {
        let url = "http://127.0.0.1:1111/";
        let small = Engine::new(site.path(), false, url).with_page_size(SMALL_PAGES);
        let mut steps = Steps { site, url, usual: Engine::new(site.path(), false, url), small };
        steps.step(&[], "first build", |_| {});
        steps
    }

    /// Applies `action` to the site, rebuilds with both engines, and checks that each one's
    /// site is exactly what a full build writes for the same files.
    fn step(&mut self, changed: &[&str], what: &str, action: impl FnOnce(&Site)) {
        action(self.site);
        let changes = Changes::of(changed.iter().copied());
        let outcome = self.usual.rebuild(&changes);
        assert!(matches!(outcome, Outcome::Built { .. }), "{what}: {outcome:?}");
        assert_same_files(what, &files_of(&self.usual), &built(self.site, self.url));
        let outcome = self.small.rebuild(&changes);
        assert!(matches!(outcome, Outcome::Built { .. }), "{what}, small pages: {outcome:?}");
        let mut fresh = Engine::new(self.site.path(), false, self.url).with_page_size(SMALL_PAGES);
        assert!(matches!(fresh.rebuild(&Changes::everything()), Outcome::Built { .. }));
        assert_same_files(&format!("{what}, small pages"), &files_of(&self.small), &files_of(&fresh));
    }

    /// Checks that `changed` is an error for both engines, leaving their sites as they were.
    fn fails(&mut self, changed: &[&str], action: impl FnOnce(&Site)) -> Vec<faultline::diag::Diagnostic> {
        action(self.site);
        let before = self.usual.files().clone();
        let Outcome::Errors(errors) = self.usual.rebuild(&Changes::of(changed.iter().copied())) else {
            panic!("{changed:?}: no error")
        };
        assert!(self.usual.files() == &before, "a failed rebuild changed the site");
        assert!(matches!(self.small.rebuild(&Changes::of(changed.iter().copied())), Outcome::Errors(_)));
        errors
    }

    /// Replaces the first `from` in `rel` with `to`, as a step.
    fn edit(&mut self, rel: &str, what: &str, from: &str, to: &str) {
        self.step(&[rel], what, |site| {
            let text = String::from_utf8(site.read(rel)).unwrap();
            assert!(text.contains(from), "{rel} has no `{from}`");
            site.write(rel, text.replacen(from, to, 1));
        });
    }

    fn remove(&mut self, rel: &str, what: &str) {
        self.step(&[rel], what, |site| std::fs::remove_file(site.path().join(rel)).unwrap());
    }
}

fn files_of(engine: &Engine) -> BTreeMap<String, Vec<u8>> {
    engine.files().iter().map(|(p, b)| (p.clone(), b.to_vec())).collect()
}

fn assert_same_files(what: &str, actual: &BTreeMap<String, Vec<u8>>, expected: &BTreeMap<String, Vec<u8>>) {
    let missing: Vec<&String> = expected.keys().filter(|p| !actual.contains_key(*p)).collect();
    let extra: Vec<&String> = actual.keys().filter(|p| !expected.contains_key(*p)).collect();
    assert!(missing.is_empty() && extra.is_empty(), "{what}: missing {missing:?}, extra {extra:?}");
    for (path, bytes) in expected {
        assert!(actual[path] == *bytes, "{what}: {path} differs from a full build");
    }
}

/// An edit that other pages show (a title, tags, a new entry) hands over the edited entry's
/// own page first, already as the full build makes it; the lists follow with `rest`.
#[test]
fn the_edited_page_comes_first_then_the_rest() {
    let site = site();
    let url = "http://127.0.0.1:1111/";
    let mut engine = Engine::new(site.path(), false, url);
    assert!(matches!(engine.rebuild(&Changes::everything()), Outcome::Built { .. }));
    // The edited file, its page, a list that shows the edit, and the edit.
    type Edit = (&'static str, &'static str, &'static str, Box<dyn Fn(&Site)>);
    let edits: [Edit; 3] = [
        (
            "content/http/502.md",
            "http/502/index.html",
            "http/index.html",
            Box::new(|site: &Site| {
                let text = String::from_utf8(site.read("content/http/502.md")).unwrap();
                site.write("content/http/502.md", text.replace("title: 502 Bad Gateway", "title: 502 Bad, first"));
            }),
        ),
        (
            "content/http/504.md",
            "http/504/index.html",
            "tags/index.html",
            Box::new(|site: &Site| {
                let text = String::from_utf8(site.read("content/http/504.md")).unwrap();
                site.write("content/http/504.md", text.replacen("tags: [", "tags: [first-tag, ", 1));
            }),
        ),
        (
            "content/http/429.md",
            "http/429/index.html",
            "http/index.html",
            Box::new(|site: &Site| {
                site.write(
                    "content/http/429.md",
                    "---\ntitle: 429 First\ncode: \"429\"\nsummary: Slow.\ntags: [proxy]\n---\n",
                );
            }),
        ),
    ];
    for (file, page, list, edit) in edits {
        edit(&site);
        let first = engine.update(&Changes::of([file]));
        assert!(engine.has_rest(), "{file}: the rest is left for later");
        let Outcome::Built { changed, .. } = first else { panic!("{file}: {first:?}") };
        let api = format!("api/{}.json", page.trim_end_matches("/index.html"));
        assert_eq!(changed, [page.to_string(), api], "{file}: only its page and API file come first");
        let expected = built(&site, url);
        assert!(files_of(&engine)[page] == expected[page], "{file}: {page} is not the full build's");
        assert!(files_of(&engine)[list] != expected[list], "{file}: {list} waits for the rest");
        let Some(Outcome::Built { changed, .. }) = engine.rest() else { panic!("{file}: the rest did not build") };
        assert!(!changed.contains(&page.to_string()), "{file}: {page} rendered twice");
        assert!(engine.finish().is_some(), "{file}: the search index follows");
        assert_same_files(file, &files_of(&engine), &expected);
    }
    // A deleted entry's page and API file go at once.
    std::fs::remove_file(site.path().join("content/http/429.md")).unwrap();
    let first = engine.update(&Changes::of(["content/http/429.md"]));
    let Outcome::Built { changed, removed, .. } = first else { panic!("deleting: {first:?}") };
    assert!(changed.is_empty(), "{changed:?}");
    assert_eq!(removed, ["http/429/index.html", "api/http/429.json"]);
    assert!(!engine.files().contains_key("http/429/index.html"));
    assert!(String::from_utf8_lossy(&engine.files()["http/index.html"]).contains("429 First"), "the list waits");
    assert!(matches!(engine.rest(), Some(Outcome::Built { .. })));
    assert!(engine.finish().is_some());
    assert_same_files("deleting", &files_of(&engine), &built(&site, url));
}

#[test]
fn incremental_rebuilds_give_the_same_files_as_a_full_build() {
    let site = site();
    let mut steps = Steps::new(&site);
    edit_entries(&mut steps);
    add_and_remove_entries(&mut steps);
    edit_theme_settings_and_static_files(&mut steps);

    // A broken file leaves the site as it was; fixing it gives the full build again.
    let p502 = "content/http/502.md";
    let text = String::from_utf8(site.read(p502)).unwrap();
    steps.fails(&[p502], |site| site.write(p502, "---\ntitle: [\n---\n"));
    steps.step(&[p502], "fix the file", |site| site.write(p502, text.replace("Bad", "Fixed")));

    // An id defined twice is an error; once the first file is gone, the second one counts.
    let yaml = "content/http/504.yaml";
    steps.fails(&[yaml], |site| {
        site.write(yaml, "title: 504 from YAML\ncode: \"504\"\nsummary: Written in YAML.\ncompare: [http/502]\n")
    });
    steps.remove("content/http/504.md", "remove the first of two files");
    steps.edit(yaml, "edit the second", "Written in YAML.", "Still YAML.");
}

fn edit_entries(steps: &mut Steps<'_>) {
    let p502 = "content/http/502.md";
    let more = "[E100](@/acme/e100#why-it-happens).\n\nMore.";
    steps.edit(p502, "edit a body", "[E100](@/acme/e100#why-it-happens).", more);
    steps.edit(p502, "edit a step", "Check the upstream", "Check upstream");
    // In its comparison row, which the pages of 503 and 504 show.
    steps.edit(p502, "edit a row field", "cacheable: \"no\"", "cacheable: \"never\"");
    // In the comparison page h10 is on, but not in any list.
    steps.edit("content/heroku/h10.md", "edit a cause", "title: Crash at boot", "title: Crash on boot");
    steps.edit(p502, "edit a title", "title: 502 Bad Gateway", "title: 502 Bad");
    steps.edit(p502, "edit tags", "tags: [proxy, upstream]", "tags: [deploy]");
    // Naming an id that does not exist is an error, though nothing else about the entry
    // changed; naming another that does is a change of related lists alone.
    let errors = steps.fails(&[p502], |site| {
        let text = String::from_utf8(site.read(p502)).unwrap();
        site.write(p502, text.replacen("related: [http/504]", "related: [http/599]", 1));
    });
    assert!(errors[0].message.contains("`related` names `http/599`, which does not exist"), "{errors:?}");
    steps.edit(p502, "name another", "related: [http/599]", "related: [http/404]");
    steps.edit(p502, "drop a pair", "compare: [http/504, http/503]", "compare: [http/503]");
    steps.edit("content/acme/e9.md", "change a class", "status: 504", "status: 404");
}

fn add_and_remove_entries(steps: &mut Steps<'_>) {
    steps.step(&["content/http/429.md"], "add an entry", |site| {
        site.write(
            "content/http/429.md",
            "---\ntitle: 429 Too Many Requests\ncode: \"429\"\nsummary: Slow down.\ntags: [deploy, timeout]\nrelated: [http/502]\ncompare: [http/404]\nupdated: 2030-01-01\n---\nBody.\n",
        )
    });
    steps.step(&["content/http/429.md", "content/http/430.md"], "rename an entry", |site| {
        std::fs::rename(site.path().join("content/http/429.md"), site.path().join("content/http/430.md")).unwrap();
        let text = String::from_utf8(site.read("content/http/430.md")).unwrap();
        site.write("content/http/430.md", text.replace("code: \"429\"", "code: \"430\""));
    });
    steps.remove("content/http/430.md", "delete an entry");
    came_and_went_with_errors(steps);
    // A draft has no page, whatever of it is edited.
    let h12 = "content/heroku/h12.md";
    steps.edit(h12, "edit a draft's body", "draft: true\n---\n", "draft: true\n---\nA new first line.\n\n");
    steps.edit(h12, "edit a draft's title", "title: \"H12: Request timeout\"", "title: \"H12: Timeout\"");
    steps.edit(h12, "publish a draft", "draft: true", "draft: false");
    let prose = "content/http/_index.md";
    steps.edit(prose, "edit source prose", "title: HTTP status codes", "title: HTTP codes");
    steps.edit(prose, "edit source prose body", "Codes from", "Status codes from");
    steps.edit("content/_index.md", "edit home prose", "Start with", "Begin with");
    let p408 = "content/http/408.md";
    steps.step(&[p408], "add the page a status links to", |site| {
        site.write(p408, "---\ntitle: 408 Request Timeout\ncode: \"408\"\nsummary: Too slow.\n---\n");
    });
    steps.remove(p408, "delete it again");
    // A draft is left out of the lists, yet an entry with its code as `status` links to it.
    steps.step(&[p408], "add it as a draft", |site| {
        site.write(p408, "---\ntitle: 408 Request Timeout\ncode: \"408\"\nsummary: Slow.\ndraft: true\n---\n");
    });
    steps.remove(p408, "delete the draft");
    // Drafting an entry of a comparison pair changes what the pair's page shows, though
    // no page comes or goes.
    let p464 = "content/http/464.md";
    steps.step(&[p464], "add an entry in a pair", |site| {
        site.write(
            p464,
            "---\ntitle: 464 Paired\ncode: \"464\"\nsummary: Paired.\ncompare: [http/404]\ndraft: true\n---\n",
        );
    });
    steps.edit(p464, "publish it", "draft: true", "draft: false");
    steps.edit(p464, "draft it again", "draft: false", "draft: true");
    steps.remove(p464, "delete it");
    steps.remove("content/compare/http-502-vs-http-504.md", "delete comparison prose");
}

/// Entries that come or go are put into the last site or taken out of it in place; the
/// references that breaks are errors, as a full build finds them.
fn came_and_went_with_errors(steps: &mut Steps<'_>) {
    let p404 = "content/http/404.md";
    let text = String::from_utf8(steps.site.read(p404)).unwrap();
    // 502's `related` names 404.
    let errors = steps.fails(&[p404], |site| std::fs::remove_file(site.path().join(p404)).unwrap());
    let named = |errors: &[faultline::diag::Diagnostic], file: &str, message: &str| {
        errors.iter().any(|d| d.file.as_deref() == Some(file) && d.message.contains(message))
    };
    assert!(named(&errors, "content/http/502.md", "`related` names `http/404`, which does not exist"), "{errors:?}");
    steps.step(&[p404], "bring the named entry back", |site| site.write(p404, &text));
    let p431 = "content/http/431.md";
    let errors = steps.fails(&[p431], |site| {
        site.write(p431, "---\ntitle: 431 Too Large\ncode: \"431\"\nsummary: Big.\nrelated: [http/599]\n---\n");
    });
    assert!(named(&errors, p431, "`related` names `http/599`, which does not exist"), "{errors:?}");
    steps.remove(p431, "delete the new entry that named nothing");
    let errors = steps.fails(&[p431], |site| {
        site.write(p431, "---\ntitle: 431 Too Large\ncode: \"431\"\nsummary: Big.\nredirect_from: [http/502]\n---\n");
    });
    assert!(named(&errors, p431, "`redirect_from` lists `http/502`, which is an existing entry"), "{errors:?}");
    steps.remove(p431, "delete the new entry that took an id");
}

fn edit_theme_settings_and_static_files(steps: &mut Steps<'_>) {
    let entry_template = "templates/entry.html";
    steps.step(&[entry_template], "override a template", |site| {
        let theme = String::from_utf8(site.read("themes/default/templates/entry.html")).unwrap();
        site.write(entry_template, theme.replacen("<h1", "<h1 data-site-template", 1));
    });
    steps.edit("themes/default/templates/base.html", "edit the base template", "<body", "<body data-edited");
    steps.step(&["themes/default/static/style.css"], "edit the stylesheet", |site| {
        let css = String::from_utf8(site.read("themes/default/static/style.css")).unwrap();
        site.write("themes/default/static/style.css", format!("{css}\n.edited {{ color: red; }}\n"));
    });
    steps.step(&["static/robots-extra.txt", "static/img"], "add static files", |site| {
        site.write("static/robots-extra.txt", "extra");
        site.write("static/img/logo.svg", "<svg/>");
    });
    steps.step(&["static/img/logo.svg"], "edit a static file", |site| site.write("static/img/logo.svg", "<svg></svg>"));
    steps.remove("static/robots-extra.txt", "delete a static file");
    steps.edit("site.yaml", "change a setting", "related_limit: 4", "related_limit: 2");
    steps.remove(entry_template, "remove the override");
}

/// A small deterministic random number generator (xorshift), so that a failing sequence
/// can be replayed from its seed.
pub(crate) struct Random(pub(crate) u64);

impl Random {
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    pub(crate) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const TAGS: &[&str] = &["proxy", "upstream", "timeout", "deploy", "crash", "client", "overload", "fresh"];
const TARGETS: &[&str] = &["http/502", "http/504", "http/404", "acme/e9", "acme/e10", "heroku/h10"];

/// An edit to one of the fixture's entries: its title, body, tags, `related`, or a field
/// of its comparison row or of its page alone.
fn edit_entry(site: &Site, random: &mut Random, round: usize) -> (&'static str, Vec<String>) {
    let read = |rel: &str| String::from_utf8(site.read(rel)).unwrap();
    let rel = format!("content/{}.md", random.pick(&["http/502", "http/504", "acme/e9", "heroku/h10", "http/404"]));
    let text = read(&rel);
    let text = match random.below(6) {
        // Its own `related` list: backlinks and related lists change.
        5 => {
            let id = rel.trim_start_matches("content/").trim_end_matches(".md");
            // Now and then one that does not exist, which is an error.
            let target = if random.below(4) == 0 { "http/599" } else { random.pick(TARGETS) };
            let kept: String = text.lines().filter(|l| !l.starts_with("related:")).map(|l| format!("{l}\n")).collect();
            match target == id {
                true => kept,
                false => kept.replacen("---\n", &format!("---\nrelated: [{target}]\n"), 1),
            }
        }
        // `cacheable` is in the entry's comparison row, which its partners' pages
        // show; `estimated_time` only on its own page and its comparison pages.
        3 | 4 => {
            let key = if random.below(2) == 0 { "cacheable" } else { "estimated_time" };
            let kept: String = text.lines().filter(|l| !l.starts_with(key)).map(|l| format!("{l}\n")).collect();
            kept.replacen("---\n", &format!("---\n{key}: \"round {round}\"\n"), 1)
        }
        0 if text.contains("title: \"") => text.replacen("title: \"", &format!("title: \"R{round} "), 1),
        0 => text.replacen("title: ", &format!("title: R{round} "), 1),
        1 => format!("{text}\nMore, round {round}.\n"),
        _ => {
            let tags = [random.pick(TAGS), random.pick(TAGS)];
            let tags = if tags[0] == tags[1] { tags[0].to_string() } else { tags.join(", ") };
            let start = text.find("tags: [").unwrap();
            let end = start + text[start..].find(']').unwrap() + 1;
            format!("{}tags: [{tags}]{}", &text[..start], &text[end..])
        }
    };
    site.write(&rel, text);
    ("edit an entry", vec![rel])
}

/// A new entry, in an existing source or a new one, maybe with a status and a pair.
fn add_entry(site: &Site, random: &mut Random, round: usize, added: &mut Vec<String>) -> (&'static str, Vec<String>) {
    let source = random.pick(&["http", "acme", "heroku", "newsource"]);
    let name = if source == "http" { format!("{}", 410 + round) } else { format!("n{round}") };
    let rel = format!("content/{source}/{name}.md");
    let status = match source {
        "http" => String::new(),
        _ => match random.pick(&["404", "408", "503", "504", ""]) {
            "" => String::new(),
            status => format!("status: {status}\n"),
        },
    };
    let compare = match random.below(3) {
        0 => String::new(),
        _ => format!("compare: [{}]\n", random.pick(TARGETS)),
    };
    let text = format!(
        "---\ntitle: New {round}\ncode: \"{name}\"\nsummary: Added in round {round}.\n{status}{compare}tags: [{}]\nrelated: [{}]\nupdated: 2030-01-{:02}\n---\nBody {round}.\n",
        random.pick(TAGS),
        random.pick(TARGETS),
        1 + random.below(28),
    );
    // As the watcher reports it: the new folder too, when there was none.
    let folder = format!("content/{source}");
    let new_folder = !site.path().join(&folder).is_dir();
    site.write(&rel, text);
    added.push(rel.clone());
    ("add an entry", if new_folder { vec![folder, rel] } else { vec![rel] })
}

/// One random change to the site, as the watcher would report it: what it was and the
/// paths it touched.
fn random_change(
    site: &Site,
    random: &mut Random,
    round: usize,
    added: &mut Vec<String>,
) -> (&'static str, Vec<String>) {
    let read = |rel: &str| String::from_utf8(site.read(rel)).unwrap();
    match random.below(11) {
        0 | 1 => edit_entry(site, random, round),
        2 | 3 => add_entry(site, random, round, added),
        4 if !added.is_empty() => {
            let rel = added.swap_remove(random.below(added.len()));
            std::fs::remove_file(site.path().join(&rel)).unwrap();
            ("delete an entry", vec![rel])
        }
        // An http entry's file is named after its code, so only the others are renamed.
        5 if added.iter().any(|a| !a.starts_with("content/http/")) => {
            let at = loop {
                let at = random.below(added.len());
                if !added[at].starts_with("content/http/") {
                    break at;
                }
            };
            let from = added[at].clone();
            let to = from.replace(".md", "-renamed.md");
            std::fs::rename(site.path().join(&from), site.path().join(&to)).unwrap();
            added[at] = to.clone();
            ("rename an entry", vec![from, to])
        }
        6 if !added.is_empty() => {
            let rel = added[random.below(added.len())].clone();
            let text = read(&rel);
            let text = match text.contains("draft: true\n") {
                true => text.replace("draft: true\n", ""),
                false => text.replacen("---\n", "---\ndraft: true\n", 1),
            };
            site.write(&rel, text);
            ("toggle a draft", vec![rel])
        }
        7 => {
            let rel = format!("content/{}.md", random.pick(&["acme/e9", "acme/e10", "heroku/h10"]));
            let without: String =
                read(&rel).lines().filter(|l| !l.starts_with("status: ")).map(|l| format!("{l}\n")).collect();
            let text = match random.pick(&["404", "408", "502", "503", "504", ""]) {
                "" => without,
                status => without.replacen("---\n", &format!("---\nstatus: {status}\n"), 1),
            };
            site.write(&rel, text);
            ("change a status", vec![rel])
        }
        8 => {
            site.set_related_limit(1 + random.below(6));
            ("change related_limit", vec!["site.yaml".into()])
        }
        9 => {
            let rel = "templates/list.html";
            if site.exists(rel) {
                std::fs::remove_file(site.path().join(rel)).unwrap();
            } else {
                site.write(rel, format!("{}<!-- round {round} -->\n", read("themes/default/templates/list.html")));
            }
            ("toggle a template override", vec![rel.into()])
        }
        _ => {
            let rel = format!("static/{}", random.pick(&["a.txt", "img/b.svg"]));
            if site.exists(&rel) && random.below(2) == 0 {
                std::fs::remove_file(site.path().join(&rel)).unwrap();
            } else {
                site.write(&rel, format!("round {round}"));
            }
            ("change a static file", vec![rel])
        }
    }
}

/// A number from the environment, or `default`: the random tests run with a fixed seed and
/// round count in CI, and with others where `FAULTLINE_TEST_SEED` and
/// `FAULTLINE_TEST_ROUNDS` say (a seed in decimal or `0x` hex).
pub(crate) fn from_env(name: &str, default: u64) -> u64 {
    let Ok(text) = std::env::var(name) else {
        return default;
    };
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.unwrap_or_else(|_| panic!("{name}={text} is not a number"))
}

/// A static file or template changed in a rebuild that ends in errors is still picked up by
/// the next rebuild that renders, whatever that one's changes touch (found by the random
/// sequence with seed 2).
#[test]
fn a_change_made_while_the_site_is_broken_is_not_lost() {
    let site = site();
    let url = "http://127.0.0.1:1111/";
    let mut engine = Engine::new(site.path(), false, url);
    assert!(matches!(engine.rebuild(&Changes::everything()), Outcome::Built { .. }));
    let good = site.read("content/http/502.md");
    site.write("content/http/502.md", "---\ntitle: [unclosed\n---\n");
    site.write("static/a.txt", "while broken");
    site.write(
        "templates/list.html",
        format!(
            "{}<!-- while broken -->\n",
            String::from_utf8(site.read("themes/default/templates/list.html")).unwrap()
        ),
    );
    let changed = ["content/http/502.md", "static/a.txt", "templates/list.html"];
    assert!(matches!(engine.rebuild(&Changes::of(changed)), Outcome::Errors(_)));
    site.write("content/http/502.md", good);
    assert!(matches!(engine.rebuild(&Changes::of(["content/http/502.md"])), Outcome::Built { .. }));
    let mut fresh = Engine::new(site.path(), false, url);
    assert!(matches!(fresh.rebuild(&Changes::everything()), Outcome::Built { .. }));
    assert_same_files("after the fix", &files_of(&engine), &files_of(&fresh));
    assert_eq!(files_of(&engine)["a.txt"], b"while broken");
}

/// Random edits, additions, deletions, renames, drafts, statuses, settings, template and
/// static changes, each followed by an incremental rebuild (with lists of a few entries
/// per page) that must equal a rebuild from scratch; at the end the site must equal what
/// `faultline build` writes. The seed is printed with any failure, to replay it.
#[test]
fn random_sequences_of_changes_match_a_build_from_scratch() {
    let seed = from_env("FAULTLINE_TEST_SEED", 0x5eed_f00d_1234_5678);
    let rounds = from_env("FAULTLINE_TEST_ROUNDS", 80) as usize;
    let replay = std::panic::catch_unwind(|| random_sequence(seed, rounds));
    if let Err(panic) = replay {
        eprintln!("replay with FAULTLINE_TEST_SEED={seed:#x} FAULTLINE_TEST_ROUNDS={rounds}");
        std::panic::resume_unwind(panic);
    }
}

fn random_sequence(seed: u64, rounds: usize) {
    let site = site();
    let url = "http://127.0.0.1:1111/";
    let mut engine = Engine::new(site.path(), false, url).with_page_size(SMALL_PAGES);
    assert!(matches!(engine.rebuild(&Changes::everything()), Outcome::Built { .. }));
    let mut random = Random(seed.max(1));
    let mut added: Vec<String> = Vec::new();
    let mut built_rounds = 0;
    for round in 0..rounds {
        let (what, changed) = random_change(&site, &mut random, round, &mut added);
        let outcome = engine.rebuild(&Changes::of(changed.iter().cloned()));
        let mut fresh = Engine::new(site.path(), false, url).with_page_size(SMALL_PAGES);
        let expected = fresh.rebuild(&Changes::everything());
        match (&outcome, &expected) {
            (Outcome::Built { .. }, Outcome::Built { .. }) => {
                built_rounds += 1;
                for (path, bytes) in fresh.files() {
                    assert!(
                        engine.files().get(path) == Some(bytes),
                        "round {round} ({what}, {changed:?}): {path} differs"
                    );
                }
                assert_eq!(engine.files().len(), fresh.files().len(), "round {round} ({what}): files left over");
            }
            (Outcome::Errors(a), Outcome::Errors(b)) => {
                let text = |d: &[faultline::diag::Diagnostic]| d.iter().map(|d| d.to_text()).collect::<String>();
                assert_eq!(text(a), text(b), "round {round} ({what}): different diagnostics");
            }
            _ => panic!("round {round} ({what}, {changed:?}): {outcome:?}, from scratch {expected:?}"),
        }
    }
    assert!(built_rounds * 4 >= rounds * 3, "only {built_rounds} of {rounds} rounds built: too many broken sites");
    let mut usual = Engine::new(site.path(), false, url);
    assert!(matches!(usual.rebuild(&Changes::everything()), Outcome::Built { .. }));
    assert_same_files("the final site", &files_of(&usual), &built(&site, url));
}

/// A random entry for the related-lists test: some of a few tags, maybe a status, and a few
/// `related` ids among `known`.
fn random_entry(random: &mut Random, code: &str, known: &[String], lonely: bool) -> String {
    const TAGS: &[&str] = &["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    let pool: &[&str] = if lonely { &["x", "y"] } else { TAGS };
    let mut tags: Vec<&str> = (0..1 + random.below(3)).map(|_| random.pick(pool)).collect();
    tags.sort_unstable();
    tags.dedup();
    let status = match random.below(4) {
        _ if lonely => String::new(),
        0 => String::new(),
        _ => format!("status: {}\n", random.pick(&["404", "408", "502", "503"])),
    };
    let related: Vec<&str> =
        (0..random.below(3)).filter(|_| !known.is_empty()).map(|_| known[random.below(known.len())].as_str()).collect();
    let mut related_unique = related.clone();
    related_unique.dedup();
    let draft = if random.below(10) == 0 { "draft: true\n" } else { "" };
    format!(
        "---\ntitle: T {code}\ncode: {code}\nsummary: S.\n{status}{draft}tags: [{}]\nrelated: [{}]\n---\n",
        tags.join(", "),
        related_unique.join(", ")
    )
}

/// `link::rebuild` after random changes to a site of 150 entries whose related lists are
/// mostly full (limit 3), so that entries compete for places, equals `link::build`. A few
/// entries sit in a source of their own with tags of their own, so their lists have room.
#[test]
fn incremental_related_lists_equal_computing_them_all() {
    let site = Site::empty().with("site.yaml", "related_limit: 3\n");
    let mut random = Random(0xfeed_beef_0042_0001);
    let sources = ["alpha", "beta", "gamma"];
    let mut ids: Vec<String> = Vec::new();
    let source = |random: &mut Random| if random.below(25) == 0 { "delta" } else { sources[random.below(3)] };
    for n in 0..150 {
        let source = source(&mut random);
        let id = format!("{source}/e{n}");
        site.write(&format!("content/{id}.md"), random_entry(&mut random, &format!("E{n}"), &ids, source == "delta"));
        ids.push(id);
    }
    let mut checked = faultline::cmd::check::run(site.path(), false).unwrap();
    for round in 0..120 {
        let mut paths: Vec<String> = Vec::new();
        for _ in 0..1 + random.below(3) {
            let at = random.below(ids.len());
            let path = format!("content/{}.md", ids[at]);
            match random.below(5) {
                0 => {
                    std::fs::remove_file(site.path().join(&path)).unwrap();
                    ids.swap_remove(at);
                }
                1 => {
                    let source = source(&mut random);
                    let id = format!("{source}/n{round}x{}", paths.len());
                    let text = random_entry(&mut random, &format!("N{round}"), &ids, source == "delta");
                    site.write(&format!("content/{id}.md"), text);
                    paths.push(format!("content/{id}.md"));
                    ids.push(id);
                }
                _ => {
                    let text =
                        random_entry(&mut random, &format!("C{round}"), &ids, path.starts_with("content/delta/"));
                    site.write(&path, text);
                }
            }
            paths.push(path);
        }
        let next = faultline::cmd::check::run(site.path(), false).unwrap();
        let (old, old_graph) = (&checked.site, &checked.graph);
        let old_index = old.index_by_id();
        let new_index = next.site.index_by_id();
        let mut changed_ids: Vec<String> =
            paths.iter().map(|p| p.trim_start_matches("content/").trim_end_matches(".md").to_string()).collect();
        changed_ids.sort();
        changed_ids.dedup();
        let before = faultline::incremental::related::Before {
            ids: old.entries.iter().map(|e| e.id.clone()).collect(),
            lists: old_graph.related.clone(),
            limit: 3,
            changed: changed_ids
                .iter()
                .map(|id| {
                    let profile = old_index
                        .get(id.as_str())
                        .map(|&i| faultline::incremental::related::Profile::of(old, i, old_graph.included[i]));
                    (id.clone(), profile)
                })
                .collect(),
        };
        let (updated, _) = faultline::incremental::related::relink(&next.site, false, before);
        let (full, _) = faultline::link::build(&next.site, false);
        for (i, e) in next.site.entries.iter().enumerate() {
            let names = |list: &[usize]| list.iter().map(|&j| next.site.entries[j].id.clone()).collect::<Vec<_>>();
            assert_eq!(
                names(&updated.related[i]),
                names(&full.related[i]),
                "round {round}: related list of {} after changes to {changed_ids:?}",
                e.id
            );
        }
        assert_eq!(new_index.len(), next.site.entries.len());
        checked = next;
    }
}
