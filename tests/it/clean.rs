//! The clean fixture uses every feature of docs/content.md and checks clean; its computed
//! cross-links are asserted through the library API.

use crate::harness::{Site, fixtures};
use faultline::cmd::check::{self, Checked};

fn checked(drafts: bool) -> Checked {
    let checked = check::run(&fixtures().join("clean"), drafts).expect("the clean fixture loads");
    let shown: Vec<String> = checked.diagnostics.iter().map(|d| d.to_text()).collect();
    assert!(checked.diagnostics.is_empty(), "the clean fixture has diagnostics:\n{}", shown.join("\n"));
    checked
}

fn checked_with_drafts() -> Checked {
    checked(true)
}

fn ids(checked: &Checked) -> Vec<&str> {
    checked.site.entries.iter().map(|e| e.id.as_str()).collect()
}

fn index(checked: &Checked, id: &str) -> usize {
    checked.site.entries.iter().position(|e| e.id == id).unwrap_or_else(|| panic!("no entry {id}"))
}

/// The related list of `id`, as ids.
fn related<'a>(checked: &'a Checked, id: &str) -> Vec<&'a str> {
    checked.graph.related[index(checked, id)].iter().map(|&i| checked.site.entries[i].id.as_str()).collect()
}

fn partners<'a>(checked: &'a Checked, id: &str) -> Vec<&'a str> {
    checked.graph.partners[index(checked, id)].iter().map(|&i| checked.site.entries[i].id.as_str()).collect()
}

fn pair_names(checked: &Checked) -> Vec<(&str, &str, &str, bool)> {
    let id = |i: usize| checked.site.entries[i].id.as_str();
    checked.graph.pairs.iter().map(|p| (id(p.a), id(p.b), p.name.as_str(), p.has_prose)).collect()
}

fn redirects(checked: &Checked) -> Vec<(&str, &str)> {
    checked.graph.redirects.iter().map(|(from, to)| (from.as_str(), checked.site.entries[*to].id.as_str())).collect()
}

#[test]
fn the_clean_fixture_checks_clean_with_an_empty_json_array() {
    let site = Site::fixture("clean");
    let run = site.run(&["check", "--format", "json"]);
    run.assert_exit(0);
    assert_eq!(run.stdout, "[]\n", "{run}");
}

#[test]
fn the_clean_fixture_text_check_prints_only_the_summary() {
    let run = Site::fixture("clean").check();
    run.assert_exit(0);
    assert_eq!(run.stdout, "", "{run}");
    assert_eq!(run.stderr, "checked 9 entries (1 draft) and 3 comparison pages: no problems found\n", "{run}");
}

#[test]
fn entries_are_in_natural_id_order_not_byte_order() {
    let checked = checked(false);
    assert_eq!(
        ids(&checked),
        [
            "acme/e9",
            "acme/e10",
            "acme/e100",
            "heroku/h10",
            "heroku/h12",
            "http/404",
            "http/502",
            "http/503",
            "http/504"
        ]
    );
}

#[test]
fn the_site_settings_and_prose_pages_are_read() {
    let checked = checked(false);
    let site = &checked.site;
    assert_eq!(site.config.title, "Acme error hub");
    assert_eq!(site.config.base_url.as_deref(), Some("https://errors.example.com/"));
    assert_eq!(site.config.related_limit, 4);
    assert_eq!(site.home.as_ref().and_then(|p| p.title.as_deref()), Some("Acme error hub"));
    assert_eq!(site.source_pages.keys().collect::<Vec<_>>(), ["http"]);
    assert_eq!(site.source_pages["http"].summary.as_deref(), Some("The status codes servers and proxies send."));
    assert_eq!(site.prose.keys().collect::<Vec<_>>(), ["http-502-vs-http-504"]);
    assert!(site.broken.is_empty());
}

#[test]
fn a_yaml_entry_takes_its_body_from_the_body_key() {
    let checked = checked(false);
    let e100 = &checked.site.entries[index(&checked, "acme/e100")];
    assert_eq!(
        e100.body.text().unwrap(),
        "## Why it happens\nA slow client, or a [proxy that buffers](@/http/504#causes).\n"
    );
    assert!(e100.anchors.contains("why-it-happens"), "{:?}", e100.anchors);
}

#[test]
fn a_bare_number_code_is_read_as_text() {
    let checked = checked(false);
    assert_eq!(checked.site.entries[index(&checked, "http/502")].fm.code, "502");
}

#[test]
fn the_class_comes_from_the_code_or_from_status() {
    let checked = checked(false);
    let class = |id: &str| checked.site.entries[index(&checked, id)].class.map(|c| c.label());
    assert_eq!(class("http/404").as_deref(), Some("4xx"));
    assert_eq!(class("http/502").as_deref(), Some("5xx"));
    assert_eq!(class("heroku/h10").as_deref(), Some("5xx"));
    assert_eq!(class("acme/e100").as_deref(), Some("4xx"));
    assert_eq!(class("acme/e10"), None);
}

#[test]
fn every_entry_page_has_the_fixed_anchors_and_one_per_body_heading() {
    let checked = checked(false);
    let anchors = &checked.site.entries[index(&checked, "http/502")].anchors;
    let anchors: Vec<&str> = anchors.iter().map(String::as_str).collect();
    for fixed in ["fastest-fix", "causes", "steps", "faq", "compare", "related", "upstream-closed-the-connection"] {
        assert!(anchors.contains(&fixed), "{fixed} missing from {anchors:?}");
    }
}

#[test]
fn related_starts_with_the_explicit_list_then_backlinks_then_scores() {
    let checked = checked(false);
    // e100 explicit; h10 links back; e10 scores 5 (deploy + acme); http/504 scores 4 (timeout + 5xx).
    assert_eq!(related(&checked, "acme/e9"), ["acme/e100", "heroku/h10", "acme/e10", "http/504"]);
    // http/504 explicit; h10 links back; http/503 scores 6 (upstream + http + 5xx), http/404 2.
    assert_eq!(related(&checked, "http/502"), ["http/504", "heroku/h10", "http/503", "http/404"]);
}

#[test]
fn backlinks_come_in_natural_id_order() {
    let checked = checked(false);
    // Named by acme/e9 and heroku/h10; then http/504 (timeout: 3) before acme/e10 (acme: 2).
    assert_eq!(related(&checked, "acme/e100"), ["acme/e9", "heroku/h10", "http/504", "acme/e10"]);
}

#[test]
fn related_keeps_the_explicit_list_whole_past_the_limit() {
    let checked = checked(false);
    assert_eq!(related(&checked, "heroku/h10"), ["http/503", "http/502", "acme/e9", "acme/e10", "acme/e100"]);
}

#[test]
fn scored_ties_break_in_natural_id_order_up_to_the_limit() {
    let checked = checked(false);
    // No tags shared: http/502, 503 and 504 score 2 (same source), acme/e100 1 (same class 4xx).
    assert_eq!(related(&checked, "http/404"), ["http/502", "http/503", "http/504", "acme/e100"]);
    // http/503 scores 6; acme/e9 and heroku/h10 both 4 (shared tag + 5xx), e9 first.
    assert_eq!(related(&checked, "http/504"), ["http/502", "http/503", "acme/e9", "heroku/h10"]);
}

#[test]
fn only_entries_scoring_above_zero_are_added() {
    let checked = checked(false);
    // acme/e10 has no class: only the h10 backlink, acme/e9 (5) and acme/e100 (2) qualify.
    assert_eq!(related(&checked, "acme/e10"), ["heroku/h10", "acme/e9", "acme/e100"]);
}

#[test]
fn a_draft_takes_no_part_without_drafts() {
    let checked = checked(false);
    let h12 = index(&checked, "heroku/h12");
    assert!(!checked.graph.included[h12]);
    assert!(checked.graph.related[h12].is_empty());
    for (i, list) in checked.graph.related.iter().enumerate() {
        assert!(!list.contains(&h12), "{} lists the draft", checked.site.entries[i].id);
    }
    assert!(checked.graph.pairs.iter().all(|p| p.a != h12 && p.b != h12));
    assert!(partners(&checked, "heroku/h10").iter().all(|&id| id != "heroku/h12"));
    assert_eq!(redirects(&checked), [("heroku/app-crashed", "heroku/h10")]);
}

#[test]
fn a_draft_takes_part_with_drafts() {
    let checked = checked(true);
    assert!(checked.graph.included.iter().all(|&included| included));
    // The draft's own list: explicit http/504, then h10 (6), then acme/e9 and http/502 (4 each).
    assert_eq!(related(&checked, "heroku/h12"), ["http/504", "heroku/h10", "acme/e9", "http/502"]);
    // The draft is now a backlink of http/504, before http/502 in natural order.
    assert_eq!(related(&checked, "http/504"), ["heroku/h12", "http/502", "http/503", "acme/e9"]);
    assert_eq!(partners(&checked, "heroku/h10"), ["heroku/h12", "http/503"]);
    assert_eq!(redirects(&checked), [("heroku/app-crashed", "heroku/h10"), ("heroku/request-timeout", "heroku/h12")]);
}

#[test]
fn comparison_pairs_are_named_with_the_natural_first_id_first() {
    let checked = checked(false);
    assert_eq!(
        pair_names(&checked),
        [
            ("heroku/h10", "http/503", "heroku-h10-vs-http-503", false),
            ("http/502", "http/503", "http-502-vs-http-503", false),
            ("http/502", "http/504", "http-502-vs-http-504", true),
        ]
    );
    let with_drafts = checked_with_drafts();
    assert_eq!(pair_names(&with_drafts)[0], ("heroku/h10", "heroku/h12", "heroku-h10-vs-heroku-h12", false));
    assert_eq!(with_drafts.graph.pairs.len(), 4);
}

#[test]
fn comparison_partners_count_whichever_side_named_the_other() {
    let checked = checked(false);
    assert_eq!(partners(&checked, "http/502"), ["http/503", "http/504"]);
    assert_eq!(partners(&checked, "http/503"), ["heroku/h10", "http/502"]);
    assert_eq!(partners(&checked, "http/504"), ["http/502"]);
    assert_eq!(partners(&checked, "http/404"), [] as [&str; 0]);
    let (a, b) = (index(&checked, "http/504"), index(&checked, "http/502"));
    assert_eq!(checked.graph.pair(a, b).map(|p| p.name.as_str()), Some("http-502-vs-http-504"));
}

#[test]
fn a_bom_and_crlf_file_that_is_otherwise_valid_checks_clean() {
    let text = "\u{feff}---\r\ntitle: 500 Internal Server Error\r\ncode: \"500\"\r\nsummary: The server failed.\r\n---\r\n## Body\r\nSee [502](@/http/502#causes).\r\n";
    let site = Site::fixture("clean").with("content/http/500.md", text);
    site.assert_clean();
    let yaml = "\u{feff}title: \"E1\"\r\ncode: E1\r\nsummary: One.\r\nbody: \"## Why\"\r\n";
    site.write("content/acme/e1.yaml", yaml);
    site.assert_clean();
}

#[test]
fn scored_ties_mix_entries_with_and_without_shared_tags_in_natural_order() {
    let entry = |code: &str, extra: &str| format!("---\ntitle: {code}\ncode: {code}\nsummary: S.\n{extra}---\n");
    let site = Site::empty()
        .with("content/a/x1.md", entry("X1", "status: 500\ntags: [t]\n"))
        .with("content/a/x2.md", entry("X2", "status: 501\n"))
        .with("content/a/x3.md", entry("X3", "status: 502\ntags: [t]\n"))
        .with("content/a/x10.md", entry("X10", ""))
        .with("content/b/y1.md", entry("Y1", "tags: [t]\n"))
        .with("content/b/y2.md", entry("Y2", "status: 404\n"))
        .with("content/c/z1.md", entry("Z1", "status: 503\n"));
    site.assert_clean();
    let checked = check::run(site.path(), false).expect("the site loads");
    // a/x3 6 (tag, source, class); a/x2 3 (source, class) ties b/y1 3 (tag); a/x10 2; c/z1 1.
    assert_eq!(related(&checked, "a/x1"), ["a/x3", "a/x2", "b/y1", "a/x10", "c/z1"]);
    // b/y1 has no class: a/x1 and a/x3 share its tag (3 each), b/y2 its source (2).
    assert_eq!(related(&checked, "b/y1"), ["a/x1", "a/x3", "b/y2"]);
    // a/x10 has no class: same source only (2 each), in natural order.
    assert_eq!(related(&checked, "a/x10"), ["a/x1", "a/x2", "a/x3"]);
}

#[test]
fn the_default_related_limit_is_six() {
    let entry = |code: &str| format!("---\ntitle: {code}\ncode: {code}\nsummary: S.\n---\n");
    let mut site = Site::empty();
    for n in 1..=9 {
        site = site.with(&format!("content/s/e{n}.md"), entry(&format!("E{n}")));
    }
    let checked = check::run(site.path(), false).expect("the site loads");
    assert_eq!(related(&checked, "s/e1"), ["s/e2", "s/e3", "s/e4", "s/e5", "s/e6", "s/e7"]);
}
