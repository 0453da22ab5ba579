//! An entry's Markdown body: held in memory, or left in its file. A build renders each
//! body once, and at 100,000 entries the bodies are half of the parsed site's memory, so
//! `build` leaves them in their files and reads each back (through `load`) when the search
//! index and the entry's page need it. `serve` and the other commands hold them.

use anyhow::{Result, bail};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// Where the bodies of the entries being parsed go: [`Body::Held`], or left in their
/// files under `root` when the file ends with the body (every Markdown entry).
#[derive(Debug, Clone, Copy)]
pub enum Bodies<'a> {
    Held,
    InFiles(&'a Path),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Held(String),
    /// The end of the entry's file from byte `at` on, as `load` reads it, whose
    /// [`hash`] is `hash`: what the checks saw.
    InFile {
        path: PathBuf,
        at: usize,
        hash: u64,
    },
}

impl Default for Body {
    fn default() -> Body {
        Body::Held(String::new())
    }
}

/// The hash by which a body left in its file is known again.
fn hash(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

impl Body {
    /// `body`, a slice that ends the file `file`'s `text` (`file` relative to the root),
    /// held as `bodies` says.
    pub(crate) fn end_of(bodies: Bodies<'_>, file: &str, text: &str, body: &str) -> Body {
        debug_assert!(text.ends_with(body));
        match bodies {
            Bodies::InFiles(root) => {
                Body::InFile { path: root.join(file), at: text.len() - body.len(), hash: hash(body) }
            }
            Bodies::Held => Body::Held(body.to_string()),
        }
    }

    /// The body that is the end of the file `file`'s `text` from byte `at` on, held as
    /// `bodies` says; `None` when `at` is not a character boundary of the text.
    pub(crate) fn tail(bodies: Bodies<'_>, file: &str, text: &str, at: usize) -> Option<Body> {
        Some(Body::end_of(bodies, file, text, text.get(at..)?))
    }

    /// The text of the body. A body left in its file is read again and must be what was
    /// parsed: a file changed during the build fails it rather than render unchecked text.
    pub fn text(&self) -> Result<Cow<'_, str>> {
        match self {
            Body::Held(text) => Ok(Cow::Borrowed(text)),
            Body::InFile { path, at, hash: expected } => {
                let changed = || format!("{} changed while the build ran; run the build again", path.display());
                let mut text = crate::load::read_text(path).map_err(|_| anyhow::anyhow!(changed()))?;
                match text.get(*at..) {
                    Some(body) if hash(body) == *expected => {
                        text.replace_range(..*at, "");
                        Ok(Cow::Owned(text))
                    }
                    _ => bail!(changed()),
                }
            }
        }
    }

    /// A number that differs for bodies of different texts (as far as a 64-bit hash can
    /// tell), without reading a body left in its file.
    pub fn hash(&self) -> u64 {
        match self {
            Body::Held(text) => hash(text),
            Body::InFile { hash, .. } => *hash,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::entry::parse_with;

    #[test]
    fn a_body_left_in_its_file_reads_back_and_refuses_a_changed_file() {
        let dir = tempfile::tempdir().unwrap();
        let text = "---\ntitle: x\n---\n## Body\ntext\n";
        std::fs::create_dir(dir.path().join("content")).unwrap();
        std::fs::write(dir.path().join("content/a.md"), text).unwrap();
        let held = Body::Held("## Body\ntext\n".into());
        let (entry, _) = parse_with("acme/a", "content/a.md", text, false, Bodies::InFiles(dir.path()));
        let body = entry.expect("an entry").body;
        assert!(matches!(body, Body::InFile { at: 17, .. }), "{body:?}");
        assert_eq!(body.text().unwrap(), "## Body\ntext\n");
        assert_eq!(body.hash(), held.hash());

        std::fs::write(dir.path().join("content/a.md"), "---\ntitle: x\n---\n## Body\ntexT\n").unwrap();
        let error = body.text().unwrap_err().to_string();
        assert!(error.ends_with("content/a.md changed while the build ran; run the build again"), "{error}");
        std::fs::remove_file(dir.path().join("content/a.md")).unwrap();
        assert!(body.text().is_err());

        // Not the end of the text (a YAML entry's `body:`): held.
        let yaml = "title: x\nbody: |\n  ## Body\n  text\n";
        let (entry, _) = parse_with("acme/a", "content/a.yaml", yaml, true, Bodies::InFiles(dir.path()));
        assert_eq!(entry.expect("an entry").body, held);
        let (entry, _) = parse_with("acme/a", "content/a.md", text, false, Bodies::Held);
        assert_eq!(entry.expect("an entry").body, held);
    }
}
