//! The JSON API (docs/output.md): `api/index.json` and `api/<id>.json`. URLs in it are relative
//! to the output root and end in `/` in both link styles.

use super::Renderer;
use crate::model::entry::Class;
use crate::model::markdown;
use anyhow::{Result, anyhow};
use rayon::prelude::*;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex};

/// The items of `api/index.json` from an earlier build, by entry id, each with a hash of
/// what it was made from. `serve` keeps one between rebuilds, so that an edit does not
/// serialize every entry again.
#[derive(Default)]
pub(crate) struct ApiMemo {
    items: Mutex<HashMap<String, (u64, Arc<String>)>>,
    /// The `comparisons` items, with a hash of the pairs.
    comparisons: Mutex<Option<(u64, Items)>>,
}

/// Items of an array, each as [`item_text`] prints it.
type Items = Arc<Vec<Arc<String>>>;

impl Renderer<'_> {
    /// The keys an entry has in `api/index.json`.
    fn api_item(&self, i: usize) -> Map<String, Value> {
        let e = &self.site.entries[i];
        let ids =
            |list: &[usize]| list.iter().map(|&j| Value::from(self.site.entries[j].id.clone())).collect::<Vec<_>>();
        let mut item = Map::new();
        item.insert("id".into(), json!(e.id));
        item.insert("code".into(), json!(e.fm.code));
        item.insert("title".into(), json!(e.fm.title));
        item.insert("source".into(), json!(e.source));
        if let Some(class) = e.class {
            item.insert("class".into(), json!(Class::label(class)));
        }
        item.insert("summary".into(), json!(markdown::plain(&e.fm.summary)));
        item.insert("url".into(), json!(format!("{}/", e.id)));
        item.insert("tags".into(), json!(e.fm.tags));
        item.insert("related".into(), Value::Array(ids(&self.graph.related[i])));
        item.insert("compare".into(), Value::Array(ids(&self.graph.partners[i])));
        if let Some(updated) = &e.fm.updated {
            item.insert("updated".into(), json!(updated));
        }
        item
    }

    /// A hash of everything [`Self::api_item`] reads.
    fn api_item_source(&self, i: usize) -> u64 {
        let e = &self.site.entries[i];
        let mut h = DefaultHasher::new();
        (&e.id, &e.fm.code, &e.fm.title, &e.source, e.class, &e.fm.summary, &e.fm.tags, &e.fm.updated).hash(&mut h);
        for list in [&self.graph.related[i], &self.graph.partners[i]] {
            list.len().hash(&mut h);
            list.iter().for_each(|&j| self.site.entries[j].id.hash(&mut h));
        }
        h.finish()
    }

    /// An entry's item as `api/index.json` prints it.
    fn api_item_text(&self, i: usize) -> Result<Arc<String>> {
        item_text(&Value::Object(self.api_item(i)))
    }

    /// The items of `comparisons`, from the memo when the pairs did not change.
    fn api_comparisons(&self) -> Result<Items> {
        let id = |i: usize| self.site.entries[i].id.as_str();
        let make = || -> Result<Items> {
            let items = self
                .graph
                .pairs
                .par_iter()
                .map(|p| item_text(&json!({ "ids": [id(p.a), id(p.b)], "url": format!("compare/{}/", p.name) })));
            Ok(Arc::new(items.collect::<Result<_>>()?))
        };
        let Some(memo) = self.api_memo else {
            return make();
        };
        let mut h = DefaultHasher::new();
        self.graph.pairs.iter().for_each(|p| (id(p.a), id(p.b), &p.name).hash(&mut h));
        let source = h.finish();
        let mut kept = memo.comparisons.lock().unwrap_or_else(|p| p.into_inner());
        match &*kept {
            Some((old, items)) if *old == source => Ok(items.clone()),
            _ => {
                let items = make()?;
                *kept = Some((source, items.clone()));
                Ok(items)
            }
        }
    }

    /// The items of every included entry, in order, from the memo where what they are made
    /// from did not change.
    fn api_items(&self) -> Result<Vec<Arc<String>>> {
        let included: Vec<usize> = (0..self.site.entries.len()).filter(|&i| self.graph.included[i]).collect();
        let Some(memo) = self.api_memo else {
            return included.par_iter().map(|&i| self.api_item_text(i)).collect();
        };
        let sources: Vec<u64> = included.par_iter().map(|&i| self.api_item_source(i)).collect();
        let mut items = memo.items.lock().unwrap_or_else(|p| p.into_inner());
        let known: Vec<Option<Arc<String>>> = included
            .iter()
            .zip(&sources)
            .map(|(&i, source)| match items.get(&self.site.entries[i].id) {
                Some((old, text)) if old == source => Some(text.clone()),
                _ => None,
            })
            .collect();
        let made: Vec<Arc<String>> = included
            .par_iter()
            .zip(&known)
            .map(|(&i, known)| match known {
                Some(text) => Ok(text.clone()),
                None => self.api_item_text(i),
            })
            .collect::<Result<_>>()?;
        for (((&i, source), text), known) in included.iter().zip(sources).zip(&made).zip(&known) {
            if known.is_none() {
                items.insert(self.site.entries[i].id.clone(), (source, text.clone()));
            }
        }
        if items.len() > included.len() {
            let ids: std::collections::HashSet<&str> =
                included.iter().map(|&i| self.site.entries[i].id.as_str()).collect();
            items.retain(|id, _| ids.contains(id.as_str()));
        }
        Ok(made)
    }

    pub(super) fn api_index(&self) -> Result<Vec<u8>> {
        let items = self.api_items()?;
        let comparisons = self.api_comparisons()?;
        let doc = json!({
            "generator": concat!("faultline ", env!("CARGO_PKG_VERSION")),
            "entries": [],
            "comparisons": [],
        });
        let doc = splice(&serde_json::to_string_pretty(&doc)?, "entries", &items)?;
        splice(&doc, "comparisons", &comparisons).map(String::into_bytes)
    }

    pub(super) fn api_entry(&self, i: usize, body: &str) -> Result<Vec<u8>> {
        let e = &self.site.entries[i];
        let mut item = self.api_item(i);
        if let Value::Object(fields) = serde_json::to_value(&e.fm)? {
            for (key, value) in fields {
                item.entry(key).or_insert(value);
            }
        }
        item.insert("body_html".into(), json!(self.fill_links(body, "", true)));
        Ok(serde_json::to_vec_pretty(&Value::Object(item))?)
    }
}

/// A value pretty-printed as an item of an array in a top-level object: indented by four
/// spaces.
fn item_text(value: &Value) -> Result<Arc<String>> {
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
}
