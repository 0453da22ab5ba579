//! `faultline build`: check, then render every file into a staging folder and swap it in.

use super::check::{self, count};
use crate::diag::Diagnostic;
use crate::incremental::{theme_state, warm};
use crate::load::theme;
use crate::output::{BuildLock, MARKER, RECORD, Staging};
use crate::render::assets::{static_collisions, theme_assets};
use crate::render::templates::Templates;
use crate::render::urls::LinkStyle;
use crate::render::{FileKind, Options, PAGE_SIZE, Renderer};
use anyhow::{Result, bail};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

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
    pub elapsed: Duration,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "built {}, {} and {} ({}, {:.1} MB) in {:.2} s",
            count(self.entries, "entry", "entries"),
            count(self.comparisons, "comparison page", "comparison pages"),
            count(self.other_pages, "other page", "other pages"),
            count(self.files, "file", "files"),
            self.bytes as f64 / 1_000_000.0,
            self.elapsed.as_secs_f64()
        )
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
    let checked = check::run(root, options.drafts)?;
    let mut diagnostics = checked.diagnostics;
    if diagnostics.iter().any(|d| d.severity == crate::diag::Severity::Error) {
        return Ok(Outcome { summary: None, diagnostics });
    }
    let (site, graph) = (checked.site, checked.graph);
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
    let theme = theme::load(root, &site.config.theme)?;
    let templates = Templates::compile(&theme)?;
    let template_inputs = theme_state::template_inputs(&theme.templates);

    let (mut assets, asset_paths) = theme_assets(&theme);
    let statics = theme::files(&root.join("static"))?;
    // A static file replaces the theme's asset at the same path (a site's own favicon.svg).
    assets.retain(|path, _| !statics.contains_key(path));

    let style = if options.offline { LinkStyle::File } else { LinkStyle::Folder };
    let render_options = Options { style, base_url, assets: asset_paths, page_size: PAGE_SIZE };
    let renderer = Renderer::new(&site, &graph, &templates, &render_options);

    let generated: BTreeSet<String> =
        renderer.paths().into_iter().chain(assets.keys().cloned()).chain([MARKER.into(), RECORD.into()]).collect();
    let collisions = static_collisions(&statics, |p| generated.contains(p));
    if !collisions.is_empty() {
        diagnostics.extend(collisions);
        return Ok(Outcome { summary: None, diagnostics });
    }

    let staging = Staging::begin(root, &options.out, lock)?;
    let bytes = AtomicU64::new(0);
    let counts = [AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0)];
    for (path, data) in assets.iter().chain(statics.iter()) {
        staging.write(path, data)?;
        bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
        counts[3].fetch_add(1, Ordering::Relaxed);
    }
    let total = generated.len() as u64;
    let progress = if total > 2000 { indicatif::ProgressBar::new(total) } else { indicatif::ProgressBar::hidden() };
    let earlier = if options.cold { None } else { crate::output::read_record(&options.out) };
    let key = warm::key(&render_options, options.drafts);
    let tally = |kind: FileKind, size: u64| {
        bytes.fetch_add(size, Ordering::Relaxed);
        let slot = match kind {
            FileKind::Entry => 0,
            FileKind::Comparison => 1,
            FileKind::Page => 2,
            FileKind::Other => 3,
        };
        counts[slot].fetch_add(1, Ordering::Relaxed);
        progress.inc(1);
    };
    let record = warm::render(&renderer, &template_inputs, key, earlier.as_deref(), &staging, &tally)?;
    staging.write(RECORD, record.as_bytes())?;
    progress.finish_and_clear();
    staging.commit()?;
    let count = |i: usize| counts[i].load(Ordering::Relaxed);
    let summary = Summary {
        entries: count(0),
        comparisons: count(1),
        other_pages: count(2),
        files: count(0) + count(1) + count(2) + count(3) + 1,
        bytes: bytes.load(Ordering::Relaxed),
        elapsed: start.elapsed(),
    };
    Ok(Outcome { summary: Some(summary), diagnostics })
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
