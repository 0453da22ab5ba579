//! The theme between rebuilds: compiled templates, the hashed assets, and for each
//! template a hash of everything it may pull in, so that a template change re-renders only
//! the pages that use it.

use crate::load::theme;
use crate::render::assets::theme_assets;
use crate::render::templates::Templates;
use anyhow::Result;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

/// What one template depends on, with every template it may include, extend or import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TemplateInputs {
    /// A hash of the sources.
    pub hash: u64,
    /// Whether the sources may read the navigation's counts (entries per source, pairs,
    /// tags), which change with every entry added or removed. A theme that does not show
    /// them then does not render every page again when an entry comes or goes.
    pub reads_counts: bool,
}

pub(super) struct ThemeState {
    /// The theme's name in `site.yaml` when it was read.
    pub(super) name: String,
    pub(super) templates: Templates,
    /// What each template depends on, with every template it may include, extend or import.
    pub(super) template_inputs: HashMap<String, TemplateInputs>,
    /// The assets by output path, and each one's output path by its name in the theme.
    pub(super) assets: BTreeMap<String, Vec<u8>>,
    pub(super) asset_paths: BTreeMap<String, String>,
}

impl ThemeState {
    /// Reads and compiles the theme `name` of the site at `root` (with the site's own
    /// `templates/` on top), as `build` does.
    pub(super) fn load(root: &Path, name: &str) -> Result<ThemeState> {
        let theme = theme::load(root, name)?;
        let templates = Templates::compile(&theme)?;
        let (assets, asset_paths) = theme_assets(&theme);
        let template_inputs = template_inputs(&theme.templates);
        Ok(ThemeState { name: name.to_string(), templates, template_inputs, assets, asset_paths })
    }
}

/// For each template, a hash of the sources of the templates it reaches, and whether they
/// may read the navigation's counts. A template is taken to reach every template whose name
/// it quotes (`{% extends "base.html" %}`, `{% include "card.html" %}`), and what those
/// reach in turn; and to read the counts if it names `count` anywhere, or could print or
/// walk a whole object (`json_encode`, `__tera_context`, `{% for key, value in ... %}`).
/// Both err on the side of rendering again: a name quoted for another reason, or the word
/// `count` used for something else, only costs needless re-renders.
pub(crate) fn template_inputs(templates: &BTreeMap<String, String>) -> HashMap<String, TemplateInputs> {
    let quoted = |source: &str| -> Vec<&str> {
        templates
            .keys()
            .map(String::as_str)
            .filter(|name| source.contains(&format!("\"{name}\"")) || source.contains(&format!("'{name}'")))
            .collect()
    };
    let direct: HashMap<&str, Vec<&str>> =
        templates.iter().map(|(name, source)| (name.as_str(), quoted(source))).collect();
    templates
        .keys()
        .map(|name| {
            let mut reached: BTreeSet<&str> = BTreeSet::new();
            let mut stack = vec![name.as_str()];
            while let Some(next) = stack.pop() {
                if reached.insert(next) {
                    stack.extend(direct.get(next).into_iter().flatten());
                }
            }
            let mut h = DefaultHasher::new();
            for reached in &reached {
                (reached, &templates[*reached]).hash(&mut h);
            }
            let reads_counts = reached.iter().any(|name| may_read_counts(&templates[*name]));
            (name.clone(), TemplateInputs { hash: h.finish(), reads_counts })
        })
        .collect()
}

/// Whether a template's tags (`{{ }}`, `{% %}`; not its text, so `class="count"` in the HTML
/// does not count) may read a navigation link's `count`: by naming it, by printing a whole
/// object, or by walking one's keys.
fn may_read_counts(source: &str) -> bool {
    tera_tags(source).any(|tag| {
        let tag = tag.trim_start_matches(['-', ' ']);
        let walks_an_object =
            tag.starts_with("for ") && tag.split(" in ").next().is_some_and(|vars| vars.contains(','));
        walks_an_object || ["count", "json_encode", "__tera_context"].iter().any(|word| tag.contains(word))
    })
}

/// The inside of each `{{ }}` and `{% %}` tag of a template source, in order; an unclosed
/// tag runs to the end (Tera refuses the template anyway).
fn tera_tags(source: &str) -> impl Iterator<Item = &str> {
    let mut rest = source;
    std::iter::from_fn(move || {
        let at = rest.find("{{").into_iter().chain(rest.find("{%")).min()?;
        let close = if rest[at..].starts_with("{{") { "}}" } else { "%}" };
        let inside = &rest[at + 2..];
        let end = inside.find(close).unwrap_or(inside.len());
        rest = &inside[(end + close.len()).min(inside.len())..];
        Some(&inside[..end])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_depends_on_what_it_pulls_in() {
        let mut templates: BTreeMap<String, String> = [
            ("base.html", "<html>{% block main %}{% endblock %}</html>"),
            ("entry.html", "{% extends \"base.html\" %}{% include 'card.html' %}"),
            ("list.html", "{% extends \"base.html\" %}"),
            ("card.html", "card"),
        ]
        .into_iter()
        .map(|(n, s)| (n.to_string(), s.to_string()))
        .collect();
        let before = template_inputs(&templates);
        templates.insert("card.html".into(), "card, changed".into());
        let after = template_inputs(&templates);
        assert_ne!(before["entry.html"].hash, after["entry.html"].hash);
        assert_eq!(before["list.html"].hash, after["list.html"].hash);
        templates.insert("base.html".into(), "<html>changed</html>".into());
        let changed_base = template_inputs(&templates);
        assert_ne!(after["list.html"].hash, changed_base["list.html"].hash);
        assert!(!changed_base["entry.html"].reads_counts);
        templates.insert("card.html".into(), "{{ link.count }}".into());
        let counting = template_inputs(&templates);
        assert!(counting["entry.html"].reads_counts && counting["card.html"].reads_counts);
        assert!(!counting["list.html"].reads_counts);
    }

    #[test]
    fn printing_or_walking_whole_objects_may_read_counts() {
        assert!(may_read_counts("{{ meta.nav | json_encode() }}"));
        assert!(may_read_counts("{% for key, value in link %}{{ value }}{% endfor %}"));
        assert!(may_read_counts("{%- for k,v in link -%}{% endfor %}"));
        assert!(!may_read_counts("{% for link in meta.nav %}{{ link.text }}{% endfor %}"));
        assert!(may_read_counts("<p>{%- for link in meta.nav %}{{link.count}}{% endfor %}</p>"));
    }

    #[test]
    fn only_tags_are_read_for_counts() {
        assert!(!may_read_counts("<span class=\"count\">{{ group.entries | length }}</span> json_encode"));
        assert!(may_read_counts("<span>{{ link.text }} {{ link . count }}</span>"));
        assert!(may_read_counts("{% set n = link.count %}"));
        assert!(may_read_counts("text {{ unclosed count"));
        assert_eq!(tera_tags("a {{ b }} c {% d %} e {{ f").collect::<Vec<_>>(), [" b ", " d ", " f"]);
    }
}
