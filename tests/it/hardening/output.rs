//! docs/cli.md: builds into the same folder at once never corrupt it (the second waits), the
//! swap leaves a complete tree at every instant, and a failed write names its path and
//! leaves no staging folder. Killed and failing builds are made with strace's fault
//! injection, so the real code paths run; those tests say so and pass when strace is absent.

use crate::harness::{Site, themed_fixture, tree};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_faultline")
}

/// Everything beside the output folder `out` except the site itself and its lock file.
fn leftovers(out: &Path) -> Vec<String> {
    let name = out.file_name().unwrap().to_string_lossy().to_string();
    let mut found: Vec<String> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(&format!(".{name}.")) && *n != format!(".{name}.faultline.lock"))
        .collect();
    found.sort();
    found
}

fn build(site: &Site, out: &Path) -> std::process::Child {
    Command::new(bin())
        .args(["--root", site.path().to_str().unwrap(), "build", "--out", out.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start faultline")
}

fn finish(child: std::process::Child) -> (i32, String) {
    let output = child.wait_with_output().expect("wait for faultline");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stderr).into_owned())
}

/// A reference build of `site` into a fresh folder.
fn reference(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let out = site.path().join("reference");
    let (code, stderr) = finish(build(site, &out));
    assert_eq!(code, 0, "{stderr}");
    tree(&out)
}

#[test]
fn builds_started_together_wait_for_each_other_and_never_corrupt_the_output() {
    let site = themed_fixture();
    let expected = reference(&site);
    let out = site.path().join("public");
    const ROUNDS: usize = 15;
    let mut corrupted = 0;
    for round in 0..ROUNDS {
        let children: Vec<_> = (0..2).map(|_| build(&site, &out)).collect();
        let results: Vec<(i32, String)> = children.into_iter().map(finish).collect();
        for (code, stderr) in &results {
            assert_eq!(*code, 0, "round {round}: a build failed:\n{stderr}");
        }
        if tree(&out) != expected || !leftovers(&out).is_empty() {
            corrupted += 1;
        }
    }
    eprintln!("concurrent build pairs corrupted: {corrupted} of {ROUNDS}");
    assert_eq!(corrupted, 0, "{corrupted} of {ROUNDS} concurrent pairs left a wrong tree or leftovers");
}

#[test]
fn a_build_waits_while_another_holds_the_lock_and_says_so() {
    let site = themed_fixture();
    let out = site.path().join("public");
    let lock = std::fs::File::create(site.path().join(".public.faultline.lock")).unwrap();
    lock.lock().unwrap();
    let child = build(&site, &out);
    std::thread::sleep(Duration::from_millis(1500));
    assert!(!out.exists(), "the build wrote while another held the lock");
    lock.unlock().unwrap();
    let (code, stderr) = finish(child);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.starts_with(&format!("another build is writing {}; waiting for it to finish\n", out.display())),
        "{stderr}"
    );
    assert_eq!(tree(&out), reference(&site));
}

/// Runs a build under `strace` with `inject` (an `-e inject=...` expression). `None` when
/// strace is not installed.
fn build_under_strace(site: &Site, out: &Path, inject: &str, more: &[&str]) -> Option<(i32, String)> {
    if Command::new("strace").arg("-V").stdout(Stdio::null()).status().is_err() {
        eprintln!("skipped: strace is not installed (scripts/test installs it)");
        return None;
    }
    let child = Command::new("strace")
        .args(["-f", "-o", "/dev/null", "-e", &format!("inject={inject}"), bin()])
        .args(["--root", site.path().to_str().unwrap(), "build", "--out", out.to_str().unwrap()])
        .args(more)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start strace");
    Some(finish(child))
}

/// A site built once into `public/`, then changed, so the next build differs.
fn built_then_changed() -> (Site, PathBuf, BTreeMap<String, Vec<u8>>) {
    let site = themed_fixture();
    let out = site.path().join("public");
    let (code, stderr) = finish(build(&site, &out));
    assert_eq!(code, 0, "{stderr}");
    let old = tree(&out);
    site.write("content/http/_index.md", "---\ntitle: HTTP, changed\n---\nChanged.\n");
    (site, out, old)
}

#[test]
fn a_build_killed_at_the_swap_leaves_a_complete_output() {
    let (site, out, old) = built_then_changed();
    let Some((code, stderr)) = build_under_strace(&site, &out, "renameat2:signal=KILL", &[]) else {
        return;
    };
    assert_ne!(code, 0, "the build was not killed:\n{stderr}");
    let now = tree(&out);
    assert!(now == old || now == reference(&site), "the output is neither the old nor the new tree");
    let (code, stderr) = finish(build(&site, &out));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(leftovers(&out), Vec::<String>::new());
    assert_eq!(tree(&out), reference(&site));
}

#[test]
fn a_build_killed_while_removing_the_old_tree_leaves_the_new_one() {
    let (site, out, _) = built_then_changed();
    let Some((code, stderr)) = build_under_strace(&site, &out, "unlinkat:signal=KILL", &[]) else {
        return;
    };
    assert_ne!(code, 0, "the build was not killed:\n{stderr}");
    assert_eq!(tree(&out), reference(&site), "the output is not the complete new tree");
    assert_eq!(leftovers(&out).len(), 1, "the old tree is left beside the output");
    let (code, stderr) = finish(build(&site, &out));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(leftovers(&out), Vec::<String>::new(), "the next build did not clean up");
}

#[test]
fn without_an_atomic_exchange_the_fallback_still_swaps() {
    let (site, out, _) = built_then_changed();
    let Some((code, stderr)) = build_under_strace(&site, &out, "renameat2:error=EINVAL", &[]) else {
        return;
    };
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(tree(&out), reference(&site));
    assert_eq!(leftovers(&out), Vec::<String>::new());
}

#[test]
fn a_full_disk_names_the_file_and_leaves_no_staging_folder() {
    // The marker is the build's first write; the 20th is a page, in a cold build (a warm one
    // takes most pages from the earlier output).
    for when in ["1", "20"] {
        let (site, out, old) = built_then_changed();
        let started = Instant::now();
        let Some((code, stderr)) =
            build_under_strace(&site, &out, &format!("write:error=ENOSPC:when={when}"), &["--cold"])
        else {
            return;
        };
        assert_eq!(code, 1, "{stderr}");
        assert!(started.elapsed() < Duration::from_secs(30));
        let line = stderr.lines().find(|l| l.starts_with("error: cannot write ")).unwrap_or_else(|| panic!("{stderr}"));
        assert!(
            line.contains(".public.faultline-staging-") && line.ends_with("No space left on device (os error 28)"),
            "{line}"
        );
        if when == "1" {
            assert!(line.contains("/.faultline-output: "), "{line}");
        }
        assert_eq!(leftovers(&out), Vec::<String>::new(), "a staging folder was left behind");
        assert_eq!(tree(&out), old, "the previous output changed");
    }
}
