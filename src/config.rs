//! `site.yaml`: the site's settings, every key optional and every unknown key an error.

use crate::diag::Diagnostic;
use crate::load::yaml::{self, Finder, Value};
use crate::model::hint;
use serde::Deserialize;
use std::path::Path;

pub(crate) const FILE: &str = "site.yaml";

/// Every key `site.yaml` may have.
pub const KEYS: &[&str] =
    &["title", "language", "base_url", "related_limit", "edit_url", "theme", "raw_html", "propose_url"];

/// The validated settings of a site.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default)]
pub struct SiteConfig {
    pub title: String,
    pub language: String,
    /// Absolute URL ending in `/`, or `None`: then no sitemap, canonical or og:url.
    pub base_url: Option<String>,
    pub related_limit: usize,
    /// A URL with `{path}` standing for the entry's path under `content/`.
    pub edit_url: Option<String>,
    pub theme: String,
    pub raw_html: bool,
    /// Where a reader proposes a missing error: `{path}` and `{content}` stand for the new
    /// file's path under `content/` and its draft text, both percent-encoded.
    pub propose_url: Option<String>,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "Error hub".to_string(),
            language: "en".to_string(),
            base_url: None,
            related_limit: 6,
            edit_url: None,
            theme: "default".to_string(),
            raw_html: false,
            propose_url: None,
        }
    }
}

/// Reads `site.yaml` under `root`; a missing file gives the defaults.
pub(crate) fn load(root: &Path) -> (SiteConfig, Vec<Diagnostic>) {
    let path = root.join(FILE);
    if std::fs::symlink_metadata(&path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        return (SiteConfig::default(), Vec::new());
    }
    match crate::load::read_text(&path) {
        Ok(text) => parse(&text),
        Err(problem) => (SiteConfig::default(), vec![problem.file(FILE)]),
    }
}

/// Parses and validates the text of `site.yaml`.
pub fn parse(text: &str) -> (SiteConfig, Vec<Diagnostic>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).replace("\r\n", "\n");
    let mut diagnostics = Vec::new();
    let error = |message: String| Diagnostic::error(message).file(FILE);
    let value: Value = match yaml::parse(&text, 0) {
        Ok(v) => v,
        Err(e) => {
            return (SiteConfig::default(), vec![error(e.message).at(&text, e.pos).hint_opt(e.hint)]);
        }
    };
    let finder = Finder::new(&text, 0);
    match &value {
        Value::Null => return (SiteConfig::default(), diagnostics),
        Value::Mapping(map) => {
            for key in map.keys() {
                let Some(name) = key.as_str() else {
                    let shown = yaml::scalar_text(key);
                    diagnostics.push(
                        error(format!("the setting name `{shown}` is not text"))
                            .at(&text, finder.anywhere(&format!("{shown}:")).or_else(|| finder.anywhere("?")))
                            .hint(format!("the settings are: {}", KEYS.join(", "))),
                    );
                    continue;
                };
                if !KEYS.contains(&name) {
                    diagnostics.push(
                        error(format!("unknown setting `{name}`")).at(&text, finder.key(name)).hint(
                            hint::did_you_mean(hint::similar(name, KEYS.iter().copied()))
                                .unwrap_or_else(|| format!("the settings are: {}", KEYS.join(", "))),
                        ),
                    );
                }
            }
        }
        _ => {
            return (
                SiteConfig::default(),
                vec![
                    error("site.yaml must be a mapping of settings".to_string())
                        .hint("for example `title: My error hub`"),
                ],
            );
        }
    }
    if !diagnostics.is_empty() {
        return (SiteConfig::default(), diagnostics);
    }
    let mut config: SiteConfig = match yaml::parse(&text, 0) {
        Ok(c) => c,
        Err(e) => {
            return (SiteConfig::default(), vec![error(e.message).at(&text, e.pos)]);
        }
    };
    for (key, url) in
        [("base_url", &config.base_url), ("edit_url", &config.edit_url), ("propose_url", &config.propose_url)]
    {
        let Some(url) = url else { continue };
        let pos = finder.exact_value(key, url).or_else(|| finder.key_value_start(key));
        if let Some(problem) = crate::model::url::problem(url) {
            diagnostics.push(error(format!("`{key}`: {}", problem.message)).at(&text, pos));
        } else if let Some(message) = shape_problem(key, url) {
            diagnostics.push(error(message).at(&text, pos).hint(example(key)));
        }
    }
    if let Some(url) = &config.base_url {
        if !url.ends_with('/') {
            config.base_url = Some(format!("{url}/"));
        }
    }
    if let Some(problem) = crate::model::id::segment_problem(&config.theme) {
        diagnostics.push(
            error(format!("theme name `{}` {problem}", config.theme)).at(&text, finder.value("theme", &config.theme)),
        );
    }
    (config, diagnostics)
}

/// What a URL setting must look like beyond being a safe URL, if `url` does not.
fn shape_problem(key: &str, url: &str) -> Option<String> {
    let http = url.starts_with("https://") || url.starts_with("http://");
    match key {
        "base_url" if !http => Some(format!("`base_url` must be an absolute http(s) URL, not `{url}`")),
        "edit_url" if !http || !url.contains("{path}") => {
            Some("`edit_url` must be an http(s) URL containing `{path}`".into())
        }
        "propose_url" if !http || !url.contains("{content}") => {
            Some("`propose_url` must be an http(s) URL containing `{content}`".into())
        }
        _ => None,
    }
}

fn example(key: &str) -> &'static str {
    match key {
        "base_url" => "for example `base_url: https://errors.example.com/`",
        "edit_url" => "for example `https://github.com/you/site/edit/main/content/{path}`",
        _ => "for example `https://github.com/you/site/new/main/content?filename={path}&value={content}`",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        let (config, diagnostics) = parse("");
        assert_eq!(config, SiteConfig::default());
        assert!(diagnostics.is_empty());
    }

    #[test]
    fn base_url_gets_a_trailing_slash() {
        let (config, diagnostics) = parse("base_url: https://e.example.com\nrelated_limit: 3\n");
        assert!(diagnostics.is_empty());
        assert_eq!(config.base_url.as_deref(), Some("https://e.example.com/"));
        assert_eq!(config.related_limit, 3);
    }

    #[test]
    fn unknown_keys_are_errors_with_a_hint_and_line() {
        let (_, diagnostics) = parse("title: x\nbase_ulr: https://x/\n");
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].message, "unknown setting `base_ulr`");
        assert_eq!(diagnostics[0].line, Some(2));
        assert_eq!(diagnostics[0].hint.as_deref(), Some("did you mean `base_url`?"));
    }

    #[test]
    fn bad_values_are_errors() {
        let (_, diagnostics) = parse("related_limit: many\n");
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].line, Some(1));
        let (_, diagnostics) = parse("edit_url: javascript:alert(1)\n");
        assert!(diagnostics[0].message.contains("edit_url"));
    }
}
