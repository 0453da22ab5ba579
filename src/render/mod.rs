//! Rendering: the site model and its link graph become output files, in parallel and
//! without touching the disk. Each file is handed to a sink as soon as it is rendered, so
//! a large site is never held in memory whole.
//!
//! 1. Shared pieces are computed once: every entry's URL, card and comparison row.
//! 2. The list of jobs is made: one per page or file, in a fixed order.
//! 3. Jobs run on rayon's pool; each builds its view and renders a template.

mod api;
pub(crate) mod assets;
mod feed;
pub(crate) mod highlight;
mod hubs;
pub mod markdown;
mod pages;
mod reader;
pub(crate) mod reads;
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
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use templates::Templates;
use urls::LinkStyle;
use view::{Card, Row};

pub(crate) use pages::PageView;
pub(crate) use search::File as SearchFile;

/// Lists longer than this are split into pages, unless [`Options::page_size`] says otherwise.
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
    /// How many entries a page of a list shows: [`PAGE_SIZE`], lowered by tests so that a
    /// small site has lists of several pages.
    pub page_size: usize,
}

/// A unit of rendering work: one page or file, or an entry's page with its API file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Job {
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
    /// A file of the search index.
    Search(SearchFile),
    ApiIndex,
    Sitemap,
    Robots,
    Feed,
    OpenSearch,
}

impl Job {
    /// Whether the job writes files of the search index.
    pub(crate) fn is_search(&self) -> bool {
        matches!(self, Job::Search(_))
    }
}

/// Everything computed once and shared by all jobs.
pub(crate) struct Renderer<'a> {
    /// Every read of entries and lists goes through it (see [`reads`]).
    model: reads::Model<'a>,
    templates: &'a Templates,
    options: &'a Options,
    index: HashMap<&'a str, usize>,
    /// Root-relative URL of each entry page, in this build's link style.
    urls: Vec<String>,
    /// The navigation every page shows, computed once.
    nav: Vec<view::Link>,
    /// The search index and its shards; `None` when its files are left to [`search_files`].
    /// Shared with the renderer's [`Renderer::sketcher`].
    search: Option<std::sync::Arc<(crate::search::Index, search::Shards)>>,
    /// Whether Markdown is left unrendered, as a hash of what it is made from (see
    /// [`Renderer::sketcher`]).
    sketch: bool,
}

/// What a job renders, before rendering: the view of each of its files. Views hold every
/// input of their output (Markdown as its HTML, or as a token of its source when
/// sketched), so the hash of a view and of its template tells whether the output changed.
#[derive(Hash)]
pub(crate) enum View<'a> {
    /// An HTML page, from a theme template.
    Page(&'static str, PageView<'a>),
    /// An entry's page, from `entry.html`, and its API file.
    Entry(PageView<'a>, Box<api::ApiEntry<'a>>),
    ApiIndex(api::ApiIndex<'a>),
    /// Files made without a template (robots.txt, the sitemap, the feed, the search
    /// index head with the files it points to): their bytes are their view.
    Files(Vec<Vec<u8>>),
}

impl<'a> View<'a> {
    /// The theme template the view is rendered with, if any.
    pub(crate) fn template(&self) -> Option<&'static str> {
        match self {
            View::Page(name, _) => Some(name),
            View::Entry(..) => Some("entry.html"),
            View::ApiIndex(_) | View::Files(_) => None,
        }
    }

    /// The page's view, if the job renders a page from a template.
    pub(crate) fn page_mut(&mut self) -> Option<&mut PageView<'a>> {
        match self {
            View::Page(_, page) | View::Entry(page, _) => Some(page),
            View::ApiIndex(_) | View::Files(_) => None,
        }
    }
}

/// An entry's card and comparison row, as the renderer computes them for every entry.
pub(crate) fn card_and_row(entry: &Entry, style: LinkStyle) -> (Card, Row) {
    let url = style.page(&entry.id);
    (pages::card(entry, &url), pages::row(entry, &url))
}

/// The files of the search index `index` (`search/index.js` and its shards), for a
/// renderer made with [`Renderer::with_cards`].
pub(crate) fn search_files(index: &crate::search::Index) -> Vec<OutFile> {
    let shards = search::Shards::plan(index);
    shards
        .files(index)
        .into_par_iter()
        .map(|file| OutFile { path: file.path(), bytes: shards.bytes(index, file) })
        .collect()
}

impl<'a> Renderer<'a> {
    /// The renderer of a whole build, with the site's search index (see
    /// [`crate::search::Index::build`]).
    pub(crate) fn new(
        (site, graph): (&'a Site, &'a LinkGraph),
        templates: &'a Templates,
        options: &'a Options,
        index: crate::search::Index,
    ) -> Self {
        let (cards, rows) =
            site.entries.par_iter().map(|e| card_and_row(e, options.style)).unzip::<_, _, Vec<_>, Vec<_>>();
        let mut renderer = Self::with_parts(site, graph, templates, options, Cow::Owned(cards), Cow::Owned(rows));
        let shards = search::Shards::plan(&index);
        renderer.search = Some(std::sync::Arc::new((index, shards)));
        renderer
    }

    /// A renderer with every entry's card and row given, in entry order (see
    /// [`card_and_row`]), which leaves out the search index files (they come from
    /// [`search_files`]).
    pub(crate) fn with_cards(
        site: &'a Site,
        graph: &'a LinkGraph,
        templates: &'a Templates,
        options: &'a Options,
        (cards, rows): (&'a [Card], &'a [Row]),
    ) -> Self {
        Self::with_parts(site, graph, templates, options, Cow::Borrowed(cards), Cow::Borrowed(rows))
    }

    /// This renderer without its search index, freed unless something else holds it: a
    /// build renders the index files first, and the index (hundreds of megabytes at
    /// 100,000 entries) is not needed for the pages.
    pub(crate) fn without_search(self) -> Renderer<'a> {
        Renderer { search: None, ..self }
    }

    /// A renderer whose views leave Markdown unrendered, each field standing for its
    /// HTML by a hash of what it is made from: views to hash, not to render, so that the
    /// view of every job can be compared with an earlier build's cheaply.
    pub(crate) fn sketcher(&self) -> Renderer<'_> {
        Renderer {
            model: self.model.borrowed(),
            templates: self.templates,
            options: self.options,
            index: self.index.clone(),
            urls: self.urls.clone(),
            nav: self.nav.clone(),
            search: self.search.clone(),
            sketch: true,
        }
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
        let mut renderer = Renderer {
            model: reads::Model::new(site, graph, cards, rows),
            templates,
            options,
            index,
            urls,
            nav: Vec::new(),
            search: None,
            sketch: false,
        };
        renderer.nav = renderer.navigation();
        renderer
    }

    /// A hash of each list of entries by its key (see [`reads::Model::list_hashes`]).
    pub(crate) fn list_hashes(&self) -> HashMap<u64, u64> {
        self.model.list_hashes()
    }

    /// The navigation every page shows.
    pub(crate) fn nav(&self) -> &[view::Link] {
        &self.nav
    }

    /// Every job of this build, in a fixed order.
    pub(crate) fn jobs(&self) -> Vec<Job> {
        let included = |i: &usize| self.model.included(*i);
        let pages_of = |n: usize| n.div_ceil(self.options.page_size).max(1);
        let mut jobs: Vec<Job> = (0..self.model.entry_count()).filter(included).map(Job::Entry).collect();
        jobs.extend((0..self.model.pairs().len()).map(Job::Pair));
        jobs.push(Job::Home);
        for (source, list) in self.model.by_source() {
            jobs.extend((1..=pages_of(list.len())).map(|p| Job::Source(source.to_string(), p)));
        }
        for (class, list) in self.model.by_class() {
            jobs.extend((1..=pages_of(list.len())).map(|p| Job::Class(*class, p)));
        }
        for (tag, list) in self.model.by_tag() {
            jobs.extend((1..=pages_of(list.len())).map(|p| Job::Tag(tag.to_string(), p)));
        }
        jobs.extend([Job::TagIndex, Job::CompareIndex, Job::NotFound, Job::ApiIndex, Job::Robots]);
        jobs.push(Job::SearchPage);
        if let Some(search) = &self.search {
            let (index, shards) = &**search;
            jobs.extend(shards.files(index).into_iter().map(Job::Search));
        }
        jobs.extend((0..self.model.redirects().len()).map(Job::Redirect));
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
    /// rendered body; every other job writes one file.
    pub(crate) fn paths_of(&self, job: &Job) -> Vec<String> {
        let one = match job {
            Job::Entry(i) => {
                let id = self.model.id(*i);
                return vec![urls::file_of(id), format!("api/{id}.json")];
            }
            Job::Pair(p) => urls::file_of(&format!("compare/{}", self.model.pairs()[*p].name)),
            Job::Home => urls::file_of(""),
            Job::Source(s, page) => urls::file_of(&paged(s, *page)),
            Job::Class(c, page) => urls::file_of(&paged(&class_dir(*c), *page)),
            Job::Tag(t, page) => urls::file_of(&paged(&format!("tags/{t}"), *page)),
            Job::TagIndex => urls::file_of("tags"),
            Job::CompareIndex => urls::file_of("compare"),
            Job::Redirect(r) => urls::file_of(&self.model.redirects()[*r].0),
            Job::NotFound => "404.html".into(),
            Job::SearchPage => urls::file_of("search"),
            Job::Search(file) => file.path(),
            Job::ApiIndex => "api/index.json".into(),
            Job::Sitemap => "sitemap.xml".into(),
            Job::Robots => "robots.txt".into(),
            Job::Feed => "feed.xml".into(),
            Job::OpenSearch => "opensearch.xml".into(),
        };
        vec![one]
    }

    /// What kind of page a job's first file is.
    pub(crate) fn kind_of(job: &Job) -> FileKind {
        match job {
            Job::Entry(_) => FileKind::Entry,
            Job::Pair(_) => FileKind::Comparison,
            Job::ApiIndex | Job::Sitemap | Job::Robots | Job::Feed | Job::OpenSearch | Job::Search(_) => {
                FileKind::Other
            }
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

    /// The files of a job, in the order of [`Self::paths_of`].
    pub(crate) fn render(&self, job: &Job) -> Result<Vec<Vec<u8>>> {
        self.render_view(self.view(job)?)
    }

    /// The view a job renders.
    pub(crate) fn view(&self, job: &Job) -> Result<View<'_>> {
        let page = |name, page| Ok(View::Page(name, page));
        match job {
            Job::Entry(i) => {
                let text = self.body_text(*i)?;
                let body = self.body_html(*i, &text);
                Ok(View::Entry(
                    PageView::Entry(Box::new(self.entry_page(*i, &body, &text))),
                    Box::new(self.api_entry(*i, &body)),
                ))
            }
            Job::Pair(p) => page("compare.html", PageView::Pair(Box::new(self.pair_page(*p)))),
            Job::Home => page("home.html", PageView::Home(self.home_page())),
            Job::Source(s, n) => page("list.html", PageView::List(self.source_page(s, *n))),
            Job::Class(c, n) => page("list.html", PageView::List(self.class_page(*c, *n))),
            Job::Tag(t, n) => page("list.html", PageView::List(self.tag_page(t, *n))),
            Job::TagIndex => page("tags.html", PageView::Index(self.tag_index())),
            Job::CompareIndex => page("compare_index.html", PageView::Index(self.compare_index())),
            Job::Redirect(r) => page("redirect.html", PageView::Redirect(self.redirect_page(*r))),
            Job::NotFound => page("404.html", PageView::Index(self.not_found_page())),
            Job::SearchPage => page("search.html", PageView::Search(self.search_page())),
            Job::Search(file) => {
                let (index, shards) = self.search_index()?;
                Ok(View::Files(vec![shards.bytes(index, *file)]))
            }
            Job::ApiIndex => Ok(View::ApiIndex(self.api_index())),
            Job::Sitemap => Ok(View::Files(vec![self.sitemap().into_bytes()])),
            Job::Robots => Ok(View::Files(vec![self.robots().into_bytes()])),
            Job::Feed => Ok(View::Files(vec![self.feed().into_bytes()])),
            Job::OpenSearch => Ok(View::Files(vec![self.opensearch().into_bytes()])),
        }
    }

    /// The files of a view, in the order of [`Self::paths_of`].
    pub(crate) fn render_view(&self, view: View<'_>) -> Result<Vec<Vec<u8>>> {
        match view {
            View::Page(name, page) => Ok(vec![self.page(name, &page)?.into_bytes()]),
            View::Entry(page, api) => Ok(vec![self.page("entry.html", &page)?.into_bytes(), api.render()?]),
            View::ApiIndex(index) => Ok(vec![index.render()?]),
            View::Files(files) => Ok(files),
        }
    }

    /// The HTML of `page` from template `name`: written directly for the built-in theme's
    /// entry and comparison pages, by Tera otherwise.
    fn page(&self, name: &str, page: &PageView<'_>) -> Result<String> {
        match page {
            PageView::Entry(entry) if self.templates.direct() => Ok(pages::builtin::entry(entry)),
            PageView::Pair(pair) if self.templates.direct() => Ok(pages::builtin::pair(pair)),
            _ => self.templates.render(name, page),
        }
    }

    /// The search index and its shards. Jobs for the index files are only made when the
    /// renderer has them.
    fn search_index(&self) -> Result<(&crate::search::Index, &search::Shards)> {
        let (index, shards) = &**self.search.as_ref().ok_or_else(|| anyhow!("no search index to render"))?;
        Ok((index, shards))
    }
}

/// Minimal HTML escaping for text and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    escape_into(&mut out, text);
    out
}

/// [`escape`], appending to `out`.
pub(crate) fn escape_into(out: &mut String, text: &str) {
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
