//! What the model needs from Markdown fields before rendering: the links they hold (to
//! check schemes and `@/` targets) and the anchors their headings get.

use crate::diag::Pos;
use crate::lines::Lines;
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use std::collections::{BTreeSet, HashMap};

/// The text of Markdown without markup, for lists, meta descriptions and search.
pub(crate) fn plain(text: &str) -> String {
    single_spaced(&plain_words(text))
}

/// `text` with each run of white space made one space, and none at either end.
fn single_spaced(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The text of Markdown without markup, its white space left as it comes: for splitting
/// into words, where runs of spaces mean nothing. The search index reads every body this
/// way, and most fields without a copy.
pub(crate) fn plain_words(text: &str) -> std::borrow::Cow<'_, str> {
    if is_plain(text) { text.into() } else { parsed_text(text).into() }
}

/// The text events of `text` as the parser reads it, with a space wherever a block or a
/// line ends: [`plain_words`] for text that may hold markup.
fn parsed_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for event in Parser::new_ext(text, options()) {
        match event {
            // Raw HTML shows as written on the page (docs/content.md), so it stays in the text too.
            Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) | Event::Html(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock) => out.push(' '),
            _ => {}
        }
    }
    out
}

/// The bytes that can start inline markup, an entity or an escape, as a table: `plain`
/// scans every byte of every body, and a search of a short list per byte was 2 % of a
/// cold build.
const INLINE: [bool; 256] = {
    let mut table = [false; 256];
    let marks = b"\\`*_[]<>!&~|\r";
    let mut i = 0;
    while i < marks.len() {
        table[marks[i] as usize] = true;
        i += 1;
    }
    table
};

/// Whether Markdown would read `text` as nothing but paragraphs of literal text, so that
/// its plain text is the text itself: no character that starts inline markup, an entity or
/// an escape anywhere (nor a lone carriage return, which Markdown reads as a line break), and no line that starts a block (heading, list, quote, rule, setext
/// underline). Most summaries and steps are such text, and `plain` runs on every one of
/// them for the search index and the lists; a parse costs ten times the check. Anything
/// doubtful goes to the parser.
fn is_plain(text: &str) -> bool {
    if text.bytes().any(|b| INLINE[usize::from(b)]) {
        return false;
    }
    text.lines().all(|line| {
        let line = line.trim_start();
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        let ordered_item = digits > 0 && line[digits..].starts_with(['.', ')']);
        !(ordered_item || line.starts_with(['#', '-', '+', '=', '>', '*', '_']))
    })
}

/// The pulldown-cmark extensions faultline uses everywhere, so checking and rendering agree.
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// The anchors every entry page has, before those of its body's headings.
pub(crate) const FIXED_ANCHORS: &[&str] = &["fastest-fix", "causes", "steps", "faq", "compare", "related"];

/// A link target found in Markdown, with the byte range in the scanned text of the link
/// (or reference definition) that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundLink {
    pub dest: String,
    pub offset: usize,
    pub end: usize,
}

/// A heading's anchor: its text lowercased, spaces turned into `-` (docs/content.md).
pub(crate) fn heading_anchor(text: &str) -> String {
    text.trim().to_lowercase().split_whitespace().collect::<Vec<_>>().join("-")
}

/// Hands out anchors, adding `-1`, `-2`, ... to one already taken, so every id on a page
/// is unique. Starts with the fixed anchors taken.
#[derive(Debug, Clone)]
pub struct AnchorSet {
    taken: BTreeSet<String>,
    /// The last suffix handed out for each base, so that the next repeat starts after it
    /// instead of trying `-1`, `-2`, ... again (20,000 equal headings would be quadratic).
    last_suffix: HashMap<String, usize>,
}

impl Default for AnchorSet {
    fn default() -> Self {
        AnchorSet { taken: FIXED_ANCHORS.iter().map(|a| a.to_string()).collect(), last_suffix: HashMap::new() }
    }
}

impl AnchorSet {
    pub(crate) fn claim(&mut self, text: &str) -> String {
        let base = heading_anchor(text);
        let base = if base.is_empty() { "section".to_string() } else { base };
        let mut anchor = base.clone();
        // Anchors are only ever added, so a suffix found taken stays taken.
        let mut n = self.last_suffix.get(&base).copied().unwrap_or(0);
        if n > 0 {
            anchor = format!("{base}-{n}");
        }
        while self.taken.contains(&anchor) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        self.last_suffix.insert(base, n);
        self.taken.insert(anchor.clone());
        anchor
    }

    pub(crate) fn into_set(self) -> BTreeSet<String> {
        self.taken
    }
}

/// The link and image targets in `text` (autolinks and reference definitions included,
/// used or not), in order.
pub fn links(text: &str) -> Vec<FoundLink> {
    let parser = Parser::new_ext(text, options());
    let mut found: Vec<FoundLink> = parser
        .reference_definitions()
        .iter()
        .map(|(_, def)| FoundLink { dest: def.dest.to_string(), offset: def.span.start, end: def.span.end })
        .collect();
    found.extend(parser.into_offset_iter().filter_map(|(event, range)| match event {
        // A reference's target is its definition's, found above where it is written.
        Event::Start(Tag::Link { link_type, .. } | Tag::Image { link_type, .. })
            if matches!(link_type, LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut) =>
        {
            None
        }
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            Some(FoundLink { dest: dest_url.to_string(), offset: range.start, end: range.end })
        }
        _ => None,
    }));
    found.sort_by_key(|l| l.offset);
    found
}

/// The link targets of a Markdown body with their positions in its file, the body starting
/// after `body_offset` lines: each at its target where that is written as it reads, else
/// at its link.
pub(crate) fn positioned_links(body: &str, body_offset: usize) -> Vec<(String, Pos)> {
    let lines = Lines::new(body);
    links(body)
        .into_iter()
        .map(|link| {
            let at = link.offset + body[link.offset..link.end].find(&link.dest).unwrap_or(0);
            let (line, column) = lines.line_column(at);
            let pos = Pos { line: line + body_offset, column, len: link.dest.chars().count().max(1) };
            (link.dest, pos)
        })
        .collect()
}

/// The anchors of the headings in a body, claimed from `anchors` in document order.
pub(crate) fn heading_anchors(body: &str, anchors: &mut AnchorSet) {
    claim_headings(body, anchors);
}

/// The headings of a body, in order, as `(level, text, anchor)`, their anchors claimed as
/// the page claims them (after the fixed ones).
pub(crate) fn headings(body: &str) -> Vec<(u8, String, String)> {
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

/// Splits an `@/id#fragment` target into the id and the fragment.
pub(crate) fn internal_target(dest: &str) -> Option<(&str, Option<&str>)> {
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
    fn the_plain_shortcut_agrees_with_the_parser_on_random_text() {
        // Seeded xorshift over an alphabet of letters, spaces, line breaks, digits and every
        // character Markdown treats specially somewhere: a text the shortcut takes must read
        // the same as the parser reads it.
        let alphabet: Vec<char> = "ab c1 2\n\n\t\r  .)#-+=>*_`[]<!&~|:x:y;\u{e9}".chars().collect();
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut taken = 0;
        for _ in 0..200_000 {
            let len = (next() % 24) as usize;
            let text: String = (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect();
            if is_plain(&text) {
                taken += 1;
                assert_eq!(plain(&text), single_spaced(&parsed_text(&text)), "{text:?}");
            }
        }
        assert!(taken > 1_000, "the shortcut was taken only {taken} times");
    }

    #[test]
    fn the_plain_shortcut_leaves_markup_to_the_parser() {
        for text in ["# Title", "a\n===", "- item", "1. one", "2) two", "> quote", "a *b*", "a &amp; b", "x_y", "---"] {
            assert!(!is_plain(text), "{text:?}");
        }
        assert!(is_plain("Restart the upstream, then retry in 30 s: it usually works."));
        assert_eq!(plain("  two\n  lines  "), "two lines");
    }

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(plain("A *proxy* got `502`\nfrom [up](https://x)."), "A proxy got 502 from up.");
        assert_eq!(plain("Shows <b>markup</b> and </script>"), "Shows <b>markup</b> and </script>");
    }

    #[test]
    fn plain_words_are_the_words_of_plain_text() {
        let words = |text: &str| text.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        for text in [
            "A *proxy* got `502`\nfrom [up](https://x).",
            "## Causes\n\n- one\n- two\n\n```sh\n$ curl -I  x\n```\n\nDone.",
            "Plain   text,\n  spread  over\tlines ",
            "a<br>b &amp; c",
            "",
        ] {
            assert_eq!(words(&plain_words(text)), words(&plain(text)), "{text:?}");
        }
        assert!(matches!(plain_words("Restart the upstream."), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn finds_links_images_and_autolinks() {
        let found = links("See [504](@/http/504#causes), ![x](img.png) and <https://example.com>.");
        let dests: Vec<_> = found.iter().map(|l| l.dest.as_str()).collect();
        assert_eq!(dests, ["@/http/504#causes", "img.png", "https://example.com"]);
        assert_eq!(found[0].offset, 4);
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
