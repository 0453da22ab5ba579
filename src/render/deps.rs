//! What each job reads, as a fingerprint: `serve` keeps the fingerprint of every job it
//! rendered, and after a change re-renders only the jobs whose fingerprint differs.
//!
//! A fingerprint hashes every input of its job's output, and nothing else: the entry's
//! own file for its page, the cards of the entries it lists, the rows of the entries it
//! is compared with, the templates it is rendered with, and so on. The rules here must
//! follow what `pages.rs` and `api.rs` read; `serve`'s tests compare every file of a
//! long series of incremental rebuilds with a full build, which catches a missed input.
//!
//! Links to other entries (`@/` links, `related`, `compare`) do not make a page depend on
//! anything but the target's id: in a site without errors every one of them resolves, to
//! a URL made from the id alone.

use super::{Job, OutFile, PAGE_SIZE, Renderer};
use crate::model::Page;
use crate::model::entry::{Entry, Ref};
use anyhow::Result;
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;

/// What the renderer cannot hash cheaply itself, kept by `serve` between rebuilds.
pub(crate) struct Inputs<'a> {
    /// A hash of each entry's source (its file's path and text), in entry order.
    pub entries: &'a [u64],
    /// A hash of each entry's card and of its comparison row, in entry order.
    pub cards: &'a [u64],
    pub rows: &'a [u64],
    /// What each template the renderer renders pages with depends on.
    pub templates: &'a HashMap<String, TemplateInputs>,
}

/// What one template depends on, with every template it may include, extend or import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TemplateInputs {
    /// A hash of the sources.
    pub hash: u64,
    /// Whether the sources may read the navigation's counts (entries per source, pairs,
    /// tags), which change with every entry added or removed. A theme that does not show
    /// them then does not re-render every page when an entry comes or goes.
    pub reads_counts: bool,
}

/// A job with the output paths it writes (the first is its key) and its fingerprint.
pub(crate) struct Planned {
    job: Job,
    pub paths: Vec<String>,
    pub fingerprint: u64,
}

impl Renderer<'_> {
    /// Every job of this build, with its fingerprint.
    pub(crate) fn plan(&self, inputs: &Inputs<'_>) -> Vec<Planned> {
        let global = self.global();
        let sides: Vec<u64> =
            (0..self.site.entries.len()).into_par_iter().map(|i| self.entry_side(i, inputs)).collect();
        let jobs = self.jobs();
        jobs.into_par_iter()
            .map(|job| {
                let fingerprint = self.fingerprint(&job, global, inputs, &|i| sides[i]);
                Planned { paths: self.paths_of(&job), job, fingerprint }
            })
            .collect()
    }

    /// The jobs that show entry `i` in full: its page (with its API file) and the
    /// comparison pages it is on, with their fingerprints.
    pub(crate) fn plan_entry(&self, inputs: &Inputs<'_>, i: usize) -> Vec<Planned> {
        let global = self.global();
        let pairs =
            self.graph.pairs.iter().enumerate().filter(|(_, p)| p.a == i || p.b == i).map(|(p, _)| Job::Pair(p));
        std::iter::once(Job::Entry(i))
            .chain(pairs)
            .map(|job| {
                let fingerprint = self.fingerprint(&job, global, inputs, &|j| self.entry_side(j, inputs));
                Planned { paths: self.paths_of(&job), job, fingerprint }
            })
            .collect()
    }

    /// Renders the given jobs in parallel, handing each file to `sink`. The jobs over
    /// every entry start first, so that they run side by side rather than one after the
    /// other at the end.
    pub(crate) fn render_planned(
        &self,
        jobs: &[&Planned],
        sink: &(dyn Fn(OutFile) -> Result<()> + Sync),
    ) -> Result<()> {
        let mut jobs = jobs.to_vec();
        jobs.sort_by_key(|planned| std::cmp::Reverse(weight(&planned.job)));
        let failed: Mutex<Option<anyhow::Error>> = Mutex::new(None);
        rayon::scope(|scope| {
            for planned in jobs {
                let failed = &failed;
                scope.spawn(move |_| {
                    let rendered = self.render(&planned.job).and_then(|files| {
                        planned
                            .paths
                            .iter()
                            .zip(files)
                            .try_for_each(|(path, bytes)| sink(OutFile { path: path.clone(), bytes }))
                    });
                    if let Err(e) = rendered {
                        failed.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
                    }
                });
            }
        });
        failed.into_inner().unwrap_or_else(|p| p.into_inner()).map_or(Ok(()), Err)
    }

    /// What every page reads: the settings, how this build links and where its assets are,
    /// and the navigation; then the navigation's counts on their own.
    fn global(&self) -> (u64, u64) {
        let mut h = DefaultHasher::new();
        format!("{:?}", self.site.config).hash(&mut h);
        format!("{:?}", self.options).hash(&mut h);
        self.nav.iter().for_each(|link| (&link.text, &link.url, &link.detail).hash(&mut h));
        let mut counts = DefaultHasher::new();
        self.nav.iter().for_each(|link| link.count.hash(&mut counts));
        (h.finish(), counts.finish())
    }

    /// The fingerprint of `job`; `side` gives [`Self::entry_side`] of an entry.
    fn fingerprint(
        &self,
        job: &Job,
        (global, counts): (u64, u64),
        inputs: &Inputs<'_>,
        side: &(dyn Fn(usize) -> u64 + Sync),
    ) -> u64 {
        let mut h = DefaultHasher::new();
        std::mem::discriminant(job).hash(&mut h);
        let template = |h: &mut DefaultHasher, name: &str| {
            global.hash(h);
            name.hash(h);
            let template = inputs.templates.get(name);
            template.map(|t| t.hash).hash(h);
            if template.is_none_or(|t| t.reads_counts) {
                counts.hash(h);
            }
        };
        let cards = |h: &mut DefaultHasher, list: &[usize]| list.iter().for_each(|&i| inputs.cards[i].hash(h));
        match job {
            Job::Entry(i) => {
                template(&mut h, "entry.html");
                side(*i).hash(&mut h);
                cards(&mut h, &self.graph.related[*i]);
                self.graph.partners[*i].iter().for_each(|&p| inputs.rows[p].hash(&mut h));
                cards(&mut h, &self.returned_by(*i).0);
            }
            Job::Pair(p) => {
                let pair = &self.graph.pairs[*p];
                template(&mut h, "compare.html");
                pair.name.hash(&mut h);
                (side(pair.a), side(pair.b)).hash(&mut h);
                self.site.prose.get(&pair.name).map(|page| &page.body).hash(&mut h);
            }
            Job::Home => {
                template(&mut h, "home.html");
                hash_page(&mut h, self.site.home.as_ref());
                self.by_class.iter().for_each(|(c, list)| (c.label(), list.len()).hash(&mut h));
                for (source, list) in &self.by_source {
                    (source, list.len()).hash(&mut h);
                    hash_page(&mut h, self.site.source_pages.get(*source));
                }
                cards(&mut h, &self.recent(super::pages::RECENT));
                cards(&mut h, &self.most_linked());
                (self.by_source.values().map(Vec::len).sum::<usize>(), self.graph.pairs.len()).hash(&mut h);
            }
            Job::Source(source, page) => {
                template(&mut h, "list.html");
                hash_page(&mut h, self.site.source_pages.get(source.as_str()));
                list_page(&mut h, source, *page, &self.by_source[source.as_str()], inputs);
            }
            Job::Class(class, page) => {
                template(&mut h, "list.html");
                list_page(&mut h, &class.label(), *page, &self.by_class[class], inputs);
            }
            Job::Tag(tag, page) => {
                template(&mut h, "list.html");
                list_page(&mut h, tag, *page, &self.by_tag[tag.as_str()], inputs);
            }
            Job::TagIndex => {
                template(&mut h, "tags.html");
                self.by_tag.iter().for_each(|(tag, list)| (tag, list.len()).hash(&mut h));
            }
            Job::CompareIndex => {
                template(&mut h, "compare_index.html");
                for pair in &self.graph.pairs {
                    (&pair.name, inputs.cards[pair.a], inputs.cards[pair.b]).hash(&mut h);
                }
            }
            Job::Redirect(r) => {
                let (old, i) = &self.graph.redirects[*r];
                template(&mut h, "redirect.html");
                (old, inputs.cards[*i]).hash(&mut h);
            }
            Job::NotFound => template(&mut h, "404.html"),
            Job::SearchPage => {
                template(&mut h, "search.html");
                self.by_class.iter().for_each(|(c, list)| (c.label(), list.len()).hash(&mut h));
            }
            // The index reads every included entry; its files are rendered on their own by
            // `serve` (see `search_files`), so this only needs to be safe.
            Job::SearchIndex | Job::SearchShard(_) => {
                global.hash(&mut h);
                self.included().for_each(|i| inputs.entries[i].hash(&mut h));
            }
            Job::ApiIndex => {
                // Each item names its related entries by id, which their cards hold (related
                // lists also depend on the settings). Partners and pairs follow from the
                // entries' files alone. Hashed in parallel: this job reads every entry.
                let item = |i: usize| {
                    let mut h = DefaultHasher::new();
                    inputs.entries[i].hash(&mut h);
                    self.graph.related[i].iter().for_each(|&r| inputs.cards[r].hash(&mut h));
                    h.finish()
                };
                let included: Vec<usize> = self.included().collect();
                let items: Vec<u64> = included.into_par_iter().map(item).collect();
                items.hash(&mut h);
            }
            Job::Sitemap => {
                self.options.base_url.hash(&mut h);
                self.by_source.keys().for_each(|s| s.hash(&mut h));
                self.by_class.keys().for_each(|c| c.label().hash(&mut h));
                self.included().for_each(|i| self.site.entries[i].id.hash(&mut h));
                self.graph.pairs.iter().for_each(|p| p.name.hash(&mut h));
                self.by_tag.keys().for_each(|t| t.hash(&mut h));
            }
            Job::Robots => self.options.base_url.hash(&mut h),
            Job::Feed => {
                global.hash(&mut h);
                cards(&mut h, &self.recent(super::feed::FEED_ENTRIES));
            }
            Job::OpenSearch => global.hash(&mut h),
        }
        h.finish()
    }

    /// A hash of what an entry's full view reads: its own file, its source's title, and
    /// whether the entry page of its `status` exists (it links there when it does).
    fn entry_side(&self, i: usize, inputs: &Inputs<'_>) -> u64 {
        let e = &self.site.entries[i];
        let mut h = DefaultHasher::new();
        inputs.entries[i].hash(&mut h);
        self.site.source_pages.get(&e.source).map(|p| &p.title).hash(&mut h);
        e.fm.status.map(|s| self.index.contains_key(format!("http/{s}").as_str())).hash(&mut h);
        h.finish()
    }

    fn included(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.site.entries.len()).filter(|&i| self.graph.included[i])
    }
}

/// How much work a job is, roughly: those that go through every entry or pair are the big
/// ones.
fn weight(job: &Job) -> u8 {
    match job {
        Job::ApiIndex | Job::CompareIndex | Job::SearchIndex | Job::Sitemap | Job::Feed => 3,
        Job::Home | Job::TagIndex | Job::SearchShard(_) => 2,
        Job::Source(..) | Job::Class(..) | Job::Tag(..) => 1,
        Job::Entry(_)
        | Job::Pair(_)
        | Job::Redirect(_)
        | Job::NotFound
        | Job::SearchPage
        | Job::Robots
        | Job::OpenSearch => 0,
    }
}

/// A page of a list: which list, which page of how many, and the cards on it.
fn list_page(h: &mut DefaultHasher, name: &str, page: usize, list: &[usize], inputs: &Inputs<'_>) {
    (name, page, list.len().div_ceil(PAGE_SIZE)).hash(h);
    list.iter().skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE).for_each(|&i| inputs.cards[i].hash(h));
}

fn hash_page(h: &mut DefaultHasher, page: Option<&Page>) {
    page.map(|p| (&p.title, &p.summary, &p.body)).hash(h);
}

/// A hash of everything about an entry that files other than its own page, its API file,
/// the comparison pages it is on (and the search index, which reads everything) may read:
/// what its card, comparison row and `api/index.json` item show, what related lists,
/// comparison pairs and redirects are made from, its anchors and links. An edit that
/// leaves it unchanged (the body, causes, steps, FAQ, messages...) changes only those files.
pub(crate) fn shared_signature(e: &Entry) -> u64 {
    let mut fm = e.fm.clone();
    // Shown only by the entry's view (its page and comparison pages) and its API file.
    fm.body = None;
    fm.also_known_as.clear();
    fm.spec = None;
    fm.iana = None;
    fm.client_action = None;
    fm.fastest_fix.clear();
    fm.causes.clear();
    fm.steps.clear();
    fm.estimated_time = None;
    fm.faq.clear();
    fm.messages.clear();
    // Where a reference is written only matters to diagnostics, and a site that is
    // rendered has none.
    let mut h = DefaultHasher::new();
    format!("{fm:?}").hash(&mut h);
    (&e.id, &e.source, &e.file, e.class, &e.anchors).hash(&mut h);
    for refs in [&e.related, &e.compare, &e.redirect_from, &e.links] {
        refs.len().hash(&mut h);
        refs.iter().for_each(|r: &Ref| (&r.id, &r.fragment).hash(&mut h));
    }
    h.finish()
}
