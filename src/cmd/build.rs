//! `faultline build`: check, then render every file into a staging folder and swap it in.

use super::check::{self, count};
use crate::diag::Diagnostic;
use crate::incremental::kept_plan::KeptPlan;
use crate::incremental::{theme_state, warm};
use crate::load::theme;
use crate::model::body::Bodies;
use crate::output::{BuildLock, MARKER, MARKER_TEXT, RECORD, Staging};
use crate::render::assets::{static_collisions, theme_assets};
use crate::render::templates::Templates;
use crate::render::urls::LinkStyle;
use crate::render::{FileKind, Options, PAGE_SIZE, Renderer};
use anyhow::{Result, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

mod caches;
mod unchanged;

use caches::Kept;

/// What `faultline build` was asked to do.
#[derive(Debug, Clone)]
pub(crate) struct BuildOptions {
    pub out: PathBuf,
    pub offline: bool,
    pub drafts: bool,
    pub base_url: Option<String>,
    /// Render every file, ignoring the earlier output.
    pub cold: bool,
}

/// What a finished build wrote.
#[derive(Debug, Clone, Default)]
pub(crate) struct Summary {
    pub entries: usize,
    pub comparisons: usize,
    pub other_pages: usize,
    pub files: usize,
    pub bytes: u64,
    /// Files taken from the earlier output (a warm build).
    pub taken: usize,
    pub elapsed: Duration,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "built {}, {} and {} ({}, {:.1} MB",
            count(self.entries, "entry", "entries"),
            count(self.comparisons, "comparison page", "comparison pages"),
            count(self.other_pages, "other page", "other pages"),
            count(self.files, "file", "files"),
            self.bytes as f64 / 1_000_000.0,
        )?;
        if self.taken > 0 {
            write!(f, "; {} unchanged, taken from the earlier output", self.taken)?;
        }
        write!(f, ") in {:.2} s", self.elapsed.as_secs_f64())
    }
}

/// The outcome of a build that could run: a summary, or the content errors that stopped it.
/// Warnings come with either.
pub(crate) struct Outcome {
    pub summary: Option<Summary>,
    pub diagnostics: Vec<Diagnostic>,
}

fn normalise_base_url(url: &str) -> Result<String> {
    if let Some(problem) = crate::model::url::problem(url) {
        bail!("--base-url: {}", problem.message);
    }
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        bail!("--base-url must be an absolute http(s) URL, not `{url}`");
    }
    Ok(if url.ends_with('/') { url.to_string() } else { format!("{url}/") })
}

/// Builds the site at `root`. `Err` for failures that are not content errors (an output
/// folder refused, a template error, a failed write).
pub(crate) fn build(root: &Path, options: &BuildOptions) -> Result<Outcome> {
    let start = Instant::now();
    // Refuse a wrong output folder before creating a lock file beside it.
    crate::output::check_target(root, &options.out)?;
    // Held for the whole build, released when the new output is in place (or on failure).
    let lock = BuildLock::acquire(&options.out)?;
    let loaded = crate::load::load(root)?;
    let digests = crate::load::digest::files(&loaded.files);
    // Read before the checks so that unchanged inputs can skip them; their errors are
    // reported where a full build meets them, after the content's.
    let (theme, statics) = (theme::load(root, &loaded.config.theme), theme::files(&root.join("static")));
    let inputs = match (&theme, &statics) {
        (Ok(theme), Ok(statics)) => unchanged::inputs((&loaded, &digests), theme, statics, options),
        _ => None,
    };
    let earlier =
        if options.cold { None } else { crate::output::read_record(&options.out).and_then(|t| warm::read(&t)) };
    if let Some(whole) =
        earlier.as_ref().zip(inputs).and_then(|(record, inputs)| unchanged::kept(&options.out, record, inputs.inputs))
    {
        let record = earlier.expect("a record was kept");
        return same_inputs(root, options, (theme?, statics?), whole, record, lock, start);
    }
    let kept = (!options.cold).then(|| {
        let seals = earlier.as_ref().and_then(unchanged::seals).unwrap_or_default();
        Kept::read(root, seals, &loaded, &digests)
    });
    let (checked, kept) = match kept {
        Some(kept) => {
            let (checked, kept) = kept.check(loaded, &digests, options.drafts);
            (checked, Some(kept))
        }
        None => (check::run_loaded(root, loaded, options.drafts, Bodies::InFiles(root)), None),
    };
    if checked.has_errors() {
        return Ok(Outcome { summary: None, diagnostics: checked.diagnostics });
    }
    let read = Read { theme: theme?, statics: statics?, inputs, earlier };
    render(root, options, checked, read, kept, lock, start)
}

/// A build of the inputs of the earlier one, whose `record` kept `whole`: the output is
/// left as it is when it is whole, or else its files are taken into a new one.
fn same_inputs(
    root: &Path,
    options: &BuildOptions,
    (theme, statics): (theme::Theme, BTreeMap<String, Vec<u8>>),
    whole: unchanged::Whole,
    record: warm::Record,
    lock: BuildLock,
    start: Instant,
) -> Result<Outcome> {
    let (assets, _) = own_files(&theme, &statics);
    let own: BTreeMap<&str, &[u8]> = assets
        .iter()
        .chain(statics.iter())
        .map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
        .chain([(MARKER, MARKER_TEXT.as_bytes())])
        .collect();
    // The pages, and the assets and static files, as a warm build that takes them all
    // counts them.
    let taken = record.jobs.iter().map(|(_, files)| files.len()).sum::<usize>() + assets.len() + statics.len();
    if unchanged::in_place(&options.out, &record, &own) {
        crate::output::clean_leftovers(&options.out, &lock);
    } else {
        let staging = Staging::begin(root, &options.out, lock)?;
        for (path, data) in assets.iter().chain(statics.iter()) {
            staging.write_or_take(path, data)?;
        }
        unchanged::take(staging, &whole, record)?;
    }
    let (diagnostics, summary) = unchanged::outcome(whole, taken, start.elapsed());
    Ok(Outcome { summary: Some(summary), diagnostics })
}

/// What [`build`] read besides the content, for [`render`].
struct Read {
    theme: theme::Theme,
    statics: BTreeMap<String, Vec<u8>>,
    inputs: Option<unchanged::Digests>,
    earlier: Option<warm::Record>,
}

/// The theme's assets under their hashed paths, less those a static file of the site
/// replaces (a site's own favicon.svg), and the hashed path of each asset.
fn own_files(
    theme: &theme::Theme,
    statics: &BTreeMap<String, Vec<u8>>,
) -> (BTreeMap<String, Vec<u8>>, BTreeMap<String, String>) {
    let (mut assets, asset_paths) = theme_assets(theme);
    assets.retain(|path, _| !statics.contains_key(path));
    (assets, asset_paths)
}

/// Renders a checked site into a new output.
fn render(
    root: &Path,
    options: &BuildOptions,
    checked: check::Checked,
    read: Read,
    mut kept: Option<Kept>,
    lock: BuildLock,
    start: Instant,
) -> Result<Outcome> {
    let (site, graph, mut diagnostics) = (checked.site, checked.graph, checked.diagnostics);
    let base_url = match &options.base_url {
        Some(url) => Some(normalise_base_url(url)?),
        None => site.config.base_url.clone(),
    };
    if base_url.is_none() {
        diagnostics.push(
            Diagnostic::warning("no base_url is set, so the build writes no sitemap.xml, canonical links or og:url")
                .hint("set `base_url` in site.yaml or pass --base-url"),
        );
    }
    let templates = Templates::compile(&read.theme)?;
    let template_inputs = theme_state::template_inputs(&read.theme.templates);
    let (assets, asset_paths) = own_files(&read.theme, &read.statics);
    let style = if options.offline { LinkStyle::File } else { LinkStyle::Folder };
    let render_options = Options { style, base_url, assets: asset_paths, page_size: PAGE_SIZE };
    let index = match &mut kept {
        Some(kept) => kept.index(&site, &graph.included)?,
        None => crate::search::Index::build(&site, &graph.included)?,
    };
    let renderer = Renderer::new((&site, &graph), &templates, &render_options, index);

    let generated: BTreeSet<String> =
        renderer.paths().into_iter().chain(assets.keys().cloned()).chain([MARKER.into(), RECORD.into()]).collect();
    let collisions = static_collisions(&read.statics, |p| generated.contains(p));
    if !collisions.is_empty() {
        diagnostics.extend(collisions);
        return Ok(Outcome { summary: None, diagnostics });
    }

    // A warm build starts from the tree the last one replaced, if it kept it.
    let staging = match &read.earlier {
        Some(_) => {
            let planned: BTreeSet<String> = generated.iter().cloned().chain(read.statics.keys().cloned()).collect();
            Staging::over_spare(root, &options.out, lock, &planned)?
        }
        None => Staging::begin(root, &options.out, lock)?,
    };
    let tally = Tally::new(generated.len() as u64);
    for (path, data) in assets.iter().chain(read.statics.iter()) {
        let taken = match read.earlier {
            Some(_) => staging.write_or_take(path, data)?,
            None => staging.write(path, data).map(|()| false)?,
        };
        tally.add(FileKind::Other, data.len() as u64, taken);
    }
    let key = warm::key(&render_options, options.drafts);
    let add = |kind: FileKind, size: u64, taken: bool| tally.add(kind, size, taken);
    let plans = kept.as_mut().zip(read.inputs).map(|(kept, inputs)| {
        let jobs = renderer.jobs();
        let context = KeptPlan::context(&renderer, (&site, &graph), &jobs, inputs.surroundings, |f| kept.digest(f));
        (kept.take_plan(), context)
    });
    let (jobs, plan) = warm::render(renderer, &template_inputs, key, read.earlier, plans, &staging, &add)?;
    if let (Some(kept), Some(plan)) = (&mut kept, plan) {
        kept.keep_plan(plan);
    }
    let summary = tally.summary(start);
    let seals = kept.map(Kept::seals).unwrap_or_default();
    let whole = unchanged::Whole::new(read.inputs.map(|d| d.inputs), &summary, &diagnostics, seals);
    staging.write(RECORD, warm::text(key, &whole.line(), &jobs).as_bytes())?;
    // The old tree shares most files with the new one when most were taken: kept, it is
    // the next warm build's start.
    staging.commit(summary.taken * 2 >= summary.files)?;
    Ok(Outcome { summary: Some(Summary { elapsed: start.elapsed(), ..summary }), diagnostics })
}

/// The files a build wrote and took, counted as it goes, with a progress bar on long builds.
struct Tally {
    bytes: AtomicU64,
    /// Entry pages, comparison pages, other pages, other files; then files taken.
    counts: [AtomicUsize; 5],
    progress: indicatif::ProgressBar,
}

impl Tally {
    fn new(total: u64) -> Tally {
        let progress = if total > 2000 { indicatif::ProgressBar::new(total) } else { indicatif::ProgressBar::hidden() };
        Tally { bytes: AtomicU64::new(0), counts: Default::default(), progress }
    }

    fn add(&self, kind: FileKind, size: u64, taken: bool) {
        self.bytes.fetch_add(size, Ordering::Relaxed);
        let slot = match kind {
            FileKind::Entry => 0,
            FileKind::Comparison => 1,
            FileKind::Page => 2,
            FileKind::Other => 3,
        };
        self.counts[slot].fetch_add(1, Ordering::Relaxed);
        if taken {
            self.counts[4].fetch_add(1, Ordering::Relaxed);
        }
        self.progress.inc(1);
    }

    /// The summary of what was counted; the record, written next, is one more file.
    fn summary(&self, start: Instant) -> Summary {
        self.progress.finish_and_clear();
        let count = |i: usize| self.counts[i].load(Ordering::Relaxed);
        Summary {
            entries: count(0),
            comparisons: count(1),
            other_pages: count(2),
            files: count(0) + count(1) + count(2) + count(3) + 1,
            bytes: self.bytes.load(Ordering::Relaxed),
            taken: count(4),
            elapsed: start.elapsed(),
        }
    }
}

/// `faultline build`: prints the diagnostics and the summary, returns the exit status.
pub(crate) fn command(root: &Path, options: &BuildOptions) -> u8 {
    match build(root, options) {
        Ok(outcome) => {
            for block in crate::diag::text_blocks(&outcome.diagnostics) {
                eprintln!("{block}");
            }
            match outcome.summary {
                Some(summary) => {
                    eprintln!("{summary} -> {}", options.out.display());
                    super::OK
                }
                None => {
                    eprintln!("error: {}; nothing was written", crate::diag::summary(&outcome.diagnostics));
                    super::FAILED
                }
            }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            super::FAILED
        }
    }
}
