//! `faultline init [--theme] [DIR]`: starts a site in an empty folder (settings, a home page,
//! example entries that show every field and both file formats), and `--theme` copies the
//! built-in theme into `themes/default/` for editing.

use super::check::Format;
use crate::load::theme;
use std::path::{Path, PathBuf};

/// The files of a new site, by path: each one an example to keep, edit or delete.
const STARTER: &[(&str, &str)] = &[
    ("site.yaml", include_str!("init/site.yaml")),
    (".gitignore", include_str!("init/gitignore")),
    ("content/_index.md", include_str!("init/content/_index.md")),
    ("content/http/_index.md", include_str!("init/content/http/_index.md")),
    ("content/http/503.md", include_str!("init/content/http/503.md")),
    ("content/http/504.md", include_str!("init/content/http/504.md")),
    ("content/acme/_index.md", include_str!("init/content/acme/_index.md")),
    ("content/acme/e42.yaml", include_str!("init/content/acme/e42.yaml")),
    ("content/compare/http-503-vs-http-504.md", include_str!("init/content/compare/http-503-vs-http-504.md")),
];

/// What `init` wrote, as paths relative to the folder.
#[derive(Debug)]
pub(crate) struct Written {
    pub files: Vec<String>,
    /// Whether a whole site was written, rather than only the theme into an existing site.
    pub site: bool,
}

/// Writes a new site into `dir` (created when absent), which must be absent or empty; with
/// `with_theme`, also the built-in theme into `themes/default/`. With `with_theme`, a folder
/// that already is a site (it has `site.yaml` or `content/`) gets only the theme, provided
/// it has no `themes/default/` yet. Anything else is refused before a file is written.
pub(crate) fn create(dir: &Path, with_theme: bool) -> Result<Written, String> {
    let site = match listing(dir)? {
        None => true,
        Some(names) if names.is_empty() => true,
        Some(names) if with_theme && names.iter().any(|n| n == "site.yaml" || n == "content") => {
            if dir.join("themes/default").exists() {
                return Err(format!(
                    "{} already has themes/default/; faultline init --theme never overwrites",
                    dir.display()
                ));
            }
            false
        }
        Some(names) => {
            let shown: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
            let more = if names.len() > 3 { ", ..." } else { "" };
            return Err(format!(
                "{} is not empty (it holds {}{more}); faultline init writes a new site only into an empty or new folder\n  hint: run `faultline init NEW-FOLDER`",
                dir.display(),
                shown.join(", ")
            ));
        }
    };
    let mut files: Vec<(String, &[u8])> = Vec::new();
    if site {
        files.extend(STARTER.iter().map(|(path, text)| (path.to_string(), text.as_bytes())));
    }
    if with_theme {
        files.extend(theme::built_in().into_iter().map(|(path, bytes)| (format!("themes/default/{path}"), bytes)));
    }
    for (path, bytes) in &files {
        write_new(&dir.join(path), bytes)?;
    }
    Ok(Written { files: files.into_iter().map(|(path, _)| path).collect(), site })
}

/// The names in `dir`, sorted, or `None` when it does not exist.
fn listing(dir: &Path) -> Result<Option<Vec<String>>, String> {
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            let mut names = Vec::new();
            for entry in entries {
                let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
            names.sort();
            Ok(Some(names))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            Err(format!("{} is a file, not a folder", dir.display()))
        }
        Err(e) => Err(format!("cannot read {}: {e}", dir.display())),
    }
}

/// Writes a file that must not exist yet, creating its folders.
fn write_new(path: &PathBuf, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    std::io::Write::write_all(&mut file, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// `faultline init`: writes the site, checks it and prints the next command.
pub(crate) fn command(dir: &std::path::Path, theme: bool) -> u8 {
    let written = match create(dir, theme) {
        Ok(written) => written,
        Err(message) => {
            eprintln!("error: {message}");
            return super::FAILED;
        }
    };
    let what = if written.site { "a new site" } else { "the built-in theme" };
    eprintln!("wrote {what} into {} ({} files)", dir.display(), written.files.len());
    if theme {
        eprintln!("themes/default/ now replaces the built-in theme: edit its templates/ and static/");
    }
    let status = super::check::command(dir, Format::Text);
    if status == super::OK {
        let cd = if dir == std::path::Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
        eprintln!("next: {cd}faultline serve");
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_site_uses_every_entry_field_and_setting() {
        let text: String = STARTER.iter().map(|(_, t)| *t).collect();
        for key in crate::model::entry::KEYS {
            assert!(text.contains(&format!("\n{key}:")) || text.contains(&format!("\n# {key}:")), "{key}");
        }
        let settings = STARTER[0].1;
        for key in crate::config::KEYS {
            assert!(settings.contains(&format!("\n{key}:")) || settings.contains(&format!("\n# {key}:")), "{key}");
        }
    }
}
