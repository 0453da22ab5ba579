//! Loading: the only stage that reads `content/`. It walks the folder, classifies every path
//! (docs/content.md), and reads the files in parallel into normalised text (no BOM, LF line endings).

pub(crate) mod digest;
pub(crate) mod frontmatter;
pub(crate) mod theme;
mod unclosed;
mod walk;
pub(crate) mod yaml;

use crate::config::{self, SiteConfig};
use crate::diag::Diagnostic;
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::path::Path;

pub(crate) use walk::{Kind, RESERVED, ignored_name, kind_of_new_file, walk_order};

/// Files larger than this are refused without being read.
pub(crate) const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// One file under `content/` that the model will parse.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the site root, with `/` separators: `content/http/502.md`.
    pub path: String,
    pub kind: Kind,
    /// The text, or `None` when it could not be read (the diagnostic says why).
    pub text: Option<String>,
}

/// Everything read from a site folder.
pub struct Loaded {
    pub config: SiteConfig,
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads the site at `root`. Content problems become diagnostics; only a root that cannot be
/// used at all is an `Err`.
pub fn load(root: &Path) -> Result<Loaded> {
    let (found, walk_diagnostics) = scan(root)?;
    let (config, mut diagnostics) = config::load(root);
    diagnostics.extend(walk_diagnostics);
    let read: Vec<(SourceFile, Option<Diagnostic>)> =
        found.into_par_iter().map(|(path, kind)| read_source(root, &path, kind)).collect();
    let mut files = Vec::with_capacity(read.len());
    for (file, problem) in read {
        diagnostics.extend(problem);
        files.push(file);
    }
    Ok(Loaded { config, files, diagnostics })
}

/// The files of `content/` to read: each one's path relative to `content/`, and its kind.
pub(crate) type Found = Vec<(String, Kind)>;

/// What every command says of a folder without `content/`, shown as `shown`.
pub(crate) fn no_content(shown: &Path) -> String {
    format!(
        "{} has no content/ folder\n  hint: run `faultline init` to start a site there, or pass --root DIR",
        shown.display()
    )
}

/// Checks that `root` is a site folder and walks its `content/`: the files to read, in a
/// stable order, and the layout errors found.
pub(crate) fn scan(root: &Path) -> Result<(Found, Vec<Diagnostic>)> {
    if !root.is_dir() {
        bail!("the site root {} is not a folder", root.display());
    }
    let content = root.join("content");
    if !content.is_dir() {
        bail!(no_content(&root.canonicalize().unwrap_or_else(|_| root.to_path_buf())));
    }
    std::fs::read_dir(&content).with_context(|| format!("cannot read {}", content.display()))?;
    Ok(walk::walk(&content))
}

/// Whether nothing is at `path` (from the root) any more; a path that cannot be looked at
/// for another reason is not gone.
pub(crate) fn is_gone(root: &Path, path: &str) -> bool {
    std::fs::symlink_metadata(root.join(path)).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
}

/// Whether `path` (from the root) is a regular file now, not a link to one: what the walk
/// would read.
pub(crate) fn is_regular_file(root: &Path, path: &str) -> bool {
    std::fs::symlink_metadata(root.join(path)).is_ok_and(|m| m.is_file())
}

/// Reads one file that [`scan`] found (`path` relative to `content/`), with the problem
/// that kept it from being read, if any.
pub(crate) fn read_source(root: &Path, path: &str, kind: Kind) -> (SourceFile, Option<Diagnostic>) {
    let shown = format!("content/{path}");
    match read_text(&root.join("content").join(path)) {
        Ok(text) => (SourceFile { path: shown, kind, text: Some(text) }, None),
        Err(problem) => {
            let d = problem.file(&shown);
            (SourceFile { path: shown, kind, text: None }, Some(d))
        }
    }
}

/// Reads one file as UTF-8 text, refusing big files before reading them, dropping a BOM and
/// turning CRLF into LF (line numbers stay the same).
pub(crate) fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let meta = std::fs::metadata(path).map_err(|e| Diagnostic::error(format!("cannot read the file: {e}")))?;
    if !meta.is_file() {
        // Checked before opening: opening a FIFO blocks until something writes to it.
        return Err(Diagnostic::error("the file is not a regular file (a pipe, socket, device or folder)")
            .hint("faultline reads only regular files; replace it with one"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(format!(
            "the file is {} bytes; files under content/ may be at most 1 MB ({MAX_FILE_BYTES} bytes)",
            meta.len()
        ))
        .hint("split the entry, or move large assets to static/"));
    }
    let bytes = std::fs::read(path).map_err(|e| Diagnostic::error(format!("cannot read the file: {e}")))?;
    normalise(bytes)
}

/// Checks UTF-8, drops a BOM and folds CRLF (and a lone CR) to LF.
pub fn normalise(bytes: Vec<u8>) -> Result<String, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(text) => {
            let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
            // A lone CR ends a line for both YAML and Markdown; folded to LF, every stage
            // counts lines the same way (fuzzing found YAML lines past the file's end).
            Ok(if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text })
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = bytes[..valid].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&bytes[line_start..valid]).chars().count() + 1;
            let mut d = Diagnostic::error(format!("the file is not UTF-8 text (invalid byte 0x{:02x})", bytes[valid]))
                .hint("save the file as UTF-8");
            d.line = Some(line);
            d.column = Some(column);
            Err(d)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf_are_normalised() {
        assert_eq!(normalise(b"\xef\xbb\xbfa: 1\r\nb: 2\r\n".to_vec()).unwrap(), "a: 1\nb: 2\n");
        assert_eq!(normalise(b"a: 1\rb: 2\r\r\n".to_vec()).unwrap(), "a: 1\nb: 2\n\n");
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let d = normalise(b"title: ok\ncode: \xff\n".to_vec()).unwrap_err();
        assert_eq!((d.line, d.column), (Some(2), Some(7)));
        assert!(d.message.contains("not UTF-8"));
    }
}
