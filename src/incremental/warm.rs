//! Warm builds: `faultline build` into a folder that holds its own earlier output renders
//! only the jobs whose fingerprint changed, and takes every other file from the earlier
//! output (a hard link, or a copy) into the staging folder; the swap, the lock and the
//! bytes are those of a cold build.
//!
//! The output keeps a record ([`crate::output::RECORD`]) of every job: its fingerprint (see
//! [`super::fingerprint`]) and, for each file it wrote, the file's stamp (size, time,
//! inode). A file is taken only when its job's fingerprint is unchanged and the file still
//! has the stamp its build gave it, so a file edited, replaced or removed since is rendered
//! again. The record starts with a key of faultline's version and the build's options, and
//! ends with a checksum: a record of another version or other options, or a damaged one, is
//! ignored and every file rendered.

use super::fingerprint::{self, Planned};
use super::kept_plan::{KeptPlan, Reach};
use super::theme_state::TemplateInputs;
use crate::output::{Staging, Stamp};
use crate::render::{FileKind, Options, Renderer};
use anyhow::{Result, anyhow};
use rayon::prelude::*;
use std::collections::HashMap;
use std::fmt::Write;
use std::hash::{DefaultHasher, Hash, Hasher};

/// The first line of a record, before its key.
const HEADER: &str = "faultline record 2";

/// A job of a build: its fingerprint and its files with their stamps.
pub(crate) type Job = (u64, Files);

/// A job's files, each with its stamp.
pub(crate) type Files = Vec<(String, Stamp)>;

/// What decides every file besides the jobs' views: faultline (its version and its binary)
/// and the build's options. Views hold most of the options too; the key makes a change of
/// options, or of faultline, start cold.
pub(crate) fn key(options: &Options, drafts: bool) -> u64 {
    let mut h = DefaultHasher::new();
    let style = format!("{:?}", options.style);
    let binary = crate::load::digest::binary();
    (env!("CARGO_PKG_VERSION"), binary, style, &options.base_url, &options.assets, options.page_size, drafts)
        .hash(&mut h);
    h.finish()
}

/// Renders every job of `renderer` into `staging`, taking unchanged files from the earlier
/// output when `earlier` (its record, read) has them; `tally` counts each file with its
/// kind, its size and whether it was taken. Returns the jobs for the new record ([`text`]).
///
/// With `plans`, the plan the earlier build kept and the context of this one, only the jobs
/// an edit reaches are planned (see [`KeptPlan`]), and the plan of this build is returned
/// to be kept.
pub(crate) fn render(
    renderer: Renderer<'_>,
    templates: &HashMap<String, TemplateInputs>,
    key: u64,
    earlier: Option<Record>,
    plans: Option<(Option<KeptPlan>, KeptPlan)>,
    staging: &Staging,
    tally: &(dyn Fn(FileKind, u64, bool) + Sync),
) -> Result<(Vec<Job>, Option<KeptPlan>)> {
    let earlier: HashMap<String, Job> = earlier
        .filter(|record| record.key == key)
        .map(|record| record.jobs.into_iter().map(|job| (job.1[0].0.clone(), job)).collect())
        .unwrap_or_default();
    let write = Writer { earlier: &earlier, staging, tally };
    // The search index's files first (their views read no notes); the index is then dropped
    // before the pages. With nothing to take from an earlier output, each job's view is
    // made once, rendered and fingerprinted; otherwise every job is planned first.
    let fresh = earlier.is_empty();
    let search: Vec<crate::render::Job> = renderer.jobs().into_iter().filter(crate::render::Job::is_search).collect();
    let (search, search_files) = match fresh {
        true => write.fresh(&renderer, templates, search, false)?,
        false => {
            let plan = fingerprint::plan(&renderer, templates, search)?;
            let files = write.all(&renderer, &plan)?;
            (plan, files)
        }
    };
    let renderer = renderer.without_search();
    let (mut pages, page_files) = match &plans {
        _ if fresh => write.fresh(&renderer, templates, renderer.jobs(), plans.is_some())?,
        Some((before, now)) => {
            let plan =
                narrowed(&renderer, templates, &earlier, before.as_ref().and_then(|b| Some((b, b.reach(now)?))))?;
            let files = write.all(&renderer, &plan)?;
            (plan, files)
        }
        None => {
            let mut plan = fingerprint::plan(&renderer, templates, renderer.jobs())?;
            // Nothing keeps a cold build's notes, and rendering needs none.
            plan.iter_mut().for_each(|p| p.reads = Default::default());
            let files = write.all(&renderer, &plan)?;
            (plan, files)
        }
    };
    let kept = plans.map(|(_, now)| {
        let reads = pages.iter_mut().map(|p| (p.paths[0].clone(), std::mem::take(&mut p.reads))).collect();
        now.with_reads(reads)
    });
    let jobs = search.iter().chain(&pages).map(|p| p.fingerprint).zip(search_files.into_iter().chain(page_files));
    Ok((jobs.collect(), kept))
}

/// Writes planned jobs into the staging folder, taking a file from the earlier output
/// where its job's fingerprint is the same.
struct Writer<'w> {
    earlier: &'w HashMap<String, Job>,
    staging: &'w Staging,
    tally: &'w (dyn Fn(FileKind, u64, bool) + Sync),
}

impl Writer<'_> {
    /// The files of the jobs of `plan`, in parallel, in the plan's order.
    fn all(&self, renderer: &Renderer<'_>, plan: &[Planned]) -> Result<Vec<Files>> {
        plan.par_iter().map(|planned| self.one(renderer, planned)).collect()
    }

    fn one(&self, renderer: &Renderer<'_>, planned: &Planned) -> Result<Files> {
        if let Some(files) = self.reused(planned) {
            let mut taken = Vec::with_capacity(files.len());
            for (n, (path, stamp, here)) in files.into_iter().enumerate() {
                (self.tally)(kind(&planned.job, n), stamp.len, true);
                let stamp = if here { stamp } else { self.staging.reuse(&path, stamp)? };
                taken.push((path, stamp));
            }
            return Ok(taken);
        }
        self.write(planned, renderer.render(&planned.job)?)
    }

    /// `jobs` of `renderer`, each planned from the view it renders and written, in
    /// parallel, in the given order; with what each view read when `notes` says they are kept.
    fn fresh(
        &self,
        renderer: &Renderer<'_>,
        templates: &HashMap<String, TemplateInputs>,
        jobs: Vec<crate::render::Job>,
        notes: bool,
    ) -> Result<(Vec<Planned>, Vec<Files>)> {
        fingerprint::plan_and_render_all(renderer, templates, jobs, |planned, files| {
            let written = self.write(planned, files)?;
            if !notes {
                planned.reads = Default::default();
            }
            Ok(written)
        })
    }

    /// Writes the `files` of `planned` into the staging folder.
    fn write(&self, planned: &Planned, files: Vec<Vec<u8>>) -> Result<Files> {
        let mut written = Vec::with_capacity(planned.paths.len());
        for (n, (path, bytes)) in planned.paths.iter().zip(files).enumerate() {
            self.staging.write(path, &bytes)?;
            (self.tally)(kind(&planned.job, n), bytes.len() as u64, false);
            let stamp = self.staging.stamp(path).ok_or_else(|| anyhow!("{path} is missing after it was written"))?;
            written.push((path.clone(), stamp));
        }
        Ok(written)
    }

    /// Each file of the earlier output's version of `planned`, with whether the staging
    /// folder holds it already (see `Staging::holds`), when its fingerprint is the same.
    fn reused(&self, planned: &Planned) -> Option<Vec<(String, Stamp, bool)>> {
        let (fingerprint, files) = self.earlier.get(&planned.paths[0])?;
        let same_files = files.iter().map(|(path, _)| path).eq(planned.paths.iter());
        if *fingerprint != planned.fingerprint || !same_files {
            return None;
        }
        files.iter().map(|(path, stamp)| Some((path.clone(), *stamp, self.staging.holds(path, *stamp)?))).collect()
    }
}

/// The kind of file `n` of `job`, for the tally: its first file is the page.
fn kind(job: &crate::render::Job, n: usize) -> FileKind {
    if n == 0 { Renderer::kind_of(job) } else { FileKind::Other }
}

/// Every job of `renderer` with its fingerprint: those the edit in `reach` cannot have
/// changed (by the `kept` plan's notes) keep the fingerprint of the `earlier` record, the
/// others are planned; without a reach, every job is planned.
fn narrowed(
    renderer: &Renderer<'_>,
    templates: &HashMap<String, TemplateInputs>,
    earlier: &HashMap<String, Job>,
    reach: Option<(&KeptPlan, Reach)>,
) -> Result<Vec<Planned>> {
    let all = renderer.jobs();
    let Some((kept, reach)) = reach else { return fingerprint::plan(renderer, templates, all) };
    let mut slots: Vec<Option<Planned>> = Vec::with_capacity(all.len());
    let (mut again, mut again_at) = (Vec::new(), Vec::new());
    for job in all {
        let paths = renderer.paths_of(&job);
        let carried = kept.untouched(&job, &paths[0], &reach).zip(earlier.get(&paths[0]));
        match carried {
            Some((reads, (fingerprint, _))) => {
                slots.push(Some(Planned { job, paths, fingerprint: *fingerprint, reads: reads.clone() }));
            }
            None => {
                again_at.push(slots.len());
                slots.push(None);
                again.push(job);
            }
        }
    }
    for (at, planned) in again_at.into_iter().zip(fingerprint::plan(renderer, templates, again)?) {
        slots[at] = Some(planned);
    }
    Ok(slots.into_iter().map(|planned| planned.expect("every job is planned")).collect())
}

/// The text of a record: the header with the key, a line the build keeps of itself as a
/// whole (`whole`, one line of text without tabs), a line per job (its fingerprint, then
/// each file's path and stamp, separated by tabs), and a checksum of all that.
pub(crate) fn text(key: u64, whole: &str, jobs: &[Job]) -> String {
    debug_assert!(!whole.contains(['\n', '\t']));
    let mut out = format!("{HEADER} {key:016x}\n{whole}\n");
    for (fingerprint, files) in jobs {
        let _ = write!(out, "{fingerprint:016x}");
        for (path, s) in files {
            let _ = write!(out, "\t{path}\t{}\t{}\t{}", s.len, s.modified, s.inode);
        }
        out.push('\n');
    }
    let _ = writeln!(out, "end {:016x}", checksum(&out));
    out
}

/// An earlier build's record, read back.
pub(crate) struct Record {
    /// The key of the faultline version and options it was built with ([`key`]).
    pub key: u64,
    /// The line the build kept of itself as a whole.
    pub whole: String,
    /// Its jobs, in the order it wrote them.
    pub jobs: Vec<Job>,
}

/// The record in `text`; `None` unless it is whole and every path in it is a plain
/// relative path (a record is read from a folder anyone may have written to).
pub(crate) fn read(text: &str) -> Option<Record> {
    let body_end = text.trim_end_matches('\n').rfind('\n')? + 1;
    let (body, end) = text.split_at(body_end);
    let sum = u64::from_str_radix(end.trim_end().strip_prefix("end ")?, 16).ok()?;
    if sum != checksum(body) {
        return None;
    }
    let mut lines = body.lines();
    let key = u64::from_str_radix(lines.next()?.strip_prefix(HEADER)?.trim(), 16).ok()?;
    let whole = lines.next().filter(|line| !line.contains('\t'))?.to_string();
    let mut jobs = Vec::new();
    for line in lines {
        let mut fields = line.split('\t');
        let fingerprint = u64::from_str_radix(fields.next()?, 16).ok()?;
        let fields: Vec<&str> = fields.collect();
        if fields.is_empty() || !fields.len().is_multiple_of(4) {
            return None;
        }
        let files = fields
            .chunks(4)
            .map(|f| {
                let stamp = Stamp { len: f[1].parse().ok()?, modified: f[2].parse().ok()?, inode: f[3].parse().ok()? };
                plain_path(f[0]).then(|| (f[0].to_string(), stamp))
            })
            .collect::<Option<Vec<_>>>()?;
        jobs.push((fingerprint, files));
    }
    Some(Record { key, whole, jobs })
}

/// Whether `path` names a file inside the output: relative, no `.` or `..` step, no
/// empty one.
fn plain_path(path: &str) -> bool {
    !path.contains(['\\', '\0']) && path.split('/').all(|step| !matches!(step, "" | "." | ".."))
}

fn checksum(text: &str) -> u64 {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_and_a_damaged_or_unsafe_one_does_not() {
        let stamp = Stamp { len: 12, modified: 1_700_000_000_123_456_789, inode: 42 };
        let jobs = vec![
            (7u64, vec![("http/502/index.html".to_string(), stamp), ("api/http/502.json".to_string(), stamp)]),
            (u64::MAX, vec![("index.html".to_string(), Stamp { inode: 43, ..stamp })]),
        ];
        let record = text(1, "build line", &jobs);
        let read = read(&record).expect("a whole record");
        assert_eq!((read.key, read.whole.as_str()), (1, "build line"));
        assert_eq!(read.jobs, jobs);
        assert!(super::read(&record.replacen("\t12\t", "\t13\t", 1)).is_none(), "an edited stamp");
        assert!(super::read(&record[..record.len() - 30]).is_none(), "a cut record");
        assert!(super::read("").is_none());
        for path in ["../escape", "/etc/passwd", "a//b", "a/./b", "a\\b"] {
            let forged = text(1, "", &[(1, vec![(path.to_string(), stamp)])]);
            assert!(super::read(&forged).is_none(), "{path}");
        }
    }
}
