//! `feed.xml` (Atom, RFC 4287) and `opensearch.xml`, written when the build knows its
//! `base_url`: both need absolute URLs.

use super::{Renderer, escape};
use crate::model::markdown::plain;

/// How many entries the feed holds: the most recently updated.
pub(super) const FEED_ENTRIES: usize = 50;

/// An OpenSearch `ShortName` holds at most 16 characters.
const SHORT_NAME: usize = 16;

impl Renderer<'_> {
    /// The Atom feed of the most recently updated entries; entries without an `updated`
    /// date have no time to be listed by, so they are left out.
    pub(super) fn feed(&self) -> String {
        let base = self.options.base_url.as_deref().unwrap_or_default();
        let config = &self.model.config();
        let entries: Vec<usize> =
            self.recent(FEED_ENTRIES).into_iter().filter(|&i| self.model.entry(i).fm.updated.is_some()).collect();
        let stamp = |date: &str| format!("{date}T00:00:00Z");
        let newest = entries.first().and_then(|&i| self.model.entry(i).fm.updated.as_deref()).unwrap_or("1970-01-01");
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        out.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
        out.push_str(&format!("  <title>{}</title>\n", escape(&config.title)));
        out.push_str(&format!("  <subtitle>Recently updated errors on {}</subtitle>\n", escape(&config.title)));
        out.push_str(&format!("  <id>{}</id>\n", escape(base)));
        out.push_str(&format!("  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", escape(base)));
        out.push_str(&format!(
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}feed.xml\"/>\n",
            escape(base)
        ));
        out.push_str(&format!("  <updated>{}</updated>\n", stamp(newest)));
        out.push_str(&format!("  <author><name>{}</name></author>\n", escape(&config.title)));
        out.push_str("  <generator>faultline</generator>\n");
        for i in entries {
            let e = self.model.entry(i);
            let url = escape(&format!("{base}{}/", e.id));
            out.push_str("  <entry>\n");
            out.push_str(&format!("    <title>{}</title>\n", escape(&e.fm.title)));
            out.push_str(&format!("    <id>{url}</id>\n"));
            out.push_str(&format!("    <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n"));
            out.push_str(&format!("    <updated>{}</updated>\n", stamp(e.fm.updated.as_deref().unwrap_or(newest))));
            out.push_str(&format!("    <summary>{}</summary>\n", escape(&plain(&e.fm.summary))));
            out.push_str("  </entry>\n");
        }
        out.push_str("</feed>\n");
        out
    }

    /// The OpenSearch description: a browser searches the hub from its address bar
    /// through the search page.
    pub(super) fn opensearch(&self) -> String {
        let base = self.options.base_url.as_deref().unwrap_or_default();
        let title = &self.model.config().title;
        let short: String = title.chars().take(SHORT_NAME).collect();
        let icon = self.options.assets.get("favicon.svg").map(|path| {
            format!(
                "  <Image width=\"64\" height=\"64\" type=\"image/svg+xml\">{}</Image>\n",
                escape(&format!("{base}{path}"))
            )
        });
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        out.push_str("<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n");
        out.push_str(&format!("  <ShortName>{}</ShortName>\n", escape(short.trim())));
        out.push_str(&format!(
            "  <Description>Search {} by error code, message or log line</Description>\n",
            escape(title)
        ));
        out.push_str("  <InputEncoding>UTF-8</InputEncoding>\n");
        out.push_str(&icon.unwrap_or_default());
        out.push_str(&format!(
            "  <Url type=\"text/html\" method=\"get\" template=\"{}search/?q={{searchTerms}}\"/>\n",
            escape(base)
        ));
        out.push_str("</OpenSearchDescription>\n");
        out
    }
}
