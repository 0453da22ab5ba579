//! Walking `content/`: which paths are entries, index prose or comparison prose, and which
//! are layout errors (docs/content.md). Symlinks are reported, never followed.

use crate::diag::Diagnostic;
use crate::model::entry::rename_hint;
use crate::model::id::segment_problem;
use walkdir::{DirEntry, WalkDir};

/// Folder names under `content/` that are not sources.
pub(crate) const RESERVED: &[&str] = &["api", "compare", "search", "static", "tags"];

/// What a file under `content/` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `content/<source>/<name>.md` or `.yaml`.
    Entry { id: String, yaml: bool },
    /// `content/_index.md`.
    HomeIndex,
    /// `content/<source>/_index.md`.
    SourceIndex { source: String },
    /// `content/compare/<A>-vs-<B>.md`.
    CompareProse { name: String },
}

fn ignored(entry: &DirEntry) -> bool {
    entry.depth() > 0 && ignored_name(&entry.file_name().to_string_lossy())
}

/// Whether a file or folder under `content/` is skipped, with everything inside it: names
/// starting with `.` or `_`, except `_index.md`. Editors' swap and backup files are among them.
pub(crate) fn ignored_name(name: &str) -> bool {
    name.starts_with('.') || (name.starts_with('_') && name != "_index.md")
}

/// Walks `content` and returns the files to read, as paths relative to it with `/`
/// separators, in a stable order, plus the layout errors found.
pub(crate) fn walk(content: &std::path::Path) -> (Vec<(String, Kind)>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    let mut it = WalkDir::new(content)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !ignored(e));
    while let Some(next) = it.next() {
        let entry = match next {
            Ok(entry) => entry,
            Err(e) => {
                let path =
                    e.path().and_then(|p| p.strip_prefix(content).ok()).map(|p| format!("content/{}", p.display()));
                let mut d = Diagnostic::error(format!("cannot read this path: {e}"));
                d.file = path;
                diagnostics.push(d);
                continue;
            }
        };
        let rel: String = entry
            .path()
            .strip_prefix(content)
            .unwrap_or(entry.path())
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let shown = format!("content/{rel}");
        let error = |message: String, hint: String| Diagnostic::error(message).file(&shown).hint(hint);
        let name = entry.file_name().to_string_lossy().to_string();
        let file_type = entry.file_type();
        if file_type.is_symlink() {
            diagnostics.push(error(
                "this is a symbolic link, which faultline does not follow".into(),
                "replace the link with the file or folder itself".into(),
            ));
            continue;
        }
        if !file_type.is_dir() && !file_type.is_file() {
            // A named pipe or device would block or never end when read.
            diagnostics.push(error(
                "this is not a regular file (a pipe, socket or device), so it is not read".into(),
                "remove it from content/".into(),
            ));
            continue;
        }
        match classify(rel, &name, entry.depth(), file_type.is_dir()) {
            Step::Read(path, kind) => files.push((path, kind)),
            Step::Refuse(d) => diagnostics.push(d),
            Step::RefuseFolder(d) => {
                diagnostics.push(d);
                it.skip_current_dir();
            }
            Step::Enter => {}
        }
    }
    (files, diagnostics)
}

/// The kind of the file at `rel` (relative to `content/`) that appeared since the walk, in
/// a folder the walk entered, if the walk would read it; `None` when it would skip it or
/// report it, which only a walk can tell for sure.
pub(crate) fn kind_of_new_file(rel: &str) -> Option<Kind> {
    let name = rel.rsplit('/').next()?;
    if rel.split('/').any(ignored_name) {
        return None;
    }
    match classify(rel.to_string(), name, rel.split('/').count(), false) {
        Step::Read(_, kind) => Some(kind),
        Step::Refuse(_) | Step::RefuseFolder(_) | Step::Enter => None,
    }
}

/// Whether `a` comes before `b` in walk order (relative paths): the walk sorts each
/// folder by name and goes into a folder where it meets it, which is comparing the paths
/// segment by segment.
pub(crate) fn walk_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.split('/').cmp(b.split('/'))
}

/// What the walk does with one path under `content/`.
enum Step {
    /// Read it: an entry, a prose page or an index page.
    Read(String, Kind),
    /// A file that has no place here.
    Refuse(Diagnostic),
    /// A folder that has no place here: reported, and its files not walked.
    RefuseFolder(Diagnostic),
    /// A source folder: walk into it.
    Enter,
}

/// Where a path at `depth` (1 for `content/x`) belongs in the layout.
fn classify(rel: String, name: &str, depth: usize, is_dir: bool) -> Step {
    let shown = format!("content/{rel}");
    let error = |message: String, hint: String| Diagnostic::error(message).file(&shown).hint(hint);
    let parent = rel.split('/').next().unwrap_or_default().to_string();
    match (depth, is_dir) {
        (1, true) if parent != "compare" && RESERVED.contains(&name) => Step::RefuseFolder(error(
            format!("`{name}` is reserved for generated pages and cannot be a source"),
            "rename the folder, for example to `{name}-errors`".replace("{name}", name),
        )),
        (1, true) => match segment_problem(name) {
            Some(why) => Step::RefuseFolder(error(
                format!("the source folder name `{name}` {why}"),
                rename_hint("rename it to", name, ""),
            )),
            None => Step::Enter,
        },
        (1, false) if name == "_index.md" => Step::Read(rel, Kind::HomeIndex),
        (1, false) => Step::Refuse(misplaced(&shown, name, "content/<source>/")),
        (_, true) => Step::RefuseFolder(error(
            "this folder is nested too deep: entries live exactly one folder deep".into(),
            format!("move its files into content/{parent}/ or another source folder, as content/<source>/<name>.md"),
        )),
        (_, false) if parent == "compare" => match name.strip_suffix(".md") {
            Some(stem) if name != "_index.md" => {
                let name = stem.to_string();
                Step::Read(rel, Kind::CompareProse { name })
            }
            _ => Step::Refuse(error(
                "content/compare/ holds only comparison prose, as `<A>-vs-<B>.md` files".into(),
                "name the file after a comparison page, such as `http-502-vs-http-504.md`".into(),
            )),
        },
        (_, false) if name == "_index.md" => Step::Read(rel, Kind::SourceIndex { source: parent }),
        (_, false) => match entry_stem(name) {
            Some((stem, yaml)) => match segment_problem(stem) {
                None => Step::Read(rel.clone(), Kind::Entry { id: format!("{parent}/{stem}"), yaml }),
                Some(why) => Step::Refuse(error(
                    format!("the file name `{stem}` is not a valid id segment: it {why}"),
                    rename_hint("rename it to", stem, if yaml { ".yaml" } else { ".md" }),
                )),
            },
            None => Step::Refuse(misplaced(&shown, name, "")),
        },
    }
}

fn entry_stem(name: &str) -> Option<(&str, bool)> {
    name.strip_suffix(".md").map(|s| (s, false)).or_else(|| name.strip_suffix(".yaml").map(|s| (s, true)))
}

/// The error for a file that is not where an entry can be, or not of an entry's type.
fn misplaced(shown: &str, name: &str, proper_folder: &str) -> Diagnostic {
    let d = Diagnostic::error(String::new()).file(shown);
    if let Some(stem) = name.strip_suffix(".yml") {
        return Diagnostic { message: "`.yml` files are not read".into(), ..d }
            .hint(format!("rename it to `{stem}.yaml`"));
    }
    let lower = name.to_ascii_lowercase();
    if entry_stem(&lower).is_some() && lower != name {
        return Diagnostic { message: "file extensions are lowercase: `.md` or `.yaml`".into(), ..d }
            .hint(format!("rename it to `{lower}`"));
    }
    if entry_stem(name).is_some() {
        return Diagnostic { message: "this entry is not inside a source folder".into(), ..d }
            .hint(format!("entries live exactly one folder deep: move it to {proper_folder}{name}"));
    }
    Diagnostic { message: "only `.md` and `.yaml` entries belong under content/".into(), ..d }
        .hint("put images and other files in static/, which is copied to the site as it is")
}
