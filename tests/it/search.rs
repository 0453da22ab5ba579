//! `faultline search` and the index the build ships (SPEC §5, §7; SEARCH.md): the shared
//! test vectors on the repository's hub, the command's output and exit status, and the
//! index scripts' format and safety.

use crate::harness::{Site, faultline, themed_fixture};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ids(stdout: &str) -> Vec<String> {
    stdout.lines().map(|l| l.split('\t').next().unwrap_or_default().to_string()).collect()
}

/// The same file the browser tests type into the page's search box.
#[test]
fn the_shared_vectors_give_their_top_three_on_the_hub() {
    let vectors: Vec<Value> =
        serde_json::from_slice(&std::fs::read(repo().join("tests/search-vectors.json")).unwrap()).unwrap();
    assert!(vectors.len() >= 7);
    let root = repo();
    let mut failures = Vec::new();
    for v in &vectors {
        let query = v["query"].as_str().unwrap();
        let want: Vec<String> = v["top"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect();
        let run = faultline(&["--root", root.to_str().unwrap(), "search", "--limit", "3", "--", query]);
        run.assert_exit(0);
        let got = ids(&run.stdout);
        if got != want {
            failures.push(format!("{query:?}: want {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_issue_queries_find_their_entry_first() {
    let root = repo();
    for (query, first) in [
        ("502", "http/502"),
        ("bad gatway", "http/502"),
        ("HTTP/1.1 504 Gateway Time-out", "http/504"),
        ("upstream prematurely closed connection while reading response header from upstream", "nginx/premature-close"),
        ("at=error code=H10 desc=\"App crashed\" method=GET path=\"/\"", "heroku/h10"),
        ("Back-off restarting failed container", "kubernetes/crashloopbackoff"),
        ("Error 525 SSL handshake failed", "cloudflare/525"),
        ("gatway timout", "http/504"),
    ] {
        let run = faultline(&["--root", root.to_str().unwrap(), "search", "--", query]);
        assert_eq!(ids(&run.stdout).first().map(String::as_str), Some(first), "{query}\n{run}");
    }
}

#[test]
fn prints_id_tab_title_best_first_up_to_the_limit() {
    let site = Site::fixture("clean");
    let run = site.run(&["search", "gateway"]);
    run.assert_exit(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "http/502\t502 Bad Gateway", "{run}");
    assert!(lines.iter().all(|l| l.split('\t').count() == 2), "{run}");
    let limited = site.run(&["search", "--limit", "1", "gateway"]);
    assert_eq!(limited.stdout.lines().count(), 1, "{limited}");
    // Words of a query may come as separate arguments, and `--` ends the options.
    let split = site.run(&["search", "--", "bad", "gateway"]);
    assert_eq!(split.stdout.lines().next(), Some("http/502\t502 Bad Gateway"), "{split}");
}

#[test]
fn no_result_prints_nothing_and_succeeds() {
    let run = Site::fixture("clean").run(&["search", "xyzzy"]);
    run.assert_exit(0);
    assert_eq!(run.stdout, "", "{run}");
    let noise = Site::fixture("clean").run(&["search", "--", "2026/04/20 10:01:02 10.0.0.1 /var/www"]);
    noise.assert_exit(0);
    assert_eq!(noise.stdout, "", "a line of nothing but noise finds nothing\n{noise}");
}

#[test]
fn a_missing_query_or_bad_limit_is_bad_usage() {
    let site = Site::fixture("clean");
    site.run(&["search"]).assert_exit(2);
    site.run(&["search", "--limit", "many", "502"]).assert_exit(2);
}

#[test]
fn drafts_are_searched_only_when_asked() {
    let site = Site::fixture("clean").with(
        "content/http/418.md",
        "---\ntitle: 418 I'm a teapot\ncode: 418\nsummary: A teapot refuses to brew coffee.\ndraft: true\n---\n",
    );
    assert_eq!(site.run(&["search", "teapot"]).stdout, "");
    assert_eq!(site.run(&["search", "--drafts", "teapot"]).stdout, "http/418\t418 I'm a teapot\n");
}

#[test]
fn a_broken_file_warns_and_the_rest_is_still_searched() {
    let site = Site::fixture("clean").with("content/http/500.md", "---\ntitle: [unclosed\n---\n");
    let run = site.run(&["search", "502"]);
    run.assert_exit(0);
    assert!(run.stdout.starts_with("http/502\t"), "{run}");
    assert!(run.stderr.contains("warning: 1 error") && run.stderr.contains("faultline check"), "{run}");
}

/// Reads `faultlineSearch.<call>(..., {json});` back into JSON.
fn script_json(path: &Path, call: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rest = text.strip_prefix(&format!("faultlineSearch.{call}(")).unwrap_or_else(|| panic!("{text:.80}"));
    let json = rest.strip_suffix(");\n").unwrap();
    let json = if call == "shard" { json.split_once(", ").unwrap().1 } else { json };
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Decodes one term's postings as SEARCH.md §5 and the page's script read them.
fn decode(postings: &str) -> Vec<(u64, u64)> {
    const MORE: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ@$*+-.";
    const END: &str = "0123456789abcdefghijklmnopqrstuv";
    let mut numbers = Vec::new();
    let mut n = 0u64;
    for c in postings.chars() {
        if let Some(d) = MORE.find(c) {
            n = n * 32 + d as u64;
        } else {
            n = n * 32 + END.find(c).unwrap_or_else(|| panic!("bad digit {c:?}")) as u64;
            numbers.push(n);
            n = 0;
        }
    }
    assert_eq!(n, 0, "a number without its last digit");
    let mut doc = 0;
    numbers
        .chunks(2)
        .map(|pair| {
            doc += pair[0];
            (doc, pair[1])
        })
        .collect()
}

#[test]
fn the_build_ships_the_index_as_scripts_that_cover_every_term() {
    let site = themed_fixture();
    site.run(&["build"]).assert_exit(0);
    let dir = site.path().join("public/search");
    let head = script_json(&dir.join("index.js"), "index");
    let docs = head["docs"].as_array().unwrap();
    let ids: Vec<&str> = docs.iter().map(|d| d[0].as_str().unwrap()).collect();
    // Natural id order; heroku/h12 is a draft.
    assert_eq!(ids, ["acme/e9", "acme/e10", "acme/e100", "heroku/h10", "http/404", "http/502", "http/503", "http/504"]);
    assert_eq!(docs[5][3], "502", "code key");
    let terms: Vec<&str> = head["terms"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert!(terms.windows(2).all(|w| w[0] < w[1]), "terms are sorted and distinct");
    let starts: Vec<usize> = head["shards"].as_array().unwrap().iter().map(|s| s.as_u64().unwrap() as usize).collect();
    assert_eq!(starts[0], 0);

    let mut postings: BTreeMap<&str, Vec<(u64, u64)>> = BTreeMap::new();
    for (k, &start) in starts.iter().enumerate() {
        let shard = script_json(&dir.join(format!("shard-{k}.js")), "shard");
        for (i, p) in shard["postings"].as_array().unwrap().iter().enumerate() {
            postings.insert(terms[start + i], decode(p.as_str().unwrap()));
        }
        for phrase in shard["phrases"].as_array().unwrap() {
            let first = phrase[1].as_str().unwrap().split(' ').next().unwrap();
            let end = starts.get(k + 1).map_or("\u{10FFFF}", |&s| terms[s]);
            assert!((k == 0 || terms[start] <= first) && first < end, "phrase {phrase} in shard {k}");
        }
    }
    assert!(!dir.join(format!("shard-{}.js", starts.len())).exists());
    assert_eq!(postings.len(), terms.len(), "every term has postings in exactly one shard");
    // `gateway` is in the titles of 502 and 504 (weight 8) and elsewhere only in text.
    let gateway = &postings["gateway"];
    let docs_with = |w: u64| gateway.iter().filter(|(_, x)| *x == w).map(|(d, _)| ids[*d as usize]).collect::<Vec<_>>();
    let title_weight = gateway.iter().find(|(d, _)| ids[*d as usize] == "http/502").unwrap().1;
    assert_eq!(docs_with(title_weight), ["http/502", "http/504"]);
    assert!(gateway.iter().all(|(d, w)| *w <= title_weight || ids[*d as usize] == "http/502"));
}

#[test]
fn hostile_titles_and_messages_stay_text_in_the_index_script() {
    let site = themed_fixture().with(
        "content/acme/e666.md",
        "---\ntitle: \"Evil </script><script>alert(1)</script> \\\"quoted\\\" 'single'\"\ncode: \"E666\"\n\
         summary: \"`<img src=x onerror=alert(1)>` breaks nothing\"\nmessages: [\"</script><!-- \\u2028 x\"]\n---\n",
    );
    site.run(&["build"]).assert_exit(0);
    let text = String::from_utf8(site.read("public/search/index.js")).unwrap();
    assert!(!text.contains('<'), "no `<` reaches the script: {text:.300}");
    let head = script_json(&site.path().join("public/search/index.js"), "index");
    let doc = head["docs"].as_array().unwrap().iter().find(|d| d[0] == "acme/e666").unwrap().clone();
    assert_eq!(doc[1], "Evil </script><script>alert(1)</script> \"quoted\" 'single'");
    assert_eq!(doc[2], "<img src=x onerror=alert(1)> breaks nothing");
    let run = site.run(&["search", "--", "evil <script>alert(1) \"quoted\" 'single'"]);
    assert_eq!(ids(&run.stdout).first().map(String::as_str), Some("acme/e666"), "{run}");
}

#[test]
fn the_search_page_offers_the_hub_pages_without_javascript() {
    let site = themed_fixture();
    site.run(&["build"]).assert_exit(0);
    let page = String::from_utf8(site.read("public/search/index.html")).unwrap();
    for href in
        ["href=\"../acme/\"", "href=\"../http/\"", "href=\"../http/5xx/\"", "href=\"../tags/\"", "href=\"../compare/\""]
    {
        assert!(page.contains(href), "{href} missing from the search page");
    }
    let home = String::from_utf8(site.read("public/index.html")).unwrap();
    assert!(home.contains("action=\"search/\""), "the header box submits to the search page");
}
