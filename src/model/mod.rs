//! The model: parsed, per-file-valid entries and prose pages, sorted by id in natural order.
//! Pure: it reads nothing from disk; `load` hands it the text (and reads back the bodies a
//! build leaves in their files, see [`body`]).

pub mod body;
pub mod entry;
pub(crate) mod hint;
pub mod id;
pub(crate) mod kept;
pub mod markdown;
pub(crate) mod placeholder;
pub mod url;

use crate::config::SiteConfig;
use crate::diag::{Diagnostic, Pos};
use crate::load::yaml;
use crate::load::{Kind, Loaded, SourceFile, frontmatter};
use body::Bodies;
use entry::{Entry, Ref};
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// A prose page: the home page's or a source's `_index.md`, or a comparison's prose.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub file: String,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub body: String,
    /// `@/` links in the body, checked by `link`.
    pub links: Vec<Ref>,
}

/// The whole site as data.
#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    /// Every parsed entry (drafts included), in natural id order.
    pub entries: Vec<Entry>,
    /// Ids of entry files that could not be parsed: they still exist for references, so one
    /// broken file does not cascade into errors in every file that names it.
    pub broken: BTreeSet<String>,
    pub home: Option<Page>,
    pub source_pages: BTreeMap<String, Page>,
    /// Comparison prose, by page name (`http-502-vs-http-504`).
    pub prose: BTreeMap<String, Page>,
}

impl Site {
    /// Each parsed entry's position in `entries`, by id.
    pub fn index_by_id(&self) -> std::collections::HashMap<&str, usize> {
        self.entries.iter().enumerate().map(|(i, e)| (e.id.as_str(), i)).collect()
    }

    /// Every id that exists, parsed or not.
    pub(crate) fn all_ids(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.id.as_str()).chain(self.broken.iter().map(String::as_str))
    }
}

/// What one file of `content/` contributes to the site.
#[derive(Debug, Clone)]
pub(crate) enum Parsed {
    /// An entry (or `None` when it did not parse), its id, and its file.
    Entry(Option<Box<Entry>>, String, String),
    Home(Page),
    Source(String, Page),
    Prose(String, Page),
}

/// What parsing one file gave (`None` for a prose page that could not be read or parsed),
/// and the problems found.
pub(crate) type ParsedFile = (Option<Parsed>, Vec<Diagnostic>);

/// Parses every loaded file (in parallel) into the site model, the entries' bodies held as
/// `bodies` says.
pub fn build(loaded: Loaded, bodies: Bodies<'_>) -> (Site, Vec<Diagnostic>) {
    let Loaded { config, files, diagnostics } = loaded;
    let parsed: Vec<ParsedFile> = files.into_par_iter().map(|file| parse_file(file, bodies)).collect();
    assemble(config, parsed, diagnostics)
}

/// Parses every loaded file like [`build`], taking the parse `kept` holds for each entry
/// file of the same digest (`digests`, by file), and returns with the site the parses to
/// keep for the next build, and whether they differ from `kept`.
pub(crate) fn build_kept(
    loaded: Loaded,
    digests: &[u128],
    kept: kept::Parses,
    bodies: Bodies<'_>,
) -> (Site, Vec<Diagnostic>, (kept::Parses, bool)) {
    let Loaded { config, files, diagnostics } = loaded;
    let (parsed, records): (Vec<ParsedFile>, Vec<_>) =
        files.into_par_iter().zip(digests).map(|(file, &digest)| kept.parse(file, digest, bodies)).unzip();
    let (site, diagnostics) = assemble(config, parsed, diagnostics);
    (site, diagnostics, kept.next(records.into_iter().flatten()))
}

/// Parses one loaded file, checking every rule that concerns the file alone. `None` for a
/// prose page that could not be read or parsed; an entry still counts, by its id.
pub(crate) fn parse_file(file: SourceFile, bodies: Bodies<'_>) -> ParsedFile {
    let Some(text) = file.text else {
        return match file.kind {
            Kind::Entry { id, .. } => (Some(Parsed::Entry(None, id, file.path)), Vec::new()),
            _ => (None, Vec::new()),
        };
    };
    match file.kind {
        Kind::Entry { id, yaml } => {
            let (entry, diagnostics) = entry::parse_with(&id, &file.path, &text, yaml, bodies);
            (Some(Parsed::Entry(entry.map(Box::new), id, file.path)), diagnostics)
        }
        Kind::HomeIndex => wrap(parse_page(&file.path, &text), Parsed::Home),
        Kind::SourceIndex { source } => wrap(parse_page(&file.path, &text), |p| Parsed::Source(source, p)),
        Kind::CompareProse { name } => wrap(parse_page(&file.path, &text), |p| Parsed::Prose(name, p)),
    }
}

/// Puts parsed files together into the site, in the order `load` found them (which decides
/// which of two files with the same id counts), and checks the rules across files.
pub(crate) fn assemble(
    config: SiteConfig,
    parsed: Vec<ParsedFile>,
    mut diagnostics: Vec<Diagnostic>,
) -> (Site, Vec<Diagnostic>) {
    let mut site = Site {
        config,
        entries: Vec::new(),
        broken: BTreeSet::new(),
        home: None,
        source_pages: BTreeMap::new(),
        prose: BTreeMap::new(),
    };
    let mut files_by_id: BTreeMap<String, String> = BTreeMap::new();
    for (item, found) in parsed {
        diagnostics.extend(found);
        match item {
            Some(Parsed::Entry(entry, id, file)) => {
                if let Some(first) = files_by_id.get(&id) {
                    diagnostics.push(
                        Diagnostic::error(format!("`{id}` is defined twice, here and in {first}"))
                            .file(&file)
                            .hint("keep one of the two files"),
                    );
                    continue;
                }
                files_by_id.insert(id.clone(), file);
                match entry {
                    Some(entry) => site.entries.push(*entry),
                    None => {
                        site.broken.insert(id);
                    }
                }
            }
            Some(Parsed::Home(page)) => site.home = Some(page),
            Some(Parsed::Source(source, page)) => {
                site.source_pages.insert(source, page);
            }
            Some(Parsed::Prose(name, page)) => {
                site.prose.insert(name, page);
            }
            None => {}
        }
    }
    site.entries.sort_by(|a, b| id::natural_cmp(&a.id, &b.id));
    (site, diagnostics)
}

fn wrap(
    result: (Option<Page>, Vec<Diagnostic>),
    make: impl FnOnce(Page) -> Parsed,
) -> (Option<Parsed>, Vec<Diagnostic>) {
    (result.0.map(make), result.1)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PageFront {
    title: Option<String>,
    summary: Option<String>,
}

/// Parses a prose page: optional front matter with only `title` and `summary`, then Markdown.
pub fn parse_page(file: &str, text: &str) -> (Option<Page>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let (front, body, body_offset) = if frontmatter::has_front_matter(text) {
        match frontmatter::split(text) {
            Ok(split) => {
                let front = if split.yaml.trim().is_empty() {
                    PageFront { title: None, summary: None }
                } else {
                    match yaml::parse::<PageFront>(split.yaml, split.yaml_offset) {
                        Ok(front) => front,
                        Err(e) => {
                            let hint = if e.message.contains("unknown field") {
                                "prose pages take only `title` and `summary` in their front matter".to_string()
                            } else {
                                e.hint.unwrap_or_else(|| "check the indentation and quoting around this line".into())
                            };
                            let d = Diagnostic::error(e.message).file(file).at(text, e.pos).hint(hint);
                            return (None, vec![d]);
                        }
                    }
                };
                (front, split.body, split.body_offset)
            }
            Err(e) => {
                let d = Diagnostic::error(e.message)
                    .file(file)
                    .at(text, Some(Pos { line: 1, column: 1, len: 3 }))
                    .hint(e.hint);
                return (None, vec![d]);
            }
        }
    } else {
        (PageFront { title: None, summary: None }, text, 0)
    };
    let mut links = Vec::new();
    for (dest, pos) in markdown::positioned_links(body, body_offset) {
        if let Some(problem) = url::problem(&dest) {
            diagnostics.push(Diagnostic::error(problem.message).file(file).at_pos(Some(pos)));
        } else if let Some((id, fragment)) = markdown::internal_target(&dest) {
            links.push(Ref { id: id.to_string(), fragment: fragment.map(str::to_string), pos: Some(pos) });
        }
    }
    let page =
        Page { file: file.to_string(), title: front.title, summary: front.summary, body: body.to_string(), links };
    (Some(page), diagnostics)
}
