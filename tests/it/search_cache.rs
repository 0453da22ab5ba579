//! The cache of `faultline search` (docs/cli.md): a query answered from it gives exactly
//! what the full path gives, whatever changed in the site since it was written, whatever
//! the cache file holds, and with or without `--drafts`.

use crate::harness::{Run, Site, copy_dir, faultline_fed, fixtures};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

fn cache_file(site: &Site, drafts: bool) -> PathBuf {
    site.path().join(".faultline-cache").join(if drafts { "search-drafts.bin" } else { "search.bin" })
}

/// `search --batch` on `site` with `queries`, under a memory limit.
fn batch(site: &Site, extra: &[&str], queries: &str) -> Run {
    let root = site.path().to_str().expect("a UTF-8 temporary path");
    let mut args = vec!["--root", root, "search", "--batch", "--limit", "10"];
    args.extend(extra);
    let run = faultline_fed(&args, queries.as_bytes());
    run.assert_exit(0);
    run
}

/// The identity of the cache file: a rewrite renames a new file over it.
fn inode(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).ino()
}

/// Runs the queries against whatever cache the site has, then again with no cache at all,
/// and asserts both said the same on stdout and stderr. Returns what they said.
fn agrees_with_no_cache(site: &Site, extra: &[&str], queries: &str) -> String {
    let cached = batch(site, extra, queries);
    std::fs::remove_dir_all(site.path().join(".faultline-cache")).expect("a cache was written");
    let full = batch(site, extra, queries);
    assert_eq!(cached.stdout, full.stdout, "results from the cache differ from the full path");
    assert_eq!(cached.stderr, full.stderr);
    cached.stdout
}

/// Queries that reach every entry of the hub several ways: the shared vectors, each file
/// name, each result's title, the title being typed, and the title with a typo.
fn hub_queries(site: &Site) -> String {
    let vectors: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(fixtures().join("../search-vectors.json")).unwrap()).unwrap();
    let mut queries: Vec<String> = vectors.iter().map(|v| v["query"].as_str().unwrap().to_string()).collect();
    for source in std::fs::read_dir(site.path().join("content")).unwrap() {
        let source = source.unwrap().path();
        if source.is_dir() {
            for file in std::fs::read_dir(source).unwrap() {
                let name = file.unwrap().file_name().to_string_lossy().into_owned();
                queries.push(name.trim_end_matches(".md").trim_end_matches(".yaml").replace('-', " "));
            }
        }
    }
    let named = batch(site, &[], &(queries.join("\n") + "\n"));
    let mut titles: Vec<String> = named
        .stdout
        .lines()
        .flat_map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            v["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["title"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    titles.sort();
    titles.dedup();
    for title in &titles {
        let chars: Vec<char> = title.chars().collect();
        queries.push(title.clone());
        queries.push(chars[..chars.len() * 2 / 3].iter().collect());
        let mut typo = chars.clone();
        if typo.len() > 4 {
            typo.swap(2, 3);
        }
        queries.push(typo.into_iter().collect());
    }
    queries.join("\n") + "\n"
}

#[test]
fn the_cache_answers_every_query_as_the_full_path_does_on_the_hub() {
    // Only content/: other tests search the fixture in place, writing its cache meanwhile.
    let site = Site::empty();
    copy_dir(&fixtures().join("hub/content"), &site.path().join("content"));
    let queries = hub_queries(&site);
    assert!(queries.lines().count() > 400, "{} queries", queries.lines().count());
    for drafts in [false, true] {
        let extra: &[&str] = if drafts { &["--drafts"] } else { &[] };
        let _ = std::fs::remove_dir_all(site.path().join(".faultline-cache"));
        let full = batch(&site, extra, &queries);
        let written = inode(&cache_file(&site, drafts));
        let cached = batch(&site, extra, &queries);
        assert_eq!(cached.stdout, full.stdout);
        assert_eq!(cached.stderr, full.stderr);
        assert_eq!(inode(&cache_file(&site, drafts)), written, "the second run did not take the cache as it was");
    }
    // Sites made before the cache still keep it out of git.
    let ignore = std::fs::read_to_string(site.path().join(".faultline-cache/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "*"), "{ignore}");
}

/// Turns an entry's text into the edited one.
type Edit = fn(&str) -> String;

#[test]
fn every_kind_of_edit_is_reflected_at_once() {
    let site = Site::fixture("clean");
    let queries = "gateway\nbad gateway\nteapot\nproxy\nupstream\nquokka\nwombat\n504\n503\nnumbat\n";
    let first = agrees_with_no_cache(&site, &[], queries);
    assert!(!first.contains("quokka\",\"results\":[{"), "{first}");
    let path = site.path().join("content/http/502.md");
    let original = std::fs::read_to_string(&path).unwrap();
    let edits: [(&str, Edit); 4] = [
        ("title", (|t| t.replace("title: 502 Bad Gateway", "title: 502 Quokka Gateway"))),
        ("body", (|t| format!("{t}\nA wombat chewed the cable.\n"))),
        ("tags", (|t| t.replace("tags: [proxy, upstream]", "tags: [numbat]"))),
        ("draft", (|t| t.replace("code: 502\n", "code: 502\ndraft: true\n"))),
    ];
    // Each check leaves a cache of the site as it was, for the next edit to make stale.
    for (what, edit) in edits {
        std::fs::write(&path, edit(&original)).unwrap();
        let after = agrees_with_no_cache(&site, &[], queries);
        assert_ne!(after, first, "the {what} edit changed nothing");
        std::fs::write(&path, &original).unwrap();
        assert_eq!(agrees_with_no_cache(&site, &[], queries), first, "undoing the {what} edit");
    }
    site.write("content/http/418.md", "---\ntitle: 418 I'm a teapot\ncode: 418\nsummary: A teapot.\n---\n");
    assert!(agrees_with_no_cache(&site, &[], queries).contains("http/418"));
    std::fs::remove_file(site.path().join("content/http/504.md")).unwrap();
    assert!(!agrees_with_no_cache(&site, &[], queries).contains("http/504"));
}

#[test]
fn an_edit_that_keeps_size_and_time_is_still_seen() {
    let site = Site::fixture("clean");
    let path = site.path().join("content/http/502.md");
    let before = batch(&site, &[], "wombat\n");
    assert_eq!(before.stdout, "{\"query\":\"wombat\",\"results\":[]}\n");
    let time = std::fs::metadata(&path).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(&path).unwrap().replace("Bad Gateway", "Wombat Gatew");
    std::fs::write(&path, text).unwrap();
    std::fs::File::options().write(true).open(&path).unwrap().set_modified(time).unwrap();
    let after = batch(&site, &[], "wombat\n");
    assert!(after.stdout.contains("\"id\":\"http/502\""), "{after}");
}

#[test]
fn a_broken_file_warns_on_every_run_from_the_cache_too() {
    let site = Site::fixture("clean").with("content/http/500.md", "---\ntitle: [unclosed\n---\n");
    let full = batch(&site, &[], "502\n");
    let cached = batch(&site, &[], "502\n");
    assert!(full.stderr.starts_with("warning: 1 error in 1 file;"), "{full}");
    assert_eq!((cached.stdout, cached.stderr), (full.stdout, full.stderr));
}

#[test]
fn drafts_and_not_never_share_a_cache() {
    let site = Site::fixture("clean").with(
        "content/http/418.md",
        "---\ntitle: 418 I'm a teapot\ncode: 418\nsummary: A teapot refuses to brew coffee.\ndraft: true\n---\n",
    );
    let none = "{\"query\":\"teapot\",\"results\":[]}\n";
    let found = "{\"query\":\"teapot\",\"results\":[{\"id\":\"http/418\",\"title\":\"418 I'm a teapot\"}]}\n";
    for _ in 0..2 {
        assert_eq!(batch(&site, &[], "teapot\n").stdout, none);
        assert_eq!(batch(&site, &["--drafts"], "teapot\n").stdout, found);
    }
    // Even the other mode's file in its place is not taken for its own.
    std::fs::copy(cache_file(&site, true), cache_file(&site, false)).unwrap();
    assert_eq!(batch(&site, &[], "teapot\n").stdout, none);
    std::fs::copy(cache_file(&site, false), cache_file(&site, true)).unwrap();
    assert_eq!(batch(&site, &["--drafts"], "teapot\n").stdout, found);
}

#[test]
fn a_corrupt_truncated_or_foreign_cache_is_ignored_and_rewritten() {
    let site = Site::fixture("clean");
    let other =
        Site::fixture("clean").with("content/http/418.md", "---\ntitle: 418 Teapot\ncode: 418\nsummary: T.\n---\n");
    batch(&other, &[], "teapot\n");
    let queries = "gateway\n504\nteapot\n";
    let want = batch(&site, &[], queries).stdout;
    let good = std::fs::read(cache_file(&site, false)).unwrap();
    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    let mut huge = good.clone();
    huge[40..48].copy_from_slice(&u64::MAX.to_le_bytes());
    let forms: [(&str, Vec<u8>); 7] = [
        ("empty", Vec::new()),
        ("truncated", good[..good.len() / 2].to_vec()),
        ("header only", good[..48].to_vec()),
        ("a flipped byte", flipped),
        ("a huge length", huge),
        ("garbage", (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()),
        ("another site's", std::fs::read(cache_file(&other, false)).unwrap()),
    ];
    let file = cache_file(&site, false);
    for (what, bytes) in forms {
        std::fs::write(&file, &bytes).unwrap();
        let run = batch(&site, &[], queries);
        assert_eq!(run.stdout, want, "with {what} cache");
        assert_eq!(run.stderr, "", "with {what} cache");
        assert_eq!(std::fs::read(&file).unwrap(), good, "the {what} cache was not rewritten");
    }
}

#[test]
fn a_cache_in_place_of_a_file_or_folder_is_never_followed_or_blocking() {
    let site = Site::fixture("clean");
    let elsewhere = Site::empty();
    std::os::unix::fs::symlink(elsewhere.path(), site.path().join(".faultline-cache")).unwrap();
    let want = batch(&Site::fixture("clean"), &[], "gateway\n").stdout;
    assert_eq!(batch(&site, &[], "gateway\n").stdout, want);
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0, "wrote through the link");
    std::fs::remove_file(site.path().join(".faultline-cache")).unwrap();
    // A named pipe where the cache file goes would block a reader that opened it.
    std::fs::create_dir(site.path().join(".faultline-cache")).unwrap();
    let status = std::process::Command::new("mkfifo").arg(cache_file(&site, false)).status().unwrap();
    assert!(status.success());
    assert_eq!(batch(&site, &[], "gateway\n").stdout, want);
    assert!(cache_file(&site, false).is_file(), "the pipe was replaced by the cache");
}

#[test]
fn another_build_of_faultline_does_not_take_the_cache() {
    let site = Site::fixture("clean");
    let folder = Site::empty();
    let binary = folder.path().join("faultline");
    std::fs::copy(env!("CARGO_BIN_EXE_faultline"), &binary).unwrap();
    let search = || {
        let mut command = std::process::Command::new(&binary);
        command.args(["--root", site.path().to_str().unwrap(), "search", "gateway"]);
        // A test forking at the same moment may still hold the copy open for writing.
        let mut tries = 0;
        let out = loop {
            match command.output() {
                Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 50 => tries += 1,
                other => break other.unwrap(),
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let want = search();
    let written = inode(&cache_file(&site, false));
    assert_eq!(search(), want);
    assert_eq!(inode(&cache_file(&site, false)), written, "the same binary took its own cache");
    // A rebuild leaves a binary with another modification time.
    let later = std::fs::metadata(&binary).unwrap().modified().unwrap() + std::time::Duration::from_secs(1);
    std::fs::File::open(&binary).unwrap().set_modified(later).unwrap();
    assert_eq!(search(), want);
    assert_ne!(inode(&cache_file(&site, false)), written, "a new binary took an older one's cache");
}

#[test]
fn queries_running_at_once_each_answer_in_full_and_leave_one_whole_cache() {
    let site = Site::fixture("clean");
    let want = batch(&Site::fixture("clean"), &[], "gateway\n504\n").stdout;
    let runs: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4).map(|_| scope.spawn(|| batch(&site, &[], "gateway\n504\n").stdout)).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(runs.iter().all(|run| *run == want), "{runs:?}");
    let written = inode(&cache_file(&site, false));
    assert_eq!(batch(&site, &[], "gateway\n504\n").stdout, want);
    assert_eq!(inode(&cache_file(&site, false)), written, "the cache left behind was not whole");
    let left: Vec<_> =
        std::fs::read_dir(site.path().join(".faultline-cache")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 2, "temporary files left behind: {left:?}");
}
