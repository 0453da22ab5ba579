//! The data templates see. Shared pieces (an entry's card, its comparison row) are built
//! once per build and borrowed by every page that shows them.

use super::markdown::Html;
use serde::Serialize;

/// An entry as it appears in lists: related fixes, hub pages, recently updated.
#[derive(Debug, Clone, Serialize, Hash)]
pub(crate) struct Card {
    pub id: String,
    pub code: String,
    pub title: String,
    /// Plain text, so no link sits inside the card's link.
    pub summary: String,
    /// Root-relative URL of the entry page.
    pub url: String,
    pub source: String,
    pub class: Option<String>,
    pub updated: Option<String>,
}

/// An entry's row in comparison tables.
#[derive(Debug, Clone, Serialize, Hash)]
pub(crate) struct Row {
    pub id: String,
    pub code: String,
    pub title: String,
    pub name: String,
    pub generated_by: String,
    pub cause: String,
    pub first_check: String,
    pub class: String,
    pub cacheable: String,
    pub url: String,
}

/// A link with its text, such as a tag or a class.
#[derive(Debug, Clone, Serialize, Hash)]
pub(crate) struct Link {
    pub text: String,
    pub url: String,
    pub count: usize,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, Hash)]
pub(crate) struct Cause {
    pub title: Html,
    pub detail: Html,
    pub likelihood: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize, Hash)]
pub(crate) struct Step {
    pub title: Html,
    pub detail: Html,
    pub tip: Html,
}

#[derive(Debug, Clone, Serialize, Hash)]
pub(crate) struct Faq {
    pub q: String,
    pub a: Html,
}

/// Everything an entry page shows about the entry itself; Markdown fields as HTML.
#[derive(Debug, Clone, Serialize, Hash)]
pub(crate) struct EntryView {
    pub id: String,
    pub code: String,
    pub title: String,
    pub summary: Html,
    pub summary_text: String,
    pub name: Option<String>,
    pub also_known_as: Vec<String>,
    pub class: Option<Link>,
    pub status: Option<i64>,
    pub status_url: Option<String>,
    pub spec: Option<(String, String)>,
    pub iana: Option<&'static str>,
    pub cacheable: Option<String>,
    pub client_action: Html,
    pub fastest_fix: Vec<Html>,
    pub causes: Vec<Cause>,
    pub steps: Vec<Step>,
    pub estimated_time: Option<String>,
    pub faq: Vec<Faq>,
    pub messages: Vec<String>,
    pub tags: Vec<Link>,
    pub updated: Option<String>,
    pub body: Html,
    pub source: Link,
    pub edit_url: Option<String>,
    pub draft: bool,
}

/// Page numbers of a split list.
#[derive(Debug, Clone, Serialize, Hash)]
pub(crate) struct Pagination {
    pub current: usize,
    pub total: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// The comparison table of an entry or pair page: the columns whose values differ, and the
/// rows in docs/content.md order.
#[derive(Debug, Clone, Serialize, Hash)]
pub(crate) struct CompareTable {
    /// Labels of the shown columns after the code.
    pub columns: Vec<&'static str>,
    pub rows: Vec<TableRow>,
    /// The columns left out because every row has the same value: label and HTML.
    pub common: Vec<(&'static str, Html)>,
    /// How many rows show before the "show all" control.
    pub first: usize,
    /// Whether rows link to pair pages (entry pages) or not (pair pages).
    pub pairs: bool,
}

/// One row of a [`CompareTable`]; cells are HTML, in the order of the table's columns.
#[derive(Debug, Clone, Serialize, Hash)]
pub(crate) struct TableRow {
    pub code: String,
    /// From the page, `None` for the page's own entry.
    pub url: Option<String>,
    pub cells: Vec<Cell>,
    /// The pair page, from the page, on entry pages.
    pub pair_url: Option<String>,
}

#[derive(Debug, Clone, Serialize, Hash)]
pub(crate) struct Cell {
    pub label: &'static str,
    pub html: Html,
}
