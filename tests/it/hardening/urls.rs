//! docs/content.md: a URL holding whitespace or a control character anywhere is an error, and only
//! http(s), mailto, relative, `#fragment` and `@/` links are allowed, judged as a browser
//! reads the URL. Every place a URL comes from, each way of hiding `javascript:`.

use crate::harness::{Diag, Site};

const NOT_ALLOWED: &str = "links may be http(s), mailto, relative, `#fragment` or `@/id` links";
const READ_AS_SCRIPT: &str = " (a browser would read it as a `javascript:` link)";
const NO_WHITESPACE: &str = "; URLs may not hold whitespace or control characters";

fn hidden(url: &str, what: &str, at: usize) -> String {
    format!("the URL `{url}` holds {what} at character {at}{READ_AS_SCRIPT}{NO_WHITESPACE}")
}

fn entry(code: &str, extra_front: &str, body: &str) -> String {
    format!("---\ntitle: Hostile {code}\ncode: {code}\nsummary: s\n{extra_front}---\n{body}")
}

#[test]
fn spec_url_refuses_every_way_of_hiding_a_scheme() {
    let cases = [
        // (YAML as written, message)
        (r#"" javascript:alert(1)""#, hidden(" javascript:alert(1)", "a space", 1), 27),
        (r#""\tjavascript:alert(1)""#, hidden("\\tjavascript:alert(1)", "a tab", 1), 26),
        (r#""java\tscript:alert(1)""#, hidden("java\\tscript:alert(1)", "a tab", 5), 26),
        (r#""java\nscript:alert(1)""#, hidden("java\\nscript:alert(1)", "a line break", 5), 26),
        (r#""\x01javascript:alert(1)""#, hidden("\\u{1}javascript:alert(1)", "the control character U+0001", 1), 26),
        (
            r#""data:text/html,x""#,
            "the link `data:text/html,x` uses the scheme `data:`, which is not allowed".into(),
            27,
        ),
        (
            r#""https://x.org/a b""#,
            format!("the URL `https://x.org/a b` holds a space at character 16{NO_WHITESPACE}"),
            27,
        ),
    ];
    let mut site = Site::fixture("clean");
    let mut expected = Vec::new();
    for (i, (yaml, message, column)) in cases.iter().enumerate() {
        let file = format!("content/acme/e{}.md", 70 + i);
        site = site.with(&file, entry(&format!("E{}", 70 + i), &format!("spec: {{ label: RFC, url: {yaml} }}\n"), ""));
        expected.push(Diag::error(&file, (5, *column), message, Some("use an http(s) URL")));
    }
    site.assert_reports(&expected);
}

#[test]
fn markdown_targets_refuse_every_way_of_hiding_a_scheme() {
    let cases = [
        // (body, (line, column), message)
        ("[a](< javascript:alert(1)>)\n", (7, 6), hidden(" javascript:alert(1)", "a space", 1)),
        ("text\n\n[a](java&#9;script:alert(1))\n", (9, 1), hidden("java\\tscript:alert(1)", "a tab", 5)),
        ("[a](java&#10;script:alert(1))\n", (7, 1), hidden("java\\nscript:alert(1)", "a line break", 5)),
        (
            "![a](&#1;javascript:alert(1))\n",
            (7, 1),
            hidden("\\u{1}javascript:alert(1)", "the control character U+0001", 1),
        ),
        (
            "![i](data:text/html,x)\n",
            (7, 6),
            "the link `data:text/html,x` uses the scheme `data:`, which is not allowed".into(),
        ),
        (
            "see <javascript:alert(1)>\n",
            (7, 6),
            "the link `javascript:alert(1)` uses the scheme `javascript:`, which is not allowed".into(),
        ),
        ("[used][r]\n\n[r]: java&#9;script:alert(1)\n", (9, 1), hidden("java\\tscript:alert(1)", "a tab", 5)),
        ("[unused]: &#32;javascript:alert(1)\n", (7, 1), hidden(" javascript:alert(1)", "a space", 1)),
    ];
    let mut site = Site::fixture("clean");
    let mut expected = Vec::new();
    for (i, (body, at, message)) in cases.iter().enumerate() {
        let file = format!("content/acme/e{}.md", 80 + i);
        site = site.with(&file, entry(&format!("E{}", 80 + i), "", &format!("\n{body}")));
        expected.push(Diag::error(&file, *at, message, Some(NOT_ALLOWED)));
    }
    site.assert_reports(&expected);
}

#[test]
fn markdown_fields_and_prose_pages_refuse_hidden_schemes() {
    let site = Site::fixture("clean")
        .with(
            "content/acme/e90.yaml",
            "title: T\ncode: E90\nsummary: \"see [x](java&#9;script:alert(1))\"\nbody: |\n  [y](< javascript:alert(2)>)\n",
        )
        .with("content/_index.md", "---\ntitle: Home\n---\nSee [z](< javascript:alert(3)>).\n");
    site.assert_reports(&[
        Diag::error("content/_index.md", (4, 10), &hidden(" javascript:alert(3)", "a space", 1), None),
        Diag::error("content/acme/e90.yaml", (3, 1), &hidden("java\\tscript:alert(1)", "a tab", 5), Some(NOT_ALLOWED)),
        Diag::error("content/acme/e90.yaml", (5, 8), &hidden(" javascript:alert(2)", "a space", 1), Some(NOT_ALLOWED)),
    ]);
}

#[test]
fn site_yaml_urls_refuse_whitespace_and_controls() {
    let site = Site::fixture("clean").with(
        "site.yaml",
        "base_url: \" https://errors.example.com/\"\nedit_url: \"java\\tscript:alert(1)//{path}\"\npropose_url: \"\\x01javascript:x{content}\"\n",
    );
    site.assert_reports(&[
        Diag::error(
            "site.yaml",
            (1, 12),
            &format!("`base_url`: the URL ` https://errors.example.com/` holds a space at character 1{NO_WHITESPACE}"),
            None,
        ),
        Diag::error(
            "site.yaml",
            (2, 11),
            &format!("`edit_url`: {}", hidden("java\\tscript:alert(1)//{path}", "a tab", 5)),
            None,
        ),
        Diag::error(
            "site.yaml",
            (3, 14),
            &format!("`propose_url`: {}", hidden("\\u{1}javascript:x{content}", "the control character U+0001", 1)),
            None,
        ),
    ]);
}

#[test]
fn base_url_flag_refuses_whitespace() {
    let site = crate::harness::themed_fixture();
    let out = site.path().join("out");
    let run = site.run(&["build", "--out", out.to_str().unwrap(), "--base-url", "https://x.org/\tjavascript:alert(1)"]);
    run.assert_exit(1);
    assert!(
        run.stderr.contains("--base-url: the URL `https://x.org/\\tjavascript:alert(1)` holds a tab at character 15"),
        "{run}"
    );
}

#[test]
fn tricky_but_allowed_urls_pass() {
    let body = "[a](javascript%3Aalert(1)) [b](./javascript:alert(1)) [c](#javascript:alert(1)) \
                [d](HTTPS://x.org/) [e](mailto:a@b.c?body=javascript:alert(1)) <https://x.org/?q=javascript:1>\n";
    Site::fixture("clean")
        .with(
            "content/acme/e91.md",
            entry("E91", "spec: { label: RFC, url: \"https://x.org/?javascript:alert(1)\" }\n", body),
        )
        .assert_clean();
}
