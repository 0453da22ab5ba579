//! The one module that names Tera: templates compiled once from the theme's sources.

use crate::load::theme::Theme;
use anyhow::{Result, anyhow};
use serde::Serialize;
use tera::{Context, Tera};

/// The compiled templates of a build.
pub struct Templates {
    tera: Tera,
}

/// The templates every theme must have.
pub const REQUIRED: &[&str] = &[
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
    pub fn compile(theme: &Theme) -> Result<Templates> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        // Tera's own escaper also turns `/` into `&#x2F;`, which makes every URL unreadable
        // in the page source; `/` needs no escaping in HTML text or quoted attributes.
        tera.set_escape_fn(super::escape);
        tera.add_raw_templates(theme.templates.iter().map(|(name, source)| (name.as_str(), source.as_str())))
            .map_err(|e| anyhow!("{}", chain(&e)))?;
        for name in REQUIRED {
            if !theme.templates.contains_key(*name) {
                return Err(anyhow!("the theme has no template `{name}`"));
            }
        }
        Ok(Templates { tera })
    }

    /// Renders `name` with `data` (a serializable struct whose fields become variables).
    pub fn render(&self, name: &str, data: &impl Serialize) -> Result<String> {
        let context = Context::from_serialize(data).map_err(|e| anyhow!("{}", chain(&e)))?;
        self.tera.render(name, &context).map_err(|e| anyhow!("{}", chain(&e)))
    }
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
