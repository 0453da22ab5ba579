//! The text `faultline new` writes as a placeholder, and the warnings for a published
//! entry that still holds it.

use crate::diag::Diagnostic;
use crate::load::yaml::Finder;

/// The heading a new entry's body starts with, to be written under.
pub(crate) const BODY_HEADING: &str = "## What this means";

/// The summary a new entry starts with.
pub(crate) fn summary_of(code: &str) -> String {
    format!("What {code} means, in one sentence.")
}

/// Warnings for a published entry that still holds the text `new` wrote as a placeholder:
/// its summary, or a body that is only the first heading. `yaml` and `body` are the
/// entry's front matter and body, with the number of file lines before each.
pub(crate) fn warnings(
    file: &str,
    text: &str,
    (summary, code): (&str, &str),
    (yaml, yaml_offset): (&str, usize),
    (body, body_offset): (&str, usize),
) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    if summary.trim() == summary_of(code) {
        warnings.push(
            Diagnostic::warning("`summary` is still the placeholder `faultline new` wrote")
                .file(file)
                .at(text, Finder::new(yaml, yaml_offset).value("summary", summary.trim()))
                .hint(format!("say in one sentence what {code} means; search results and lists show it")),
        );
    }
    if body.trim() == BODY_HEADING {
        warnings.push(
            Diagnostic::warning("the body is only the heading `faultline new` wrote")
                .file(file)
                .at(text, Finder::new(body, body_offset).anywhere(BODY_HEADING))
                .hint("write what the error means under the heading, or remove it"),
        );
    }
    warnings
}
