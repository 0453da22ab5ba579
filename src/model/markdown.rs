//! What the model needs from Markdown fields before rendering: the links they hold (to
//! check schemes and `@/` targets) and the anchors their headings get.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::collections::BTreeSet;

/// The text of Markdown without markup, for lists, meta descriptions and search.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for event in Parser::new_ext(text, options()) {
        match event {
            // Raw HTML shows as written on the page (SPEC §2), so it stays in the text too.
            Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) | Event::Html(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The pulldown-cmark extensions faultline uses everywhere, so checking and rendering agree.
pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// The anchors every entry page has, before those of its body's headings.
pub const FIXED_ANCHORS: &[&str] = &["fastest-fix", "causes", "steps", "faq", "compare", "related"];

/// A link target found in Markdown, with its byte offset in the scanned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundLink {
    pub dest: String,
    pub offset: usize,
}

/// A heading's anchor: its text lowercased, spaces turned into `-` (SPEC §2).
pub fn heading_anchor(text: &str) -> String {
    text.trim().to_lowercase().split_whitespace().collect::<Vec<_>>().join("-")
}

/// Hands out anchors, adding `-1`, `-2`, ... to one already taken, so every id on a page
/// is unique. Starts with the fixed anchors taken.
#[derive(Debug, Clone)]
pub struct AnchorSet {
    taken: BTreeSet<String>,
}

impl Default for AnchorSet {
    fn default() -> Self {
        AnchorSet { taken: FIXED_ANCHORS.iter().map(|a| a.to_string()).collect() }
    }
}

impl AnchorSet {
    pub fn claim(&mut self, text: &str) -> String {
        let base = heading_anchor(text);
        let base = if base.is_empty() { "section".to_string() } else { base };
        let mut anchor = base.clone();
        let mut n = 0;
        while self.taken.contains(&anchor) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        self.taken.insert(anchor.clone());
        anchor
    }

    pub fn into_set(self) -> BTreeSet<String> {
        self.taken
    }
}

/// The link and image targets in `text`, in order.
pub fn links(text: &str) -> Vec<FoundLink> {
    Parser::new_ext(text, options())
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(FoundLink { dest: dest_url.to_string(), offset: range.start })
            }
            _ => None,
        })
        .collect()
}

/// The anchors of the headings in a body, claimed from `anchors` in document order.
pub fn heading_anchors(body: &str, anchors: &mut AnchorSet) {
    claim_headings(body, anchors);
}

/// The headings of a body, in order, as `(level, text, anchor)`, their anchors claimed as
/// the page claims them (after the fixed ones).
pub fn headings(body: &str) -> Vec<(u8, String, String)> {
    claim_headings(body, &mut AnchorSet::default())
}

fn claim_headings(body: &str, anchors: &mut AnchorSet) -> Vec<(u8, String, String)> {
    let mut out = Vec::new();
    let mut heading: Option<(u8, String)> = None;
    for event in Parser::new_ext(body, options()) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level as u8, String::new())),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, h)) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text)) = heading.take() {
                    let anchor = anchors.claim(&text);
                    out.push((level, text, anchor));
                }
            }
            _ => {}
        }
    }
    out
}

/// Why a link target is refused, if it is: only http(s), mailto, relative, `#fragment`
/// and `@/` targets are allowed.
pub fn url_problem(url: &str) -> Option<String> {
    let scheme_end = url.find(':')?;
    let scheme = &url[..scheme_end];
    let is_scheme = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme {
        return None;
    }
    match scheme.to_ascii_lowercase().as_str() {
        "http" | "https" | "mailto" => None,
        other => Some(format!("the link `{url}` uses the scheme `{other}:`, which is not allowed")),
    }
}

/// Splits an `@/id#fragment` target into the id and the fragment.
pub fn internal_target(dest: &str) -> Option<(&str, Option<&str>)> {
    let rest = dest.strip_prefix("@/")?;
    Some(match rest.split_once('#') {
        Some((id, fragment)) => (id, Some(fragment)),
        None => (rest, None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(plain("A *proxy* got `502`\nfrom [up](https://x)."), "A proxy got 502 from up.");
        assert_eq!(plain("Shows <b>markup</b> and </script>"), "Shows <b>markup</b> and </script>");
    }

    #[test]
    fn finds_links_images_and_autolinks() {
        let found = links("See [504](@/http/504#causes), ![x](img.png) and <https://example.com>.");
        let dests: Vec<_> = found.iter().map(|l| l.dest.as_str()).collect();
        assert_eq!(dests, ["@/http/504#causes", "img.png", "https://example.com"]);
        assert_eq!(found[0].offset, 4);
    }

    #[test]
    fn schemes() {
        assert_eq!(url_problem("https://x.org"), None);
        assert_eq!(url_problem("mailto:a@b.c"), None);
        assert_eq!(url_problem("../x/"), None);
        assert_eq!(url_problem("#causes"), None);
        assert_eq!(url_problem("@/http/502"), None);
        assert!(url_problem("javascript:alert(1)").unwrap().contains("`javascript:`"));
        assert!(url_problem("JavaScript:alert(1)").is_some());
        assert!(url_problem("data:text/html,x").is_some());
    }

    #[test]
    fn heading_anchors_are_lowercased_dashed_and_unique() {
        let mut anchors = AnchorSet::default();
        heading_anchors("## What this means\ntext\n## What `502` means\n## Causes\n## What this means\n", &mut anchors);
        let set = anchors.into_set();
        for a in ["what-this-means", "what-502-means", "causes-1", "what-this-means-1", "faq"] {
            assert!(set.contains(a), "{a} missing from {set:?}");
        }
    }

    #[test]
    fn internal_targets() {
        assert_eq!(internal_target("@/http/504#faq"), Some(("http/504", Some("faq"))));
        assert_eq!(internal_target("@/http/504"), Some(("http/504", None)));
        assert_eq!(internal_target("http/504"), None);
    }
}
