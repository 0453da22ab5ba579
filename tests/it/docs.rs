//! The documentation in `docs/` kept true: the content reference documents exactly the
//! fields and settings the parser accepts (read from the code's own lists), the command
//! line reference every command and flag clap knows, its examples parse, and no link
//! leaves the repository or points at a file or heading that does not exist.

use clap::CommandFactory;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repository().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The text of the `## {title}` section of a Markdown page, up to the next `## `.
fn section<'a>(page: &'a str, title: &str) -> &'a str {
    let heading = format!("\n## {title}\n");
    let start = page.find(&heading).unwrap_or_else(|| panic!("no section `## {title}`")) + heading.len();
    let end = page[start..].find("\n## ").map_or(page.len(), |i| start + i);
    &page[start..end]
}

/// The names in headings `### `name`` of a section, each with the text under it.
fn documented(section: &str) -> Vec<(String, &str)> {
    section
        .split("\n### ")
        .skip(1)
        .filter_map(|part| {
            let (heading, body) = part.split_once('\n').unwrap_or((part, ""));
            let name = heading.strip_prefix('`')?.strip_suffix('`')?;
            Some((name.to_string(), body))
        })
        .collect()
}

fn set<'a>(names: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    names.into_iter().map(str::to_string).collect()
}

#[test]
fn the_content_reference_documents_every_entry_field_and_no_other() {
    let page = read("docs/content.md");
    let fields = documented(section(&page, "Entry fields"));
    let names = set(fields.iter().map(|(n, _)| n.as_str()));
    assert_eq!(names, set(faultline::model::entry::KEYS.iter().copied()), "docs/content.md, Entry fields");
    for (field, body) in &fields {
        // The keys of a nested field are the first column of the table under it.
        let table: BTreeSet<String> = body
            .lines()
            .filter_map(|l| l.strip_prefix("| `")?.split_once('`').map(|(name, _)| name.to_string()))
            .collect();
        let accepted = faultline::model::entry::nested_keys(field).map(|keys| set(keys.iter().copied()));
        assert_eq!(Some(table).filter(|t| !t.is_empty()), accepted, "the keys of `{field}` in docs/content.md");
        assert!(body.contains("```yaml\n"), "`{field}` has no example in docs/content.md");
    }
}

#[test]
fn the_content_reference_documents_every_setting_and_prose_key() {
    let page = read("docs/content.md");
    let settings = set(documented(section(&page, "site.yaml settings")).iter().map(|(n, _)| n.as_str()));
    assert_eq!(settings, set(faultline::config::KEYS.iter().copied()), "docs/content.md, site.yaml settings");
    // The keys a prose page accepts, as its parser names them for an unknown one:
    // "unknown field `x`, expected `title` or `summary`".
    let (_, diagnostics) = faultline::model::parse_page("content/_index.md", "---\nx: 1\n---\n");
    let message = &diagnostics[0].message;
    let expected = message.split("expected ").nth(1).unwrap_or_else(|| panic!("{message}"));
    let accepted: BTreeSet<String> = expected.split('`').skip(1).step_by(2).map(str::to_string).collect();
    let prose = set(documented(section(&page, "Prose pages")).iter().map(|(n, _)| n.as_str()));
    assert_eq!(prose, accepted, "docs/content.md, Prose pages");
}

#[test]
fn the_content_references_examples_are_valid() {
    let page = read("docs/content.md");
    let settings = section(&page, "site.yaml settings");
    let example = settings.rsplit("```yaml\n").next().unwrap().split("```").next().unwrap();
    let (config, diagnostics) = faultline::config::parse(example);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(config.base_url.as_deref(), Some("https://errors.example.com/"));
    let folder = section(&page, "The site folder");
    let entry = folder.split("```markdown\n").nth(1).unwrap().split("\n```").next().unwrap();
    let (parsed, diagnostics) = faultline::model::entry::parse("http/503", "content/http/503.md", entry, false);
    assert!(parsed.is_some() && diagnostics.is_empty(), "{diagnostics:?}");
}

#[test]
fn the_command_line_reference_documents_every_command_and_flag() {
    let page = read("docs/cli.md");
    let cli = faultline::cli::Cli::command();
    let undocumented_help = |arg: &clap::Arg| arg.get_help().is_none_or(|h| h.to_string().trim().is_empty());
    for arg in cli.get_arguments().filter(|a| !["help", "version"].contains(&a.get_id().as_str())) {
        assert!(!undocumented_help(arg), "--{} has no help text", arg.get_id());
        assert!(page.contains(&format!("--{}", arg.get_long().unwrap())), "docs/cli.md does not name the global flag");
    }
    for command in cli.get_subcommands() {
        let name = command.get_name();
        assert!(command.get_about().is_some(), "`{name}` has no help text");
        let text = section(&page, &format!("`faultline {name}`"));
        for arg in command.get_arguments().filter(|a| a.get_id() != "help") {
            assert!(!undocumented_help(arg), "`{name}`: `{}` has no help text", arg.get_id());
            let shown = match arg.get_long() {
                Some(long) => format!("--{long}"),
                None => arg.get_value_names().map(|v| v[0].to_string()).unwrap_or_default(),
            };
            assert!(
                text.to_lowercase().contains(&shown.to_lowercase()),
                "docs/cli.md, `faultline {name}`, does not describe `{shown}`"
            );
        }
    }
}

/// The pages a site owner reads, with the repository's README that leads to them.
fn pages() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(repository().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.extend(["README.md", "themes/default/README.md"].map(|p| repository().join(p)));
    pages.sort();
    pages
}

/// `](target)` link targets of a Markdown page, outside code blocks.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        // Inline code shows syntax (`[see 504](@/http/504)`), not links.
        let line: String = line.split('`').step_by(2).collect();
        for (i, _) in line.match_indices("](") {
            let rest = &line[i + 2..];
            out.push(rest[..rest.find(')').unwrap_or(rest.len())].to_string());
        }
        for (i, _) in line.match_indices("<http") {
            let rest = &line[i + 1..];
            out.push(rest[..rest.find('>').unwrap_or(rest.len())].to_string());
        }
    }
    out
}

/// A heading's anchor as code hosts make it: lowercase, spaces as `-`, punctuation dropped.
fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

#[test]
fn the_docs_link_only_to_files_and_headings_in_the_repository() {
    let root = repository().canonicalize().unwrap();
    let mut broken = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let shown = page.strip_prefix(repository()).unwrap().display().to_string();
        for link in links(&text) {
            if link.starts_with("http://127.0.0.1") {
                continue;
            }
            if link.contains("://") || link.starts_with("mailto:") {
                broken.push(format!("{shown}: {link} leaves the repository"));
                continue;
            }
            let (path, fragment) = link.split_once('#').map_or((link.as_str(), None), |(p, f)| (p, Some(f)));
            let target = if path.is_empty() { page.clone() } else { page.parent().unwrap().join(path) };
            let Ok(target) = target.canonicalize() else {
                broken.push(format!("{shown}: {link} does not exist"));
                continue;
            };
            if !target.starts_with(&root) {
                broken.push(format!("{shown}: {link} leaves the repository"));
                continue;
            }
            if let (Some(fragment), Ok(text)) = (fragment, std::fs::read_to_string(&target)) {
                let anchors: BTreeSet<String> = text
                    .lines()
                    .filter_map(|l| l.strip_prefix('#'))
                    .map(|h| anchor(h.trim_start_matches('#').trim()))
                    .collect();
                if !anchors.contains(fragment) {
                    broken.push(format!("{shown}: {link}: no heading with the anchor `{fragment}`"));
                }
            }
        }
    }
    assert_eq!(broken, Vec::<String>::new());
    let readme = read("README.md");
    for doc in ["docs/getting-started.md", "docs/content.md", "docs/cli.md", "docs/deploying.md", "docs/themes.md"] {
        assert!(readme.contains(&format!("]({doc}")), "README.md does not link {doc}");
    }
}
