//! Which jobs an edit to some entries can reach, from what each job's view read when it
//! was last planned ([`crate::render::reads`]), so that the engine sketches again only
//! those instead of every job of the site.
//!
//! A view's notes cover the entries and lists it read; what it reads without a note is
//! either left alone by an edit that keeps every link (the engine asks for a full plan
//! otherwise) or checked here: the job list (new jobs are planned; a list page gone is
//! dropped, any other job gone asks for a full plan) and the navigation (its counts are
//! noted by the views that show them; any other change asks for a full plan).

use super::fingerprint::uncounted;
use crate::render::reads::{NAV_COUNTS, Reads};
use crate::render::view::Link;
use crate::render::{Job, Renderer};
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use xxhash_rust::xxh3::Xxh3Default;

/// What the last plan saw of what views read beside their notes.
#[derive(Default)]
pub(super) struct Seen {
    jobs: HashSet<Job>,
    /// Hashes of the navigation, and of it without its counts.
    nav: (u64, u64),
    /// Each list's hash, by its key.
    lists: HashMap<u64, u64>,
}

impl Seen {
    /// What `renderer` shows, whose jobs are `jobs`.
    pub(super) fn of(renderer: &Renderer<'_>, jobs: Vec<Job>) -> Seen {
        Seen { jobs: jobs.into_iter().collect(), nav: nav_hashes(renderer), lists: renderer.list_hashes() }
    }

    /// The jobs to plan again with `renderer`, whose jobs are `jobs`, after an edit that
    /// changed the entries flagged in `entries` and kept every link, and the jobs that are
    /// gone; `planned` holds each job's notes from the last plan. `None` when every job must
    /// be planned. Updates what was seen.
    pub(super) fn reached<'p>(
        &mut self,
        renderer: &Renderer<'_>,
        jobs: &[Job],
        entries: &[bool],
        planned: impl Iterator<Item = (&'p Job, &'p Reads)>,
    ) -> Option<Reached> {
        let nav = nav_hashes(renderer);
        let current: HashSet<&Job> = jobs.iter().collect();
        let gone: Vec<Job> = self.jobs.iter().filter(|job| !current.contains(job)).cloned().collect();
        // List pages are named by their list and page number; any other job is numbered by
        // a position, which may now stand for something else.
        let named = |job: &Job| matches!(job, Job::Source(..) | Job::Class(..) | Job::Tag(..));
        if !gone.iter().all(named) || nav.1 != self.nav.1 {
            return None;
        }
        let lists = renderer.list_hashes();
        let changed = changed_lists(&self.lists, &lists, nav.0 != self.nav.0);
        let new: Vec<Job> = jobs.iter().filter(|job| !self.jobs.contains(job)).cloned().collect();
        self.jobs.extend(new.iter().cloned());
        gone.iter().for_each(|job| _ = self.jobs.remove(job));
        self.nav = nav;
        self.lists = lists;
        let touched = planned
            .filter(|(job, reads)| current.contains(job) && reads.touch(entries, &changed))
            .map(|(job, _)| job.clone());
        Some(Reached { jobs: touched.chain(new).collect(), gone })
    }
}

/// What [`Seen::reached`] found: the jobs to plan again, and the jobs that are gone.
pub(super) struct Reached {
    pub jobs: Vec<Job>,
    pub gone: Vec<Job>,
}

/// The keys of the lists whose hashes ([`Renderer::list_hashes`]) differ from `before` to
/// `after`, lists gone included, and [`NAV_COUNTS`] when the navigation's counts changed.
pub(super) fn changed_lists(before: &HashMap<u64, u64>, after: &HashMap<u64, u64>, counts: bool) -> HashSet<u64> {
    let mut changed: HashSet<u64> =
        after.iter().filter(|(key, hash)| before.get(key) != Some(hash)).map(|(key, _)| *key).collect();
    changed.extend(before.keys().filter(|key| !after.contains_key(key)));
    if counts {
        changed.insert(NAV_COUNTS);
    }
    changed
}

pub(super) fn nav_hashes(renderer: &Renderer<'_>) -> (u64, u64) {
    let hash = |nav: &[Link]| {
        let mut h = Xxh3Default::new();
        nav.hash(&mut h);
        h.finish()
    };
    (hash(renderer.nav()), hash(&uncounted(renderer.nav())))
}
