//! The edited pages first: after an edit that reaches other pages too (a title shown in
//! lists, tags, a new entry), [`Engine::update`] renders and hands over the edited entries'
//! own pages as soon as the model and the link graph are up to date, and
//! [`Engine::rest`] then renders the rest of what the edit reaches. The author looking at
//! the page they edit sees it at once; lists, hubs and the JSON index follow.
//!
//! A page rendered first is the page the full rebuild makes (the same site, graph and
//! renderer), and is kept in the job table with its fingerprint, so the rest does not
//! render it again.

use super::fingerprint::{self, Planned};
use super::{Derived, Engine, Outcome, render_jobs};
use crate::diag::Diagnostic;
use crate::render::Job;
use anyhow::Result;
use std::collections::HashSet;

/// More edited entries than this (a checkout, a search and replace) are not worth a step
/// of their own: everything is rendered in one go.
pub(super) const MOST: usize = 16;

/// What the rest of a rebuild renders, once the edited pages are out.
pub(super) struct Rest {
    pub(super) warnings: Vec<Diagnostic>,
    /// The entries the edit reached, or `None` to plan every job ([`Engine::render`]).
    pub(super) reach: Option<Vec<bool>>,
    pub(super) derived: Derived,
}

impl Engine {
    /// Renders the pages of `entries` (positions in the model's site), takes away the files
    /// of the pages in `gone` (of deleted entries) that are not made again, and keeps
    /// `rest` for [`Engine::rest`]; renders everything at once when there are too many
    /// entries, or when the theme or `static/` must be read again first.
    pub(super) fn first_pages(&mut self, (entries, gone): (Vec<usize>, Vec<String>), rest: Rest) -> Result<Outcome> {
        let ready = self.theme.as_ref().zip(self.model.as_ref()).zip(self.statics.as_ref());
        let Some(((theme, (site, graph)), statics)) = ready.filter(|((theme, (site, _)), _)| {
            let some = !entries.is_empty() || !gone.is_empty();
            theme.name == site.config.theme && some && entries.len() <= MOST
        }) else {
            return Ok(self.render_rest(rest));
        };
        let options = self.options(theme);
        let renderer = Self::renderer(site, graph, theme, &rest.derived, &options);
        // A draft left out of the build has no page.
        let jobs = entries.into_iter().filter(|&i| graph.included[i]).map(Job::Entry).collect();
        let plan = fingerprint::plan(&renderer, &theme.template_inputs, jobs)?;
        // A page a static file would replace waits for the rest, which reports the clash.
        let plan: Vec<Planned> =
            plan.into_iter().filter(|p| !p.paths.iter().any(|path| statics.contains_key(path))).collect();
        let rendered = render_jobs(&renderer, &plan.iter().collect::<Vec<_>>())?;
        drop(renderer);
        let count = rendered.len();
        let changed = self.put_rendered(rendered);
        // A deleted entry whose id lives on in another file (`.md` to `.yaml`) was made
        // again above.
        let made: HashSet<&String> = plan.iter().flat_map(|p| &p.paths).collect();
        let removed: Vec<String> =
            gone.into_iter().filter(|path| !made.contains(path) && self.files.remove(path).is_some()).collect();
        self.keep_planned(plan);
        self.rest = Some(rest);
        Ok(Outcome::Built { changed, removed, rendered: count, warnings: Vec::new() })
    }

    /// The files of the pages of the entries of the last rendered site whose file is among
    /// `changed` and gone from `content/`.
    pub(super) fn pages_gone(&self, changed: &HashSet<String>) -> Vec<String> {
        let Some((site, _)) = self.model.as_ref() else { return Vec::new() };
        let gone: Vec<usize> = site
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| changed.contains(&e.file) && !self.sources.holds(&e.file))
            .map(|(i, _)| i)
            .collect();
        self.pages_of(&gone)
    }

    /// The files of the pages of the entries at `entries`, positions in the last rendered
    /// site, as the job table holds them.
    pub(super) fn pages_of(&self, entries: &[usize]) -> Vec<String> {
        if entries.is_empty() {
            return Vec::new();
        }
        let entries: HashSet<usize> = entries.iter().copied().collect();
        let pages = self.jobs.values().filter(|job| matches!(job.job, Job::Entry(i) if entries.contains(&i)));
        pages.flat_map(|job| job.paths.iter().cloned()).collect()
    }

    /// Renders what the last [`Engine::update`] left after the edited pages; `None` when it
    /// left nothing.
    pub fn rest(&mut self) -> Option<Outcome> {
        let rest = self.rest.take()?;
        Some(self.render_rest(rest))
    }

    /// Renders `rest` in the model's site.
    fn render_rest(&mut self, Rest { warnings, reach, derived }: Rest) -> Outcome {
        let Some((site, graph)) = self.model.take() else {
            return Outcome::Failed("internal: no site to finish rendering".into());
        };
        let outcome = self.render(&site, &graph, (warnings, reach), derived);
        self.model = Some((site, graph));
        outcome.unwrap_or_else(|e| Outcome::Failed(format!("{e:#}")))
    }

    /// Whether the last [`Engine::update`] left the rest of its rebuild to [`Engine::rest`].
    pub fn has_rest(&self) -> bool {
        self.rest.is_some()
    }
}
