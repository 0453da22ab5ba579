//! The HTML pages (and sitemap, robots.txt): building each page's view and rendering it.

use super::hubs::Group;
use super::markdown::{self, Ctx, Html, Sketched};
use super::table::{Line, table};
use super::urls::{LinkStyle, root_of};
use super::view::{Card, Cause, CompareTable, EntryView, Faq, Link, Pagination, Row, Step};
use super::{Renderer, class_dir, paged};
use crate::model::Page;
use crate::model::entry::{Class, Entry, Iana, Likelihood};
use crate::model::markdown::{AnchorSet, plain};
use serde::Serialize;
use std::borrow::Cow;

pub(crate) mod builtin;

/// Stands for the page's root prefix in HTML rendered once for several pages. Percent
/// signs cannot start a URL that Markdown writes, so the marker never meets real content.
const ROOT: &str = "%ROOT%/";
/// Stands for `index.html` or nothing after an entry's folder, like [`ROOT`].
const PAGE: &str = "%PAGE%";

/// How many recently updated entries the home page shows.
pub(super) const RECENT: usize = 10;

/// What every page's `<head>` and navigation need.
#[derive(Debug, Serialize, Hash)]
pub(crate) struct Meta<'a> {
    title: String,
    description: String,
    lang: &'a str,
    site_title: &'a str,
    /// From this page to the output root.
    root: String,
    home: String,
    compare_url: String,
    tags_url: String,
    css: String,
    /// The search page, and the script that runs the search box.
    search_url: String,
    search_js: String,
    /// The script of the reader's tools: copy buttons, the "Edit your error" form, the
    /// best answer and the proposal of a missing error on the search page.
    reader_js: String,
    /// `propose_url` from site.yaml, for the proposal of a missing error.
    propose_url: Option<&'a str>,
    /// The site's icon, from this page.
    favicon: Option<String>,
    /// With a base URL: the Atom feed and the OpenSearch description, from this page.
    feed_url: Option<String>,
    opensearch_url: Option<String>,
    /// `folder` or `file`: how the search script links to results.
    style: &'static str,
    canonical: Option<String>,
    og_type: &'static str,
    /// Root-relative: templates write `{{ meta.root }}{{ link.url }}`.
    pub(crate) nav: &'a [Link],
}

pub(super) fn card(e: &Entry, url: &str) -> Card {
    Card {
        id: e.id.clone(),
        code: e.fm.code.clone(),
        title: e.fm.title.clone(),
        summary: plain(&e.fm.summary),
        url: url.to_string(),
        source: e.source.clone(),
        class: e.class.map(Class::label),
        updated: e.fm.updated.clone(),
    }
}

pub(super) fn row(e: &Entry, url: &str) -> Row {
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".to_string());
    Row {
        id: e.id.clone(),
        code: e.fm.code.clone(),
        title: e.fm.title.clone(),
        name: e.fm.name.clone().unwrap_or_else(|| e.fm.title.clone()),
        generated_by: text(&e.fm.generated_by),
        cause: text(&e.fm.typical_cause),
        first_check: text(&e.fm.first_check),
        class: e.class.map_or_else(|| "—".to_string(), |c| format!("{} {}", c.label(), c.name())),
        cacheable: text(&e.fm.cacheable),
        url: url.to_string(),
    }
}

fn likelihood(l: Likelihood) -> &'static str {
    match l {
        Likelihood::High => "high",
        Likelihood::Medium => "medium",
        Likelihood::Low => "low",
    }
}

fn iana(i: Iana) -> &'static str {
    match i {
        Iana::Assigned => "assigned",
        Iana::Unused => "unused",
        Iana::Obsolete => "obsolete",
        Iana::Temporary => "temporary",
        Iana::Unofficial => "unofficial",
    }
}

/// The view of a page a theme template renders, by kind: what the template receives.
#[derive(Serialize, Hash)]
#[serde(untagged)]
pub(crate) enum PageView<'a> {
    Entry(Box<EntryPage<'a>>),
    Pair(Box<PairPage<'a>>),
    List(ListPage<'a>),
    Home(HomePage<'a>),
    Index(IndexPage<'a>),
    Search(SearchPage<'a>),
    Redirect(RedirectPage<'a>),
}

impl<'a> PageView<'a> {
    /// What every page's `<head>` and navigation show.
    pub(crate) fn meta_mut(&mut self) -> &mut Meta<'a> {
        match self {
            PageView::Entry(page) => &mut page.meta,
            PageView::Pair(page) => &mut page.meta,
            PageView::List(page) => &mut page.meta,
            PageView::Home(page) => &mut page.meta,
            PageView::Index(page) => &mut page.meta,
            PageView::Search(page) => &mut page.meta,
            PageView::Redirect(page) => &mut page.meta,
        }
    }
}

#[derive(Serialize, Hash)]
pub(crate) struct EntryPage<'a> {
    meta: Meta<'a>,
    entry: EntryView,
    related: Vec<&'a Card>,
    /// The comparison table, when the entry forms pairs.
    table: Option<CompareTable>,
    /// "On this page": links to the page's sections.
    toc: Sketched<Vec<Link>>,
    /// For http entries: the platform errors whose `status` is this code, and the anchor
    /// of their section.
    returned_by: Vec<&'a Card>,
    returned_anchor: String,
    /// schema.org JSON-LD, safe inside a script element.
    json_ld: String,
}

#[derive(Serialize, Hash)]
pub(crate) struct Side<'a> {
    entry: EntryView,
    row: &'a Row,
}

#[derive(Serialize, Hash)]
pub(crate) struct PairPage<'a> {
    meta: Meta<'a>,
    sides: [Side<'a>; 2],
    table: CompareTable,
    prose: Html,
}

#[derive(Serialize, Hash)]
pub(crate) struct ListPage<'a> {
    meta: Meta<'a>,
    heading: String,
    intro: Html,
    entries: Vec<&'a Card>,
    /// On class pages, the same entries by source, HTTP codes first; empty elsewhere.
    groups: Vec<Group<'a>>,
    pagination: Pagination,
}

#[derive(Serialize, Hash)]
pub(crate) struct HomePage<'a> {
    meta: Meta<'a>,
    heading: String,
    intro: Html,
    classes: Vec<Link>,
    sources: Vec<Link>,
    /// The errors other pages link to most.
    popular: Vec<&'a Card>,
    recent: Vec<&'a Card>,
    entry_count: usize,
    pair_count: usize,
}

#[derive(Serialize, Hash)]
pub(crate) struct IndexPage<'a> {
    meta: Meta<'a>,
    heading: String,
    links: Vec<Link>,
}

#[derive(Serialize, Hash)]
pub(crate) struct SearchPage<'a> {
    meta: Meta<'a>,
    /// The pages to browse from, for readers without JavaScript or without a result:
    /// the sources, the HTTP classes, comparisons and tags. Root-relative.
    hubs: Vec<Link>,
}

#[derive(Serialize, Hash)]
pub(crate) struct RedirectPage<'a> {
    meta: Meta<'a>,
    target: String,
    target_title: String,
}

impl Renderer<'_> {
    fn page_url(&self, dir: &str) -> String {
        self.options.style.page(dir)
    }

    fn meta(&self, dir: &str, title: String, description: String, og_type: &'static str) -> Meta<'_> {
        let root = root_of(dir);
        self.meta_with_root(root, Some(dir), title, description, og_type)
    }

    /// `dir` is `None` for pages served at any path (404.html): they get no canonical URL.
    fn meta_with_root(
        &self,
        root: String,
        dir: Option<&str>,
        title: String,
        description: String,
        og_type: &'static str,
    ) -> Meta<'_> {
        let config = &self.model.config();
        let canonical = match (&self.options.base_url, dir) {
            (Some(base), Some(dir)) => {
                Some(format!("{base}{}", if dir.is_empty() { String::new() } else { format!("{dir}/") }))
            }
            _ => None,
        };
        let full_title = if title == config.title { title } else { format!("{title} · {}", config.title) };
        Meta {
            title: full_title,
            description,
            lang: &config.language,
            site_title: &config.title,
            home: format!("{root}{}", self.page_url("")),
            compare_url: format!("{root}{}", self.page_url("compare")),
            tags_url: format!("{root}{}", self.page_url("tags")),
            css: format!("{root}{}", self.options.assets.get("style.css").map_or("", String::as_str)),
            search_url: format!("{root}{}", self.page_url("search")),
            search_js: format!("{root}{}", self.options.assets.get("search.js").map_or("", String::as_str)),
            reader_js: self.options.assets.get("reader.js").map(|p| format!("{root}{p}")).unwrap_or_default(),
            propose_url: config.propose_url.as_deref(),
            favicon: self.options.assets.get("favicon.svg").map(|p| format!("{root}{p}")),
            feed_url: self.options.base_url.as_ref().map(|_| format!("{root}feed.xml")),
            opensearch_url: self.options.base_url.as_ref().map(|_| format!("{root}opensearch.xml")),
            style: match self.options.style {
                LinkStyle::Folder => "folder",
                LinkStyle::File => "file",
            },
            canonical,
            og_type,
            nav: &self.nav,
            root,
        }
    }

    /// The site navigation: the sources, then Comparisons and Tags, with root-relative URLs,
    /// so one list serves every page. A source shows the short name [`nav_label`] takes from
    /// its title, so the row fits a wide screen; `detail` holds the title.
    pub(super) fn navigation(&self) -> Vec<Link> {
        let link = |text: String, dir: &str, count: usize| Link {
            text,
            url: self.page_url(dir),
            count,
            detail: String::new(),
        };
        let mut nav: Vec<Link> = self
            .model
            .by_source()
            .iter()
            .map(|(source, list)| {
                let title = self.source_title(source);
                Link { detail: title.clone(), ..link(nav_label(&title, source), source, list.len()) }
            })
            .collect();
        nav.push(link("Comparisons".into(), "compare", self.model.pairs().len()));
        nav.push(link("Tags".into(), "tags", self.model.by_tag().len()));
        nav
    }

    pub(super) fn source_title(&self, source: &str) -> String {
        self.model.source_pages().get(source).and_then(|p| p.title.clone()).unwrap_or_else(|| source.to_string())
    }

    fn ctx<'c>(&'c self, root: &'c str, url_of: &'c (dyn Fn(&str) -> Option<String> + Sync)) -> Ctx<'c> {
        Ctx { root, url_of, raw_html: self.model.config().raw_html, sketch: self.sketch }
    }

    fn url_of_id(&self, id: &str) -> Option<String> {
        self.index.get(id).map(|&i| self.urls[i].clone())
    }

    /// The Markdown of entry `i`'s body. A sketch reads no file: it is given a stand-in
    /// that differs when the body does.
    pub(super) fn body_text(&self, i: usize) -> anyhow::Result<Cow<'_, str>> {
        let body = &self.model.entry(i).body;
        match self.sketch {
            true => Ok(Cow::Owned(format!("body {:016x}", body.hash()))),
            false => body.text(),
        }
    }

    /// Entry `i`'s body (`text`, from [`Self::body_text`]) as HTML, rendered once for its
    /// page and its API file, which link differently: links to other entries are written
    /// `{ROOT}<id>/{PAGE}`, and each use fills in the markers with [`Self::fill_links`].
    /// Sketched or rendered, it is hashed by the hash the model keeps of the body.
    pub(super) fn body_html(&self, i: usize, text: &str) -> Html {
        let url_of = |id: &str| self.index.contains_key(id).then(|| format!("{id}/{PAGE}"));
        let key = markdown::key(("body", self.model.entry(i).body.hash(), self.model.config().raw_html));
        markdown::block_as(text, &self.ctx(ROOT, &url_of), Some(&mut AnchorSet::default()), key)
    }

    /// Fills the markers of [`Self::body_html`] for a page at `root`, linking in this build's
    /// style (`api` links to folders whatever the style, as docs/output.md wants).
    pub(super) fn fill_links(&self, html: &Html, root: &str, api: bool) -> Html {
        let page = if !api && self.options.style == LinkStyle::File { "index.html" } else { "" };
        Html { value: html.value.replace(ROOT, root).replace(PAGE, page), key: html.key }
    }

    /// The view of entry `i` for a page two folders deep, with `body` as its body's HTML.
    fn entry_view(&self, i: usize, body: Html) -> EntryView {
        let e = self.model.entry(i);
        let root = "../../";
        let url_of = |id: &str| self.url_of_id(id);
        let ctx = self.ctx(root, &url_of);
        let fm = &e.fm;
        let block = |t: &Option<String>| t.as_deref().map(|t| markdown::block(t, &ctx, None)).unwrap_or_default();
        // Only a page this build writes: the status's entry may be a draft.
        let status_url = fm
            .status
            .and_then(|s| self.index.get(format!("http/{s}").as_str()).copied())
            .filter(|&t| self.model.included(t))
            .map(|t| format!("{root}{}", self.urls[t]));
        EntryView {
            id: e.id.clone(),
            code: fm.code.clone(),
            title: fm.title.clone(),
            summary: markdown::inline(&fm.summary, &ctx),
            summary_text: self.model.card(i).summary.clone(),
            name: fm.name.clone(),
            also_known_as: fm.also_known_as.clone(),
            class: e.class.map(|c| Link {
                text: c.label(),
                url: format!("{root}{}", self.page_url(&class_dir(c))),
                count: 0,
                detail: c.name().to_string(),
            }),
            status: fm.status,
            status_url,
            spec: fm.spec.as_ref().map(|s| (s.label.clone(), s.url.clone())),
            iana: fm.iana.map(iana),
            cacheable: fm.cacheable.clone(),
            client_action: fm.client_action.as_deref().map(|t| markdown::inline(t, &ctx)).unwrap_or_default(),
            fastest_fix: fm.fastest_fix.iter().map(|t| markdown::inline(t, &ctx)).collect(),
            causes: fm
                .causes
                .iter()
                .map(|c| Cause {
                    title: markdown::inline(&c.title, &ctx),
                    detail: block(&c.detail),
                    likelihood: c.likelihood.map(likelihood),
                })
                .collect(),
            steps: fm
                .steps
                .iter()
                .map(|s| Step { title: markdown::inline(&s.title, &ctx), detail: block(&s.detail), tip: block(&s.tip) })
                .collect(),
            estimated_time: fm.estimated_time.clone(),
            faq: fm.faq.iter().map(|f| Faq { q: f.q.clone(), a: markdown::block(&f.a, &ctx, None) }).collect(),
            messages: fm.messages.clone(),
            tags: fm
                .tags
                .iter()
                .map(|t| Link {
                    text: t.clone(),
                    url: format!("{root}{}", self.page_url(&format!("tags/{t}"))),
                    count: 0,
                    detail: String::new(),
                })
                .collect(),
            updated: fm.updated.clone(),
            body,
            source: Link {
                text: self.source_title(&e.source),
                url: format!("{root}{}", self.page_url(&e.source)),
                count: 0,
                detail: String::new(),
            },
            edit_url: self
                .model
                .config()
                .edit_url
                .as_ref()
                .map(|u| u.replace("{path}", e.file.trim_start_matches("content/"))),
            draft: fm.draft,
        }
    }

    /// The page of entry `i`, with `body` as [`Self::body_html`] gives it for its Markdown
    /// `text`.
    pub(super) fn entry_page(&self, i: usize, body: &Html, text: &str) -> EntryPage<'_> {
        let e = self.model.entry(i);
        let entry = self.entry_view(i, self.fill_links(body, "../../", false));
        let description = entry.summary_text.clone();
        let root = "../../";
        let partners = self.partner_order(i);
        let table = (!partners.is_empty()).then(|| {
            let own = Line { row: self.model.row(i), url: None, pair_url: None };
            let lines = partners.iter().map(|&p| Line {
                row: self.model.row(p),
                url: Some(format!("{root}{}", self.model.row(p).url)),
                pair_url: self
                    .model
                    .pair(i, p)
                    .map(|pair| format!("{root}{}", self.page_url(&format!("compare/{}", pair.name)))),
            });
            self.table(std::iter::once(own).chain(lines).collect(), root)
        });
        let returned = self.returned_by(i);
        EntryPage {
            meta: self.meta(&e.id, e.fm.title.clone(), description, "article"),
            entry,
            related: self.model.related(i).iter().map(|&r| self.model.card(r)).collect(),
            table,
            toc: self.on_this_page(i, &returned, (text, body.key)),
            returned_by: returned.0.iter().map(|&r| self.model.card(r)).collect(),
            returned_anchor: returned.1,
            json_ld: self.json_ld(i),
        }
    }

    /// The comparison table of `lines` for a page at `root`.
    fn table(&self, lines: Vec<Line<'_>>, root: &str) -> CompareTable {
        let url_of = |id: &str| self.url_of_id(id);
        table(lines, &self.ctx(root, &url_of))
    }

    pub(super) fn pair_page(&self, p: usize) -> PairPage<'_> {
        let pair = &self.model.pairs()[p];
        let dir = format!("compare/{}", pair.name);
        let (a, b) = (self.model.entry(pair.a), self.model.entry(pair.b));
        let url_of = |id: &str| self.url_of_id(id);
        let prose = match self.model.prose().get(&pair.name) {
            Some(page) => markdown::block(&page.body, &self.ctx("../../", &url_of), None),
            None => Html::default(),
        };
        let title = format!("{} vs {}", a.fm.title, b.fm.title);
        let (a_summary, b_summary) = (&self.model.card(pair.a).summary, &self.model.card(pair.b).summary);
        let description = format!("{}: {a_summary} {}: {b_summary}", a.fm.code, b.fm.code);
        let line = |i: usize| Line {
            row: self.model.row(i),
            url: Some(format!("../../{}", self.model.row(i).url)),
            pair_url: None,
        };
        PairPage {
            meta: self.meta(&dir, title, description, "article"),
            sides: [
                Side { entry: self.entry_view(pair.a, Html::default()), row: self.model.row(pair.a) },
                Side { entry: self.entry_view(pair.b, Html::default()), row: self.model.row(pair.b) },
            ],
            table: self.table(vec![line(pair.a), line(pair.b)], "../../"),
            prose,
        }
    }

    fn prose(&self, page: Option<&Page>, root: &str) -> Html {
        let url_of = |id: &str| self.url_of_id(id);
        page.map(|p| markdown::block(&p.body, &self.ctx(root, &url_of), None)).unwrap_or_default()
    }

    fn list_page(
        &self,
        dir: &str,
        page: usize,
        heading: String,
        description: String,
        intro: Html,
        (list, grouped): (&[usize], bool),
    ) -> ListPage<'_> {
        let here = paged(dir, page);
        let size = self.options.page_size;
        let total = list.len().div_ceil(size).max(1);
        let root = root_of(&here);
        let link = |n: usize| format!("{root}{}", self.page_url(&paged(dir, n)));
        let pagination = Pagination {
            current: page,
            total,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < total).then(|| link(page + 1)),
        };
        let title = if page > 1 { format!("{heading} (page {page} of {total})") } else { heading.clone() };
        let entries: Vec<&Card> = list.iter().skip((page - 1) * size).take(size).map(|&i| self.model.card(i)).collect();
        let groups = if grouped { self.groups(&entries) } else { Vec::new() };
        let meta = self.meta(&here, title, description, "website");
        ListPage { meta, heading, intro, entries, groups, pagination }
    }

    pub(super) fn source_page(&self, source: &str, page: usize) -> ListPage<'_> {
        let prose = self.model.source_pages().get(source);
        let heading = self.source_title(source);
        let description = prose
            .and_then(|p| p.summary.clone())
            .unwrap_or_else(|| format!("Every {heading} error, with its fastest fix."));
        let intro = if page == 1 { self.prose(prose, &root_of(source)) } else { Html::default() };
        self.list_page(source, page, heading, description, intro, (self.model.source_list(source), false))
    }

    pub(super) fn class_page(&self, class: Class, page: usize) -> ListPage<'_> {
        let heading = format!("{} {}", class.label(), class.name());
        let description = format!("HTTP {} status codes, and the platform errors that produce them.", class.label());
        let list = (self.model.class_list(class), true);
        self.list_page(&class_dir(class), page, heading, description, Html::default(), list)
    }

    pub(super) fn tag_page(&self, tag: &str, page: usize) -> ListPage<'_> {
        let heading = format!("Tagged “{tag}”");
        let description = format!("Errors tagged {tag}.");
        let list = (self.model.tag_list(tag), false);
        self.list_page(&format!("tags/{tag}"), page, heading, description, Html::default(), list)
    }

    /// The `n` most recently updated entries (ten on the home page): newest first, entries
    /// without a date last, ties in natural id order.
    pub(super) fn recent(&self, n: usize) -> Vec<usize> {
        let mut recent: Vec<usize> = (0..self.model.entry_count()).filter(|&i| self.model.included(i)).collect();
        let newest_first =
            |a: &usize, b: &usize| self.model.entry(*b).fm.updated.cmp(&self.model.entry(*a).fm.updated).then(a.cmp(b));
        if recent.len() > n && n > 0 {
            recent.select_nth_unstable_by(n - 1, newest_first);
            recent.truncate(n);
        }
        recent.sort_by(newest_first);
        recent
    }

    pub(super) fn home_page(&self) -> HomePage<'_> {
        let home = self.model.home();
        let heading = home.and_then(|h| h.title.clone()).unwrap_or_else(|| self.model.config().title.clone());
        let description = home
            .and_then(|h| h.summary.clone())
            .unwrap_or_else(|| format!("{}: error pages with their fastest fix.", self.model.config().title));
        let classes = self
            .model
            .by_class()
            .iter()
            .map(|(c, list)| Link {
                text: c.label(),
                url: self.page_url(&class_dir(*c)),
                count: list.len(),
                detail: c.name().to_string(),
            })
            .collect();
        let sources = self
            .model
            .by_source()
            .iter()
            .map(|(s, list)| Link {
                text: self.source_title(s),
                url: self.page_url(s),
                count: list.len(),
                detail: self.model.source_pages().get(*s).and_then(|p| p.summary.clone()).unwrap_or_default(),
            })
            .collect();
        HomePage {
            meta: self.meta("", self.model.config().title.clone(), description, "website"),
            heading,
            intro: self.prose(home, ""),
            classes,
            sources,
            popular: self.most_linked().into_iter().map(|i| self.model.card(i)).collect(),
            recent: self.recent(RECENT).into_iter().map(|i| self.model.card(i)).collect(),
            entry_count: (0..self.model.entry_count()).filter(|&i| self.model.included(i)).count(),
            pair_count: self.model.pairs().len(),
        }
    }

    pub(super) fn tag_index(&self) -> IndexPage<'_> {
        let root = root_of("tags");
        let links = self
            .model
            .by_tag()
            .iter()
            .map(|(t, list)| Link {
                text: t.to_string(),
                url: format!("{root}{}", self.page_url(&format!("tags/{t}"))),
                count: list.len(),
                detail: String::new(),
            })
            .collect();
        IndexPage {
            meta: self.meta("tags", "Tags".into(), "Every tag, with its number of errors.".into(), "website"),
            heading: "Tags".into(),
            links,
        }
    }

    pub(super) fn compare_index(&self) -> IndexPage<'_> {
        let root = root_of("compare");
        let links = self
            .model
            .pairs()
            .iter()
            .map(|p| {
                let (a, b) = (self.model.entry(p.a), self.model.entry(p.b));
                Link {
                    text: format!("{} vs {}", a.fm.title, b.fm.title),
                    url: format!("{root}{}", self.page_url(&format!("compare/{}", p.name))),
                    count: 0,
                    detail: format!("{} · {}", a.source, b.source),
                }
            })
            .collect();
        let description = "Side-by-side comparisons of errors that are easy to confuse.".to_string();
        IndexPage {
            meta: self.meta("compare", "Comparisons".into(), description, "website"),
            heading: "Comparisons".into(),
            links,
        }
    }

    pub(super) fn redirect_page(&self, r: usize) -> RedirectPage<'_> {
        let (old, i) = &self.model.redirects()[r];
        let e = self.model.entry(*i);
        let mut meta = self.meta(old, e.fm.title.clone(), self.model.card(*i).summary.clone(), "website");
        // The canonical URL of a redirect is its target's.
        meta.canonical = self.options.base_url.as_ref().map(|base| format!("{base}{}/", e.id));
        let target = format!("{}{}", root_of(old), self.urls[*i]);
        RedirectPage { meta, target, target_title: e.fm.title.clone() }
    }

    pub(super) fn search_page(&self) -> SearchPage<'_> {
        let classes = self.model.by_class().iter().map(|(c, list)| Link {
            text: format!("{} {}", c.label(), c.name()),
            url: self.page_url(&class_dir(*c)),
            count: list.len(),
            detail: String::new(),
        });
        let sections = self.nav.iter().map(|l| Link {
            text: if l.detail.is_empty() { l.text.clone() } else { l.detail.clone() },
            detail: String::new(),
            ..l.clone()
        });
        let hubs = sections.chain(classes).collect();
        let meta = self.meta(
            "search",
            "Search".into(),
            "Search every error by code, message or pasted log line.".into(),
            "website",
        );
        SearchPage { meta, hubs }
    }

    /// 404.html is shown by servers at any path, so its links are absolute.
    pub(super) fn not_found_page(&self) -> IndexPage<'_> {
        let root = self.options.base_url.clone().unwrap_or_else(|| "/".to_string());
        let meta =
            self.meta_with_root(root, None, "Page not found".into(), "This page does not exist.".into(), "website");
        IndexPage { meta, heading: "Page not found".into(), links: Vec::new() }
    }

    pub(super) fn sitemap(&self) -> String {
        let base = self.options.base_url.as_deref().unwrap_or_default();
        let mut dirs: Vec<String> = vec![String::new()];
        dirs.extend(self.model.by_source().keys().map(|s| s.to_string()));
        dirs.extend(self.model.by_class().keys().map(|c| class_dir(*c)));
        dirs.extend(
            self.model.entries().iter().enumerate().filter(|(i, _)| self.model.included(*i)).map(|(_, e)| e.id.clone()),
        );
        dirs.push("compare".into());
        dirs.extend(self.model.pairs().iter().map(|p| format!("compare/{}", p.name)));
        dirs.push("tags".into());
        dirs.extend(self.model.by_tag().keys().map(|t| format!("tags/{t}")));
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for dir in dirs {
            let path = if dir.is_empty() { String::new() } else { format!("{dir}/") };
            out.push_str(&format!("  <url><loc>{}</loc></url>\n", super::escape(&format!("{base}{path}"))));
        }
        out.push_str("</urlset>\n");
        out
    }

    pub(super) fn robots(&self) -> String {
        match &self.options.base_url {
            Some(base) => format!("User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n"),
            None => "User-agent: *\nAllow: /\n".to_string(),
        }
    }
}

/// The words a source's title opens with that spell its folder name, letters and digits
/// only ("Let's Encrypt" for `letsencrypt` from "Let's Encrypt errors", "PHP-FPM" for
/// `php-fpm`); the first word when no run of words does ("nginx" from "nginx upstream
/// errors" is both).
fn nav_label(title: &str, source: &str) -> String {
    let key = |text: &str| {
        text.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect::<String>()
    };
    let folder = key(source);
    let words: Vec<&str> = title.split_whitespace().collect();
    let mut spelled = String::new();
    for (n, word) in words.iter().enumerate() {
        spelled.push_str(&key(word));
        if spelled.len() >= folder.len() || !folder.starts_with(&spelled) {
            let n = if spelled.starts_with(&folder) { n + 1 } else { 1 };
            return words[..n].join(" ");
        }
    }
    words.first().map_or_else(|| source.to_string(), |w| (*w).to_string())
}

#[cfg(test)]
mod tests {
    use super::nav_label;

    #[test]
    fn a_source_is_named_by_the_words_that_spell_its_folder() {
        assert_eq!(nav_label("Let's Encrypt errors", "letsencrypt"), "Let's Encrypt");
        assert_eq!(nav_label("PHP-FPM errors", "php-fpm"), "PHP-FPM");
        assert_eq!(nav_label("Node.js errors", "node"), "Node.js");
        assert_eq!(nav_label("nginx upstream errors", "nginx"), "nginx");
        assert_eq!(nav_label("Errors of the Foo proxy", "foo"), "Errors");
        assert_eq!(nav_label("Let's", "letsencrypt"), "Let's");
        assert_eq!(nav_label("", "aws"), "aws");
    }
}
