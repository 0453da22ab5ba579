//! `faultline check`: load, model and link the site, write nothing, report everything.

use crate::diag::{self, Diagnostic, Severity};
use crate::link::{self, LinkGraph};
use crate::load;
use crate::model::body::Bodies;
use crate::model::{self, Site};
use anyhow::Result;
use std::path::Path;

/// The result of checking a site: the model, its links, and every diagnostic, sorted.
pub struct Checked {
    pub site: Site,
    pub graph: LinkGraph,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub(crate) fn has_errors(&self) -> bool {
        diag::error_count(&self.diagnostics) > 0
    }
}

/// Runs every stage up to linking. `Err` only when the root itself cannot be used.
pub fn run(root: &Path, drafts: bool) -> Result<Checked> {
    Ok(run_loaded(root, load::load(root)?, drafts, Bodies::Held))
}

/// The stages after loading, on what [`load::load`] read from `root`, the entries' bodies
/// held as `bodies` says.
pub(crate) fn run_loaded(root: &Path, loaded: load::Loaded, drafts: bool, bodies: Bodies<'_>) -> Checked {
    run_parsed(root, model::build(loaded, bodies), drafts, None)
}

/// Checks a parsed site (see [`model::build`]): links it, taking the related lists an
/// earlier build `kept` if they still hold, and puts the diagnostics in order.
pub(crate) fn run_parsed(
    root: &Path,
    (site, mut diagnostics): (model::Site, Vec<Diagnostic>),
    drafts: bool,
    kept: Option<&link::related::Kept>,
) -> Checked {
    let (graph, link_diagnostics) = link::build_kept(&site, drafts, kept);
    diagnostics.extend(link_diagnostics);
    diag::attach_source_lines(&mut diagnostics, root);
    diag::sort(&mut diagnostics);
    Checked { site, graph, diagnostics }
}

/// Output formats of diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

/// Prints diagnostics in `format`: text on stderr followed by a count, or a JSON array on
/// stdout. `what` describes what was checked, for the clean summary.
pub(crate) fn report(diagnostics: &[Diagnostic], format: Format, what: &str) {
    match format {
        Format::Json => {
            let json = serde_json::to_string_pretty(diagnostics).unwrap_or_else(|_| "[]".into());
            println!("{json}");
        }
        Format::Text => {
            for block in diag::text_blocks(diagnostics) {
                eprintln!("{block}");
            }
            if diagnostics.iter().any(|d| d.severity == Severity::Error) {
                eprintln!("error: {}", diag::summary(diagnostics));
            } else {
                eprintln!("{what}: {}", diag::summary(diagnostics));
            }
        }
    }
}

/// "checked 9 entries and 3 comparison pages"
pub(crate) fn describe(checked: &Checked) -> String {
    let entries = checked.site.entries.len() + checked.site.broken.len();
    let drafts = checked.site.entries.iter().filter(|e| e.fm.draft).count();
    let drafts = match drafts {
        0 => String::new(),
        n => format!(" ({})", count(n, "draft", "drafts")),
    };
    format!(
        "checked {}{drafts} and {}",
        count(entries, "entry", "entries"),
        count(checked.graph.pairs.len(), "comparison page", "comparison pages")
    )
}

/// `n` and the word for it: "1 entry", "2 entries", "0 entries".
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `faultline check`: prints the diagnostics and returns the exit status.
pub(crate) fn command(root: &Path, format: Format) -> u8 {
    match run(root, false) {
        Ok(checked) => {
            report(&checked.diagnostics, format, &describe(&checked));
            if checked.has_errors() { super::FAILED } else { super::OK }
        }
        Err(e) => {
            match format {
                // The JSON form stays a JSON array whatever happens, for the tools that read it.
                Format::Json => report(&[crate::diag::Diagnostic::error(format!("{e:#}"))], format, ""),
                Format::Text => eprintln!("error: {e:#}"),
            }
            super::FAILED
        }
    }
}
