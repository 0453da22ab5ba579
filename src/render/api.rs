//! The JSON API (SPEC §6): `api/index.json` and `api/<id>.json`. URLs in it are relative
//! to the output root and end in `/` in both link styles.

use super::Renderer;
use crate::model::entry::Class;
use crate::model::markdown;
use anyhow::Result;
use serde_json::{Map, Value, json};

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

    pub(super) fn api_index(&self) -> Result<Vec<u8>> {
        let entries: Vec<Value> = (0..self.site.entries.len())
            .filter(|&i| self.graph.included[i])
            .map(|i| Value::Object(self.api_item(i)))
            .collect();
        let comparisons: Vec<Value> = self
            .graph
            .pairs
            .iter()
            .map(|p| json!({ "ids": [self.site.entries[p.a].id, self.site.entries[p.b].id], "url": format!("compare/{}/", p.name) }))
            .collect();
        let doc = json!({
            "generator": concat!("faultline ", env!("CARGO_PKG_VERSION")),
            "entries": entries,
            "comparisons": comparisons,
        });
        Ok(serde_json::to_vec_pretty(&doc)?)
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
