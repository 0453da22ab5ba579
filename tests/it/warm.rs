//! Warm builds: `faultline build` into its own earlier output takes the files whose inputs
//! did not change from it, renders the rest, and always writes what a cold build writes.

use crate::harness::{RECORD, Run, Site, themed_fixture as site, tree};
use crate::serve::{Random, from_env};
use std::path::{Path, PathBuf};

/// Builds `site` into `out` with `extra` flags.
fn build(site: &Site, out: &Path, extra: &[&str]) {
    let mut args = vec!["build", "--out", out.to_str().unwrap()];
    args.extend(extra);
    site.run(&args).assert_exit(0);
}

/// Builds warm into `out`, then cold into a fresh folder, and checks that both hold the
/// same files with the same bytes.
fn assert_warm_equals_cold(site: &Site, out: &Path, extra: &[&str], what: &str) {
    build(site, out, extra);
    let cold = tempfile::tempdir().unwrap();
    let cold_out = cold.path().join("public");
    let mut cold_extra = extra.to_vec();
    cold_extra.push("--cold");
    build(site, &cold_out, &cold_extra);
    let (warm, cold) = (tree(out), tree(&cold_out));
    let missing: Vec<&String> = cold.keys().filter(|p| !warm.contains_key(*p)).collect();
    let extra_files: Vec<&String> = warm.keys().filter(|p| !cold.contains_key(*p)).collect();
    assert!(missing.is_empty() && extra_files.is_empty(), "{what}: missing {missing:?}, extra {extra_files:?}");
    for (path, bytes) in &cold {
        assert!(warm[path] == *bytes, "{what}: {path} differs from a cold build");
    }
    assert!(out.join(RECORD).is_file(), "{what}: no record for the next build");
}

fn inode(path: &Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap())
}

fn edit(site: &Site, rel: &str, from: &str, to: &str) {
    let text = String::from_utf8(site.read(rel)).unwrap();
    assert!(text.contains(from), "{rel} has no `{from}`");
    site.write(rel, text.replacen(from, to, 1));
}

/// A fixture site and a folder to build it into, built once.
fn built_site() -> (Site, tempfile::TempDir, PathBuf) {
    let site = site();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build(&site, &out, &[]);
    (site, dir, out)
}

#[test]
fn a_warm_build_takes_unchanged_files_and_renders_changed_ones() {
    let (site, _dir, out) = built_site();
    let page = |id: &str| out.join(id).join("index.html");
    let (p502, p504) = (inode(&page("http/502")), inode(&page("http/504")));
    build(&site, &out, &[]);
    assert_eq!((inode(&page("http/502")), inode(&page("http/504"))), (p502, p504), "nothing changed, yet rendered");

    // A new word changes the search index's term list, but no result's title or summary.
    let search = |name: &str| out.join("search").join(name);
    let blocks: Vec<String> = std::fs::read_dir(out.join("search"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with("docs-") || name == "ids.js")
        .collect();
    assert!(blocks.len() >= 2, "{blocks:?}");
    let (head, kept): (u64, Vec<u64>) =
        (inode(&search("index.js")), blocks.iter().map(|b| inode(&search(b))).collect());
    edit(&site, "content/http/502.md", "Compare with", "Zanzibarish compare with");
    assert_warm_equals_cold(&site, &out, &[], "a prose edit");
    assert_ne!(inode(&page("http/502")), p502, "the edited entry's page was not rendered");
    assert_eq!(inode(&page("http/504")), p504, "an unchanged page was rendered, not taken");
    assert_ne!(inode(&search("index.js")), head, "the index's terms did not change");
    assert_eq!(blocks.iter().map(|b| inode(&search(b))).collect::<Vec<_>>(), kept, "{blocks:?}: written again");

    build(&site, &out, &["--cold"]);
    assert_ne!(inode(&page("http/504")), p504, "--cold took a file from the earlier output");
}

#[test]
fn unchanged_assets_and_static_files_are_taken() {
    let site = site().with("static/files/guide.txt", "Version 1.\n");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build(&site, &out, &[]);
    let css = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "css"))
        .expect("the theme's stylesheet");
    let guide = out.join("files/guide.txt");
    let (css_inode, guide_inode) = (inode(&css), inode(&guide));

    edit(&site, "content/http/502.md", "Compare with", "Also compare with");
    assert_warm_equals_cold(&site, &out, &[], "a prose edit");
    assert_eq!((inode(&css), inode(&guide)), (css_inode, guide_inode), "an unchanged asset was written again");

    site.write("static/files/guide.txt", "Version 2, longer.\n");
    assert_warm_equals_cold(&site, &out, &[], "a static file edited");
    assert_ne!(inode(&guide), guide_inode, "the edited static file was taken");
    assert_eq!(inode(&css), css_inode);
    // Same length, other bytes: the length alone must not decide.
    site.write("static/files/guide.txt", "Version 3, longer.\n");
    assert_warm_equals_cold(&site, &out, &[], "a static file edited, same length");
}

/// One random edit of a kind an author makes: prose, title, tags, `related`, a new entry,
/// a deleted one, a theme template, a setting.
fn random_edit(site: &Site, random: &mut Random, round: usize, added: &mut Vec<String>) {
    let entry = format!("content/{}.md", random.pick(&["http/502", "http/504", "acme/e9", "heroku/h10"]));
    let read = |rel: &str| String::from_utf8(site.read(rel)).unwrap();
    match random.below(9) {
        0 => site.write(&entry, format!("{}\nMore, round {round}.\n", read(&entry))),
        1 => {
            // Inside the quotes of a quoted title, which may hold `: `.
            let (from, to) = match read(&entry).contains("title: \"") {
                true => ("title: \"", format!("title: \"R{round} ")),
                false => ("title: ", format!("title: R{round} ")),
            };
            site.write(&entry, read(&entry).replacen(from, &to, 1));
        }
        2 => {
            let tags = random.pick(&["proxy", "deploy", "timeout", "fresh"]);
            let text: String =
                read(&entry).lines().filter(|l| !l.starts_with("tags:")).map(|l| format!("{l}\n")).collect();
            site.write(&entry, text.replacen("---\n", &format!("---\ntags: [{tags}, r{round}]\n"), 1));
        }
        3 => {
            let target = random.pick(&["http/404", "acme/e10", "http/503"]);
            let text: String =
                read(&entry).lines().filter(|l| !l.starts_with("related:")).map(|l| format!("{l}\n")).collect();
            site.write(&entry, text.replacen("---\n", &format!("---\nrelated: [{target}]\n"), 1));
        }
        4 => {
            let rel = format!("content/acme/n{round}.md");
            let text = format!(
                "---\ntitle: New {round}\ncode: N{round}\nsummary: Added in round {round}.\nstatus: 504\ntags: [deploy]\nupdated: 2030-01-{:02}\n---\nBody.\n",
                1 + random.below(28)
            );
            site.write(&rel, text);
            added.push(rel);
        }
        5 if !added.is_empty() => {
            let rel = added.swap_remove(random.below(added.len()));
            std::fs::remove_file(site.path().join(rel)).unwrap();
        }
        // The pages beside the entries: the home page's, a source's and a comparison's prose.
        7 => {
            let rel = random.pick(&[
                "content/_index.md",
                "content/http/_index.md",
                "content/compare/http-502-vs-http-504.md",
            ]);
            site.write(rel, format!("{}\nMore prose, round {round}.\n", read(rel)));
        }
        6 => {
            let rel = "themes/default/templates/card.html";
            site.write(rel, format!("{}<!-- round {round} -->\n", read(rel)));
        }
        _ => {
            site.set_related_limit(1 + random.below(5));
        }
    }
}

/// Seeded random sequences of edits, each followed by a warm build that must write
/// exactly what a cold build writes. The seed is printed with any failure, to replay it.
#[test]
fn random_edits_then_warm_builds_equal_cold_builds() {
    let seed = from_env("FAULTLINE_TEST_SEED", 0x0bad_cafe_2026_1205);
    let rounds = from_env("FAULTLINE_TEST_ROUNDS", 24) as usize;
    let replay = std::panic::catch_unwind(|| {
        let (site, _dir, out) = built_site();
        let mut random = Random(seed.max(1));
        let mut added = Vec::new();
        for round in 0..rounds {
            random_edit(&site, &mut random, round, &mut added);
            assert_warm_equals_cold(&site, &out, &[], &format!("round {round}"));
        }
    });
    if let Err(panic) = replay {
        eprintln!("replay with FAULTLINE_TEST_SEED={seed:#x} FAULTLINE_TEST_ROUNDS={rounds}");
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn a_damaged_or_foreign_record_is_ignored() {
    let (site, dir, out) = built_site();
    let page = out.join("http/504/index.html");
    let before = inode(&page);
    // One fingerprint changed by hand: the checksum no longer holds, so nothing is taken.
    let record = std::fs::read_to_string(out.join(RECORD)).unwrap();
    let line = record.lines().nth(2).unwrap();
    let flipped = format!("{}{}", if line.starts_with('0') { '1' } else { '0' }, &line[1..]);
    std::fs::write(out.join(RECORD), record.replacen(line, &flipped, 1)).unwrap();
    assert_warm_equals_cold(&site, &out, &[], "a tampered record");
    assert_ne!(inode(&page), before, "a file was taken on the word of a tampered record");

    // The record of another output of the same site: its files are not these.
    let other = dir.path().join("other");
    build(&site, &other, &[]);
    let before = inode(&page);
    std::fs::copy(other.join(RECORD), out.join(RECORD)).unwrap();
    assert_warm_equals_cold(&site, &out, &[], "a foreign record");
    assert_ne!(inode(&page), before, "a file was taken on the word of another output's record");
}

#[test]
fn an_edited_or_missing_earlier_file_is_rendered_again() {
    let (site, _dir, out) = built_site();
    let page = out.join("http/504/index.html");
    let text = std::fs::read_to_string(&page).unwrap();
    // The same length, so only the file's time tells.
    std::fs::write(&page, text.replacen("<html", "<HTML", 1)).unwrap();
    std::fs::remove_file(out.join("api/http/502.json")).unwrap();
    std::fs::remove_file(out.join("tags/index.html")).unwrap();
    assert_warm_equals_cold(&site, &out, &[], "edited and removed files");
}

/// A build with other options starts from the earlier output of another: the record's
/// key (faultline's version and the options; see the unit tests of `incremental::warm`)
/// differs, and the output is what a cold build with those options writes.
#[test]
fn other_options_start_cold() {
    let (site, _dir, out) = built_site();
    let page = out.join("http/504/index.html");
    for extra in [&["--offline"][..], &["--base-url", "https://other.example/"], &["--drafts"], &[]] {
        let before = inode(&page);
        assert_warm_equals_cold(&site, &out, extra, &format!("{extra:?}"));
        assert_ne!(inode(&page), before, "{extra:?}: a file was taken from a build with other options");
    }
}

/// What a build printed, without the time it took.
fn printed(run: &Run) -> String {
    let at = run.stderr.rfind(") in ").expect("a summary");
    run.stderr[..at].to_string()
}

/// A build of the very inputs of the earlier one (content, settings, theme, static files,
/// options, binary) writes nothing: the output stays as it is, and the build prints the
/// warnings and the summary of the build that wrote it.
#[test]
fn unchanged_inputs_leave_the_output_as_it_is() {
    let site = site();
    edit(&site, "content/acme/e9.md", "The deploy did not finish in time.", "What E9 means, in one sentence.");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let args = ["build", "--out", out.to_str().unwrap()];
    let first = site.run(&args);
    first.assert_exit(0);
    assert!(first.stderr.contains("warning: `summary` is still the placeholder"), "a warning to repeat: {first}");
    let (folder, page) = (inode(&out), inode(&out.join("http/502/index.html")));
    let record = std::fs::read(out.join(RECORD)).unwrap();
    let second = site.run(&args);
    second.assert_exit(0);
    assert_eq!((inode(&out), inode(&out.join("http/502/index.html"))), (folder, page), "the output was written again");
    assert_eq!(std::fs::read(out.join(RECORD)).unwrap(), record);
    let (first, second) = (printed(&first), printed(&second));
    let taken = second.strip_prefix(first.as_str()).unwrap_or_else(|| panic!("{first}\n---\n{second}"));
    // Every file the build did not write: all of them but the marker.
    let files = tree(&out).len() - 1;
    assert_eq!(taken, format!("; {files} unchanged, taken from the earlier output"));
}

/// The same inputs over an output that something else changed: the build puts back what
/// a cold build writes.
#[test]
fn unchanged_inputs_over_a_changed_output_write_it_whole_again() {
    let (site, _dir, out) = built_site();
    std::fs::write(out.join("stray.html"), "not built").unwrap();
    std::fs::create_dir(out.join("empty")).unwrap();
    assert_warm_equals_cold(&site, &out, &[], "a stray file and folder");
    assert!(!out.join("empty").exists(), "a stray folder stayed");
    let css = tree(&out).into_keys().find(|p| p.ends_with(".css")).expect("a stylesheet");
    std::fs::write(out.join(&css), "body{}").unwrap();
    assert_warm_equals_cold(&site, &out, &[], "an edited asset");
    site.write("static/robots-extra.txt", "added");
    assert_warm_equals_cold(&site, &out, &[], "a static file added");
    assert!(out.join("robots-extra.txt").is_file());
}

/// Rewrites the body of the kept file `name` with `change`, and its checksum to match, as
/// someone who commits a forged cache to a site's repository can.
fn forge(site: &Site, name: &str, change: impl Fn(&mut Vec<u8>)) {
    let path = site.path().join(".faultline-cache").join(name);
    let mut bytes = std::fs::read(&path).unwrap();
    let mut body = bytes.split_off(48);
    let before = body.clone();
    change(&mut body);
    assert_ne!(body, before, "{name}: nothing forged");
    bytes[24..40].copy_from_slice(&xxhash_rust::xxh3::xxh3_128(&body).to_le_bytes());
    bytes[40..48].copy_from_slice(&(body.len() as u64).to_le_bytes());
    bytes.extend(body);
    std::fs::write(path, bytes).unwrap();
}

fn replace_all(bytes: &mut Vec<u8>, from: &[u8], to: &[u8]) {
    let mut at = 0;
    while let Some(i) = bytes[at..].windows(from.len()).position(|w| w == from) {
        bytes.splice(at + i..at + i + from.len(), to.iter().copied());
        at += i + to.len();
    }
}

/// A build keeps each entry's parse and search terms under `.faultline-cache/` and takes
/// them in the next build; a site folder may come from anyone, so a kept file that the
/// output's record did not seal is never taken, even with a checksum that matches.
#[test]
fn kept_parses_and_terms_are_taken_only_under_the_records_seal() {
    let (site, _dir, out) = built_site();
    for name in ["parses.bin", "terms.bin"] {
        assert!(site.exists(&format!(".faultline-cache/{name}")), "{name} was not kept");
    }
    edit(&site, "content/http/504.md", "title: ", "title: Slow ");
    assert_warm_equals_cold(&site, &out, &[], "a build taking kept parses");

    forge(&site, "parses.bin", |body| replace_all(body, b"502 Bad Gateway", b"502 <b>Forged</b>"));
    forge(&site, "terms.bin", |body| replace_all(body, b"gateway", b"forgery"));
    edit(&site, "content/http/504.md", "title: Slow ", "title: ");
    assert_warm_equals_cold(&site, &out, &[], "forged kept files");
    let page = String::from_utf8(std::fs::read(out.join("http/502/index.html")).unwrap()).unwrap();
    assert!(page.contains("502 Bad Gateway") && !page.contains("Forged"), "a forged parse was taken");
}

/// A site folder that cannot hold the cache only loses the speed-up.
#[test]
fn a_site_that_cannot_keep_work_still_builds() {
    let site = site();
    site.write(".faultline-cache", "a file where the folder would be");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build(&site, &out, &[]);
    edit(&site, "content/http/502.md", "Compare with", "Also compare with");
    assert_warm_equals_cold(&site, &out, &[], "no cache folder");
}

/// A warm build keeps the tree it replaced beside the output (`.public.faultline-spare`)
/// and the next warm build starts from it, whether the output is named by a relative or an
/// absolute path; a cold build removes it.
#[test]
fn warm_builds_start_from_the_tree_the_last_one_replaced() {
    let site = site();
    let spare = ".public.faultline-spare";
    for round in 0..3 {
        let text = String::from_utf8(site.read("content/http/502.md")).unwrap();
        site.write("content/http/502.md", format!("{text}\nRound {round}.\n"));
        site.run_here(&["build", "--out", "public"]).assert_exit(0);
    }
    assert!(site.exists(spare), "no spare tree kept");
    let cold = tempfile::tempdir().unwrap();
    build(&site, &cold.path().join("public"), &["--cold"]);
    assert!(tree(&site.path().join("public")) == tree(&cold.path().join("public")), "warm output differs from cold");
    site.run_here(&["build", "--out", "public", "--cold"]).assert_exit(0);
    assert!(!site.exists(spare), "a cold build left the spare tree");
}
