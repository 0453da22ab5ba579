//! The deploy guide's nginx server blocks, run on a real nginx: the hub is built for the
//! address nginx serves, nginx runs as a child with a configuration made from the block as
//! `docs/deploying.md` prints it (so the guide cannot drift from what is tested), and every
//! page and asset is fetched through it and checked.
//!
//! Skipped, saying why, where nginx is not installed; scripts/test installs it and sets
//! FAULTLINE_REQUIRE_NGINX, so that there the skip is a failure.

use crate::build::attributes;
use crate::harness::{Site, copy_dir, faultline, kill_group, tree, wait_within};
use crate::serve::{Reply, free_port, request_with};
use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// One of the guide's tested blocks: the marker before it in the guide, the URL path the
/// hub is served under, and where the block's `root` puts the hub's files.
struct Variant {
    marker: &'static str,
    prefix: &'static str,
    /// The block's `root` line, and the hub's folder under that root.
    root_line: &'static str,
    hub_under_root: &'static str,
}

const VARIANTS: [Variant; 2] = [
    Variant { marker: "nginx root", prefix: "/", root_line: "root /var/www/errors;", hub_under_root: "" },
    Variant {
        marker: "nginx sub-path",
        prefix: "/errors/",
        root_line: "root /var/www/site;",
        hub_under_root: "errors",
    },
];

#[test]
fn the_deploy_guides_nginx_blocks_serve_the_hub() {
    let Some(nginx) = nginx() else {
        assert!(
            std::env::var_os("FAULTLINE_REQUIRE_NGINX").is_none(),
            "nginx is required but not installed: run scripts/test"
        );
        eprintln!(
            "SKIPPED: nginx is not installed, so the deploy guide's server blocks were not tested (scripts/test installs it)"
        );
        return;
    };
    let guide = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/deploying.md")).unwrap();
    let hub = hub_with_a_redirect();
    for variant in &VARIANTS {
        let port = free_port();
        let work = Site::empty();
        let root = work.path().join("www");
        let out = root.join(variant.hub_under_root);
        let base_url = format!("http://127.0.0.1:{port}{}", variant.prefix);
        let run = faultline(&[
            "--root",
            hub.path().to_str().unwrap(),
            "build",
            "--base-url",
            &base_url,
            "--out",
            out.to_str().unwrap(),
        ]);
        run.assert_exit(0);
        let block = server_block(&guide, variant, port, &root);
        let server = Nginx::start(&nginx, work.path(), &block, port);
        let crawled = crawl(port, variant.prefix, &out);
        eprintln!(
            "nginx, {}: {} pages and {} other files fetched, {} links followed, 0 broken",
            variant.marker, crawled.pages, crawled.assets, crawled.links
        );
        check_errors_and_redirects(port, variant.prefix, &out, &base_url);
        let group = server.child.id().to_string();
        drop(server);
        // `pgrep -g` lists the group's processes that are still running (not zombies).
        let left = Command::new("pgrep").args(["-g", &group, "-r", "R,S,D,T"]).output().expect("pgrep (procps)");
        assert!(left.stdout.is_empty(), "nginx left processes running: {}", String::from_utf8_lossy(&left.stdout));
    }
}

/// A copy of the repository's hub where `http/502` keeps an old id, `http/bad-gateway`.
fn hub_with_a_redirect() -> Site {
    let hub = Site::empty();
    let repository = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(&repository.join("content"), &hub.path().join("content"));
    for file in ["site.yaml"] {
        if repository.join(file).is_file() {
            std::fs::copy(repository.join(file), hub.path().join(file)).unwrap();
        }
    }
    let text = String::from_utf8(hub.read("content/http/502.md")).unwrap();
    assert!(!text.contains("redirect_from"), "the hub's 502 already has redirect_from; use it");
    hub.write("content/http/502.md", text.replacen("---\n", "---\nredirect_from: [http/bad-gateway]\n", 1));
    hub
}

/// `nginx` on the PATH or where Debian puts it.
fn nginx() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|path| std::env::split_paths(&path).collect::<Vec<_>>())
        .map(|dir| dir.join("nginx"));
    on_path.chain([PathBuf::from("/usr/sbin/nginx")]).find(|p| p.is_file())
}

/// The guide's block after `<!-- tested: MARKER -->`, listening on `port` of loopback only
/// and with its `root` in `root`.
fn server_block(guide: &str, variant: &Variant, port: u16, root: &Path) -> String {
    let marker = format!("<!-- tested: {} -->\n```nginx\n", variant.marker);
    let start = guide.find(&marker).unwrap_or_else(|| panic!("no `{marker}` in docs/deploying.md")) + marker.len();
    let block = &guide[start..start + guide[start..].find("\n```").expect("the block's closing fence")];
    for line in ["listen 80;", "listen [::]:80;", variant.root_line] {
        assert_eq!(block.matches(line).count(), 1, "the guide's block should hold `{line}` once:\n{block}");
    }
    block
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
        .replace("listen [::]:80;", "")
        .replace(variant.root_line, &format!("root {};", root.display()))
}

/// A running nginx, stopped when dropped (also when the test fails).
struct Nginx {
    child: Child,
    log: PathBuf,
}

impl Nginx {
    /// Starts nginx in the foreground with its own prefix, pid file, logs and temporary
    /// folders under `dir`, serving `block`, and waits until `port` answers.
    fn start(nginx: &Path, dir: &Path, block: &str, port: u16) -> Nginx {
        let d = dir.display();
        // Run as root (as CI does), nginx would hand requests to `nobody`, who cannot read
        // a private temporary folder: keep the workers as the current user.
        let user = if is_root() { "user root;\n" } else { "" };
        let config = format!(
            "daemon off;\n{user}worker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{ worker_connections 64; }}\nhttp {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n  access_log off;\n  client_body_temp_path {d}/client_body;\n  proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n{block}\n}}\n"
        );
        let conf = dir.join("nginx.conf");
        std::fs::write(&conf, config).unwrap();
        let log = dir.join("error.log");
        let child = Command::new(nginx)
            .args(["-p", &format!("{d}/"), "-e"])
            .arg(&log)
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // A group of its own, so that stopping it stops its worker too.
            .process_group(0)
            .spawn()
            .expect("start nginx");
        let mut server = Nginx { child, log };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("nginx stopped ({status}):\n{}", server.log());
            }
            assert!(Instant::now() < deadline, "nginx did not listen on {port}:\n{}", server.log());
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Nginx {
    /// Asks nginx to stop (`TERM`: its master stops and reaps the worker), and kills the
    /// whole group if it has not within 5 s. Killing only the master left the worker running.
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        if wait_within(&mut self.child, Duration::from_secs(5)).is_none() {
            kill_group(&mut self.child);
        }
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// What a crawl fetched.
struct Crawled {
    pages: usize,
    assets: usize,
    links: usize,
}

fn get(port: u16, path: &str) -> Reply {
    request_with(port, "GET", path, "")
}

/// Fetches every file of the output through nginx (each page also by its folder URL) and
/// checks its bytes, content type and cache header; then follows every link of every page
/// and checks that it is served, fragment included.
fn crawl(port: u16, prefix: &str, out: &Path) -> Crawled {
    let files = tree(out);
    let mut pages = BTreeMap::new();
    let mut assets = 0;
    for (path, bytes) in files.iter().filter(|(p, _)| p.as_str() != ".faultline-output") {
        let url = format!("{prefix}{path}");
        let reply = get(port, &url);
        assert_eq!(reply.status, 200, "{url}");
        assert!(&reply.body == bytes, "{url} is not served as built");
        check_type(&url, &reply);
        let expected = if is_hashed_asset(path) { IMMUTABLE } else { "no-cache" };
        assert_eq!(reply.header("cache-control"), Some(expected), "{url}");
        match path.strip_suffix("index.html") {
            Some(folder) => {
                let by_folder = get(port, &format!("{prefix}{folder}"));
                assert!(by_folder.status == 200 && &by_folder.body == bytes, "{prefix}{folder} is not its index.html");
                pages.insert(format!("{prefix}{folder}"), String::from_utf8_lossy(bytes).into_owned());
            }
            None if path.ends_with(".html") => {
                pages.insert(url, String::from_utf8_lossy(bytes).into_owned());
            }
            None => assets += 1,
        }
    }
    let mut followed: BTreeSet<String> = BTreeSet::new();
    let mut broken = Vec::new();
    for (page, html) in &pages {
        for link in attributes(html, "href").into_iter().chain(attributes(html, "src")) {
            let Some(target) = resolve(page, link, port) else { continue };
            if !followed.insert(target.clone()) {
                continue;
            }
            let (path, fragment) = target.split_once('#').map_or((target.as_str(), None), |(p, f)| (p, Some(f)));
            let reply = get(port, path.split('?').next().unwrap_or(path));
            if reply.status != 200 {
                broken.push(format!("{page}: {link} -> {path} answered {}", reply.status));
            } else if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                if !reply.text().contains(&format!(" id=\"{fragment}\"")) {
                    broken.push(format!("{page}: {link} -> no id `{fragment}` in {path}"));
                }
            }
        }
    }
    assert_eq!(broken, Vec::<String>::new(), "broken links through nginx");
    Crawled { pages: pages.len(), assets, links: followed.len() }
}

/// The URL path (with fragment) a link of `page` reaches on this server, or `None` for a
/// link elsewhere.
fn resolve(page: &str, link: &str, port: u16) -> Option<String> {
    let here = format!("http://127.0.0.1:{port}");
    if let Some(path) = link.strip_prefix(&here) {
        return Some(path.to_string());
    }
    if link.contains("://") || link.starts_with("mailto:") || link.starts_with("//") {
        return None;
    }
    if link.starts_with('/') {
        return Some(link.to_string());
    }
    let folder = &page[..page.rfind('/').unwrap() + 1];
    let mut parts: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    let (path, fragment) = link.split_once('#').map_or((link, None), |(p, f)| (p, Some(f)));
    if path.is_empty() {
        return Some(format!("{page}{}", fragment.map(|f| format!("#{f}")).unwrap_or_default()));
    }
    let segments: Vec<&str> = path.split('/').collect();
    for segment in &segments {
        match *segment {
            "" | "." => {}
            ".." => {
                parts.pop().expect("a link that leaves the site");
            }
            s => parts.push(s),
        }
    }
    let slash = if path.ends_with('/') && !parts.is_empty() { "/" } else { "" };
    Some(format!("/{}{slash}{}", parts.join("/"), fragment.map(|f| format!("#{f}")).unwrap_or_default()))
}

/// `style.03a819e250.css`: a theme asset named after its content.
fn is_hashed_asset(path: &str) -> bool {
    let Some((stem, ext)) = path.rsplit_once('.') else { return false };
    let hash = stem.rsplit_once('.').map_or("", |(_, h)| h);
    !path.contains('/')
        && (ext == "css" || ext == "js")
        && hash.len() == 10
        && hash.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// The content type the guide's configuration gives each kind of file, text as UTF-8.
fn check_type(url: &str, reply: &Reply) {
    let ext = url.rsplit_once('.').map_or("", |(_, e)| e);
    let expected: &[&str] = match ext {
        "html" => &["text/html; charset=utf-8"],
        "css" => &["text/css; charset=utf-8"],
        "js" => &["application/javascript; charset=utf-8", "text/javascript; charset=utf-8"],
        "json" => &["application/json; charset=utf-8"],
        "xml" => &["text/xml; charset=utf-8", "application/xml; charset=utf-8"],
        "txt" => &["text/plain; charset=utf-8"],
        "svg" => &["image/svg+xml; charset=utf-8"],
        "ico" => &["image/x-icon", "image/vnd.microsoft.icon"],
        "png" => &["image/png"],
        other => panic!("{url}: no expected content type for `.{other}` files; add it here and to the guide"),
    };
    let got = reply.header("content-type").unwrap_or("");
    assert!(expected.iter().any(|e| got.eq_ignore_ascii_case(e)), "{url}: Content-Type `{got}`, expected {expected:?}");
}

/// An unknown path and the marker file get the styled 404 page with status 404, whose
/// links all work; a folder without its slash is redirected on this server; a
/// `redirect_from` page leads to its entry; text is compressed for clients that take it.
fn check_errors_and_redirects(port: u16, prefix: &str, out: &Path, base_url: &str) {
    let not_found = std::fs::read(out.join("404.html")).unwrap();
    for path in [format!("{prefix}no/such/page/"), format!("{prefix}http/999/"), format!("{prefix}.faultline-output")] {
        let reply = get(port, &path);
        assert_eq!(reply.status, 404, "{path}");
        assert!(reply.body == not_found, "{path} should get the site's 404 page, not:\n{}", reply.text());
    }
    let page = String::from_utf8(not_found).unwrap();
    let stylesheets: Vec<&str> = attributes(&page, "href").into_iter().filter(|h| h.ends_with(".css")).collect();
    assert!(!stylesheets.is_empty() && stylesheets.iter().all(|h| h.starts_with(base_url)), "{stylesheets:?}");
    for link in attributes(&page, "href").into_iter().chain(attributes(&page, "src")) {
        if let Some(id) = link.strip_prefix('#') {
            assert!(page.contains(&format!(" id=\"{id}\"")), "the 404 page's link {link}");
            continue;
        }
        let target = resolve(&format!("{prefix}no/such/page/"), link, port).expect("404 links stay on the site");
        let path = target.split(['#', '?']).next().unwrap();
        assert_eq!(get(port, path).status, 200, "the 404 page's link {link}");
    }

    let moved = get(port, &format!("{prefix}http/502"));
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("location"), Some(format!("{prefix}http/502/").as_str()));

    let old = format!("{prefix}http/bad-gateway/");
    let reply = get(port, &old);
    assert_eq!(reply.status, 200, "{old}");
    let html = reply.text();
    let refresh = html.split("content=\"0; url=").nth(1).and_then(|r| r.split('"').next()).expect("a meta refresh");
    let target = resolve(&old, refresh, port).unwrap();
    assert_eq!(target, format!("{prefix}http/502/"));
    let entry = get(port, &target);
    assert_eq!(entry.status, 200);
    assert!(entry.text().contains("<h1>502 Bad Gateway</h1>"), "{target}");

    let compressed = request_with(port, "GET", &format!("{prefix}http/502/"), "Accept-Encoding: gzip\r\n");
    assert_eq!(compressed.header("content-encoding"), Some("gzip"));
    assert_eq!(compressed.header("vary"), Some("Accept-Encoding"));
}
