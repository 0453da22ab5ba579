//! `faultline check` on bad input: one case per kind of problem, each asserting the exit
//! status, the file, line and column, the message and the hint, in JSON and in text.

use crate::harness::{Diag, Site};

/// The first four lines of a valid `content/http/500.md`; a case adds lines from line 5.
const HTTP_500: &str = "---\ntitle: 500 Internal Server Error\ncode: \"500\"\nsummary: The server failed.\n";

/// The first four lines of a valid `content/acme/e5.md`, a non-http entry.
const ACME_E5: &str = "---\ntitle: \"E5: out of quota\"\ncode: E5\nsummary: The quota ran out.\n";

fn clean_with(path: &str, text: impl AsRef<[u8]>) -> Site {
    Site::fixture("clean").with(path, text)
}

fn only(mut diagnostics: Vec<Diag>) -> Diag {
    assert_eq!(diagnostics.len(), 1, "expected one diagnostic: {diagnostics:#?}");
    diagnostics.remove(0)
}

const QUOTE_HINT: &str =
    "a value that contains `: ` must be quoted, for example `summary: \"Error: the upstream closed\"`";
const FRONT_MATTER_HINT: &str =
    "start the file with a line `---`, then the YAML fields (title, code, summary), then another `---`";
const LINK_HINT: &str = "links may be http(s), mailto, relative, `#fragment` or `@/id` links";
const DRAFT_HINT: &str = "publish content/heroku/h12.md (remove `draft: true`) or build with --drafts";

// Syntax and file shape.

#[test]
fn reports_a_yaml_syntax_error_with_a_quoting_hint() {
    let text = "---\ntitle: 500\ncode: \"500\"\nsummary: Error: the upstream closed\n---\n";
    clean_with("content/http/500.md", text).assert_reports(&[Diag::error(
        "content/http/500.md",
        (4, 15),
        "invalid YAML: mapping values are not allowed in this context",
        Some(QUOTE_HINT),
    )]);
}

#[test]
fn reports_an_unclosed_flow_list_where_it_opened() {
    clean_with("content/http/500.md", format!("{HTTP_500}tags: [proxy, upstream\n---\n")).assert_reports(&[
        Diag::error(
            "content/http/500.md",
            (5, 7),
            "invalid YAML: the `[` opened here is not closed, so the YAML breaks at line 6: did not find expected ',' or ']', while parsing a flow sequence",
            Some("close it with `]` after the list's last item"),
        ),
    ]);
}

#[test]
fn reports_an_empty_markdown_file_as_missing_front_matter() {
    clean_with("content/http/500.md", "").assert_reports(&[Diag::error(
        "content/http/500.md",
        (1, 1),
        "the file does not start with front matter",
        Some(FRONT_MATTER_HINT),
    )]);
}

#[test]
fn reports_an_empty_yaml_file() {
    clean_with("content/acme/e5.yaml", "").assert_reports(&[Diag::error(
        "content/acme/e5.yaml",
        (1, 1),
        "the file is empty",
        Some("an entry needs at least `title`, `code` and `summary`"),
    )]);
}

#[test]
fn reports_empty_front_matter() {
    clean_with("content/http/500.md", "---\n---\nSome text.\n").assert_reports(&[Diag::error(
        "content/http/500.md",
        (1, 1),
        "the front matter is empty",
        Some("an entry needs at least `title`, `code` and `summary`"),
    )]);
}

#[test]
fn reports_missing_front_matter() {
    let text = "title: 500 Internal Server Error\ncode: \"500\"\nsummary: The server failed.\n";
    clean_with("content/http/500.md", text).assert_reports(&[Diag::error(
        "content/http/500.md",
        (1, 1),
        "the file does not start with front matter",
        Some(FRONT_MATTER_HINT),
    )]);
}

#[test]
fn reports_unclosed_front_matter() {
    clean_with("content/http/500.md", format!("{HTTP_500}## Body\n")).assert_reports(&[Diag::error(
        "content/http/500.md",
        (1, 1),
        "the front matter is not closed",
        Some("end the YAML fields with a line holding only `---`"),
    )]);
}

#[test]
fn reports_front_matter_that_is_not_a_mapping() {
    clean_with("content/http/500.md", "---\n- title\n- code\n---\n").assert_reports(&[Diag::error(
        "content/http/500.md",
        (1, 1),
        "an entry must be a mapping of fields",
        Some("write `key: value` lines, such as `title: 502 Bad Gateway`"),
    )]);
}

#[test]
fn reports_a_file_that_is_not_utf8_with_its_line_and_column() {
    let mut bytes = format!("{HTTP_500}---\nbad ").into_bytes();
    bytes.extend(b"\xff byte\n");
    clean_with("content/http/500.md", bytes).assert_reports(&[Diag::error(
        "content/http/500.md",
        (6, 5),
        "the file is not UTF-8 text (invalid byte 0xff)",
        Some("save the file as UTF-8"),
    )]);
}

#[test]
fn positions_in_a_bom_and_crlf_file_count_lines_and_columns_as_written() {
    let text = "\u{feff}---\r\ntitle: x\r\ncode: \"500\"\r\nsummary: s\r\nsumary: t\r\n---\r\n";
    let site = clean_with("content/http/500.md", text);
    site.assert_reports(&[Diag::error(
        "content/http/500.md",
        (5, 1),
        "unknown field `sumary`",
        Some("did you mean `summary`?"),
    )]);
    let run = site.check();
    assert!(run.stderr.contains("\n 5 | sumary: t\n   | ^^^^^^\n"), "the snippet keeps no \\r:\n{run}");
}

#[test]
fn a_bom_and_crlf_site_yaml_is_read() {
    let site = Site::fixture("clean").with("site.yaml", "\u{feff}title: CRLF\r\nrelated_limit: 4\r\n");
    site.assert_clean();
}

#[test]
fn refuses_a_file_over_one_megabyte() {
    let mut text = format!("{HTTP_500}---\n").into_bytes();
    text.resize(2 * 1024 * 1024, b'a');
    clean_with("content/http/500.md", text).assert_reports(&[Diag::file_error(
        "content/http/500.md",
        "the file is 2097152 bytes; files under content/ may be at most 1 MB (1048576 bytes)",
        Some("split the entry, or move large assets to static/"),
    )]);
}

#[test]
fn accepts_a_file_of_exactly_one_megabyte_and_refuses_one_byte_more() {
    let mut text = format!("{HTTP_500}---\n").into_bytes();
    text.resize(1024 * 1024 - 1, b'a');
    text.push(b'\n');
    let site = clean_with("content/http/500.md", &text);
    site.assert_clean();
    text.push(b'\n');
    site.write("content/http/500.md", &text);
    let d = only(site.diagnostics());
    assert_eq!((d.file.as_deref(), d.line), (Some("content/http/500.md"), None));
    assert!(d.message.starts_with("the file is "), "{d:?}");
    assert_eq!(d.message, "the file is 1048577 bytes; files under content/ may be at most 1 MB (1048576 bytes)");
}

#[test]
fn refuses_a_50_mb_file_quickly_without_reading_it() {
    let site = Site::fixture("clean");
    let file = std::fs::File::create(site.path().join("content/http/500.md")).expect("create the file");
    file.set_len(50 * 1024 * 1024).expect("grow the file");
    let run = site.check();
    run.assert_exit(1);
    assert!(run.elapsed < std::time::Duration::from_secs(10), "took {:?}", run.elapsed);
    site.assert_reports(&[Diag::file_error(
        "content/http/500.md",
        "the file is 52428800 bytes; files under content/ may be at most 1 MB (1048576 bytes)",
        Some("split the entry, or move large assets to static/"),
    )]);
}

// Fields.

#[test]
fn reports_an_unknown_field_with_did_you_mean() {
    let text = "---\ntitel: 500 Internal Server Error\ncode: \"500\"\nsummary: The server failed.\n---\n";
    clean_with("content/http/500.md", text).assert_reports(&[
        Diag::error(
            "content/http/500.md",
            (1, 1),
            "the required field `title` is missing",
            Some("add a title, such as `title: 502 Bad Gateway`"),
        ),
        Diag::error("content/http/500.md", (2, 1), "unknown field `titel`", Some("did you mean `title`?")),
    ]);
}

#[test]
fn reports_an_empty_key_instead_of_hanging() {
    let site = clean_with("content/http/500.md", format!("{HTTP_500}\"\": x\n---\n"));
    let d = only(site.diagnostics());
    assert_eq!((d.file.as_deref(), d.line), (Some("content/http/500.md"), Some(5)), "{d:?}");
}

#[test]
fn reports_a_key_that_is_not_text() {
    let d = only(clean_with("content/http/500.md", format!("{HTTP_500}1: x\n---\n")).diagnostics());
    assert_eq!((d.file.as_deref(), d.message.as_str()), (Some("content/http/500.md"), "the key `1` is not text"));
}

#[test]
fn reports_an_unknown_field_without_a_close_name() {
    clean_with("content/http/500.md", format!("{HTTP_500}colour: red\n---\n")).assert_reports(&[Diag::error(
        "content/http/500.md",
        (5, 1),
        "unknown field `colour`",
        Some("faultline's docs/content.md lists the fields an entry takes"),
    )]);
}

#[test]
fn reports_an_unknown_nested_field_in_a_flow_mapping() {
    let text = format!("{HTTP_500}causes:\n  - {{ title: Crash, detial: Exits. }}\n---\n");
    clean_with("content/http/500.md", text).assert_reports(&[Diag::error(
        "content/http/500.md",
        (6, 21),
        "unknown field `detial` in `causes`",
        Some("did you mean `detail`?"),
    )]);
}

#[test]
fn reports_an_unknown_nested_field_in_a_block_mapping() {
    let text = format!("{HTTP_500}steps:\n  - title: Restart\n    tipp: Use systemctl.\n---\n");
    clean_with("content/http/500.md", text).assert_reports(&[Diag::error(
        "content/http/500.md",
        (7, 5),
        "unknown field `tipp` in `steps`",
        Some("did you mean `tip`?"),
    )]);
}

#[test]
fn reports_body_in_markdown_front_matter() {
    clean_with("content/http/500.md", format!("{HTTP_500}body: Text.\n---\n")).assert_reports(&[Diag::error(
        "content/http/500.md",
        (5, 1),
        "`body` is not a front-matter field in a Markdown entry",
        Some("write the body as Markdown after the closing `---`"),
    )]);
}

#[test]
fn reports_a_missing_required_field() {
    clean_with("content/http/500.md", "---\ntitle: 500\ncode: \"500\"\n---\n").assert_reports(&[Diag::error(
        "content/http/500.md",
        (1, 1),
        "the required field `summary` is missing",
        Some("add a one-sentence summary of what the error means"),
    )]);
}

#[test]
fn reports_an_empty_required_field_at_its_key() {
    clean_with("content/http/500.md", "---\ntitle: 500\ncode: \"500\"\nsummary: \"\"\n---\n").assert_reports(&[
        Diag::error(
            "content/http/500.md",
            (4, 1),
            "`summary` is empty",
            Some("add a one-sentence summary of what the error means"),
        ),
    ]);
}

#[test]
fn reports_a_cause_without_a_title() {
    let text = format!("{HTTP_500}causes:\n  - {{ detail: Exits. }}\n---\n");
    clean_with("content/http/500.md", text).assert_reports(&[Diag::error(
        "content/http/500.md",
        (5, 1),
        "cause 1 has no `title`",
        Some("each cause needs `title`; `detail` and `likelihood` are optional"),
    )]);
}

#[test]
fn reports_a_bad_likelihood_at_the_value_with_the_allowed_values_and_a_hint() {
    let text = format!("{HTTP_500}causes:\n  - {{ title: Crash, likelihood: often }}\n---\n");
    let site = clean_with("content/http/500.md", text);
    let d = only(site.diagnostics());
    assert_eq!((d.file.as_deref(), d.line, d.column), (Some("content/http/500.md"), Some(6), Some(33)));
    for word in ["`often`", "high", "medium", "low"] {
        assert!(d.message.contains(word), "the message names {word}: {d:?}");
    }
    // docs/cli.md: every diagnostic ends with a `hint:` line.
    assert!(d.hint.is_some(), "a bad likelihood has no hint: {d:?}");
}

#[test]
fn reports_an_updated_date_that_does_not_exist() {
    clean_with("content/http/500.md", format!("{HTTP_500}updated: 2026-02-30\n---\n")).assert_reports(&[Diag::error(
        "content/http/500.md",
        (5, 10),
        "`updated` is `2026-02-30`, which is not a real date written YYYY-MM-DD",
        Some("for example `updated: 2026-04-20`"),
    )]);
}

#[test]
fn reports_status_out_of_range_with_a_hint() {
    let site = clean_with("content/acme/e5.md", format!("{ACME_E5}status: 600\n---\n"));
    let d = only(site.diagnostics());
    assert_eq!(
        (d.file.as_deref(), d.line, d.column, d.message.as_str()),
        (Some("content/acme/e5.md"), Some(5), Some(9), "`status` 600 is not an HTTP status from 100 to 599")
    );
    assert!(d.hint.is_some(), "status out of range has no hint: {d:?}");
}

#[test]
fn reports_a_status_too_big_for_any_http_status_as_out_of_range() {
    for status in ["70000", "-1"] {
        let site = clean_with("content/acme/e5.md", format!("{ACME_E5}status: {status}\n---\n"));
        let d = only(site.diagnostics());
        assert_eq!(
            (d.file.as_deref(), d.line, d.column, d.message.as_str()),
            (
                Some("content/acme/e5.md"),
                Some(5),
                Some(9),
                format!("`status` {status} is not an HTTP status from 100 to 599").as_str()
            )
        );
    }
}

#[test]
fn reports_iana_on_a_non_http_entry() {
    clean_with("content/acme/e5.md", format!("{ACME_E5}iana: assigned\n---\n")).assert_reports(&[Diag::error(
        "content/acme/e5.md",
        (5, 1),
        "`iana` applies only to http entries",
        Some("remove it; use `status` for the HTTP status this error produces"),
    )]);
}

#[test]
fn reports_status_on_an_http_entry() {
    clean_with("content/http/500.md", format!("{HTTP_500}status: 500\n---\n")).assert_reports(&[Diag::error(
        "content/http/500.md",
        (5, 1),
        "`status` applies only to non-http entries",
        Some("an http entry's status is its code; remove `status`"),
    )]);
}

#[test]
fn reports_an_http_code_that_does_not_match_the_file_name() {
    let text = "---\ntitle: 500\ncode: \"501\"\nsummary: The server failed.\n---\n";
    clean_with("content/http/500.md", text).assert_reports(&[Diag::error(
        "content/http/500.md",
        (3, 8),
        "the code `501` does not match the file name `500`",
        Some("an http entry's file is named after its code: `code: \"500\"` or rename the file"),
    )]);
}

#[test]
fn reports_an_http_entry_named_after_no_http_status() {
    let text = "---\ntitle: 999\ncode: \"999\"\nsummary: Not a status.\n---\n";
    clean_with("content/http/999.md", text).assert_reports(&[Diag::error(
        "content/http/999.md",
        (3, 8),
        "`999` is not an HTTP status from 100 to 599",
        Some("http entries are named after their status code, such as content/http/502.md"),
    )]);
}

#[test]
fn reports_an_http_file_name_with_a_leading_zero() {
    // http/0502 would be a second page for status 502 beside http/502.
    let text = "---\ntitle: 502 again\ncode: \"0502\"\nsummary: A second 502.\n---\n";
    let site = clean_with("content/http/0502.md", text);
    let diagnostics = site.diagnostics();
    assert!(ids_of(&diagnostics).contains(&"content/http/0502.md"), "http/0502 is accepted: {diagnostics:#?}");
}

fn ids_of(diagnostics: &[Diag]) -> Vec<&str> {
    diagnostics.iter().filter_map(|d| d.file.as_deref()).collect()
}

#[test]
fn reports_an_upper_case_tag_with_its_lowercase_form() {
    clean_with("content/http/500.md", format!("{HTTP_500}tags: [Proxy, upstream]\n---\n")).assert_reports(&[
        Diag::error(
            "content/http/500.md",
            (5, 8),
            "the tag `Proxy` must start with a lowercase letter or a digit",
            Some("write it as `proxy`"),
        ),
    ]);
}

#[test]
fn reports_a_duplicate_tag_at_the_repeat() {
    clean_with("content/http/500.md", format!("{HTTP_500}tags: [proxy, upstream, upstream]\n---\n")).assert_reports(&[
        Diag::error("content/http/500.md", (5, 25), "the tag `upstream` is listed twice", Some("remove the repeat")),
    ]);
}

#[test]
fn reports_a_javascript_url_in_spec() {
    let text = format!("{HTTP_500}spec: {{ label: RFC, url: \"javascript:alert(1)\" }}\n---\n");
    clean_with("content/http/500.md", text).assert_reports(&[Diag::error(
        "content/http/500.md",
        (5, 27),
        "the link `javascript:alert(1)` uses the scheme `javascript:`, which is not allowed",
        Some("use an http(s) URL"),
    )]);
}

// References and links.

#[test]
fn reports_missing_related_id_with_closest_hint() {
    clean_with("content/http/500.md", format!("{HTTP_500}related: [htpp/504]\n---\n")).assert_reports(&[Diag::error(
        "content/http/500.md",
        (5, 11),
        "`related` names `htpp/504`, which does not exist",
        Some("did you mean `http/504`?"),
    )]);
}

#[test]
fn reports_missing_compare_id_with_closest_hint() {
    clean_with("content/http/500.md", format!("{HTTP_500}compare: [heroku/h1o]\n---\n")).assert_reports(&[
        Diag::error(
            "content/http/500.md",
            (5, 11),
            "`compare` names `heroku/h1o`, which does not exist",
            Some("did you mean `heroku/h10`?"),
        ),
    ]);
}

#[test]
fn reports_a_listed_id_that_is_not_an_id() {
    clean_with("content/http/500.md", format!("{HTTP_500}related: [heroku/H10]\n---\n")).assert_reports(&[
        Diag::error(
            "content/http/500.md",
            (5, 11),
            "`related` lists in id `heroku/H10`, the segment `H10` must start with a lowercase letter or a digit",
            Some("ids are paths under content/ without extension, such as `http/504`"),
        ),
    ]);
}

#[test]
fn points_at_the_missing_id_not_at_an_earlier_id_that_contains_it() {
    clean_with("content/http/500.md", format!("{HTTP_500}related: [http/502, http/50]\n---\n")).assert_reports(&[
        Diag::error(
            "content/http/500.md",
            (5, 21),
            "`related` names `http/50`, which does not exist",
            Some("did you mean `http/500`?"),
        ),
    ]);
}

#[test]
fn reports_related_naming_the_entry_itself() {
    clean_with("content/http/500.md", format!("{HTTP_500}related: [http/500]\n---\n")).assert_reports(&[Diag::error(
        "content/http/500.md",
        (5, 11),
        "`related` names the entry itself",
        Some("remove it"),
    )]);
}

#[test]
fn reports_a_published_entry_linking_to_a_draft() {
    let text = format!("{HTTP_500}related: [heroku/h12]\ncompare: [heroku/h12]\n---\nSee [H12](@/heroku/h12).\n");
    clean_with("content/http/500.md", text).assert_reports(&[
        Diag::error("content/http/500.md", (5, 11), "`related` names `heroku/h12`, which is a draft", Some(DRAFT_HINT)),
        Diag::error("content/http/500.md", (6, 11), "`compare` names `heroku/h12`, which is a draft", Some(DRAFT_HINT)),
        Diag::error(
            "content/http/500.md",
            (8, 11),
            "the link `@/heroku/h12` names `heroku/h12`, which is a draft",
            Some(DRAFT_HINT),
        ),
    ]);
}

#[test]
fn a_draft_may_link_to_another_draft() {
    let text = format!("{HTTP_500}related: [heroku/h12]\ndraft: true\n---\nSee [H12](@/heroku/h12#faq).\n");
    clean_with("content/http/500.md", text).assert_clean();
}

#[test]
fn reports_a_prose_page_linking_to_a_draft() {
    let text = "---\ntitle: HTTP\n---\nSee [H12](@/heroku/h12).\n";
    clean_with("content/http/_index.md", text).assert_reports(&[Diag::error(
        "content/http/_index.md",
        (4, 11),
        "the link `@/heroku/h12` names `heroku/h12`, which is a draft",
        Some(DRAFT_HINT),
    )]);
}

#[test]
fn reports_a_link_to_an_unknown_fragment_with_the_closest_anchor() {
    let text = format!("{HTTP_500}---\nSee [504](@/http/504#cuases).\n");
    clean_with("content/http/500.md", text).assert_reports(&[Diag::error(
        "content/http/500.md",
        (6, 11),
        "the link `@/http/504#cuases`: `http/504` has no anchor `#cuases`",
        Some("did you mean `causes`?"),
    )]);
}

#[test]
fn reports_a_link_to_an_unknown_id_in_a_front_matter_field() {
    let text = format!("{HTTP_500}client_action: See [504](@/http/5o4).\n---\n");
    clean_with("content/http/500.md", text).assert_reports(&[Diag::error(
        "content/http/500.md",
        (5, 26),
        "the link `@/http/5o4` names `http/5o4`, which does not exist",
        Some("did you mean `http/504`?"),
    )]);
}

#[test]
fn reports_a_javascript_link_in_the_body() {
    let text = format!("{HTTP_500}---\n[x](javascript:alert(1))\n");
    clean_with("content/http/500.md", text).assert_reports(&[Diag::error(
        "content/http/500.md",
        (6, 5),
        "the link `javascript:alert(1)` uses the scheme `javascript:`, which is not allowed",
        Some(LINK_HINT),
    )]);
}

#[test]
fn reports_a_data_link_in_a_front_matter_field() {
    let text = format!("{HTTP_500}fastest_fix:\n  - \"Open [this](data:text/html,x).\"\n---\n");
    clean_with("content/http/500.md", text).assert_reports(&[Diag::error(
        "content/http/500.md",
        (6, 18),
        "the link `data:text/html,x` uses the scheme `data:`, which is not allowed",
        Some(LINK_HINT),
    )]);
}

#[test]
fn reports_a_redirect_already_taken_by_another_entry() {
    clean_with("content/http/500.md", format!("{HTTP_500}redirect_from: [heroku/app-crashed]\n---\n")).assert_reports(
        &[Diag::error(
            "content/http/500.md",
            (5, 17),
            "`redirect_from` lists `heroku/app-crashed`, which content/heroku/h10.md also redirects",
            Some("an old id can lead to only one entry"),
        )],
    );
}

#[test]
fn reports_a_redirect_from_an_existing_entry() {
    clean_with("content/http/500.md", format!("{HTTP_500}redirect_from: [http/502]\n---\n")).assert_reports(&[
        Diag::error(
            "content/http/500.md",
            (5, 17),
            "`redirect_from` lists `http/502`, which is an existing entry",
            Some("an old id can lead to only one entry"),
        ),
    ]);
}

#[test]
fn a_file_that_fails_to_parse_is_still_an_existing_id() {
    // http/503 is named by heroku/h10 (related, compare) and http/502 (compare).
    let site = clean_with("content/http/503.md", "---\ntitle: [oops\n---\n");
    site.assert_reports(&[Diag::error(
        "content/http/503.md",
        (2, 8),
        "invalid YAML: the `[` opened here is not closed, so the YAML breaks at line 3: did not find expected ',' or ']', while parsing a flow sequence",
        Some("close it with `]` after the list's last item"),
    )]);
    let mut bytes = b"---\ntitle: \xff\n".to_vec();
    bytes.extend(b"---\n");
    site.write("content/http/503.md", bytes);
    site.assert_reports(&[Diag::error(
        "content/http/503.md",
        (2, 8),
        "the file is not UTF-8 text (invalid byte 0xff)",
        Some("save the file as UTF-8"),
    )]);
}

#[test]
fn reports_two_files_with_the_same_id() {
    let yaml = "title: 502 Bad Gateway\ncode: \"502\"\nsummary: A proxy got a bad answer.\n";
    clean_with("content/http/502.yaml", yaml).assert_reports(&[Diag::file_error(
        "content/http/502.yaml",
        "`http/502` is defined twice, here and in content/http/502.md",
        Some("keep one of the two files"),
    )]);
}

#[test]
fn reports_a_duplicate_id_naming_the_other_file_when_the_first_is_broken() {
    let site = Site::fixture("clean")
        .with("content/http/500.md", "---\ntitle: [oops\n---\n")
        .with("content/http/500.yaml", "title: 500\ncode: \"500\"\nsummary: The server failed.\n");
    let diagnostics = site.diagnostics();
    let twice: Vec<&Diag> = diagnostics.iter().filter(|d| d.message.contains("defined twice")).collect();
    assert_eq!(twice.len(), 1, "{diagnostics:#?}");
    assert_eq!(twice[0].message, "`http/500` is defined twice, here and in content/http/500.md");
    assert_eq!(twice[0].file.as_deref(), Some("content/http/500.yaml"));
}

#[test]
fn reports_a_duplicate_id_when_the_second_file_is_broken() {
    let site = Site::fixture("clean")
        .with("content/http/500.md", format!("{HTTP_500}---\n"))
        .with("content/http/500.yaml", "title: [oops\n");
    let diagnostics = site.diagnostics();
    assert!(
        diagnostics.iter().any(|d| d.message == "`http/500` is defined twice, here and in content/http/500.md"),
        "{diagnostics:#?}"
    );
}

// Layout of content/.

#[test]
fn reports_a_yml_file_with_a_rename_hint() {
    clean_with("content/http/500.yml", "title: x\n").assert_reports(&[Diag::file_error(
        "content/http/500.yml",
        "`.yml` files are not read",
        Some("rename it to `500.yaml`"),
    )]);
}

#[test]
fn reports_an_image_under_content_with_a_static_hint() {
    clean_with("content/http/diagram.png", b"\x89PNG\r\n\x1a\n").assert_reports(&[Diag::file_error(
        "content/http/diagram.png",
        "only `.md` and `.yaml` entries belong under content/",
        Some("put images and other files in static/, which is copied to the site as it is"),
    )]);
}

#[test]
fn reports_an_entry_at_the_content_root() {
    clean_with("content/500.md", format!("{HTTP_500}---\n")).assert_reports(&[Diag::file_error(
        "content/500.md",
        "this entry is not inside a source folder",
        Some("entries live exactly one folder deep: move it to content/<source>/500.md"),
    )]);
}

#[test]
fn reports_a_folder_nested_too_deep() {
    clean_with("content/http/old/500.md", format!("{HTTP_500}---\n")).assert_reports(&[Diag::file_error(
        "content/http/old",
        "this folder is nested too deep: entries live exactly one folder deep",
        Some("move its files into content/http/ or another source folder, as content/<source>/<name>.md"),
    )]);
}

#[test]
fn reports_a_folder_nested_40_deep_once() {
    let deep = format!("content/http/{}500.md", "d/".repeat(40));
    clean_with(&deep, format!("{HTTP_500}---\n")).assert_reports(&[Diag::file_error(
        "content/http/d",
        "this folder is nested too deep: entries live exactly one folder deep",
        Some("move its files into content/http/ or another source folder, as content/<source>/<name>.md"),
    )]);
}

const SYMLINK: &str = "this is a symbolic link, which faultline does not follow";
const SYMLINK_HINT: &str = "replace the link with the file or folder itself";

#[test]
fn reports_a_symlinked_entry_without_following_it() {
    let site = Site::fixture("clean").with_symlink("content/acme/e7.md", "../http/502.md");
    site.assert_reports(&[Diag::file_error("content/acme/e7.md", SYMLINK, Some(SYMLINK_HINT))]);
    // Not followed: acme/e7 is no entry.
    let text = format!("{HTTP_500}related: [acme/e7]\n---\n");
    site.write("content/http/500.md", text);
    let diagnostics = site.diagnostics();
    assert!(
        diagnostics.iter().any(|d| d.message == "`related` names `acme/e7`, which does not exist"),
        "{diagnostics:#?}"
    );
}

#[test]
fn reports_a_symlink_loop_without_following_it() {
    Site::fixture("clean").with_symlink("content/acme/loop", "loop").with_symlink("content/up", "..").assert_reports(
        &[
            Diag::file_error("content/acme/loop", SYMLINK, Some(SYMLINK_HINT)),
            Diag::file_error("content/up", SYMLINK, Some(SYMLINK_HINT)),
        ],
    );
}

#[test]
fn reports_an_upper_case_file_name_with_the_slug() {
    clean_with("content/heroku/H14.md", format!("{HTTP_500}---\n")).assert_reports(&[Diag::file_error(
        "content/heroku/H14.md",
        "the file name `H14` is not a valid id segment: it must start with a lowercase letter or a digit",
        Some("rename it to `h14.md`"),
    )]);
}

#[test]
fn reports_a_file_name_with_spaces_with_the_slug() {
    clean_with("content/heroku/Request Timeout.yaml", "title: x\n").assert_reports(&[Diag::file_error(
        "content/heroku/Request Timeout.yaml",
        "the file name `Request Timeout` is not a valid id segment: it must start with a lowercase letter or a digit",
        Some("rename it to `request-timeout.yaml`"),
    )]);
}

#[test]
fn suggests_a_usable_name_for_a_non_ascii_file_name() {
    let site = clean_with("content/http/ü.md", format!("{HTTP_500}---\n"));
    let d = only(site.diagnostics());
    assert_eq!(d.file.as_deref(), Some("content/http/ü.md"));
    assert_ne!(d.hint.as_deref(), Some("rename it to `.md`"), "the hint suggests a name with no stem: {d:?}");
}

#[test]
fn reports_the_reserved_tags_folder() {
    clean_with("content/tags/proxy.md", format!("{HTTP_500}---\n")).assert_reports(&[Diag::file_error(
        "content/tags",
        "`tags` is reserved for generated pages and cannot be a source",
        Some("rename the folder, for example to `tags-errors`"),
    )]);
}

#[test]
fn reports_an_upper_case_source_folder() {
    clean_with("content/Heroku/h14.md", format!("{HTTP_500}---\n")).assert_reports(&[Diag::file_error(
        "content/Heroku",
        "the source folder name `Heroku` must start with a lowercase letter or a digit",
        Some("rename it to `heroku`"),
    )]);
}

#[test]
fn ignores_names_starting_with_underscore_or_dot() {
    Site::fixture("clean")
        .with("content/http/_notes.md", "not an entry")
        .with("content/http/.502.md.swp", b"\x00\xff")
        .with("content/.git/config", "x")
        .assert_clean();
}

#[test]
fn reports_a_named_pipe_instead_of_waiting_on_it() {
    let site = Site::fixture("clean");
    let fifo = site.path().join("content/http/500.md");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("run mkfifo");
    assert!(made.success());
    let d = only(site.diagnostics());
    assert_eq!(d.file.as_deref(), Some("content/http/500.md"), "{d:?}");
}

// Comparison prose.

#[test]
fn reports_comparison_prose_for_a_pair_nobody_forms() {
    clean_with("content/compare/http-404-vs-http-502.md", "Prose.\n").assert_reports(&[Diag::file_error(
        "content/compare/http-404-vs-http-502.md",
        "no entry forms the comparison `http-404-vs-http-502`",
        Some("did you mean `http-502-vs-http-503.md`? Otherwise add the other id to one entry's `compare` list"),
    )]);
}

#[test]
fn reports_comparison_prose_named_in_the_reversed_order() {
    clean_with("content/compare/http-503-vs-http-502.md", "Prose.\n").assert_reports(&[Diag::file_error(
        "content/compare/http-503-vs-http-502.md",
        "this comparison prose names its pair in the other order: http-503-vs-http-502",
        Some("rename it to content/compare/http-502-vs-http-503.md (ids in natural order)"),
    )]);
}

#[test]
fn comparison_prose_is_named_in_natural_order_not_byte_order() {
    let e10 = "---\ntitle: E10\ncode: E10\nsummary: Rejected.\ncompare: [acme/e9]\n---\n";
    let site = Site::fixture("clean")
        .with("content/acme/e10.md", e10)
        .with("content/compare/acme-e9-vs-acme-e10.md", "Prose.\n");
    site.assert_clean();
    site.write("content/compare/acme-e10-vs-acme-e9.md", "Prose.\n");
    site.assert_reports(&[Diag::file_error(
        "content/compare/acme-e10-vs-acme-e9.md",
        "this comparison prose names its pair in the other order: acme-e10-vs-acme-e9",
        Some("rename it to content/compare/acme-e9-vs-acme-e10.md (ids in natural order)"),
    )]);
}

#[test]
fn comparison_prose_for_a_pair_formed_by_a_draft_is_accepted() {
    clean_with("content/compare/heroku-h10-vs-heroku-h12.md", "Prose.\n").assert_clean();
}

#[test]
fn reports_a_file_in_compare_that_is_not_prose() {
    clean_with("content/compare/notes.txt", "x").assert_reports(&[Diag::file_error(
        "content/compare/notes.txt",
        "content/compare/ holds only comparison prose, as `<A>-vs-<B>.md` files",
        Some("name the file after a comparison page, such as `http-502-vs-http-504.md`"),
    )]);
}

// Prose pages and settings.

#[test]
fn reports_an_unknown_key_in_a_prose_page() {
    clean_with("content/_index.md", "---\ntitle: Home\nauthor: me\n---\nText.\n").assert_reports(&[Diag::error(
        "content/_index.md",
        (3, 1),
        "unknown field `author`, expected `title` or `summary`",
        Some("prose pages take only `title` and `summary` in their front matter"),
    )]);
}

#[test]
fn reports_an_unknown_key_in_site_yaml_with_a_hint() {
    Site::fixture("clean").with("site.yaml", "title: x\nrelated_limt: 3\n").assert_reports(&[Diag::error(
        "site.yaml",
        (2, 1),
        "unknown setting `related_limt`",
        Some("did you mean `related_limit`?"),
    )]);
}

#[test]
fn reports_a_key_in_site_yaml_that_is_not_text_instead_of_hanging() {
    let site = Site::fixture("clean").with("site.yaml", "title: x\n1: 2\n");
    let d = only(site.diagnostics());
    assert_eq!((d.file.as_deref(), d.line), (Some("site.yaml"), Some(2)), "{d:?}");
}

#[test]
fn reports_a_relative_base_url_in_site_yaml() {
    Site::fixture("clean").with("site.yaml", "base_url: errors.example.com\n").assert_reports(&[Diag::error(
        "site.yaml",
        (1, 11),
        "`base_url` must be an absolute http(s) URL, not `errors.example.com`",
        Some("for example `base_url: https://errors.example.com/`"),
    )]);
}

// Many problems at once.

#[test]
fn reports_every_broken_file_in_one_run_with_a_count() {
    let site = Site::fixture("clean")
        .with("content/http/500.md", "---\ntitle: 500\ncode: \"500\"\nsummary: Error: the upstream closed\n---\n")
        .with("content/acme/e5.yaml", "title: E5\ncode: E5\n");
    let run = site.check();
    run.assert_exit(1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "content/acme/e5.yaml:1:1: error: the required field `summary` is missing\n \
         1 | title: E5\n   | ^^^\n  hint: add a one-sentence summary of what the error means\n\n\
         content/http/500.md:4:15: error: invalid YAML: mapping values are not allowed in this context\n \
         4 | summary: Error: the upstream closed\n   |               ^\n  hint: {QUOTE_HINT}\n\n\
         error: 2 errors in 2 files\n"
            .replace("{QUOTE_HINT}", QUOTE_HINT)
    );
}

#[test]
fn counts_errors_and_files_separately() {
    let text = format!("{HTTP_500}related: [htpp/504, http/500]\n---\n");
    let site = clean_with("content/http/500.md", text).with("content/http/500.yml", "x");
    let run = site.check();
    run.assert_exit(1);
    assert!(run.stderr.ends_with("\nerror: 3 errors in 2 files\n"), "{run}");
}
