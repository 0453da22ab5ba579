//! What an entry page adds around the entry itself: the "On this page" list, the platform
//! errors that return an HTTP status, and the schema.org description (JSON-LD) for search
//! engines.

use super::Renderer;
use super::markdown::Sketched;
use super::view::Link;
use crate::model::entry::Entry;
use crate::model::markdown::{headings, plain};
use serde_json::{Value, json};

/// The anchor of the "Errors that return N" section, unless a body heading holds it.
const RETURNED_BY: &str = "errors-that-return";

/// A link to a section of the page.
fn section(text: &str, anchor: &str) -> Link {
    Link { text: text.to_string(), url: format!("#{anchor}"), count: 0, detail: String::new() }
}

impl Renderer<'_> {
    /// The included non-http entries whose `status` is the code of http entry `i`, in
    /// natural order, with the anchor of their section; empty for other entries.
    pub(super) fn returned_by(&self, i: usize) -> (Vec<usize>, String) {
        let e = self.model.entry(i);
        let list = match (e.source.as_str(), crate::model::entry::http_status(&e.fm.code)) {
            ("http", Some(status)) => self.model.status_list(status).to_vec(),
            _ => Vec::new(),
        };
        let mut anchor = RETURNED_BY.to_string();
        let mut n = 0;
        while e.anchors.contains(&anchor) {
            n += 1;
            anchor = format!("{RETURNED_BY}-{n}");
        }
        (list, anchor)
    }

    /// The sections of entry `i`'s page in page order: the fixed ones it fills, the body's
    /// top headings (of its Markdown `text`, whose HTML has the key `body`), and the errors
    /// that return its status. Hashed as the list a sketch makes, with the body's key
    /// standing for its headings.
    pub(super) fn on_this_page(
        &self,
        i: usize,
        returned: &(Vec<usize>, String),
        (text, body): (&str, u64),
    ) -> Sketched<Vec<Link>> {
        let stand_in = vec![(2, format!("body {body:016x}"), String::new())];
        let sketch = self.sections(i, returned, &stand_in);
        let key = super::markdown::key(&sketch);
        match self.sketch {
            true => Sketched { value: sketch, key },
            false => Sketched { value: self.sections(i, returned, &headings(text)), key },
        }
    }

    /// The sections of [`Self::on_this_page`], with `body` as the body's headings.
    fn sections(&self, i: usize, returned: &(Vec<usize>, String), body: &[(u8, String, String)]) -> Vec<Link> {
        let fm = &self.model.entry(i).fm;
        let mut links = vec![section("Fastest fix", "fastest-fix")];
        if !fm.causes.is_empty() {
            links.push(section("Common causes", "causes"));
        }
        if !fm.steps.is_empty() {
            links.push(section("Step-by-step fix", "steps"));
        }
        let top = body.iter().map(|(level, ..)| *level).min().unwrap_or(2);
        links.extend(body.iter().filter(|(level, ..)| *level == top).map(|(_, text, anchor)| section(text, anchor)));
        if !fm.faq.is_empty() {
            links.push(section("FAQ", "faq"));
        }
        if !self.model.partners(i).is_empty() {
            links.push(section("Compare", "compare"));
        }
        if !returned.0.is_empty() {
            links.push(section(&format!("Errors that return {}", fm.code), &returned.1));
        }
        if !self.model.related(i).is_empty() {
            links.push(section("Related fixes", "related"));
        }
        links
    }

    /// The JSON-LD of entry `i`'s page: a TechArticle, its breadcrumbs and, when it has
    /// questions, an FAQPage. Escaped like the search index scripts, so no content can
    /// close the script element.
    pub(super) fn json_ld(&self, i: usize) -> String {
        let e = self.model.entry(i);
        let base = self.options.base_url.as_deref();
        let url = |dir: &str| base.map(|b| if dir.is_empty() { b.to_string() } else { format!("{b}{dir}/") });
        let mut article = json!({
            "@type": "TechArticle",
            "headline": e.fm.title,
            "description": self.model.card(i).summary,
            "inLanguage": self.model.config().language,
        });
        if let Some(updated) = &e.fm.updated {
            article["dateModified"] = json!(updated);
        }
        if let Some(u) = url(&e.id) {
            article["url"] = json!(u);
        }
        let crumbs = [("Home".to_string(), String::new()), (self.source_title(&e.source), e.source.clone())]
            .into_iter()
            .chain([(e.fm.title.clone(), e.id.clone())])
            .enumerate()
            .map(|(n, (name, dir))| {
                let mut item = json!({ "@type": "ListItem", "position": n + 1, "name": name });
                if let Some(u) = url(&dir) {
                    item["item"] = json!(u);
                }
                item
            })
            .collect::<Vec<Value>>();
        let mut graph = vec![article, json!({ "@type": "BreadcrumbList", "itemListElement": crumbs })];
        if !e.fm.faq.is_empty() {
            graph.push(faq_page(e));
        }
        let data = json!({ "@context": "https://schema.org", "@graph": graph });
        data.to_string().replace('<', "\\u003c")
    }
}

fn faq_page(e: &Entry) -> Value {
    let questions: Vec<Value> =
        e.fm.faq
            .iter()
            .map(|f| {
                json!({
                    "@type": "Question",
                    "name": f.q,
                    "acceptedAnswer": { "@type": "Answer", "text": plain(&f.a) },
                })
            })
            .collect();
    json!({ "@type": "FAQPage", "mainEntity": questions })
}
