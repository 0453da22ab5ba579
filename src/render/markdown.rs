//! Markdown to HTML for every Markdown field: `@/` links resolved relative to the page,
//! raw HTML escaped (unless the site allows it), heading anchors as the model computed
//! them, and code blocks highlighted.

use crate::model::markdown::{AnchorSet, internal_target, options};
use crate::render::highlight;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Parser, Tag, TagEnd, html};

/// How links and HTML are treated on the page being rendered.
pub struct Ctx<'a> {
    /// From the page to the output root: `../../`, or empty at the root.
    pub root: &'a str,
    /// The root-relative URL of an entry id, as this build links (folder or file).
    pub url_of: &'a (dyn Fn(&str) -> Option<String> + Sync),
    pub raw_html: bool,
    /// Instead of the HTML, a token standing for it: a hash of everything it is made from
    /// (the text, the root and whether raw HTML is allowed; links resolve from the id alone
    /// in a site that renders). Views made this way are hashed, not rendered.
    pub sketch: bool,
}

impl Ctx<'_> {
    fn resolve(&self, dest: &str) -> Option<String> {
        let (id, fragment) = internal_target(dest)?;
        let url = (self.url_of)(id)?;
        Some(match fragment {
            Some(f) => format!("{}{url}#{f}", self.root),
            None => format!("{}{url}", self.root),
        })
    }
}

/// A value of a view with the hash its sketch has: what the page shows (HTML made from
/// Markdown, or in a sketch a stand-in for it) and a hash of everything it is made from.
/// A view hashes `key`, never `value`, so a job's view hashes alike sketched or rendered,
/// and a build with nothing to take from an earlier output takes each job's fingerprint
/// from the view it renders instead of sketching it first. Templates see `value` only.
#[derive(Debug, Clone, Default)]
pub struct Sketched<T> {
    pub value: T,
    pub key: u64,
}

/// HTML made from Markdown (see [`Sketched`]).
pub type Html = Sketched<String>;

impl Html {
    /// Text that is the same rendered or sketched, hashed as itself.
    pub fn plain(text: String) -> Html {
        Sketched { key: key(&text), value: text }
    }
}

impl<T: serde::Serialize> serde::Serialize for Sketched<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<T> std::hash::Hash for Sketched<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.key);
    }
}

/// A whole Markdown document (the body, details, answers). `anchors` gives heading ids;
/// pass `None` for fields whose headings are not link targets.
pub fn block(text: &str, ctx: &Ctx<'_>, anchors: Option<&mut AnchorSet>) -> Html {
    let key = key((text, ctx.root, ctx.raw_html, anchors.is_some()));
    block_as(text, ctx, anchors, key)
}

/// [`block`] hashed as `key`, for a caller that knows what the HTML is made from better
/// than the text does (a body, by the hash the model keeps of it).
pub(crate) fn block_as(text: &str, ctx: &Ctx<'_>, anchors: Option<&mut AnchorSet>, key: u64) -> Html {
    if ctx.sketch {
        return Sketched { value: format!("<p>markdown {key:016x}</p>"), key };
    }
    let events = transform(Parser::new_ext(text, options()).collect(), ctx, anchors);
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    Sketched { value: out, key }
}

/// The hash a sketch stands for `inputs` by.
pub(crate) fn key(inputs: impl std::hash::Hash) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3Default::new();
    inputs.hash(&mut h);
    std::hash::Hasher::finish(&h)
}

/// Inline Markdown (summaries, titles of causes and steps): the HTML without a paragraph.
pub fn inline(text: &str, ctx: &Ctx<'_>) -> Html {
    let Sketched { value: html, key } = block(text, ctx, None);
    let trimmed = html.trim_end();
    let value = match trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => trimmed.to_string(),
    };
    Sketched { value, key }
}

fn transform<'e>(events: Vec<Event<'e>>, ctx: &Ctx<'_>, mut anchors: Option<&mut AnchorSet>) -> Vec<Event<'e>> {
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                let mut code = String::new();
                i += 1;
                while i < events.len() && !matches!(events[i], Event::End(TagEnd::CodeBlock)) {
                    if let Event::Text(t) = &events[i] {
                        code.push_str(t);
                    }
                    i += 1;
                }
                out.push(Event::Html(CowStr::from(highlight::code_block(&lang, &code))));
            }
            Event::Start(Tag::Heading { level, classes, attrs, .. }) => {
                let id = anchors.as_deref_mut().map(|set| {
                    let text: String = events[i + 1..]
                        .iter()
                        .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
                        .filter_map(|e| match e {
                            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                            _ => None,
                        })
                        .collect();
                    CowStr::from(set.claim(&text))
                });
                out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id,
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest = ctx.resolve(dest_url).map_or_else(|| dest_url.clone(), CowStr::from);
                out.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: dest,
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Html(h) | Event::InlineHtml(h) if !ctx.raw_html => out.push(Event::Text(h.clone())),
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url_of(id: &str) -> Option<String> {
        (id == "http/504").then(|| "http/504/".to_string())
    }

    fn ctx(raw_html: bool) -> Ctx<'static> {
        Ctx { root: "../../", url_of: &url_of, raw_html, sketch: false }
    }

    #[test]
    fn internal_links_resolve_relative_to_the_page() {
        assert_eq!(
            inline("see [504](@/http/504#causes)", &ctx(false)).value,
            "see <a href=\"../../http/504/#causes\">504</a>"
        );
    }

    #[test]
    fn raw_html_is_escaped_unless_allowed() {
        assert_eq!(inline("a <b>bold</b>", &ctx(false)).value, "a &lt;b&gt;bold&lt;/b&gt;");
        assert_eq!(block("<!DOCTYPE html>\n", &ctx(false), None).value, "&lt;!DOCTYPE html&gt;\n");
        assert_eq!(inline("a <b>bold</b>", &ctx(true)).value, "a <b>bold</b>");
    }

    #[test]
    fn headings_get_the_model_anchors() {
        let mut anchors = AnchorSet::default();
        let html = block("## What this means\n## Causes\n", &ctx(false), Some(&mut anchors)).value;
        assert_eq!(html, "<h2 id=\"what-this-means\">What this means</h2>\n<h2 id=\"causes-1\">Causes</h2>\n");
    }
}
