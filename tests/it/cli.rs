//! The command line (docs/cli.md): usage errors, `--root`, an unusable root, output formats.

use crate::harness::{Site, faultline};
use std::collections::BTreeSet;

#[test]
fn an_unknown_command_is_bad_usage() {
    let run = Site::fixture("clean").run(&["bogus"]);
    run.assert_exit(2);
    assert!(run.stderr.starts_with("error: unrecognized subcommand 'bogus'\n"), "{run}");
}

#[test]
fn an_unknown_flag_is_bad_usage() {
    let site = Site::fixture("clean");
    let run = site.run(&["check", "--bogus"]);
    run.assert_exit(2);
    assert!(run.stderr.starts_with("error: unexpected argument '--bogus' found\n"), "{run}");
    site.run(&["--bogus", "check"]).assert_exit(2);
}

#[test]
fn an_unknown_format_is_bad_usage() {
    let run = Site::fixture("clean").run(&["check", "--format", "xml"]);
    run.assert_exit(2);
    assert!(run.stderr.starts_with("error: invalid value 'xml' for '--format <FORMAT>'\n"), "{run}");
}

#[test]
fn no_command_is_bad_usage() {
    faultline(&[]).assert_exit(2);
}

#[test]
fn root_is_accepted_before_and_after_the_command() {
    let site = Site::fixture("clean");
    let root = site.path().to_str().expect("a UTF-8 path");
    let before = faultline(&["--root", root, "check"]);
    let after = faultline(&["check", "--root", root]);
    before.assert_exit(0);
    after.assert_exit(0);
    assert_eq!(before.stderr, after.stderr);
    let broken = Site::fixture("clean").with("content/http/500.yml", "x");
    let root = broken.path().to_str().expect("a UTF-8 path");
    faultline(&["--root", root, "check", "--format", "json"]).assert_exit(1);
    faultline(&["check", "--format", "json", "--root", root]).assert_exit(1);
}

#[test]
fn root_defaults_to_the_working_folder() {
    let site = Site::fixture("clean");
    site.run_here(&["check"]).assert_exit(0);
    site.write("content/http/500.yml", "x");
    let run = site.run_here(&["check"]);
    run.assert_exit(1);
    assert!(run.stderr.starts_with("content/http/500.yml: error: `.yml` files are not read\n"), "{run}");
}

#[test]
fn a_missing_content_folder_fails_with_a_clear_message() {
    let site = Site::empty().with("site.yaml", "title: x\n");
    let run = site.check();
    run.assert_exit(1);
    let shown = site.path().canonicalize().expect("a real path");
    assert_eq!(
        run.stderr,
        format!(
            "error: {} has no content/ folder\n  hint: run `faultline init` to start a site there, or pass --root DIR\n",
            shown.display()
        )
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn a_root_that_is_not_a_folder_fails() {
    let site = Site::empty().with("file", "x");
    let root = site.path().join("file");
    let run = faultline(&["check", "--root", root.to_str().expect("a UTF-8 path")]);
    run.assert_exit(1);
    assert_eq!(run.stderr, format!("error: the site root {} is not a folder\n", root.display()));
}

#[test]
fn json_diagnostics_have_exactly_the_spec_keys_with_null_for_unknowns() {
    let site = Site::fixture("clean")
        .with("content/http/500.yml", "x")
        .with("content/http/500.md", "---\ntitle: 500\ncode: \"500\"\nsumary: x\n---\n");
    let run = site.run(&["check", "--format", "json"]);
    run.assert_exit(1);
    assert_eq!(run.stderr, "", "json mode prints nothing on stderr");
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("a JSON document");
    let items = value.as_array().expect("a JSON array");
    assert_eq!(items.len(), 3, "{value:#}");
    let keys: BTreeSet<&str> = ["severity", "file", "line", "column", "message", "hint"].into();
    for item in items {
        let object = item.as_object().expect("an object");
        assert_eq!(object.keys().map(String::as_str).collect::<BTreeSet<_>>(), keys, "{item:#}");
    }
    assert_eq!(
        items[2],
        serde_json::json!({
            "severity": "error", "file": "content/http/500.yml", "line": null, "column": null,
            "message": "`.yml` files are not read", "hint": "rename it to `500.yaml`"
        })
    );
    assert_eq!(
        items[1],
        serde_json::json!({
            "severity": "error", "file": "content/http/500.md", "line": 4, "column": 1,
            "message": "unknown field `sumary`", "hint": "did you mean `summary`?"
        })
    );
}

#[test]
fn text_diagnostics_go_to_stderr_and_nothing_to_stdout() {
    let run = Site::fixture("clean").with("content/http/500.yml", "x").check();
    run.assert_exit(1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "content/http/500.yml: error: `.yml` files are not read\n  hint: rename it to `500.yaml`\n\nerror: 1 error in 1 file\n"
    );
}

#[test]
fn check_writes_nothing() {
    let site = Site::fixture("clean");
    let before = listing(site.path());
    site.check().assert_exit(0);
    site.run(&["check", "--format", "json"]).assert_exit(0);
    assert_eq!(listing(site.path()), before);
}

fn listing(root: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read a folder") {
            let path = entry.expect("a folder entry").path();
            out.push(path.strip_prefix(root).expect("under the root").display().to_string());
            if path.is_dir() {
                stack.push(path);
            }
        }
    }
    out.sort();
    out
}
