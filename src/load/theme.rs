//! Reading a theme: `themes/<name>/templates/*.html`, overridden by name from the site's
//! `templates/`, and the theme's static assets from `themes/<name>/static/`.
//!
//! The default theme is built into the binary: this repository's `themes/default/` folder,
//! embedded whole at compile time, so that an installed faultline builds any site alone.
//! A site's own `themes/default/` folder replaces it (as it does in this repository, where
//! editing the theme while serving reloads it from the disk).

use anyhow::{Context, Result, bail};
use include_dir::{Dir, DirEntry, include_dir};
use std::collections::BTreeMap;
use std::path::Path;
use walkdir::WalkDir;

/// The theme used when a site names no other.
pub(crate) const DEFAULT: &str = "default";

/// Every file of `themes/default/`, as it was when faultline was compiled.
static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A theme's templates (name -> source) and assets (output path -> bytes), both ordered.
#[derive(Debug, Clone, Default)]
pub(crate) struct Theme {
    pub templates: BTreeMap<String, String>,
    pub assets: BTreeMap<String, Vec<u8>>,
    /// Where each template was read from, relative to the site root, for messages.
    pub origins: BTreeMap<String, String>,
}

/// The path a message names for the template `name` read from `folder` (`templates` for
/// the site's own, `themes/<theme>/templates` for a theme's, the built-in one included).
pub(crate) fn template_path(folder: &str, name: &str) -> String {
    format!("{folder}/{name}")
}

/// Reads the theme `name` under `root`, with the site's own `templates/` on top.
/// The built-in theme is used for `default` when the site has no `themes/default/` folder.
pub(crate) fn load(root: &Path, name: &str) -> Result<Theme> {
    let dir = root.join("themes").join(name);
    let (templates, assets) = if dir.is_dir() {
        (files(&dir.join("templates"))?, files(&dir.join("static"))?)
    } else if name == DEFAULT {
        (built_in_files("templates"), built_in_files("static"))
    } else {
        bail!(
            "the theme `{name}` was not found: there is no folder themes/{name}/\n  hint: create it, or remove `theme: {name}` from site.yaml to use the built-in theme (`faultline init --theme` copies it into themes/default/ for editing)"
        );
    };
    let mut theme = Theme::default();
    let theme_folder = format!("themes/{name}/templates");
    let site = files(&root.join("templates"))?;
    for (folder, set) in [(theme_folder.as_str(), templates), ("templates", site)] {
        for (rel, bytes) in set {
            let path = template_path(folder, &rel);
            theme.templates.insert(rel.clone(), text(bytes, &path)?);
            theme.origins.insert(rel, path);
        }
    }
    theme.assets = assets;
    Ok(theme)
}

/// Every file of the built-in theme, by its `/`-separated path inside `themes/default/`.
pub(crate) fn built_in() -> BTreeMap<String, &'static [u8]> {
    let mut out = BTreeMap::new();
    collect(&BUILT_IN, &mut out);
    out
}

fn collect(dir: &'static Dir<'static>, out: &mut BTreeMap<String, &'static [u8]>) {
    for entry in dir.entries() {
        match entry {
            DirEntry::Dir(sub) => collect(sub, out),
            DirEntry::File(file) => {
                let key = file.path().components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>();
                out.insert(key.join("/"), file.contents());
            }
        }
    }
}

/// The built-in theme's files under `folder` (`templates`, `static`), keyed like [`files`].
fn built_in_files(folder: &str) -> BTreeMap<String, Vec<u8>> {
    let prefix = format!("{folder}/");
    built_in()
        .into_iter()
        .filter_map(|(path, bytes)| Some((path.strip_prefix(&prefix)?.to_string(), bytes.to_vec())))
        .collect()
}

fn text(bytes: Vec<u8>, path: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("the template {path} is not UTF-8 text"))
}

/// Every file under `dir` (absent is empty), keyed by its `/`-separated relative path.
/// Symlinks are not followed, like everywhere else.
pub(crate) fn files(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>> {
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
