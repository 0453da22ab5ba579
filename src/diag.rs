//! Diagnostics: what every stage reports about content, and how `check` prints them.
//!
//! Stages collect diagnostics instead of returning early, so one run reports every problem;
//! the command decides the exit status at the end.

use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// How bad a diagnostic is; only errors change the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a source file: 1-based line and column (in characters), and the width to underline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
    pub len: usize,
}

/// One problem, with where it is and what to do about it.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators.
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
    /// How many characters to underline at the position.
    #[serde(skip)]
    pub width: usize,
    /// The part of the source line around the position: all of it, or a window of a long one.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// The column of the position inside `source_line`.
    #[serde(skip)]
    pub snippet_column: usize,
}

/// A diagnostic as kept: every field, the printed snippet's too (the JSON of `check`
/// leaves those out).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Kept(#[serde(with = "KeptDef")] pub(crate) Diagnostic);

/// [`Diagnostic`]'s fields, for serde to read and write them all.
#[derive(Serialize, Deserialize)]
#[serde(remote = "Diagnostic")]
struct KeptDef {
    severity: Severity,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    message: String,
    hint: Option<String>,
    width: usize,
    source_line: Option<String>,
    snippet_column: usize,
}

/// Diagnostics the text form prints per file; the rest are counted ("and N more in this
/// file"), so a file with 60,000 broken links prints a screenful, not 400 MB. The JSON form
/// lists them all.
pub(crate) const SHOWN_PER_FILE: usize = 20;
/// Characters of a long source line shown before the column, and in all.
const SNIPPET_BEFORE: usize = 60;
const SNIPPET_CHARS: usize = 120;

impl Diagnostic {
    pub(crate) fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            line: None,
            column: None,
            message: message.into(),
            hint: None,
            width: 1,
            source_line: None,
            snippet_column: 0,
        }
    }

    pub(crate) fn warning(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(message) }
    }

    pub(crate) fn file(mut self, path: &str) -> Self {
        self.file = Some(path.to_string());
        self
    }

    /// Points the diagnostic at `pos`; the source line is attached when printing.
    pub(crate) fn at_pos(mut self, pos: Option<Pos>) -> Self {
        if let Some(pos) = pos {
            self.line = Some(pos.line);
            self.column = Some(pos.column);
            self.width = pos.len.max(1);
        }
        self
    }

    /// Points the diagnostic at `pos` in `source` (the whole file's text) and keeps the line.
    pub(crate) fn at(self, source: &str, pos: Option<Pos>) -> Self {
        let mut d = self.at_pos(pos);
        if let Some(line) = pos.and_then(|p| source.lines().nth(p.line - 1)) {
            d.snippet(line);
        }
        d
    }

    /// Keeps the part of `line` (the source line of the position) around the column: a long
    /// line (minified, or a deeply nested YAML value) shows a window, `...` where it is cut.
    fn snippet(&mut self, line: &str) {
        let Some(column) = self.column else {
            return;
        };
        let total = line.chars().count();
        let skip = if total <= SNIPPET_CHARS {
            0
        } else {
            column.saturating_sub(1 + SNIPPET_BEFORE).min(total - SNIPPET_CHARS)
        };
        let mut text = String::from(if skip > 0 { "..." } else { "" });
        let shift = text.len();
        // Controls would reach the terminal as escapes; each shows as one replacement mark.
        text.extend(line.chars().skip(skip).take(SNIPPET_CHARS).map(|c| match c {
            '\t' => ' ',
            c if c.is_control() => '\u{fffd}',
            c => c,
        }));
        if skip + SNIPPET_CHARS < total {
            text.push_str("...");
        }
        self.snippet_column = column - skip + shift;
        let after_caret = (text.chars().count() + 1).saturating_sub(self.snippet_column);
        self.width = self.width.min(after_caret).max(1);
        self.source_line = Some(text);
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub(crate) fn hint_opt(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    fn sort_key(&self) -> (Option<&str>, usize, usize, &str) {
        (self.file.as_deref(), self.line.unwrap_or(0), self.column.unwrap_or(0), &self.message)
    }

    /// The text form: `path:line:column: error: message`, the source line, a caret, a hint.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mut location: Vec<String> = Vec::new();
        if let Some(file) = &self.file {
            location.push(file.clone());
            if let Some(line) = self.line {
                location.push(line.to_string());
                if let Some(column) = self.column {
                    location.push(column.to_string());
                }
            }
        }
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if location.is_empty() {
            let _ = writeln!(out, "{severity}: {}", self.message);
        } else {
            let _ = writeln!(out, "{}: {severity}: {}", location.join(":"), self.message);
        }
        if let (Some(text), Some(line)) = (&self.source_line, self.line) {
            let number = line.to_string();
            let gutter = " ".repeat(number.len());
            let caret = " ".repeat(self.snippet_column.saturating_sub(1));
            let _ = writeln!(out, " {number} | {text}");
            let _ = writeln!(out, " {gutter} | {caret}{}", "^".repeat(self.width));
        }
        if let Some(hint) = &self.hint {
            let _ = writeln!(out, "  hint: {hint}");
        }
        out
    }
}

/// Reads the source line of each positioned diagnostic that lacks one (those made by stages
/// that no longer hold the file's text), for the ones the text form prints: it sorts them
/// and fills at most [`SHOWN_PER_FILE`] per file. `root` is the site folder the paths are
/// relative to.
pub(crate) fn attach_source_lines(diagnostics: &mut [Diagnostic], root: &std::path::Path) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let mut texts: std::collections::HashMap<String, Option<String>> = std::collections::HashMap::new();
    let mut shown: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for d in diagnostics.iter_mut() {
        let Some(file) = &d.file else {
            continue;
        };
        let count = shown.entry(file.clone()).or_default();
        *count += 1;
        let (Some(line), true, true) = (d.line, d.source_line.is_none(), *count <= SHOWN_PER_FILE) else {
            continue;
        };
        let text = texts.entry(file.clone()).or_insert_with(|| crate::load::read_text(&root.join(file)).ok());
        if let Some(source) = text.as_deref().and_then(|t| crate::lines::Lines::new(t).line(line)) {
            d.snippet(source);
        }
    }
}

/// The text form of sorted `diagnostics` as printed, one block each: at most
/// [`SHOWN_PER_FILE`] per file, then a line counting the file's others.
pub fn text_blocks(diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < diagnostics.len() {
        let file = &diagnostics[i].file;
        let same = diagnostics[i..].iter().take_while(|d| d.file == *file).count();
        out.extend(diagnostics[i..i + same].iter().take(SHOWN_PER_FILE).map(Diagnostic::to_text));
        if let (Some(file), true) = (file, same > SHOWN_PER_FILE) {
            out.push(format!(
                "{file}: ... and {} more in this file (`faultline check --format json` lists them all)\n",
                same - SHOWN_PER_FILE
            ));
        }
        i += same;
    }
    out
}

/// Puts diagnostics in a stable order (file, line, column, message) and drops exact repeats.
pub(crate) fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup_by(|a, b| a.sort_key() == b.sort_key());
}

pub(crate) fn error_count(diagnostics: &[Diagnostic]) -> usize {
    diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
}

/// The one-line count printed after the diagnostics.
pub(crate) fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = error_count(diagnostics);
    let warnings = diagnostics.len() - errors;
    let files: std::collections::BTreeSet<_> =
        diagnostics.iter().filter(|d| d.severity == Severity::Error).filter_map(|d| d.file.as_deref()).collect();
    let plural = |n: usize, word: &str| {
        if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
    };
    match (errors, warnings) {
        (0, 0) => "no problems found".to_string(),
        (0, w) => plural(w, "warning"),
        (e, 0) => format!("{} in {}", plural(e, "error"), plural(files.len().max(1), "file")),
        (e, w) => format!("{} in {}, {}", plural(e, "error"), plural(files.len().max(1), "file"), plural(w, "warning")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_form_has_location_snippet_caret_and_hint() {
        let source = "title: x\nrelated: [http/504, http/999]\n";
        let d = Diagnostic::error("`related` names `http/999`, which does not exist")
            .file("content/http/502.md")
            .at(source, Some(Pos { line: 2, column: 21, len: 8 }))
            .hint("did you mean `http/500`?");
        assert_eq!(
            d.to_text(),
            "content/http/502.md:2:21: error: `related` names `http/999`, which does not exist\n \
             2 | related: [http/504, http/999]\n   |                     ^^^^^^^^\n  hint: did you mean `http/500`?\n"
        );
    }

    #[test]
    fn without_a_file_only_the_message_is_printed() {
        assert_eq!(Diagnostic::warning("no base_url").to_text(), "warning: no base_url\n");
    }

    #[test]
    fn summary_counts_errors_files_and_warnings() {
        let e = |f: &str| Diagnostic::error("x").file(f);
        assert_eq!(summary(&[]), "no problems found");
        assert_eq!(summary(&[e("a"), e("a"), e("b")]), "3 errors in 2 files");
        assert_eq!(summary(&[e("a"), Diagnostic::warning("w")]), "1 error in 1 file, 1 warning");
    }
}
