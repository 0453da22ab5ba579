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
use crate::render::{Job, OutFile, Renderer, SearchFile, View};
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
    let uncounted = uncounted(renderer.nav());
    let sketcher = renderer.sketcher();
    jobs.into_par_iter()
        .map(|job| {
            let (view, mut reads) = reads::noting(|| sketcher.view(&job));
            let mut view = view?;
            let fingerprint = fingerprint(&job, &mut view, (templates, &uncounted), &mut reads);
            drop(view);
            Ok(Planned { paths: renderer.paths_of(&job), job, fingerprint, reads })
        })
        .collect()
}

/// Job `job` planned from the view it renders, and its files: a sketched view and the
/// rendered one hash alike ([`crate::render::markdown::Sketched`]), so a build that takes
/// nothing from an earlier output makes each view once. `uncounted` is [`uncounted`]'s.
pub(super) fn plan_and_render(
    renderer: &Renderer<'_>,
    (templates, uncounted): (&HashMap<String, TemplateInputs>, &[Link]),
    job: Job,
) -> Result<(Planned, Vec<Vec<u8>>)> {
    let (view, mut reads) = reads::noting(|| renderer.view(&job));
    let mut view = view?;
    let fingerprint = fingerprint(&job, &mut view, (templates, uncounted), &mut reads);
    let files = renderer.render_view(view)?;
    Ok((Planned { paths: renderer.paths_of(&job), job, fingerprint, reads }, files))
}

/// `jobs`, each planned from the view it renders ([`plan_and_render`]), in parallel, in
/// the given order. `take` is handed each job's files as soon as they are rendered, with
/// the job's plan to trim, and returns what to keep of them.
pub(super) fn plan_and_render_all<T: Send>(
    renderer: &Renderer<'_>,
    templates: &HashMap<String, TemplateInputs>,
    jobs: Vec<Job>,
    take: impl Fn(&mut Planned, Vec<Vec<u8>>) -> Result<T> + Sync,
) -> Result<(Vec<Planned>, Vec<T>)> {
    let uncounted = uncounted(renderer.nav());
    let done: Vec<(Planned, T)> = jobs
        .into_par_iter()
        .map(|job| {
            let (mut planned, files) = plan_and_render(renderer, (templates, &uncounted), job)?;
            let kept = take(&mut planned, files)?;
            Ok((planned, kept))
        })
        .collect::<Result<_>>()?;
    Ok(done.into_iter().unzip())
}

/// The fingerprint of `job` with its view (sketched or rendered). A template that cannot
/// read the navigation's counts (entries per source, pairs, tags) is fingerprinted with
/// them all zero (`uncounted`): they change with every entry added or removed, which would
/// otherwise render every page again. One that can has them noted in `reads`.
fn fingerprint<'v>(
    job: &Job,
    view: &mut View<'v>,
    (templates, uncounted): (&HashMap<String, TemplateInputs>, &'v [Link]),
    reads: &mut Reads,
) -> u64 {
    let template = view.template().map(|name| (name, templates.get(name)));
    let mut shown = None;
    if let (Some((_, Some(inputs))), Some(page)) = (template, view.page_mut()) {
        if inputs.reads_counts {
            reads.add_nav_counts();
        } else {
            shown = Some(std::mem::replace(&mut page.meta_mut().nav, uncounted));
        }
    }
    let mut h = Xxh3Default::new();
    // The job's kind, not its numbers: an entry's index moves when another one comes or
    // goes, and the view holds everything the job renders.
    std::mem::discriminant(job).hash(&mut h);
    (template.map(|(name, inputs)| (name, inputs.map(|t| t.hash))), &*view).hash(&mut h);
    if let (Some(nav), Some(page)) = (shown, view.page_mut()) {
        page.meta_mut().nav = nav;
    }
    h.finish()
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
pub(super) fn weight(job: &Job) -> u8 {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Options;
    use crate::render::templates::Templates;
    use crate::render::urls::LinkStyle;

    /// A build with nothing to take fingerprints each job from the view it renders; the next
    /// build sketches. Both must agree on every job, or an unchanged page is rendered again
    /// (and a shortcut in one of them could hide a change).
    #[test]
    fn a_rendered_view_is_fingerprinted_as_its_sketch() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hub");
        let checked = crate::cmd::check::run(&root, false).unwrap();
        let theme = crate::load::theme::load(&root, &checked.site.config.theme).unwrap();
        let (templates, inputs) =
            (Templates::compile(&theme).unwrap(), super::super::theme_state::template_inputs(&theme.templates));
        for (style, base_url) in
            [(LinkStyle::Folder, Some("https://example.com/".to_string())), (LinkStyle::File, None)]
        {
            let options = Options { style, base_url, assets: Default::default(), page_size: 3 };
            let index = crate::search::Index::build(&checked.site, &checked.graph.included).unwrap();
            let renderer = Renderer::new((&checked.site, &checked.graph), &templates, &options, index);
            let uncounted = uncounted(renderer.nav());
            let jobs = renderer.jobs();
            assert!(jobs.len() > 100, "the fixture has pages of every kind");
            for (sketched, job) in plan(&renderer, &inputs, jobs.clone()).unwrap().into_iter().zip(jobs) {
                let (rendered, _) = plan_and_render(&renderer, (&inputs, &uncounted), job).unwrap();
                assert_eq!(rendered.fingerprint, sketched.fingerprint, "{:?} in {style:?}", rendered.job);
                // A view over everything notes what rayon's other threads read for it or not.
                let notes = |reads: &Reads| match format!("{reads:?}") {
                    all if all.ends_with("everything: true }") => "everything".to_string(),
                    some => some,
                };
                assert_eq!(notes(&rendered.reads), notes(&sketched.reads), "{:?}", rendered.job);
            }
        }
    }
}
