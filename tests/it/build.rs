//! `faultline build`: the output tree, its links in both link styles, the API, drafts,
//! determinism, the atomic swap and the output-folder rules.

use crate::harness::{Site, themed_fixture as site, tree};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn build(site: &Site, extra: &[&str]) -> PathBuf {
    let mut args = vec!["build"];
    args.extend_from_slice(extra);
    site.run(&args).assert_exit(0);
    site.path().join("public")
}

fn json(out: &Path, rel: &str) -> Value {
    serde_json::from_slice(&std::fs::read(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))).unwrap()
}

/// The values of `attr="..."` in an HTML page.
pub(crate) fn attributes<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

/// Checks every relative link and fragment of every HTML page: each must name a file (in
/// the offline style, exactly; in the folder style, a folder's index.html) and each
/// fragment an id on the target page. Returns the broken ones.
pub(crate) fn broken_links(out: &Path, offline: bool) -> Vec<String> {
    let files = tree(out);
    let mut broken = Vec::new();
    for (page, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html") && p.as_str() != "404.html") {
        let html = String::from_utf8_lossy(bytes);
        let folder = Path::new(page).parent().unwrap_or(Path::new(""));
        for link in attributes(&html, "href").into_iter().chain(attributes(&html, "src")) {
            if link.starts_with("http://") || link.starts_with("https://") || link.starts_with("mailto:") {
                continue;
            }
            let (path, fragment) = link.split_once('#').map_or((link, None), |(p, f)| (p, Some(f)));
            let target = if path.is_empty() {
                page.clone()
            } else {
                let mut parts: Vec<String> =
                    folder.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                for segment in path.split('/') {
                    match segment {
                        "" | "." => {}
                        ".." => {
                            if parts.pop().is_none() {
                                broken.push(format!("{page}: {link} leaves the output folder"));
                            }
                        }
                        s => parts.push(s.to_string()),
                    }
                }
                let joined = parts.join("/");
                if path.ends_with('/') || path == "." || path == "./" {
                    if offline {
                        broken.push(format!("{page}: {link} links to a folder in an offline build"));
                    }
                    if joined.is_empty() { "index.html".to_string() } else { format!("{joined}/index.html") }
                } else {
                    joined
                }
            };
            let Some(bytes) = files.get(&target) else {
                broken.push(format!("{page}: {link} -> {target} does not exist"));
                continue;
            };
            if let Some(fragment) = fragment {
                let html = String::from_utf8_lossy(bytes);
                if !html.contains(&format!(" id=\"{fragment}\"")) {
                    broken.push(format!("{page}: {link} -> no id `{fragment}` in {target}"));
                }
            }
        }
    }
    broken
}

#[test]
fn writes_every_page_and_api_file() {
    let site = site();
    let run = site.run(&["build"]);
    run.assert_exit(0);
    assert!(run.stderr.contains("built 8 entries, 3 comparison pages"), "{run}");
    let out = site.path().join("public");
    let files = tree(&out);
    for id in ["acme/e9", "acme/e10", "acme/e100", "heroku/h10", "http/404", "http/502", "http/503", "http/504"] {
        assert!(files.contains_key(&format!("{id}/index.html")), "{id} page");
        assert!(files.contains_key(&format!("api/{id}.json")), "{id} API file");
    }
    for page in [
        "index.html",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "api/index.json",
        "http/index.html",
        "acme/index.html",
        "http/5xx/index.html",
        "http/4xx/index.html",
        "tags/index.html",
        "compare/index.html",
        "compare/http-502-vs-http-504/index.html",
        "heroku/app-crashed/index.html",
        ".faultline-output",
    ] {
        assert!(files.contains_key(page), "{page} missing from {:?}", files.keys().collect::<Vec<_>>());
    }
    let css: Vec<_> = files.keys().filter(|p| p.starts_with("style.") && p.ends_with(".css")).collect();
    assert_eq!(css.len(), 1, "one hashed stylesheet: {css:?}");
    assert_ne!(css[0], "style.css");
}

#[test]
fn api_index_matches_the_link_rules() {
    let site = site();
    let out = build(&site, &[]);
    let index = json(&out, "api/index.json");
    assert_eq!(index["generator"], format!("faultline {}", env!("CARGO_PKG_VERSION")));
    let entries = index["entries"].as_array().unwrap();
    let ids: Vec<&str> = entries.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["acme/e9", "acme/e10", "acme/e100", "heroku/h10", "http/404", "http/502", "http/503", "http/504"]);
    let checked = faultline::cmd::check::run(site.path(), false).unwrap();
    for (i, entry) in checked.site.entries.iter().enumerate().filter(|(i, _)| checked.graph.included[*i]) {
        let api = entries.iter().find(|e| e["id"] == entry.id.as_str()).unwrap();
        let related: Vec<&str> =
            checked.graph.related[i].iter().map(|&r| checked.site.entries[r].id.as_str()).collect();
        assert_eq!(api["related"], serde_json::json!(related), "related of {}", entry.id);
        assert_eq!(api["url"], format!("{}/", entry.id));
    }
    let pairs: Vec<(String, String)> = index["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["ids"][0].as_str().unwrap().to_string(), c["url"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(pairs.len(), 3);
    assert!(pairs.iter().all(|(_, url)| url.starts_with("compare/") && url.ends_with('/')));
    let one = json(&out, "api/http/502.json");
    assert_eq!(one["id"], "http/502");
    assert!(one["body_html"].as_str().unwrap().contains("<h2"), "{}", one["body_html"]);
    assert!(!one["body_html"].as_str().unwrap().contains("@/"), "@/ links are resolved in body_html");
}

#[test]
fn drafts_appear_nowhere_unless_asked_for() {
    let site = site();
    let checked = faultline::cmd::check::run(site.path(), true).unwrap();
    let draft = checked.site.entries.iter().find(|e| e.fm.draft).expect("the fixture has a draft");
    let out = build(&site, &[]);
    for (path, bytes) in tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(&draft.id), "{path} mentions the draft {}", draft.id);
        assert!(!text.contains(&draft.fm.title), "{path} shows the draft's title");
    }
    let out = build(&site, &["--drafts"]);
    assert!(out.join(&draft.id).join("index.html").is_file());
}

#[test]
fn a_status_naming_a_draft_entry_links_nowhere() {
    let site = site()
        .with("content/http/418.md", "---\ntitle: 418 I'm a teapot\ncode: 418\nsummary: A teapot.\ndraft: true\n---\n")
        .with(
            "content/acme/e418.md",
            "---\ntitle: Acme E418\ncode: E418\nsummary: Brewing refused.\nstatus: 418\n---\n",
        );
    let out = build(&site, &[]);
    assert_eq!(broken_links(&out, false), Vec::<String>::new());
    let page = std::fs::read_to_string(out.join("acme/e418/index.html")).unwrap();
    assert!(!page.contains("http/418/"), "links to a draft that was not built");
}

#[test]
fn every_internal_link_resolves_in_both_link_styles() {
    let site = site();
    let out = build(&site, &[]);
    assert_eq!(broken_links(&out, false), Vec::<String>::new());
    let out = build(&site, &["--offline"]);
    assert_eq!(broken_links(&out, true), Vec::<String>::new());
    let home = String::from_utf8(std::fs::read(out.join("index.html")).unwrap()).unwrap();
    assert!(home.contains("href=\"http/index.html\""), "offline links name files");
}

#[test]
fn not_found_page_links_absolutely() {
    let site = site();
    let out = build(&site, &[]);
    let page = String::from_utf8(std::fs::read(out.join("404.html")).unwrap()).unwrap();
    for href in attributes(&page, "href").into_iter().filter(|h| !h.starts_with('#')) {
        assert!(href.starts_with("https://errors.example.com/"), "404.html links {href}");
    }
    let site = site_without_base_url();
    let out = build(&site, &[]);
    let page = String::from_utf8(std::fs::read(out.join("404.html")).unwrap()).unwrap();
    for href in attributes(&page, "href").into_iter().filter(|h| !h.starts_with('#')) {
        assert!(href.starts_with('/'), "404.html links {href}");
    }
    assert!(!out.join("sitemap.xml").exists());
}

fn site_without_base_url() -> Site {
    let site = site();
    site.write("site.yaml", "title: Acme error hub\nrelated_limit: 4\n");
    site
}

#[test]
fn warns_once_without_base_url() {
    let site = site_without_base_url();
    let run = site.run(&["build"]);
    run.assert_exit(0);
    assert_eq!(run.stderr.matches("warning: no base_url is set").count(), 1, "{run}");
}

#[test]
fn base_url_gives_canonical_and_sitemap() {
    let site = site();
    let out = build(&site, &["--base-url", "https://hub.example.org"]);
    let page = String::from_utf8(std::fs::read(out.join("http/502/index.html")).unwrap()).unwrap();
    assert!(page.contains("<link rel=\"canonical\" href=\"https://hub.example.org/http/502/\">"));
    assert!(page.contains("<meta property=\"og:url\" content=\"https://hub.example.org/http/502/\">"));
    let sitemap = String::from_utf8(std::fs::read(out.join("sitemap.xml")).unwrap()).unwrap();
    assert!(sitemap.contains("<loc>https://hub.example.org/http/502/</loc>"));
    assert!(!sitemap.contains("app-crashed"), "redirects are not in the sitemap");
}

#[test]
fn two_builds_are_byte_identical() {
    let site = site();
    let first = tree(&build(&site, &[]));
    let second = tree(&build(&site, &[]));
    assert_eq!(first.keys().collect::<Vec<_>>(), second.keys().collect::<Vec<_>>());
    for (path, bytes) in &first {
        assert!(bytes == &second[path], "{path} differs between two builds");
    }
}

#[test]
fn content_is_escaped() {
    let site = site();
    site.write(
        "content/acme/xss.md",
        "---\ntitle: \"<script>alert(1)</script>\"\ncode: \"X<1>\"\nsummary: \"A <b>bold</b> claim & more\"\nmessages: ['<img src=x onerror=alert(1)>']\n---\n<!DOCTYPE html>\n\n<script>alert(2)</script>\n",
    );
    let out = build(&site, &[]);
    let page = String::from_utf8(std::fs::read(out.join("acme/xss/index.html")).unwrap()).unwrap();
    assert!(!page.contains("<script>"), "no raw script");
    assert!(!page.contains("<img src=x"), "no raw img");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || page.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
    );
    assert!(page.contains("&lt;!DOCTYPE html&gt;"));
}

#[test]
fn a_broken_entry_fails_the_build_and_keeps_the_old_output() {
    let site = site();
    let out = build(&site, &[]);
    let before = tree(&out);
    site.write("content/http/502.md", "---\ntitle: [unclosed\n---\n");
    let run = site.run(&["build"]);
    run.assert_exit(1);
    assert!(run.stderr.contains("content/http/502.md:2:8: error: invalid YAML"), "{run}");
    assert!(!run.stderr.contains("no entry forms"), "a broken file does not cascade: {run}");
    assert!(run.stderr.contains("nothing was written"), "{run}");
    assert!(tree(&out) == before, "the old output is untouched");
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains("faultline-staging"))
        .collect();
    assert!(leftovers.is_empty(), "no staging folder left: {leftovers:?}");
}

#[test]
fn leftovers_of_a_killed_build_are_cleaned_up() {
    let site = site();
    site.write(".public.faultline-staging-99999/http/502/index.html", "half a page");
    build(&site, &[]);
    assert!(!site.exists(".public.faultline-staging-99999"));
}

#[test]
fn a_foreign_output_folder_is_refused_and_left_alone() {
    let site = site();
    site.write("elsewhere/notes.txt", "mine");
    let run = site.run(&["build", "--out", site.path().join("elsewhere").to_str().unwrap()]);
    run.assert_exit(1);
    assert!(run.stderr.contains("is not empty and is not an earlier faultline output"), "{run}");
    assert_eq!(site.read("elsewhere/notes.txt"), b"mine");
    assert_eq!(tree(&site.path().join("elsewhere")).len(), 1);
}

#[test]
fn the_site_folders_are_refused_as_output() {
    let site = site();
    for folder in ["", "content", "static", "themes", "templates"] {
        let target = site.path().join(folder);
        let run = site.run(&["build", "--out", target.to_str().unwrap()]);
        run.assert_exit(1);
        assert!(run.stderr.contains("refusing to write the build into"), "{folder}: {run}");
    }
    site.run(&["check"]).assert_exit(0);
}

#[test]
fn a_static_file_colliding_with_a_page_is_an_error() {
    let site = site();
    site.write("static/robots.txt", "User-agent: *\n");
    site.write("static/favicon.ico", "icon");
    let run = site.run(&["build"]);
    run.assert_exit(1);
    assert!(
        run.stderr
            .contains("static/robots.txt: error: static/robots.txt has the same path as a file the build generates"),
        "{run}"
    );
    site.write("static/robots.txt", "");
    std::fs::remove_file(site.path().join("static/robots.txt")).unwrap();
    let out = build(&site, &[]);
    assert_eq!(std::fs::read(out.join("favicon.ico")).unwrap(), b"icon");
}

#[test]
fn head_extra_reaches_every_page() {
    let site = site();
    site.write("templates/head_extra.html", "<meta name=\"x-test\" content=\"{{ meta.root }}here\">");
    let out = build(&site, &[]);
    let page = String::from_utf8(std::fs::read(out.join("http/502/index.html")).unwrap()).unwrap();
    assert!(page.contains("<meta name=\"x-test\" content=\"../../here\">"), "{page}");
}

#[test]
fn a_site_template_overrides_the_theme() {
    let site = site();
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p>Custom lost page</p>{% endblock content %}",
    );
    let out = build(&site, &[]);
    let page = String::from_utf8(std::fs::read(out.join("404.html")).unwrap()).unwrap();
    assert!(page.contains("Custom lost page"));
}

/// The Nu HTML Checker (vnu.jar, installed by scripts/test from the npm lockfile) finds no
/// error in any page of either link style.
#[test]
fn every_page_passes_the_nu_html_checker() {
    let site = site();
    for mode in [&[][..], &["--offline"][..]] {
        nu_html_check(&build(&site, mode), &format!("{mode:?}"));
    }
}

/// Runs the Nu HTML Checker on every page under `out` and fails on any error. Skipped only
/// where vnu.jar is absent, which scripts/test never allows (it installs it, and sets
/// FAULTLINE_REQUIRE_VNU).
pub(crate) fn nu_html_check(out: &Path, what: &str) {
    let jar = Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/vnu-jar/build/dist/vnu.jar");
    if !jar.is_file() {
        assert!(
            std::env::var_os("FAULTLINE_REQUIRE_VNU").is_none(),
            "vnu.jar is required but missing: run scripts/test"
        );
        eprintln!("vnu.jar not installed; run scripts/test to validate HTML");
        return;
    }
    let result = std::process::Command::new("java")
        .args(["-jar", jar.to_str().unwrap(), "--errors-only", "--skip-non-html"])
        .arg(out)
        .output()
        .expect("run java");
    assert!(
        result.status.success(),
        "vnu found errors ({what}):\n{}{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
}

#[test]
fn long_lists_are_split_into_pages_of_200() {
    let site = site();
    for n in 0..205 {
        site.write(
            &format!("content/bulk/e{n}.md"),
            format!("---\ntitle: Bulk {n}\ncode: E{n}\nsummary: Entry {n} of many.\ntags: [bulk]\n---\n"),
        );
    }
    let out = build(&site, &[]);
    for page in ["bulk/index.html", "bulk/page/2/index.html", "tags/bulk/index.html", "tags/bulk/page/2/index.html"] {
        assert!(out.join(page).is_file(), "{page}");
    }
    assert!(!out.join("bulk/page/3/index.html").exists());
    let second = String::from_utf8(std::fs::read(out.join("bulk/page/2/index.html")).unwrap()).unwrap();
    assert_eq!(second.matches("<li><a href=\"../../../bulk/e").count(), 5, "the last 5 entries on page 2");
    assert!(second.contains("Bulk 204") && !second.contains("Bulk 199<"), "natural order: e200..e204 last");
    assert!(second.contains("rel=\"prev\" href=\"../../../bulk/\""));
    assert_eq!(broken_links(&out, false), Vec::<String>::new());
}

#[test]
fn api_body_links_are_folder_urls_from_the_root_in_both_link_styles() {
    let site = site();
    for mode in [&[][..], &["--offline"][..]] {
        let out = build(&site, mode);
        let body = json(&out, "api/http/502.json")["body_html"].as_str().unwrap().to_string();
        let hrefs = attributes(&body, "href");
        assert!(hrefs.contains(&"http/504/#causes"), "{mode:?}: {hrefs:?}");
        assert!(hrefs.iter().all(|h| !h.contains("index.html") && !h.starts_with("../")), "{mode:?}: {hrefs:?}");
    }
}
