//! Non-regular files (issue 10, item 5): every file faultline reads is refused with its
//! path when it is a FIFO (which would block forever) rather than read; `new` will not write
//! through a symlinked source folder; broken templates and bad `status` values say what is
//! wrong and where.

use crate::harness::{Diag, Site, themed_fixture};

fn mkfifo(site: &Site, rel: &str) {
    let path = site.path().join(rel);
    let _ = std::fs::remove_file(&path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&path).status().expect("run mkfifo");
    assert!(made.success());
}

#[test]
fn site_yaml_as_a_fifo_is_refused_without_hanging() {
    let site = Site::fixture("clean");
    mkfifo(&site, "site.yaml");
    site.assert_reports(&[Diag::file_error(
        "site.yaml",
        "the file is not a regular file (a pipe, socket, device or folder)",
        Some("faultline reads only regular files; replace it with one"),
    )]);
}

#[test]
fn theme_and_static_files_as_fifos_are_refused_with_their_path() {
    for rel in
        ["templates/entry.html", "themes/default/templates/list.html", "themes/default/static/x.css", "static/a/b.txt"]
    {
        let site = themed_fixture();
        mkfifo(&site, rel);
        let out = site.path().join("out");
        let run = site.run(&["build", "--out", out.to_str().unwrap()]);
        run.assert_exit(1);
        let expected = format!(
            "error: {} is not a regular file (a pipe, socket or device); remove it\n",
            site.path().join(rel).display()
        );
        assert!(run.stderr.ends_with(&expected), "{rel}:\n{run}");
        assert!(!out.exists(), "{rel}");
    }
}

#[test]
fn new_refuses_a_symlinked_source_folder() {
    let outside = tempfile::tempdir().unwrap();
    let site = Site::fixture("clean").with_symlink("content/lnk", outside.path().to_str().unwrap());
    let run = site.run(&["new", "lnk/x"]);
    run.assert_exit(1);
    assert_eq!(
        run.stderr,
        "error: content/lnk is not a folder (a symbolic link or a file); faultline new writes only into real folders under content/\n"
    );
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0, "new wrote outside the site");
}

#[test]
fn a_huge_or_fractional_status_says_what_status_must_be() {
    let entry = |code: &str, status: &str| format!("---\ntitle: T\ncode: {code}\nsummary: s\nstatus: {status}\n---\n");
    let hint = Some("write the status the client receives, such as `status: 503`");
    Site::fixture("clean")
        .with("content/acme/e60.md", entry("E60", "99999999999999999999999999"))
        .with("content/acme/e61.md", entry("E61", "10000000000000000000"))
        .with("content/acme/e62.md", entry("E62", "5.5"))
        .with("content/acme/e63.md", entry("E63", "600"))
        .assert_reports(&[
            Diag::error(
                "content/acme/e60.md",
                (5, 9),
                "`status` 99999999999999999999999999 is not an HTTP status from 100 to 599",
                hint,
            ),
            Diag::error(
                "content/acme/e61.md",
                (5, 9),
                "`status` 10000000000000000000 is not an HTTP status from 100 to 599",
                hint,
            ),
            Diag::error("content/acme/e62.md", (5, 9), "`status` 5.5 is not an HTTP status from 100 to 599", hint),
            Diag::error("content/acme/e63.md", (5, 9), "`status` 600 is not an HTTP status from 100 to 599", hint),
        ]);
}

#[test]
fn a_broken_template_is_named_by_its_path_and_position() {
    for rel in ["themes/default/templates/entry.html", "templates/entry.html"] {
        let site = themed_fixture().with(rel, "{% extends \"base.html\" %}\n{{ x | }}\n");
        let out = site.path().join("out");
        let run = site.run(&["build", "--out", out.to_str().unwrap()]);
        run.assert_exit(1);
        assert!(run.stderr.starts_with(&format!("error: {rel}:2:8: the template does not parse\n")), "{run}");
        assert!(run.stderr.contains("= expected an identifier"), "{run}");
    }
    let site = themed_fixture().with("templates/entry.html", "{{ nope.x }}\n");
    let run = site.run(&["build", "--out", site.path().join("out").to_str().unwrap()]);
    run.assert_exit(1);
    assert!(run.stderr.contains("templates/entry.html: Variable `nope.x` not found"), "{run}");
}
