//! The one module that names Tera: templates compiled once from the theme's sources.

use super::pages::builtin;
use crate::load::theme::Theme;
use anyhow::{Result, anyhow};
use serde::Serialize;
use tera::{Context, Tera};

/// The compiled templates of a build.
pub(crate) struct Templates {
    tera: Tera,
    /// Whether the entry and comparison pages are the built-in theme's, written without
    /// Tera ([`super::pages::builtin`]).
    direct: bool,
    /// Each template's path for messages (see [`Theme::origins`]).
    origins: std::collections::BTreeMap<String, String>,
}

/// The templates every theme must have.
pub(crate) const REQUIRED: &[&str] = &[
    "base.html",
    "entry.html",
    "compare.html",
    "list.html",
    "home.html",
    "tags.html",
    "compare_index.html",
    "redirect.html",
    "404.html",
];

impl Templates {
    pub(crate) fn compile(theme: &Theme) -> Result<Templates> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        // Tera's own escaper also turns `/` into `&#x2F;`, which makes every URL unreadable
        // in the page source; `/` needs no escaping in HTML text or quoted attributes.
        tera.set_escape_fn(super::escape);
        let origins = theme.origins.clone();
        tera.add_raw_templates(theme.templates.iter().map(|(name, source)| (name.as_str(), source.as_str())))
            .map_err(|e| anyhow!("{}", located(&chain(&e), &origins)))?;
        for name in REQUIRED {
            if !theme.templates.contains_key(*name) {
                return Err(anyhow!("the theme has no template `{name}`"));
            }
        }
        let source = |name: &str| theme.templates.get(name).map(String::as_str);
        let direct = builtin::hash(source) == builtin::VERIFIED && !theme.templates.contains_key("head_extra.html");
        Ok(Templates { tera, origins, direct })
    }

    /// Whether [`super::pages::builtin`] writes the entry and comparison pages.
    pub(crate) fn direct(&self) -> bool {
        self.direct
    }

    /// Renders `name` with `data` (a serializable struct whose fields become variables).
    pub(crate) fn render(&self, name: &str, data: &impl Serialize) -> Result<String> {
        let context = Context::from_serialize(data).map_err(|e| anyhow!("{}", chain(&e)))?;
        self.tera.render(name, &context).map_err(|e| anyhow!("{}", located(&chain(&e), &self.origins)))
    }
}

/// Tera's message with each template named by its path, and a parse error's position
/// written `path:line:column` as diagnostics are: "Failed to parse 'entry.html':  --> 1:7"
/// becomes "themes/default/templates/entry.html:1:7: the template does not parse".
fn located(message: &str, origins: &std::collections::BTreeMap<String, String>) -> String {
    let mut text = message.to_string();
    for (name, path) in origins {
        let quoted = format!("'{name}'");
        let Some(at) = text.find(&format!("Failed to parse {quoted}:")) else {
            text = text.replace(&quoted, path);
            continue;
        };
        let after = &text[at + "Failed to parse ".len() + quoted.len() + 1..];
        let place = after.trim_start().strip_prefix("--> ").and_then(|rest| {
            let end = rest.find(|c: char| !c.is_ascii_digit() && c != ':')?;
            Some((rest[..end].to_string(), &rest[end..]))
        });
        text = match place {
            Some((line_column, rest)) => {
                format!("{}{path}:{line_column}: the template does not parse{rest}", &text[..at])
            }
            None => format!("{}{path}: the template does not parse:{after}", &text[..at]),
        };
    }
    text
}

/// Tera's error with its causes, which hold the useful part ("Variable `x` not found").
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
