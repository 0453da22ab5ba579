//! Markdown that passes `check`'s link rules, rendered with `raw_html` off: every tag and
//! attribute in the HTML is one faultline writes, never one from the content, and no URL
//! attribute holds a scheme a browser would run (judged after the browser's stripping).
#![no_main]

use faultline::model::markdown::{self, AnchorSet};
use faultline::model::{id, url};
use faultline::render::markdown::{Ctx, block, inline};
use libfuzzer_sys::fuzz_target;

const TAGS: &[&str] = &[
    "a", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "input",
    "li", "ol", "p", "pre", "span", "strong", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul", "section",
];
const ATTRIBUTES: &[&str] =
    &["alt", "checked", "class", "disabled", "href", "id", "src", "start", "style", "tabindex", "title", "type"];

fn url_of(id: &str) -> Option<String> {
    id::id_problem(id).is_none().then(|| format!("{id}/"))
}

/// Character references in an attribute value, decoded as a browser decodes them. Only
/// the few named ones an HTML writer uses are expected; any other is a finding.
fn decode(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let end = after.find(';').expect("a terminated character reference");
        let name = &after[..end];
        let c = match name {
            "amp" => '&',
            "quot" => '"',
            "lt" => '<',
            "gt" => '>',
            "apos" => '\'',
            _ => {
                let number = name.strip_prefix('#').expect("a numeric character reference");
                let code = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16),
                    None => number.parse(),
                };
                char::from_u32(code.expect("a number")).expect("a character")
            }
        };
        out.push(c);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Checks one tag starting after its `<`; returns the bytes it used.
fn check_tag(html: &str) -> usize {
    let rest = html.strip_prefix('/').unwrap_or(html);
    let name_len = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
    let name = &rest[..name_len];
    assert!(TAGS.contains(&name), "a tag `<{name}` not written by faultline in:\n{html}");
    let mut at = &rest[name_len..];
    loop {
        at = at.trim_start();
        if let Some(after) = at.strip_prefix("/>").or_else(|| at.strip_prefix('>')) {
            return html.len() - after.len();
        }
        let attr_len = at.find(['=', ' ', '>', '/']).unwrap_or(at.len());
        let attr = &at[..attr_len];
        assert!(ATTRIBUTES.contains(&attr), "an attribute `{attr}` on <{name}> in:\n{html}");
        at = &at[attr_len..];
        if let Some(value) = at.strip_prefix("=\"") {
            let end = value.find('"').expect("a closed attribute value");
            let decoded = decode(&value[..end]);
            if matches!(attr, "href" | "src") {
                assert_eq!(url::forbidden_scheme(&decoded), None, "a runnable URL `{decoded}` in:\n{html}");
            }
            at = &value[end + 1..];
        }
    }
}

fn check_html(html: &str) {
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        let used = check_tag(&rest[i + 1..]);
        rest = &rest[i + 1 + used..];
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Only what `check` lets through is rendered.
    for link in markdown::links(text) {
        if url::problem(&link.dest).is_some() {
            return;
        }
    }
    let ctx = Ctx { root: "../../", url_of: &url_of, raw_html: false, sketch: false };
    let mut anchors = AnchorSet::default();
    check_html(&block(text, &ctx, Some(&mut anchors)).value);
    check_html(&inline(text, &ctx).value);
});
