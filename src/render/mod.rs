//! Rendering: the site model and its link graph become output files, in parallel and
//! without touching the disk. Each file is handed to a sink as soon as it is rendered, so
//! a large site is never held in memory whole.
//!
//! 1. Shared pieces are computed once: every entry's URL, card and comparison row.
//! 2. The list of jobs is made: one per page or file, in a fixed order.
//! 3. Jobs run on rayon's pool; each builds its view and renders a template.

mod api;
pub(crate) mod assets;
mod deps;
mod feed;
pub(crate) mod highlight;
mod hubs;
pub mod markdown;
mod pages;
mod reader;
mod search;
mod table;
pub(crate) mod templates;
pub(crate) mod urls;
pub(crate) mod view;

use crate::link::LinkGraph;
use crate::model::Site;
use crate::model::entry::{Class, Entry};
use anyhow::{Result, anyhow};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use templates::Templates;
use urls::LinkStyle;
use view::{Card, Row};

pub(crate) use api::ApiMemo;
pub(crate) use deps::{Inputs, Planned, TemplateInputs, shared_signature};

/// Lists longer than this are split into pages.
pub(crate) const PAGE_SIZE: usize = 200;

/// One output file: its path under the output root and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// What kind of page a file is, for the build summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    Entry,
    Comparison,
    Page,
    Other,
}

/// How this build links and where it will be hosted.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub style: LinkStyle,
    /// Absolute, ending in `/`; `None` writes no sitemap, canonical or og:url.
    pub base_url: Option<String>,
    /// Output paths of the theme's assets, by their name in the theme (`style.css`).
    pub assets: BTreeMap<String, String>,
}

/// A unit of rendering work.
#[derive(Debug, Clone)]
enum Job {
    Entry(usize),
    Pair(usize),
    Home,
    Source(String, usize),
    Class(Class, usize),
    Tag(String, usize),
    TagIndex,
    CompareIndex,
    Redirect(usize),
    NotFound,
    SearchPage,
    SearchIndex,
    SearchShard(usize),
    ApiIndex,
    Sitemap,
    Robots,
    Feed,
    OpenSearch,
}

/// Everything computed once and shared by all jobs.
pub(crate) struct Renderer<'a> {
    site: &'a Site,
    graph: &'a LinkGraph,
    templates: &'a Templates,
    options: &'a Options,
    index: HashMap<&'a str, usize>,
    /// Root-relative URL of each entry page, in this build's link style.
    urls: Vec<String>,
    cards: Cow<'a, [Card]>,
    rows: Cow<'a, [Row]>,
    /// Included entries by source, class and tag, in natural order.
    by_source: BTreeMap<&'a str, Vec<usize>>,
    by_class: BTreeMap<Class, Vec<usize>>,
    by_tag: BTreeMap<&'a str, Vec<usize>>,
    /// Included non-http entries by their `status`, in natural order.
    by_status: BTreeMap<i64, Vec<usize>>,
    /// The navigation every page shows, computed once.
    nav: Vec<view::Link>,
    /// The search index and its shards; `None` when its files are left to [`search_files`].
    search: Option<(crate::search::Index, search::Shards)>,
    /// `api/index.json` items kept from an earlier build.
    api_memo: Option<&'a ApiMemo>,
}

/// An entry's card and comparison row, as the renderer computes them for every entry.
pub(crate) fn card_and_row(entry: &Entry, style: LinkStyle) -> (Card, Row) {
    let url = style.page(&entry.id);
    (pages::card(entry, &url), pages::row(entry, &url))
}

/// The files of the search index (`search/index.js` and its shards), for a renderer made
/// with [`Renderer::without_search`].
pub(crate) fn search_files(site: &Site, included: &[bool]) -> Vec<OutFile> {
    let index = crate::search::Index::build(site, included);
    let shards = search::Shards::plan(&index);
    let paths = search::Shards::head_paths(&index);
    let mut files: Vec<OutFile> =
        paths.into_iter().zip(shards.head_files(&index)).map(|(path, bytes)| OutFile { path, bytes }).collect();
    files
        .extend((0..shards.count()).map(|k| OutFile { path: search::Shards::path(k), bytes: shards.shard(&index, k) }));
    files
}

impl<'a> Renderer<'a> {
    pub(crate) fn new(site: &'a Site, graph: &'a LinkGraph, templates: &'a Templates, options: &'a Options) -> Self {
        let (cards, rows) = site.entries.iter().map(|e| card_and_row(e, options.style)).unzip::<_, _, Vec<_>, Vec<_>>();
        let mut renderer = Self::with_parts(site, graph, templates, options, Cow::Owned(cards), Cow::Owned(rows));
        let index = crate::search::Index::build(site, &graph.included);
        let shards = search::Shards::plan(&index);
        renderer.search = Some((index, shards));
        renderer
    }

    /// A renderer that leaves out the search index files (they come from [`search_files`]),
    /// with every entry's card and row given, in entry order (see [`card_and_row`]), and the
    /// `api/index.json` items of an earlier build. `serve` keeps these between rebuilds, and
    /// updates the search index after the pages.
    pub(crate) fn without_search(
        site: &'a Site,
        graph: &'a LinkGraph,
        templates: &'a Templates,
        options: &'a Options,
        (cards, rows): (&'a [Card], &'a [Row]),
        api_memo: &'a ApiMemo,
    ) -> Self {
        let mut renderer = Self::with_parts(site, graph, templates, options, Cow::Borrowed(cards), Cow::Borrowed(rows));
        renderer.api_memo = Some(api_memo);
        renderer
    }

    fn with_parts(
        site: &'a Site,
        graph: &'a LinkGraph,
        templates: &'a Templates,
        options: &'a Options,
        cards: Cow<'a, [Card]>,
        rows: Cow<'a, [Row]>,
    ) -> Self {
        let index = site.index_by_id();
        let urls: Vec<String> = site.entries.iter().map(|e| options.style.page(&e.id)).collect();
        // Gathered in hash maps, then sorted once: a tree lookup per tag of every entry costs
        // more than the rest of this function.
        let mut by_source: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
        let mut by_class: BTreeMap<Class, Vec<usize>> = BTreeMap::new();
        let mut by_tag: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
        let mut by_status: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        for (i, e) in site.entries.iter().enumerate().filter(|(i, _)| graph.included[*i]) {
            by_source.entry(&e.source).or_default().push(i);
            if let (false, Some(status)) = (e.source == "http", e.fm.status) {
                by_status.entry(status).or_default().push(i);
            }
            if let Some(class) = e.class {
                by_class.entry(class).or_default().push(i);
            }
            for tag in &e.fm.tags {
                let list = by_tag.entry(tag).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        // A class page lists http entries first, then the others whose status is in it.
        for list in by_class.values_mut() {
            list.sort_by_key(|&i| (site.entries[i].source != "http", i));
        }
        let by_source: BTreeMap<&str, Vec<usize>> = by_source.into_iter().collect();
        let by_tag: BTreeMap<&str, Vec<usize>> = by_tag.into_iter().collect();
        let mut renderer = Renderer {
            site,
            graph,
            templates,
            options,
            index,
            urls,
            cards,
            rows,
            by_source,
            by_class,
            by_tag,
            by_status,
            nav: Vec::new(),
            search: None,
            api_memo: None,
        };
        renderer.nav = renderer.navigation();
        renderer
    }

    fn jobs(&self) -> Vec<Job> {
        let included = |i: &usize| self.graph.included[*i];
        let pages_of = |n: usize| n.div_ceil(PAGE_SIZE).max(1);
        let mut jobs: Vec<Job> = (0..self.site.entries.len()).filter(included).map(Job::Entry).collect();
        jobs.extend((0..self.graph.pairs.len()).map(Job::Pair));
        jobs.push(Job::Home);
        for (source, list) in &self.by_source {
            jobs.extend((1..=pages_of(list.len())).map(|p| Job::Source(source.to_string(), p)));
        }
        for (class, list) in &self.by_class {
            jobs.extend((1..=pages_of(list.len())).map(|p| Job::Class(*class, p)));
        }
        for (tag, list) in &self.by_tag {
            jobs.extend((1..=pages_of(list.len())).map(|p| Job::Tag(tag.to_string(), p)));
        }
        jobs.extend([Job::TagIndex, Job::CompareIndex, Job::NotFound, Job::ApiIndex, Job::Robots]);
        jobs.push(Job::SearchPage);
        if let Some((_, shards)) = &self.search {
            jobs.push(Job::SearchIndex);
            jobs.extend((0..shards.count()).map(Job::SearchShard));
        }
        jobs.extend((0..self.graph.redirects.len()).map(Job::Redirect));
        if self.options.base_url.is_some() {
            jobs.extend([Job::Sitemap, Job::Feed, Job::OpenSearch]);
        }
        jobs
    }

    /// Every output path this build will write, without rendering anything, so collisions
    /// with static files are found before the work starts.
    pub(crate) fn paths(&self) -> Vec<String> {
        self.jobs().iter().flat_map(|job| self.paths_of(job)).collect()
    }

    /// The files a job writes: an entry writes its page and its API file, which share the
    /// rendered body; the search index job writes the head with the files it points to
    /// ([`search::Shards::head_paths`]); every other job writes one file.
    fn paths_of(&self, job: &Job) -> Vec<String> {
        let one = match job {
            Job::Entry(i) => {
                let id = &self.site.entries[*i].id;
                return vec![urls::file_of(id), format!("api/{id}.json")];
            }
            Job::SearchIndex => {
                return match &self.search {
                    Some((index, _)) => search::Shards::head_paths(index),
                    None => vec!["search/index.js".into()],
                };
            }
            Job::Pair(p) => urls::file_of(&format!("compare/{}", self.graph.pairs[*p].name)),
            Job::Home => urls::file_of(""),
            Job::Source(s, page) => urls::file_of(&paged(s, *page)),
            Job::Class(c, page) => urls::file_of(&paged(&class_dir(*c), *page)),
            Job::Tag(t, page) => urls::file_of(&paged(&format!("tags/{t}"), *page)),
            Job::TagIndex => urls::file_of("tags"),
            Job::CompareIndex => urls::file_of("compare"),
            Job::Redirect(r) => urls::file_of(&self.graph.redirects[*r].0),
            Job::NotFound => "404.html".into(),
            Job::SearchPage => urls::file_of("search"),
            Job::SearchShard(k) => search::Shards::path(*k),
            Job::ApiIndex => "api/index.json".into(),
            Job::Sitemap => "sitemap.xml".into(),
            Job::Robots => "robots.txt".into(),
            Job::Feed => "feed.xml".into(),
            Job::OpenSearch => "opensearch.xml".into(),
        };
        vec![one]
    }

    fn kind_of(job: &Job) -> FileKind {
        match job {
            Job::Entry(_) => FileKind::Entry,
            Job::Pair(_) => FileKind::Comparison,
            Job::ApiIndex
            | Job::Sitemap
            | Job::Robots
            | Job::Feed
            | Job::OpenSearch
            | Job::SearchIndex
            | Job::SearchShard(_) => FileKind::Other,
            Job::Home
            | Job::Source(..)
            | Job::Class(..)
            | Job::Tag(..)
            | Job::TagIndex
            | Job::CompareIndex
            | Job::Redirect(_)
            | Job::NotFound
            | Job::SearchPage => FileKind::Page,
        }
    }

    /// Renders every file in parallel, handing each to `sink` as it is done. Stops at the
    /// first error (a template error or a failed write).
    pub(crate) fn render_all(&self, sink: &(dyn Fn(OutFile, FileKind) -> Result<()> + Sync)) -> Result<()> {
        self.jobs().par_iter().try_for_each(|job| {
            let files = self.render(job)?;
            for (n, (path, bytes)) in self.paths_of(job).into_iter().zip(files).enumerate() {
                let kind = if n == 0 { Self::kind_of(job) } else { FileKind::Other };
                sink(OutFile { path, bytes }, kind)?;
            }
            Ok(())
        })
    }

    fn render(&self, job: &Job) -> Result<Vec<Vec<u8>>> {
        let html = match job {
            Job::Entry(i) => {
                let body = self.body_html(*i);
                return Ok(vec![self.entry_page(*i, &body)?.into_bytes(), self.api_entry(*i, &body)?]);
            }
            Job::Pair(p) => self.pair_page(*p)?,
            Job::Home => self.home_page()?,
            Job::Source(s, page) => self.source_page(s, *page)?,
            Job::Class(c, page) => self.class_page(*c, *page)?,
            Job::Tag(t, page) => self.tag_page(t, *page)?,
            Job::TagIndex => self.tag_index()?,
            Job::CompareIndex => self.compare_index()?,
            Job::Redirect(r) => self.redirect_page(*r)?,
            Job::NotFound => self.not_found_page()?,
            Job::SearchPage => self.search_page()?,
            Job::SearchIndex => {
                let (index, shards) = self.search_index()?;
                return Ok(shards.head_files(index));
            }
            Job::SearchShard(k) => {
                let (index, shards) = self.search_index()?;
                return Ok(vec![shards.shard(index, *k)]);
            }
            Job::ApiIndex => return Ok(vec![self.api_index()?]),
            Job::Sitemap => self.sitemap(),
            Job::Robots => self.robots(),
            Job::Feed => self.feed(),
            Job::OpenSearch => self.opensearch(),
        };
        Ok(vec![html.into_bytes()])
    }

    /// The search index and its shards. Jobs for the index files are only made when the
    /// renderer has them.
    fn search_index(&self) -> Result<(&crate::search::Index, &search::Shards)> {
        let (index, shards) = self.search.as_ref().ok_or_else(|| anyhow!("no search index to render"))?;
        Ok((index, shards))
    }
}

/// Minimal HTML escaping for text and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut from = 0;
    // Copies the runs between special characters whole: most text has none.
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[from..at]);
        out.push_str(entity);
        from = at + 1;
    }
    out.push_str(&text[from..]);
    out
}

/// The folder of page `page` of a list whose first page is at `dir`.
fn paged(dir: &str, page: usize) -> String {
    if page <= 1 { dir.to_string() } else { format!("{dir}/page/{page}") }
}

/// `http/5xx`
pub(crate) fn class_dir(class: Class) -> String {
    format!("http/{}", class.label())
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_replaces_the_five_special_characters_and_keeps_the_rest() {
        assert_eq!(escape(""), "");
        assert_eq!(escape("plain text"), "plain text");
        assert_eq!(
            escape("é<a href='x' title=\"y\">&amp;</a>ß"),
            "é&lt;a href=&#39;x&#39; title=&quot;y&quot;&gt;&amp;amp;&lt;/a&gt;ß"
        );
        assert_eq!(escape("<<>>"), "&lt;&lt;&gt;&gt;");
    }
}
