//! `faultline init`, the built-in theme, `completions`, and the states a new site owner
//! meets first: a folder that is not a site yet, placeholder text, unclosed quotes.

use crate::build::{broken_links, nu_html_check};
use crate::harness::{Site, faultline, themed_fixture, tree};
use std::path::Path;

/// `faultline init <site>/hub`, with the folder it made.
fn init(extra: &[&str]) -> (Site, std::path::PathBuf) {
    let site = Site::empty();
    let dir = site.path().join("hub");
    let mut args = vec!["init"];
    args.extend_from_slice(extra);
    args.push(dir.to_str().unwrap());
    let run = faultline(&args);
    run.assert_exit(0);
    (site, dir)
}

#[test]
fn init_writes_a_site_that_checks_and_says_what_to_run_next() {
    let site = Site::empty();
    let dir = site.path().join("hub");
    let run = faultline(&["init", dir.to_str().unwrap()]);
    run.assert_exit(0);
    let shown = dir.display();
    assert_eq!(
        run.stderr,
        format!(
            "wrote a new site into {shown} (9 files)\nchecked 3 entries and 1 comparison page: no problems found\nnext: cd {shown} && faultline serve\n"
        )
    );
    let files: Vec<String> = tree(&dir).into_keys().collect();
    assert_eq!(
        files,
        [
            ".gitignore",
            "content/_index.md",
            "content/acme/_index.md",
            "content/acme/e42.yaml",
            "content/compare/http-503-vs-http-504.md",
            "content/http/503.md",
            "content/http/504.md",
            "content/http/_index.md",
            "site.yaml"
        ]
    );
    assert_eq!(
        std::fs::read_to_string(dir.join(".gitignore")).unwrap(),
        "public/\n.public.faultline.lock\n.public.faultline-spare/\n.faultline-cache/\n"
    );
}

#[test]
fn a_site_made_by_init_builds_valid_pages_with_working_links_in_both_styles() {
    let (_site, dir) = init(&[]);
    for (flags, offline) in [(&[][..], false), (&["--offline"][..], true)] {
        let mut args = vec!["--root", dir.to_str().unwrap(), "build"];
        args.extend_from_slice(flags);
        let run = faultline(&args);
        run.assert_exit(0);
        assert!(run.stderr.contains("built 3 entries, 1 comparison page and "), "{run}");
        let out = dir.join("public");
        assert_eq!(broken_links(&out, offline), Vec::<String>::new(), "{flags:?}");
        for page in ["index.html", "http/503/index.html", "acme/e42/index.html", "http/service-unavailable/index.html"]
        {
            assert!(out.join(page).is_file(), "{page}");
        }
        nu_html_check(&out, &format!("init site {flags:?}"));
    }
}

#[test]
fn init_refuses_a_folder_that_is_not_empty_and_touches_nothing() {
    let site = Site::empty().with("notes.txt", "mine");
    let before = tree(site.path());
    let run = faultline(&["init", site.path().to_str().unwrap()]);
    run.assert_exit(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: {} is not empty (it holds `notes.txt`); faultline init writes a new site only into an empty or new folder\n  hint: run `faultline init NEW-FOLDER`\n",
            site.path().display()
        )
    );
    assert_eq!(tree(site.path()), before);
    // Not even the theme goes into a folder that is not a site.
    faultline(&["init", "--theme", site.path().to_str().unwrap()]).assert_exit(1);
    assert_eq!(tree(site.path()), before);
    // Nor a folder where a file is.
    let file = site.path().join("notes.txt");
    let run = faultline(&["init", file.to_str().unwrap()]);
    run.assert_exit(1);
    assert_eq!(run.stderr, format!("error: {} is a file, not a folder\n", file.display()));
}

#[test]
fn init_theme_copies_the_built_in_theme_which_then_replaces_it() {
    let (_site, dir) = init(&["--theme"]);
    let repository = tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"));
    assert_eq!(tree(&dir.join("themes/default")), repository, "the copy is the repository's theme, byte for byte");
    // The site's copy is what builds: a change to it reaches the pages.
    let base = dir.join("themes/default/templates/base.html");
    let text = std::fs::read_to_string(&base).unwrap();
    std::fs::write(&base, text.replacen("<body", "<body data-edited=\"yes\"", 1)).unwrap();
    faultline(&["--root", dir.to_str().unwrap(), "build"]).assert_exit(0);
    assert!(std::fs::read_to_string(dir.join("public/index.html")).unwrap().contains("data-edited=\"yes\""));
    // Asked again, it never overwrites.
    let run = faultline(&["init", "--theme", dir.to_str().unwrap()]);
    run.assert_exit(1);
    assert!(run.stderr.contains("already has themes/default/; faultline init --theme never overwrites"), "{run}");
}

#[test]
fn init_theme_in_an_existing_site_adds_only_the_theme() {
    let site = Site::fixture("clean");
    let before = tree(site.path());
    let run = site.run_here(&["init", "--theme"]);
    run.assert_exit(0);
    assert!(run.stderr.starts_with("wrote the built-in theme into . ("), "{run}");
    let after = tree(site.path());
    assert!(before.iter().all(|(path, bytes)| after.get(path) == Some(bytes)), "the site's files are untouched");
    assert!(after.keys().filter(|p| !before.contains_key(*p)).all(|p| p.starts_with("themes/default/")));
}

/// The binary carries the default theme: a site with no theme folder builds exactly what the
/// same site with the repository's `themes/default/` builds.
#[test]
fn a_site_without_a_theme_folder_builds_with_the_built_in_theme() {
    let bare = Site::fixture("clean");
    let themed = themed_fixture();
    bare.run(&["build"]).assert_exit(0);
    themed.run(&["build"]).assert_exit(0);
    assert_eq!(tree(&bare.path().join("public")), tree(&themed.path().join("public")));
}

#[test]
fn a_named_theme_needs_its_folder() {
    let site = Site::fixture("clean").with("site.yaml", "theme: dark\n");
    let run = site.run(&["build"]);
    run.assert_exit(1);
    assert_eq!(
        run.stderr,
        "error: the theme `dark` was not found: there is no folder themes/dark/\n  hint: create it, or remove `theme: dark` from site.yaml to use the built-in theme (`faultline init --theme` copies it into themes/default/ for editing)\n"
    );
}

#[test]
fn new_without_content_says_to_run_init() {
    let site = Site::empty();
    let run = site.run(&["new", "heroku/h12"]);
    run.assert_exit(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: {} has no content/ folder\n  hint: run `faultline init` to start a site there, or pass --root DIR\n",
            site.path().display()
        )
    );
}

#[test]
fn completions_name_every_command_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let run = faultline(&["completions", shell]);
        run.assert_exit(0);
        for command in ["build", "check", "serve", "new", "init", "search", "completions"] {
            assert!(run.stdout.contains(command), "{shell}: no `{command}` in\n{}", run.stdout);
        }
        assert!(run.stdout.contains("base-url") && run.stdout.contains("offline"), "{shell}");
    }
    faultline(&["completions", "powershell-ish"]).assert_exit(2);
}

#[test]
fn a_published_entry_with_new_placeholders_gets_warnings() {
    let site = Site::fixture("clean");
    site.run(&["new", "heroku/h16"]).assert_exit(0);
    let text = String::from_utf8(site.read("content/heroku/h16.md")).unwrap();
    site.write("content/heroku/h16.md", text.replace("draft: true", "draft: false"));
    let run = site.check();
    run.assert_exit(0);
    assert!(
        run.stderr.starts_with(
            "content/heroku/h16.md:4:10: warning: `summary` is still the placeholder `faultline new` wrote\n 4 | summary: What H16 means, in one sentence."
        ),
        "{run}"
    );
    assert!(run.stderr.contains("\n  hint: say in one sentence what H16 means; search results and lists show it\n"));
    assert!(run.stderr.contains(
        "content/heroku/h16.md:25:1: warning: the body is only the heading `faultline new` wrote\n 25 | ## What this means\n"
    ));
    assert!(run.stderr.ends_with("checked 10 entries (1 draft) and 3 comparison pages: 2 warnings\n"), "{run}");
    // A draft keeps its placeholders quietly.
    site.write("content/heroku/h16.md", text);
    assert!(!site.check().stderr.contains("warning"));
}

#[test]
fn an_unclosed_quote_is_reported_where_it_opened() {
    let site = Site::fixture("clean").with(
        "content/http/418.md",
        "---\ntitle: 418 I'm a teapot\ncode: \"418\nsummary: A joke status.\nupdated: 2026-01-01\nmessages: [\"418 I'm a teapot\"]\n---\nbody\n",
    );
    let run = site.check();
    run.assert_exit(1);
    assert!(
        run.stderr.starts_with(
            "content/http/418.md:3:7: error: invalid YAML: the quote opened here is not closed, so the YAML breaks at line 6: did not find expected key, while parsing a block mapping\n 3 | code: \"418\n   |       ^\n  hint: close it with a matching `\"` on the same line\n"
        ),
        "{run}"
    );
    let site = Site::fixture("clean").with(
        "content/http/418.md",
        "---\ntitle: 418 I'm a teapot\ncode: \"418\"\nsummary: A joke status.\ntags: [joke, teapot\nupdated: 2026-01-01\n---\nbody\n",
    );
    let run = site.check();
    assert!(
        run.stderr.starts_with(
            "content/http/418.md:5:7: error: invalid YAML: the `[` opened here is not closed, so the YAML breaks at line 6: did not find expected ',' or ']', while parsing a flow sequence\n"
        ),
        "{run}"
    );
    assert!(run.stderr.contains("  hint: close it with `]` after the list's last item\n"), "{run}");
}

#[test]
fn summaries_count_in_the_singular_and_plural() {
    let site = Site::empty()
        .with(
            "content/acme/e1.md",
            "---\ntitle: E1 failure\ncode: E1\nsummary: One thing failed.\ncompare: [acme/e2]\n---\n",
        )
        .with("content/acme/e2.md", "---\ntitle: E2 failure\ncode: E2\nsummary: Another thing failed.\n---\n");
    let run = site.check();
    assert_eq!(run.stderr, "checked 2 entries and 1 comparison page: no problems found\n", "{run}");
    let run = site.run(&["build"]);
    assert!(run.stderr.contains("\nbuilt 2 entries, 1 comparison page and "), "{run}");
    site.write(
        "content/acme/e2.md",
        "---\ntitle: E2 failure\ncode: E2\nsummary: Another thing failed.\ndraft: true\n---\n",
    );
    site.write("content/acme/e1.md", "---\ntitle: E1 failure\ncode: E1\nsummary: One thing failed.\n---\n");
    let run = site.check();
    assert_eq!(run.stderr, "checked 2 entries (1 draft) and 0 comparison pages: no problems found\n", "{run}");
    let run = site.run(&["build"]);
    assert!(run.stderr.contains("\nbuilt 1 entry, 0 comparison pages and "), "{run}");
}

#[test]
fn a_site_template_overrides_the_built_in_theme_by_name() {
    let site = Site::fixture("clean")
        .with("templates/404.html", "<!DOCTYPE html><title>Lost</title><p>Custom lost page</p>\n");
    site.run(&["build"]).assert_exit(0);
    assert_eq!(
        String::from_utf8(site.read("public/404.html")).unwrap(),
        "<!DOCTYPE html><title>Lost</title><p>Custom lost page</p>\n"
    );
    // The other templates are still the built-in ones.
    assert!(String::from_utf8(site.read("public/index.html")).unwrap().contains("rel=\"stylesheet\""));
}
