//! `faultline new <id>`: writes a commented draft, refuses to overwrite, checks the site.

use crate::harness::Site;

/// The clean fixture without its heroku/h12 draft, so `new heroku/h12` has room.
fn site() -> Site {
    Site::fixture("clean").without("content/heroku/h12.md")
}

fn text(site: &Site, rel: &str) -> String {
    String::from_utf8(site.read(rel)).expect("UTF-8")
}

/// The line of `text` that starts with `prefix`.
fn line<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines().find(|l| l.starts_with(prefix)).unwrap_or_else(|| panic!("no line starting `{prefix}` in:\n{text}"))
}

#[test]
fn new_writes_a_commented_draft_and_the_site_still_checks_clean() {
    let site = site();
    let before = faultline::cmd::new::today();
    let run = site.run(&["new", "heroku/h12"]);
    let after = faultline::cmd::new::today();
    run.assert_exit(0);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "created content/heroku/h12.md (a draft: remove `draft: true` to publish it)\n\
         checked 9 entries (1 draft) and 3 comparison pages: no problems found\n"
    );
    let t = text(&site, "content/heroku/h12.md");
    assert!(t.starts_with("---\n"), "{t}");
    assert!(line(&t, "title: \"H12\"").contains("# required"), "{t}");
    assert!(line(&t, "code: \"H12\"").contains("# required"), "{t}");
    assert!(line(&t, "summary: ").contains("# required"), "{t}");
    assert!(line(&t, "draft: true").contains('#'), "{t}");
    for commented in
        ["# name:", "# status:", "# spec:", "# client_action:", "# generated_by:", "# typical_cause:", "# first_check:"]
    {
        line(&t, commented);
    }
    for empty in [
        "also_known_as: []",
        "fastest_fix: []",
        "causes: []",
        "steps: []",
        "faq: []",
        "messages: []",
        "related: []",
        "compare: []",
        "tags: []",
    ] {
        line(&t, empty);
    }
    assert!(!t.contains("iana"), "iana applies only to http entries:\n{t}");
    let updated = line(&t, "updated: ");
    assert!(updated == format!("updated: {before}") || updated == format!("updated: {after}"), "{updated}");
    site.assert_clean();
    let checked = faultline::cmd::check::run(site.path(), true).expect("the site loads");
    let entry = checked.site.entries.iter().find(|e| e.id == "heroku/h12").expect("the new entry");
    assert!(entry.fm.draft);
    assert_eq!(entry.fm.code, "H12");
}

#[test]
fn new_refuses_to_overwrite_and_leaves_the_file_as_it_was() {
    let site = site();
    site.run(&["new", "heroku/h12"]).assert_exit(0);
    site.write("content/heroku/h12.md", "---\ntitle: Mine\ncode: H12\nsummary: Edited.\ndraft: true\n---\n");
    let before = site.read("content/heroku/h12.md");
    let run = site.run(&["new", "heroku/h12"]);
    run.assert_exit(1);
    assert_eq!(run.stderr, "error: content/heroku/h12.md already exists; faultline new never overwrites\n");
    assert_eq!(site.read("content/heroku/h12.md"), before);
}

#[test]
fn new_refuses_an_id_taken_by_a_yaml_entry() {
    let site = site();
    let before = site.read("content/acme/e100.yaml");
    let run = site.run(&["new", "acme/e100"]);
    run.assert_exit(1);
    assert_eq!(run.stderr, "error: content/acme/e100.yaml already exists; faultline new never overwrites\n");
    assert!(!site.exists("content/acme/e100.md"));
    assert_eq!(site.read("content/acme/e100.yaml"), before);
}

#[test]
fn new_http_with_a_name_that_is_no_status_is_bad_usage() {
    let site = site();
    let run = site.run(&["new", "http/abc"]);
    run.assert_exit(2);
    assert_eq!(
        run.stderr,
        "error: http entries are named after their status code (100-599), not `abc`\n  \
         hint: ids look like `<source>/<name>`, such as `heroku/h12` or `http/418`\n"
    );
    assert!(!site.exists("content/http/abc.md"));
    site.run(&["new", "http/600"]).assert_exit(2);
    assert!(!site.exists("content/http/600.md"));
}

#[test]
fn new_http_with_a_leading_zero_is_bad_usage() {
    let site = site();
    site.run(&["new", "http/0502"]).assert_exit(2);
    assert!(!site.exists("content/http/0502.md"), "new wrote a second entry for status 502");
}

#[test]
fn new_with_an_invalid_id_is_bad_usage() {
    let site = site();
    let run = site.run(&["new", "Bad/Id"]);
    run.assert_exit(2);
    assert_eq!(
        run.stderr,
        "error: in id `Bad/Id`, the segment `Bad` must start with a lowercase letter or a digit\n  \
         hint: ids look like `<source>/<name>`, such as `heroku/h12` or `http/418`\n"
    );
    assert!(!site.exists("content/Bad"));
    for id in ["http", "a/b/c", "../x", "heroku/", "tags/proxy", "compare/x"] {
        site.run(&["new", id]).assert_exit(2);
    }
    assert!(!site.exists("content/tags") && !site.exists("x.md"));
}

#[test]
fn new_http_writes_the_http_template() {
    let site = site();
    let run = site.run(&["new", "http/418"]);
    run.assert_exit(0);
    assert!(
        run.stderr.starts_with("created content/http/418.md (a draft: remove `draft: true` to publish it)\n"),
        "{run}"
    );
    let t = text(&site, "content/http/418.md");
    line(&t, "title: \"418\"");
    line(&t, "code: \"418\"");
    line(&t, "# iana: assigned");
    line(&t, "# spec: { label: \"RFC 9110");
    line(&t, "# cacheable: ");
    assert!(!t.contains("status:"), "status applies only to non-http entries:\n{t}");
    line(&t, "draft: true");
    site.assert_clean();
}

#[test]
fn new_creates_the_source_folder() {
    let site = site();
    site.run(&["new", "vercel/function-timeout"]).assert_exit(0);
    let t = text(&site, "content/vercel/function-timeout.md");
    line(&t, "code: \"function-timeout\"");
    site.assert_clean();
}

#[test]
fn new_without_a_content_folder_fails() {
    let site = Site::empty();
    let run = site.run(&["new", "heroku/h12"]);
    run.assert_exit(1);
    assert!(run.stderr.starts_with("error: ") && run.stderr.contains("has no content/ folder"), "{run}");
    assert!(!site.exists("content"));
}

#[test]
fn new_reports_the_site_problems_after_creating_the_file() {
    let site = site().with("content/http/500.yml", "x");
    let run = site.run(&["new", "heroku/h12"]);
    run.assert_exit(1);
    assert!(site.exists("content/heroku/h12.md"));
    assert!(run.stderr.contains("\ncontent/http/500.yml: error: `.yml` files are not read\n"), "{run}");
}
