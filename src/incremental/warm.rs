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
use super::theme_state::TemplateInputs;
use crate::output::{Staging, Stamp};
use crate::render::{FileKind, Options, Renderer};
use anyhow::{Result, anyhow};
use rayon::prelude::*;
use std::collections::HashMap;
use std::fmt::Write;
use std::hash::{DefaultHasher, Hash, Hasher};

/// The first line of a record, before its key.
const HEADER: &str = "faultline record 1";

/// A job of the earlier build: its fingerprint and its files with their stamps.
type Earlier = (u64, Vec<(String, Stamp)>);

/// What decides every file besides the jobs' views: faultline's version and the build's
/// options. Views hold most of them too; the key makes a change of options start cold.
pub(crate) fn key(options: &Options, drafts: bool) -> u64 {
    let mut h = DefaultHasher::new();
    let style = format!("{:?}", options.style);
    (env!("CARGO_PKG_VERSION"), style, &options.base_url, &options.assets, options.page_size, drafts).hash(&mut h);
    h.finish()
}

/// Renders every job of `renderer` into `staging`, taking unchanged files from the earlier
/// output when `earlier` (the text of its record) has them; `tally` counts each file with
/// its kind and size. Returns the text of the new record.
pub(crate) fn render(
    renderer: &Renderer<'_>,
    templates: &HashMap<String, TemplateInputs>,
    key: u64,
    earlier: Option<&str>,
    staging: &Staging,
    tally: &(dyn Fn(FileKind, u64) + Sync),
) -> Result<String> {
    let plan = fingerprint::plan(renderer, templates, renderer.jobs())?;
    let earlier = earlier.and_then(|text| parse(text, key)).unwrap_or_default();
    let reused = |planned: &Planned| -> Option<Vec<(String, Stamp)>> {
        let (fingerprint, files) = earlier.get(&planned.paths[0])?;
        let same_files = files.iter().map(|(path, _)| path).eq(planned.paths.iter());
        let unchanged = files.iter().all(|(path, stamp)| staging.earlier_stamp(path) == Some(*stamp));
        (*fingerprint == planned.fingerprint && same_files && unchanged).then(|| files.clone())
    };
    let done: Vec<Vec<(String, Stamp)>> = plan
        .par_iter()
        .map(|planned| {
            let kind = |n: usize| if n == 0 { Renderer::kind_of(&planned.job) } else { FileKind::Other };
            if let Some(files) = reused(planned) {
                for (n, (path, stamp)) in files.iter().enumerate() {
                    staging.reuse(path)?;
                    tally(kind(n), stamp.len);
                }
            } else {
                for (n, (path, bytes)) in planned.paths.iter().zip(renderer.render(&planned.job)?).enumerate() {
                    staging.write(path, &bytes)?;
                    tally(kind(n), bytes.len() as u64);
                }
            }
            planned
                .paths
                .iter()
                .map(|path| {
                    let stamp = staging.stamp(path).ok_or_else(|| anyhow!("{path} is missing after it was written"))?;
                    Ok((path.clone(), stamp))
                })
                .collect()
        })
        .collect::<Result<_>>()?;
    Ok(text(key, plan.iter().map(|p| p.fingerprint).zip(done)))
}

/// The text of a record: the header with the key, a line per job (its fingerprint, then
/// each file's path and stamp, separated by tabs), and a checksum of all that.
fn text(key: u64, jobs: impl Iterator<Item = Earlier>) -> String {
    let mut out = format!("{HEADER} {key:016x}\n");
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

/// The jobs of a record by their first path; `None` unless it is whole and has `key`.
fn parse(text: &str, key: u64) -> Option<HashMap<String, Earlier>> {
    let body_end = text.trim_end_matches('\n').rfind('\n')? + 1;
    let (body, end) = text.split_at(body_end);
    let sum = u64::from_str_radix(end.trim_end().strip_prefix("end ")?, 16).ok()?;
    let mut lines = body.lines();
    let head = lines.next()?.strip_prefix(HEADER)?.trim();
    if sum != checksum(body) || u64::from_str_radix(head, 16).ok()? != key {
        return None;
    }
    let mut jobs = HashMap::new();
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
                Some((f[0].to_string(), stamp))
            })
            .collect::<Option<Vec<_>>>()?;
        jobs.insert(files[0].0.clone(), (fingerprint, files));
    }
    Some(jobs)
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
    fn a_record_reads_back_and_a_damaged_or_foreign_one_does_not() {
        let stamp = Stamp { len: 12, modified: 1_700_000_000_123_456_789, inode: 42 };
        let jobs = vec![
            (7u64, vec![("http/502/index.html".to_string(), stamp), ("api/http/502.json".to_string(), stamp)]),
            (u64::MAX, vec![("index.html".to_string(), Stamp { inode: 43, ..stamp })]),
        ];
        let record = text(1, jobs.clone().into_iter());
        let read = parse(&record, 1).expect("a whole record");
        assert_eq!(read["http/502/index.html"], jobs[0]);
        assert_eq!(read["index.html"], jobs[1]);
        assert!(parse(&record, 2).is_none(), "another key");
        assert!(parse(&record.replacen("\t12\t", "\t13\t", 1), 1).is_none(), "an edited stamp");
        assert!(parse(&record[..record.len() - 30], 1).is_none(), "a cut record");
        assert!(parse("", 1).is_none());
    }
}
