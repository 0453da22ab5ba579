//! What a build keeps of its plan for the next warm build (`plan.bin`, kept and sealed like
//! the parses), so that the next one sketches only the jobs an edit reaches, as `serve`
//! does ([`super::scope`]): sketching every job's view was over half of a warm build after
//! a prose edit at 10,000 entries.
//!
//! Each job's notes ([`Reads`]) are kept by its first path, with the context: what views
//! read without a note. That is the files beside the entries, `site.yaml`, the theme,
//! `static/` and the options (their digest is given); the entries' ids in order; the link
//! graph but for the related lists; the job list; and the navigation without its counts.
//! When the context is the one kept, the entries whose file or related list changed and
//! the lists whose members changed tell which jobs to plan again, and every other job keeps
//! its earlier fingerprint; any other difference plans every job. The search index's jobs
//! read the whole index without a note: they are always planned.
//!
//! It keeps the related lists too, which the next build takes when its entries give the
//! same inputs to them (an edit to a title or prose leaves them as they were).

use super::scope;
use crate::link::LinkGraph;
use crate::link::related::{self, Kept as KeptRelated};
use crate::model::Site;
use crate::render::reads::Reads;
use crate::render::{Job, Renderer};
use crate::store::{Reader, Writer};
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use xxhash_rust::xxh3::Xxh3Default;

/// A plan's context and notes.
#[derive(Debug, Default)]
pub(crate) struct KeptPlan {
    /// A hash of what views read without a note, the navigation's counts apart.
    context: u64,
    /// The navigation's hash, counts included.
    nav: u64,
    /// By position: the digest of the entry's file (its related list is in `related`).
    entries: Vec<u128>,
    /// Each list's hash, by its key ([`Renderer::list_hashes`]).
    lists: HashMap<u64, u64>,
    /// Each job's notes, by the job's first path.
    reads: HashMap<String, Reads>,
    /// The related lists, by position.
    related: KeptRelated,
}

/// What to plan again: the entries (flags by position) and the lists an edit changed.
pub(crate) struct Reach {
    entries: Vec<bool>,
    lists: HashSet<u64>,
}

fn hash_of(value: impl Hash) -> u64 {
    let mut h = Xxh3Default::new();
    value.hash(&mut h);
    h.finish()
}

impl KeptPlan {
    /// The context of a plan of `jobs` by `renderer`, of `site` linked as `graph`;
    /// `surroundings` is the digest of what the build read beside the entry files, and
    /// `digest_of` gives an entry file's digest by its path. It holds no notes yet.
    pub(crate) fn context(
        renderer: &Renderer<'_>,
        (site, graph): (&Site, &LinkGraph),
        jobs: &[Job],
        surroundings: u128,
        digest_of: impl Fn(&str) -> u128,
    ) -> KeptPlan {
        // Named field by field, so that a field added to the graph cannot be left out.
        let LinkGraph { included, related, pairs, partners, redirects } = graph;
        let ids: Vec<&str> = site.entries.iter().map(|e| e.id.as_str()).collect();
        let (nav, uncounted) = scope::nav_hashes(renderer);
        let context = hash_of((surroundings, ids, included, pairs, partners, redirects, jobs, uncounted));
        let entries = site.entries.iter().map(|e| digest_of(&e.file)).collect();
        let related = KeptRelated { inputs: related::inputs(site, included), lists: related.clone() };
        KeptPlan { context, nav, entries, lists: renderer.list_hashes(), reads: HashMap::new(), related }
    }

    /// The related lists kept, for [`crate::link::build_kept`].
    pub(crate) fn related(&self) -> &KeptRelated {
        &self.related
    }

    /// What changed from this kept plan to the context `now`; `None` when every job must
    /// be planned.
    pub(crate) fn reach(&self, now: &KeptPlan) -> Option<Reach> {
        if self.context != now.context || self.entries.len() != now.entries.len() {
            return None;
        }
        let (before, after) = (&self.related.lists, &now.related.lists);
        let entries = (0..now.entries.len())
            .map(|i| self.entries[i] != now.entries[i] || before.get(i) != after.get(i))
            .collect();
        let lists = scope::changed_lists(&self.lists, &now.lists, self.nav != now.nav);
        Some(Reach { entries, lists })
    }

    /// The notes of the job whose first path is `path`, when the edit in `reach` cannot
    /// have changed its view.
    pub(crate) fn untouched(&self, job: &Job, path: &str, reach: &Reach) -> Option<&Reads> {
        if job.is_search() {
            return None;
        }
        self.reads.get(path).filter(|reads| !reads.touch(&reach.entries, &reach.lists))
    }

    /// This context with the notes of every job planned in it.
    pub(crate) fn with_reads(self, reads: HashMap<String, Reads>) -> KeptPlan {
        KeptPlan { reads, ..self }
    }

    /// The body of the kept file (see [`crate::store`]).
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Writer::default();
        out.number(self.context);
        out.number(self.nav);
        out.number(self.entries.len() as u64);
        for digest in &self.entries {
            out.bytes(&digest.to_le_bytes());
        }
        out.number(self.lists.len() as u64);
        for (key, hash) in &self.lists {
            out.number(*key);
            out.number(*hash);
        }
        out.number(self.reads.len() as u64);
        for (path, reads) in &self.reads {
            out.text(path);
            reads.encode(&mut out);
        }
        out.number(self.related.inputs);
        out.number(self.related.lists.len() as u64);
        for list in &self.related.lists {
            out.number(list.len() as u64);
            list.iter().for_each(|&j| out.number(j as u64));
        }
        out.into_bytes()
    }

    /// Reads a body that [`KeptPlan::encode`] wrote.
    pub(crate) fn decode(body: &[u8]) -> Option<KeptPlan> {
        let mut input = Reader::new(body);
        let (context, nav) = (input.number()?, input.number()?);
        let entries = (0..input.count(17)?)
            .map(|_| Some(u128::from_le_bytes(input.bytes()?.try_into().ok()?)))
            .collect::<Option<_>>()?;
        let lists = (0..input.count(2)?).map(|_| Some((input.number()?, input.number()?))).collect::<Option<_>>()?;
        let reads =
            (0..input.count(4)?).map(|_| Some((input.text()?, Reads::decode(&mut input)?))).collect::<Option<_>>()?;
        let inputs = input.number()?;
        let related_lists = (0..input.count(1)?)
            .map(|_| (0..input.count(1)?).map(|_| input.number().map(|j| j as usize)).collect())
            .collect::<Option<_>>()?;
        let related = KeptRelated { inputs, lists: related_lists };
        input.is_empty().then_some(KeptPlan { context, nav, entries, lists, reads, related })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::reads::NAV_COUNTS;

    fn sample() -> KeptPlan {
        let mut reads = Reads::default();
        reads.add_nav_counts();
        KeptPlan {
            context: 7,
            nav: 9,
            entries: vec![u128::MAX, 3],
            lists: [(NAV_COUNTS, 5), (u64::MAX, 6)].into(),
            reads: [("http/502/index.html".to_string(), reads), ("index.html".to_string(), Reads::default())].into(),
            related: KeptRelated { inputs: u64::MAX, lists: vec![vec![1], vec![]] },
        }
    }

    #[test]
    fn a_kept_plan_reads_back_and_reaches_what_changed() {
        let plan = KeptPlan::decode(&sample().encode()).expect("decodes");
        assert_eq!(format!("{:?}", plan.entries), format!("{:?}", sample().entries));
        assert_eq!(format!("{:?}", plan.related), format!("{:?}", sample().related));
        let mut now = sample();
        now.related.lists[1] = vec![0];
        now.lists.insert(NAV_COUNTS, 50);
        let reach = plan.reach(&now).expect("the same context");
        assert_eq!(reach.entries, [false, true]);
        assert_eq!(reach.lists, [NAV_COUNTS].into());
        assert!(plan.untouched(&Job::Home, "http/502/index.html", &reach).is_none(), "reads the counts");
        assert!(plan.untouched(&Job::Home, "index.html", &reach).is_some());
        assert!(
            plan.untouched(&Job::Search(crate::render::SearchFile::Shard(0)), "index.html", &reach).is_none(),
            "search jobs are planned"
        );
        now.context = 8;
        assert!(plan.reach(&now).is_none(), "another context plans everything");
    }

    #[test]
    fn a_damaged_kept_plan_is_refused_without_a_panic() {
        let body = sample().encode();
        for len in 0..body.len() {
            assert!(KeptPlan::decode(&body[..len]).is_none(), "cut at {len}");
        }
        for i in 0..body.len() {
            let mut forged = body.clone();
            forged[i] ^= 0x55;
            let _ = KeptPlan::decode(&forged);
        }
    }
}
