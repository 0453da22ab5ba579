//! What each job of the renderer reads, as a fingerprint: the engine keeps the fingerprint
//! of every job it rendered, and after a change renders again only the jobs whose
//! fingerprint differs.
//!
//! A fingerprint is a hash of the job, of the view it renders ([`crate::render::View`],
//! everything its template receives) and of the template's sources with every template
//! they pull in. Views are made by a sketching renderer ([`Renderer::sketcher`]), which
//! leaves Markdown unrendered, standing for each field by a hash of its source, so that
//! fingerprinting every job costs a fraction of rendering it. A new template variable is a
//! new field of a view, and so part of the fingerprint without anything to keep in step.

use super::theme_state::TemplateInputs;
use crate::render::reads::{self, Reads};
use crate::render::view::Link;
use crate::render::{Job, OutFile, Renderer, SearchFile};
use anyhow::Result;
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;
use xxhash_rust::xxh3::Xxh3Default;

/// A job with the output paths it writes (the first is its key), its fingerprint and what
/// its view read.
pub(super) struct Planned {
    pub job: Job,
    pub paths: Vec<String>,
    pub fingerprint: u64,
    pub reads: Reads,
}

/// The given jobs of `renderer`, each with its fingerprint; `templates` gives what each
/// template depends on.
pub(super) fn plan(
    renderer: &Renderer<'_>,
    templates: &HashMap<String, TemplateInputs>,
    jobs: Vec<Job>,
) -> Result<Vec<Planned>> {
    // A template that cannot read the navigation's counts (entries per source, pairs,
    // tags) is fingerprinted without them: they change with every entry added or removed,
    // which would otherwise render every page again.
    let uncounted = uncounted(renderer.nav());
    let sketcher = renderer.sketcher();
    jobs.into_par_iter()
        .map(|job| {
            let (view, mut reads) = reads::noting(|| sketcher.view(&job));
            let mut view = view?;
            let template = view.template().map(|name| (name, templates.get(name)));
            if let (Some((_, Some(inputs))), Some(page)) = (template, view.page_mut()) {
                if inputs.reads_counts {
                    reads.add_nav_counts();
                } else {
                    page.meta_mut().nav = &uncounted;
                }
            }
            let mut h = Xxh3Default::new();
            // The job's kind, not its numbers: an entry's index moves when another one comes
            // or goes, and the view holds everything the job renders.
            std::mem::discriminant(&job).hash(&mut h);
            (template.map(|(name, inputs)| (name, inputs.map(|t| t.hash))), &view).hash(&mut h);
            let fingerprint = h.finish();
            drop(view);
            Ok(Planned { paths: renderer.paths_of(&job), job, fingerprint, reads })
        })
        .collect()
}

/// The navigation as a template that cannot read its counts sees it: every count zero.
pub(super) fn uncounted(nav: &[Link]) -> Vec<Link> {
    nav.iter().map(|link| Link { count: 0, ..link.clone() }).collect()
}

/// Renders the given jobs in parallel, handing each file to `sink`. The jobs over every
/// entry start first, so that they run side by side rather than one after the other at
/// the end.
pub(super) fn render(
    renderer: &Renderer<'_>,
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
                let rendered = renderer.render(&planned.job).and_then(|files| {
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

/// How much work a job is, roughly: those that go through every entry or pair are the big
/// ones.
fn weight(job: &Job) -> u8 {
    match job {
        Job::ApiIndex | Job::CompareIndex | Job::Search(SearchFile::Head) | Job::Sitemap | Job::Feed => 3,
        Job::Home | Job::TagIndex | Job::Search(SearchFile::Shard(_) | SearchFile::Ids) => 2,
        Job::Source(..) | Job::Class(..) | Job::Tag(..) => 1,
        Job::Entry(_)
        | Job::Pair(_)
        | Job::Redirect(_)
        | Job::NotFound
        | Job::SearchPage
        | Job::Search(SearchFile::Block(_))
        | Job::Robots
        | Job::OpenSearch => 0,
    }
}
