//! Reading a theme: `themes/<name>/templates/*.html`, overridden by name from the site's
//! `templates/`, and the theme's static assets from `themes/<name>/static/`.

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::Path;
use walkdir::WalkDir;

/// A theme's templates (name -> source) and assets (output path -> bytes), both ordered.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub templates: BTreeMap<String, String>,
    pub assets: BTreeMap<String, Vec<u8>>,
    /// Where each template was read from, relative to the site root, for messages.
    pub origins: BTreeMap<String, String>,
}

/// The path a message names for the template `name` read from `folder` (`templates` for
/// the site's own, `themes/<theme>/templates` for a theme's, the built-in one included).
pub fn template_path(folder: &str, name: &str) -> String {
    format!("{folder}/{name}")
}

/// Reads the theme `name` under `root`, with the site's own `templates/` on top.
pub fn load(root: &Path, name: &str) -> Result<Theme> {
    let dir = root.join("themes").join(name);
    if !dir.is_dir() {
        bail!("the theme `{name}` was not found: there is no folder themes/{name}/ (set `theme:` in site.yaml)");
    }
    let mut theme = Theme::default();
    let theme_folder = format!("themes/{name}/templates");
    for (folder, path) in [(theme_folder.as_str(), dir.join("templates")), ("templates", root.join("templates"))] {
        for (rel, bytes) in files(&path)? {
            let path = template_path(folder, &rel);
            theme.templates.insert(rel.clone(), text(bytes, &path)?);
            theme.origins.insert(rel, path);
        }
    }
    theme.assets = files(&dir.join("static"))?;
    Ok(theme)
}

fn text(bytes: Vec<u8>, path: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("the template {path} is not UTF-8 text"))
}

/// Every file under `dir` (absent is empty), keyed by its `/`-separated relative path.
/// Symlinks are not followed, like everywhere else.
pub fn files(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut out = BTreeMap::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in WalkDir::new(dir).min_depth(1).follow_links(false).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let kind = entry.file_type();
        if !kind.is_file() && !kind.is_dir() && !kind.is_symlink() {
            // A FIFO would block the build forever and a device could be endless.
            bail!("{} is not a regular file (a pipe, socket or device); remove it", entry.path().display());
        }
        if !kind.is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let key = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        let bytes = std::fs::read(entry.path()).with_context(|| format!("cannot read {}", entry.path().display()))?;
        out.insert(key, bytes);
    }
    Ok(out)
}
