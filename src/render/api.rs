//! The JSON API (docs/output.md): `api/index.json` and `api/<id>.json`. URLs in it are relative
//! to the output root and end in `/` in both link styles.

use super::Renderer;
use super::markdown::Html;
use crate::model::entry::FrontMatter;
use anyhow::{Result, anyhow};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value, json};
use std::sync::Arc;

/// An entry's item in `api/index.json`, which its `api/<id>.json` starts from. Its fields
/// are in the order of their names, as a JSON object prints its keys, so that the index
/// prints each item directly (a test holds the order).
#[derive(Serialize, Hash)]
pub(crate) struct ApiItem<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    class: Option<&'a str>,
    code: &'a str,
    compare: Vec<&'a str>,
    id: &'a str,
    related: Vec<&'a str>,
    source: &'a str,
    summary: &'a str,
    tags: &'a [String],
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<&'a str>,
    url: String,
}

/// What `api/<id>.json` holds: the item, the front matter's other fields, the body's HTML.
#[derive(Hash)]
pub(crate) struct ApiEntry<'a> {
    item: ApiItem<'a>,
    fm: &'a FrontMatter,
    body_html: Html,
}

/// A comparison pair in `api/index.json`.
#[derive(Serialize, Hash)]
struct ApiPair<'a> {
    ids: [&'a str; 2],
    url: String,
}

/// What `api/index.json` lists: every included entry, every comparison pair.
#[derive(Hash)]
pub(crate) struct ApiIndex<'a> {
    entries: Vec<ApiItem<'a>>,
    comparisons: Vec<ApiPair<'a>>,
}

impl Renderer<'_> {
    /// The item of entry `i`; its summary and class are its card's.
    fn api_item(&self, i: usize) -> ApiItem<'_> {
        let e = self.model.entry(i);
        let ids = |list: &[usize]| list.iter().map(|&j| self.model.id(j)).collect();
        let card = self.model.card(i);
        ApiItem {
            id: &e.id,
            code: &e.fm.code,
            title: &e.fm.title,
            source: &e.source,
            class: card.class.as_deref(),
            summary: &card.summary,
            url: format!("{}/", e.id),
            tags: &e.fm.tags,
            related: ids(self.model.related(i)),
            compare: ids(self.model.partners(i)),
            updated: e.fm.updated.as_deref(),
        }
    }

    pub(super) fn api_index(&self) -> ApiIndex<'_> {
        let id = |i: usize| self.model.id(i);
        let included: Vec<usize> = (0..self.model.entry_count()).filter(|&i| self.model.included(i)).collect();
        ApiIndex {
            entries: included.par_iter().map(|&i| self.api_item(i)).collect(),
            comparisons: self
                .model
                .pairs()
                .iter()
                .map(|p| ApiPair { ids: [id(p.a), id(p.b)], url: format!("compare/{}/", p.name) })
                .collect(),
        }
    }

    /// The API file of entry `i`, with `body` as [`Self::body_html`] gives it.
    pub(super) fn api_entry(&self, i: usize, body: &Html) -> ApiEntry<'_> {
        ApiEntry { item: self.api_item(i), fm: &self.model.entry(i).fm, body_html: self.fill_links(body, "", true) }
    }
}

impl ApiIndex<'_> {
    pub(super) fn render(&self) -> Result<Vec<u8>> {
        let items: Vec<Arc<String>> = self.entries.par_iter().map(item_text).collect::<Result<_>>()?;
        let comparisons: Vec<Arc<String>> = self.comparisons.par_iter().map(item_text).collect::<Result<_>>()?;
        let doc = json!({
            "generator": concat!("faultline ", env!("CARGO_PKG_VERSION")),
            "entries": [],
            "comparisons": [],
        });
        let doc = splice(&serde_json::to_string_pretty(&doc)?, "entries", &items)?;
        splice(&doc, "comparisons", &comparisons).map(String::into_bytes)
    }
}

impl ApiEntry<'_> {
    pub(super) fn render(&self) -> Result<Vec<u8>> {
        let Value::Object(mut item) = serde_json::to_value(&self.item)? else {
            return Err(anyhow!("an API item is not an object"));
        };
        if let Value::Object(fields) = serde_json::to_value(self.fm)? {
            for (key, value) in fields {
                item.entry(key).or_insert(value);
            }
        }
        item.insert("body_html".into(), json!(self.body_html.value));
        Ok(serde_json::to_vec_pretty(&Value::Object(item))?)
    }
}

/// A value pretty-printed as an item of an array in a top-level object: indented by four
/// spaces.
fn item_text(value: &impl Serialize) -> Result<Arc<String>> {
    Ok(Arc::new(format!("    {}", serde_json::to_string_pretty(value)?.replace('\n', "\n    "))))
}

/// Puts the items into the empty array `key` of the pretty-printed top-level object: exactly
/// what pretty-printing the object with the items in it gives, since the pretty printer
/// indents by depth alone and JSON strings hold no raw newline.
fn splice(document: &str, key: &str, items: &[Arc<String>]) -> Result<String> {
    let empty = format!("\n  \"{key}\": []");
    let at = document.find(&empty).ok_or_else(|| anyhow!("no empty `{key}` array to fill"))?;
    if items.is_empty() {
        return Ok(document.to_string());
    }
    let mut out = String::with_capacity(document.len() + items.iter().map(|t| t.len() + 2).sum::<usize>());
    out.push_str(&document[..at]);
    out.push_str(&format!("\n  \"{key}\": [\n"));
    for (n, item) in items.iter().enumerate() {
        if n > 0 {
            out.push_str(",\n");
        }
        out.push_str(item);
    }
    out.push_str("\n  ]");
    out.push_str(&document[at + empty.len()..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spliced_entries_print_as_the_whole_document_would() {
        let items = vec![
            json!({ "id": "http/502", "tags": ["a", "b"], "related": [], "summary": "line\nbreak \"quoted\" é" }),
            json!({ "id": "x/y", "nested": { "deep": [[1, 2], []] }, "class": null }),
        ];
        let texts: Vec<Arc<String>> = items.iter().map(|v| item_text(v).unwrap()).collect();
        let document = |entries: Vec<Value>| json!({ "generator": "g", "entries": entries, "comparisons": [{ "ids": ["a", "b"] }] });
        let empty = serde_json::to_string_pretty(&document(Vec::new())).unwrap();
        assert_eq!(splice(&empty, "entries", &texts).unwrap(), serde_json::to_string_pretty(&document(items)).unwrap());
        assert_eq!(splice(&empty, "entries", &[]).unwrap(), empty);
        assert!(splice(&empty, "missing", &texts).is_err());
    }

    /// The index prints items directly, so their fields must come in the order a JSON
    /// object would print them.
    #[test]
    fn an_item_prints_its_keys_in_order() {
        let tags = vec!["t".to_string()];
        let item = ApiItem {
            class: Some("5xx"),
            code: "502",
            compare: vec!["http/504"],
            id: "http/502",
            related: vec!["http/503"],
            source: "http",
            summary: "s",
            tags: &tags,
            title: "502 Bad Gateway",
            updated: Some("2026-01-01"),
            url: "http/502/".into(),
        };
        let through_object = serde_json::to_string_pretty(&serde_json::to_value(&item).unwrap()).unwrap();
        assert_eq!(serde_json::to_string_pretty(&item).unwrap(), through_object);
        let pair = ApiPair { ids: ["a", "b"], url: "compare/a-vs-b/".into() };
        let through_object = serde_json::to_string_pretty(&serde_json::to_value(&pair).unwrap()).unwrap();
        assert_eq!(serde_json::to_string_pretty(&pair).unwrap(), through_object);
    }
}
