//! `faultline search`: ranks the entries against a query, or against each line of stdin.

use crate::load::Loaded;
use crate::model::body::Bodies;
use crate::search::cache::{self, Cached};
use std::io::{BufRead, Write};
use std::path::Path;

/// Where `search` takes its queries from.
pub(crate) enum Queries {
    /// The command line's words, joined by spaces.
    One(String),
    /// One per line of stdin (`--batch`).
    Stdin,
}

/// `faultline search`: ranks the query (or each line of stdin) and prints the results.
pub(crate) fn command(root: &Path, queries: Queries, limit: usize, drafts: bool) -> u8 {
    let file = cache::file(root, drafts);
    // The cache is decoded while the site is read; only then can its key be checked.
    let (loaded, stored) = rayon::join(|| crate::load::load(root), || cache::read(&file));
    let Cached { index, problems } = match loaded.and_then(|loaded| index(root, loaded, drafts, &file, stored)) {
        Ok(cached) => cached,
        Err(e) => {
            eprintln!("error: {e:#}");
            return super::FAILED;
        }
    };
    // Search what could be read; a broken file should not hide every other entry.
    if let Some(summary) = problems {
        eprintln!("warning: {summary}; entries that could not be read are not searched (run `faultline check`)");
    }
    let mut out = std::io::stdout().lock();
    let query = match queries {
        Queries::One(query) => query,
        Queries::Stdin => return run_batch(&index, &mut std::io::stdin().lock(), &mut out, limit),
    };
    for hit in index.search(&query).into_iter().take(limit) {
        let doc = &index.docs[hit.doc as usize];
        if writeln!(out, "{}\t{}", doc.id, doc.title).is_err() {
            // A closed pipe (`| head`) is the reader saying it has enough.
            break;
        }
    }
    super::OK
}

/// The index of what was loaded: the cache's when it was built from these very inputs,
/// else a new one, which is then cached. A cache that cannot be written (a read-only
/// folder) only costs the next query the time of a full build.
fn index(
    root: &Path,
    loaded: Loaded,
    drafts: bool,
    file: &Path,
    stored: Option<(u128, Cached)>,
) -> anyhow::Result<Cached> {
    let key = crate::load::digest::loaded(&loaded, &crate::load::digest::files(&loaded.files), drafts);
    if let (Some(key), Some((stored_key, cached))) = (key, stored) {
        if key == stored_key {
            return Ok(cached);
        }
    }
    let checked = super::check::run_loaded(root, loaded, drafts, Bodies::Held);
    let problems = checked.has_errors().then(|| crate::diag::summary(&checked.diagnostics));
    let cached = Cached { index: crate::search::Index::build(&checked.site, &checked.graph.included)?, problems };
    if let Some(key) = key {
        let _ = cache::write(file, key, &cached);
    }
    Ok(cached)
}

/// One line of `search --batch` output.
#[derive(serde::Serialize)]
struct BatchLine<'a> {
    query: &'a str,
    results: Vec<BatchResult<'a>>,
}

#[derive(serde::Serialize)]
struct BatchResult<'a> {
    id: &'a str,
    title: &'a str,
}

/// `search --batch`: one JSON line per line of `input`, each written as soon as it is
/// ranked, so a program can keep one process open and ask query after query. A line
/// ending (`\n` or `\r\n`) is not part of the query; a line that is not UTF-8 stops
/// the run with an error.
fn run_batch(index: &crate::search::Index, input: &mut dyn BufRead, out: &mut dyn Write, limit: usize) -> u8 {
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        number += 1;
        match input.read_until(b'\n', &mut line) {
            Ok(0) => return super::OK,
            Ok(_) => {}
            Err(e) => {
                eprintln!("error: cannot read the queries from stdin: {e}");
                return super::FAILED;
            }
        }
        let bytes = line.strip_suffix(b"\n").unwrap_or(&line);
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        let Ok(query) = std::str::from_utf8(bytes) else {
            eprintln!("error: line {number} of stdin is not valid UTF-8; --batch reads UTF-8 text, one query per line");
            return super::FAILED;
        };
        let results = index
            .search(query)
            .into_iter()
            .take(limit)
            .map(|hit| &index.docs[hit.doc as usize])
            .map(|doc| BatchResult { id: &doc.id, title: &doc.title })
            .collect();
        let json = serde_json::to_string(&BatchLine { query, results }).expect("strings always serialise");
        if writeln!(out, "{json}").is_err() {
            return super::OK;
        }
    }
}
