//! `faultline search` and the index the build ships (docs/cli.md, SEARCH.md): the shared
//! test vectors on the frozen hub (`tests/fixtures/hub`), the command's output and exit
//! status, `--batch`, and the index scripts' format and safety.

use crate::harness::{Site, faultline, faultline_fed, fixtures, themed_fixture};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The frozen copy of the hub the search tests run on: its content never changes with the
/// live hub's.
fn hub() -> String {
    fixtures().join("hub").to_str().expect("a UTF-8 path").to_string()
}

fn ids(stdout: &str) -> Vec<String> {
    stdout.lines().map(|l| l.split('\t').next().unwrap_or_default().to_string()).collect()
}

/// `search --batch` output: each line's query and result ids, checking each line's shape.
fn batch_lines(stdout: &str) -> Vec<(String, Vec<String>)> {
    stdout
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["query", "results"], "{line}");
            let results = v["results"].as_array().unwrap();
            for r in results {
                let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
                assert_eq!(keys, ["id", "title"], "{line}");
            }
            let ids = results.iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
            (v["query"].as_str().unwrap().to_string(), ids)
        })
        .collect()
}

/// The same file the browser tests type into the page's search box, all in one `--batch`.
#[test]
fn the_shared_vectors_give_their_top_three_on_the_frozen_hub() {
    let vectors: Vec<Value> =
        serde_json::from_slice(&std::fs::read(repo().join("tests/search-vectors.json")).unwrap()).unwrap();
    assert!(vectors.len() >= 22);
    let input: String = vectors.iter().map(|v| format!("{}\n", v["query"].as_str().unwrap())).collect();
    let run = faultline_fed(&["--root", &hub(), "search", "--batch", "--limit", "3"], input.as_bytes());
    run.assert_exit(0);
    let lines = batch_lines(&run.stdout);
    assert_eq!(lines.len(), vectors.len(), "{run}");
    let mut failures = Vec::new();
    for (v, (query, got)) in vectors.iter().zip(lines) {
        let want: Vec<String> = v["top"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect();
        assert_eq!(query, v["query"].as_str().unwrap());
        if got != want {
            failures.push(format!("{query:?}: want {want:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_issue_queries_find_their_entry_first() {
    let root = hub();
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
        let run = faultline(&["--root", &root, "search", "--", query]);
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
fn batch_answers_each_line_in_order_as_the_one_query_form_does() {
    let site = Site::fixture("clean");
    let root = site.path().to_str().unwrap();
    // An empty line, a CRLF line ending, a quote and a backslash, and a last line without
    // its newline.
    let input = "gateway\n\n504\r\nsay \"hi\" \\ there\nxyzzy\nh10";
    let run = faultline_fed(&["--root", root, "search", "--batch"], input.as_bytes());
    run.assert_exit(0);
    let lines = batch_lines(&run.stdout);
    let queries: Vec<&str> = lines.iter().map(|(q, _)| q.as_str()).collect();
    assert_eq!(queries, ["gateway", "", "504", "say \"hi\" \\ there", "xyzzy", "h10"], "{run}");
    for (query, got) in &lines {
        let one = if query.is_empty() { Vec::new() } else { ids(&site.run(&["search", "--", query]).stdout) };
        assert_eq!(got, &one, "{query:?}");
    }
    assert!(lines[0].1.len() > 1 && lines[1].1.is_empty() && lines[4].1.is_empty(), "{run}");
    assert!(
        run.stdout
            .starts_with("{\"query\":\"gateway\",\"results\":[{\"id\":\"http/502\",\"title\":\"502 Bad Gateway\"}")
    );
    let limited = faultline_fed(&["--root", root, "search", "--batch", "--limit", "1"], input.as_bytes());
    assert!(batch_lines(&limited.stdout).iter().all(|(_, ids)| ids.len() <= 1), "{limited}");
    let none = faultline_fed(&["--root", root, "search", "--batch"], b"");
    none.assert_exit(0);
    assert_eq!(none.stdout, "", "{none}");
}

#[test]
fn batch_searches_drafts_only_when_asked() {
    let site = Site::fixture("clean").with(
        "content/http/418.md",
        "---\ntitle: 418 I'm a teapot\ncode: 418\nsummary: A teapot refuses to brew coffee.\ndraft: true\n---\n",
    );
    let root = site.path().to_str().unwrap();
    let run = faultline_fed(&["--root", root, "search", "--batch"], b"teapot\n");
    assert_eq!(run.stdout, "{\"query\":\"teapot\",\"results\":[]}\n", "{run}");
    let drafts = faultline_fed(&["--root", root, "search", "--batch", "--drafts"], b"teapot\n");
    assert_eq!(
        drafts.stdout, "{\"query\":\"teapot\",\"results\":[{\"id\":\"http/418\",\"title\":\"418 I'm a teapot\"}]}\n",
        "{drafts}"
    );
}

#[test]
fn batch_stops_at_a_line_that_is_not_utf8() {
    let site = Site::fixture("clean");
    let root = site.path().to_str().unwrap();
    let run = faultline_fed(&["--root", root, "search", "--batch"], b"502\nbad \xff\xfe gateway\n504\n");
    run.assert_exit(1);
    // The line before was answered; nothing after.
    assert_eq!(batch_lines(&run.stdout).len(), 1, "{run}");
    assert_eq!(
        run.stderr, "error: line 2 of stdin is not valid UTF-8; --batch reads UTF-8 text, one query per line\n",
        "{run}"
    );
}

#[test]
fn batch_takes_a_huge_line_in_its_stride() {
    let site = Site::fixture("clean");
    let root = site.path().to_str().unwrap();
    // 4 MB: one word, then many words; the scoring looks at the first 32 terms only.
    let mut input = "x".repeat(1 << 21);
    input.push('\n');
    input.push_str(&"gateway 502 ".repeat(1 << 17));
    let run = faultline_fed(&["--root", root, "search", "--batch", "--limit", "1"], input.as_bytes());
    run.assert_exit(0);
    let lines = batch_lines(&run.stdout);
    assert_eq!(lines.len(), 2, "{}", run.stderr);
    assert!(lines[0].1.is_empty());
    assert_eq!(lines[1].1, ["http/502"]);
}

#[test]
fn batch_takes_no_query_words() {
    let site = Site::fixture("clean");
    let run = site.run(&["search", "--batch", "502"]);
    run.assert_exit(2);
    assert!(run.stderr.contains("'--batch' cannot be used with"), "{run}");
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
    let json = if call == "shard" || call == "docs" { json.split_once(", ").unwrap().1 } else { json };
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Reads one number (SEARCH.md §5) from the front of `text`, with the digit alphabets the
/// index head gives; returns it and the rest.
fn number<'a>(head: &Value, text: &'a str) -> (u64, &'a str) {
    let more = head["rules"]["more"].as_str().unwrap();
    let end = head["rules"]["end"].as_str().unwrap();
    let mut n = 0u64;
    for (i, c) in text.char_indices() {
        if let Some(d) = more.find(c) {
            n = n * 32 + d as u64;
        } else {
            n = n * 32 + end.find(c).unwrap_or_else(|| panic!("bad digit {c:?}")) as u64;
            return (n, &text[i + 1..]);
        }
    }
    panic!("a number without its last digit: {text:.40}");
}

/// Decodes one term's postings as SEARCH.md §5 and the page's script read them.
fn decode(head: &Value, mut postings: &str) -> Vec<(u64, u64)> {
    let mut numbers = Vec::new();
    while !postings.is_empty() {
        let (n, rest) = number(head, postings);
        numbers.push(n);
        postings = rest;
    }
    let mut doc = 0;
    numbers
        .chunks(2)
        .map(|pair| {
            doc += pair[0];
            (doc, pair[1])
        })
        .collect()
}

/// A front-coded list (SEARCH.md §5): each item shares a number of UTF-16 units with the one
/// before, then adds its rest up to a space.
fn front_decode(head: &Value, mut text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    while !text.is_empty() {
        let (shared, rest) = number(head, text);
        let (tail, rest) = rest.split_once(' ').expect("each item ends with a space");
        let previous: Vec<u16> = out.last().map(|p| p.encode_utf16().collect()).unwrap_or_default();
        out.push(String::from_utf16(&previous[..shared as usize]).unwrap() + tail);
        text = rest;
    }
    out
}

/// Every document of the index, from the blocks of `search/docs-<n>.js`, checking that
/// each block holds the number of documents the head says.
fn documents(dir: &Path, head: &Value) -> Vec<Value> {
    let block = head["block"].as_u64().unwrap() as usize;
    let count = head["count"].as_u64().unwrap() as usize;
    let mut docs = Vec::new();
    for n in 0..count.div_ceil(block) {
        let list = script_json(&dir.join(format!("docs-{n}.js")), "docs");
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), block.min(count - n * block), "block {n}");
        docs.extend(list.iter().cloned());
    }
    assert!(!dir.join(format!("docs-{}.js", count.div_ceil(block))).exists());
    docs
}

#[test]
fn the_build_ships_the_index_as_scripts_that_cover_every_term() {
    let site = themed_fixture();
    site.run(&["build"]).assert_exit(0);
    let dir = site.path().join("public/search");
    let head = script_json(&dir.join("index.js"), "index");
    let docs = documents(&dir, &head);
    let ids: Vec<&str> = docs.iter().map(|d| d[0].as_str().unwrap()).collect();
    // Natural id order; heroku/h12 is a draft.
    assert_eq!(ids, ["acme/e9", "acme/e10", "acme/e100", "heroku/h10", "http/404", "http/502", "http/503", "http/504"]);
    assert_eq!(docs[5][3], "502", "code key");
    let codes: Vec<&Value> = docs.iter().map(|d| &d[3]).collect();
    assert_eq!(head["codes"].as_array().unwrap().iter().collect::<Vec<_>>(), codes, "the head's code keys");
    let listed = script_json(&dir.join("ids.js"), "ids");
    assert_eq!(front_decode(&head, listed.as_str().unwrap()), ids, "search/ids.js");
    let terms = front_decode(&head, head["terms"].as_str().unwrap());
    let terms: Vec<&str> = terms.iter().map(String::as_str).collect();
    assert!(terms.windows(2).all(|w| w[0] < w[1]), "terms are sorted and distinct");
    let starts: Vec<usize> = head["shards"].as_array().unwrap().iter().map(|s| s.as_u64().unwrap() as usize).collect();
    assert_eq!(starts[0], 0);

    let mut postings: BTreeMap<&str, Vec<(u64, u64)>> = BTreeMap::new();
    for (k, &start) in starts.iter().enumerate() {
        let shard = script_json(&dir.join(format!("shard-{k}.js")), "shard");
        for (i, p) in shard["postings"].as_array().unwrap().iter().enumerate() {
            postings.insert(terms[start + i], decode(&head, p.as_str().unwrap()));
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

/// SEARCH.md §6: the head carries every constant; the script reads exactly those keys and
/// keeps no copy of its own.
#[test]
fn the_index_head_carries_the_ranking_constants_and_the_script_keeps_none() {
    let site = themed_fixture();
    site.run(&["build"]).assert_exit(0);
    let head = script_json(&site.path().join("public/search/index.js"), "index");
    assert_eq!(head["v"], 3);
    let rules = head["rules"].as_object().unwrap();
    assert_eq!(rules["code_hit"], 3);
    assert_eq!(rules["code_span"], 4);
    assert_eq!(rules["max_terms"], 32);
    assert_eq!(rules["typo"], serde_json::json!([2, 1]));
    assert_eq!(rules["strip"], "()[]{}<>\"'`,;:.!?");
    assert_eq!(
        rules["context_keys"],
        serde_json::json!(["client", "server", "request", "upstream", "host", "referrer"])
    );
    assert_eq!(rules["more"], "ABCDEFGHIJKLMNOPQRSTUVWXYZ@$*+-.");
    let script = std::fs::read_to_string(repo().join("themes/default/static/search.js")).unwrap();
    let list = &script[script.find("var RULES = [").expect("search.js lists the rules it reads")..];
    let list = &list[..list.find("];").unwrap()];
    let read: std::collections::BTreeSet<&str> = list.split('"').skip(1).step_by(2).collect();
    let written: std::collections::BTreeSet<&str> = rules.keys().map(String::as_str).collect();
    assert_eq!(read, written, "search.js reads exactly the rules the head writes");
    for copy in
        ["ABCDEFGHIJKLMNOPQRSTUVWXYZ@$*+-.", "0123456789abcdefghijklmnopqrstuv", "\"referrer\"", "= 32;", "{}<>"]
    {
        assert!(!script.contains(copy), "search.js keeps its own copy of {copy}");
    }
}

#[test]
fn hostile_titles_and_messages_stay_text_in_the_index_script() {
    let site = themed_fixture().with(
        "content/acme/e666.md",
        "---\ntitle: \"Evil </script><script>alert(1)</script> \\\"quoted\\\" 'single'\"\ncode: \"E666\"\n\
         summary: \"`<img src=x onerror=alert(1)>` breaks nothing\"\nmessages: [\"</script><!-- \\u2028 x\"]\n---\n",
    );
    site.run(&["build"]).assert_exit(0);
    let dir = site.path().join("public/search");
    for file in std::fs::read_dir(&dir).unwrap() {
        let path = file.unwrap().path();
        if path.extension().is_none_or(|e| e != "js") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        assert!(!text.contains('<'), "no `<` reaches the script: {text:.300}");
    }
    let head = script_json(&dir.join("index.js"), "index");
    let doc = documents(&dir, &head).into_iter().find(|d| d[0] == "acme/e666").unwrap();
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
