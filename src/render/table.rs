//! The comparison table (docs/content.md) of entry and pair pages: rows in a useful order, only the
//! columns whose values differ, and inline Markdown in the cells.

use super::markdown::{self, Ctx, Html};
use super::view::{Cell, CompareTable, Row, TableRow};
use super::{Renderer, escape};

/// Rows shown before the "show all" control.
pub(super) const FIRST_ROWS: usize = 5;

const COLUMNS: [&str; 6] = ["Name", "Who generates it", "Cause", "First place to check", "Class", "Cacheable"];

/// One row to show: the entry's row, its link and its pair page's link, from the page.
pub(super) struct Line<'r> {
    pub row: &'r Row,
    pub url: Option<String>,
    pub pair_url: Option<String>,
}

/// A row's values by column, as written.
fn texts(row: &Row) -> [&str; 6] {
    [&row.name, &row.generated_by, &row.cause, &row.first_check, &row.class, &row.cacheable]
}

/// A row's values by column, as HTML: plain fields escaped, Markdown fields inline.
fn values(row: &Row, ctx: &Ctx<'_>) -> [Html; 6] {
    let inline = |text: &str| markdown::inline(text, ctx);
    let plain = |text: &str| Html::plain(escape(text));
    [
        plain(&row.name),
        inline(&row.generated_by),
        inline(&row.cause),
        inline(&row.first_check),
        plain(&row.class),
        plain(&row.cacheable),
    ]
}

/// The table of `lines`, in the order given. A column whose value is the same in every row
/// is left out of the table and listed once in `common` instead. Values are compared as
/// written, so that the table of a sketch has the shape of the rendered one.
pub(super) fn table(lines: Vec<Line<'_>>, ctx: &Ctx<'_>) -> CompareTable {
    let pairs = lines.iter().any(|l| l.pair_url.is_some());
    let values: Vec<[Html; 6]> = lines.iter().map(|l| values(l.row, ctx)).collect();
    let varies: Vec<bool> =
        (0..COLUMNS.len()).map(|c| values.len() < 2 || values.iter().any(|v| v[c].key != values[0][c].key)).collect();
    let common = (0..COLUMNS.len())
        .filter(|&c| !varies[c] && lines.first().is_some_and(|l| texts(l.row)[c] != "—"))
        .map(|c| (COLUMNS[c], values[0][c].clone()))
        .collect();
    let rows = lines
        .into_iter()
        .zip(values)
        .map(|(line, values)| TableRow {
            code: line.row.code.clone(),
            url: line.url,
            cells: values
                .into_iter()
                .enumerate()
                .filter(|(c, _)| varies[*c])
                .map(|(c, html)| Cell { label: COLUMNS[c], html })
                .collect(),
            pair_url: line.pair_url,
        })
        .collect();
    let columns = (0..COLUMNS.len()).filter(|&c| varies[c]).map(|c| COLUMNS[c]).collect();
    CompareTable { columns, rows, common, first: FIRST_ROWS, pairs }
}

impl Renderer<'_> {
    /// Entry `i`'s comparison partners in table order (docs/content.md): the ids of its own
    /// `compare` as written, then the entries that named it, in natural order.
    pub(super) fn partner_order(&self, i: usize) -> Vec<usize> {
        let partners = self.model.partners(i);
        let mut order: Vec<usize> = Vec::with_capacity(partners.len());
        for r in &self.model.entry(i).compare {
            if let Some(&p) = self.index.get(r.id.as_str()) {
                if partners.binary_search(&p).is_ok() && !order.contains(&p) {
                    order.push(p);
                }
            }
        }
        let named: Vec<usize> = order.clone();
        order.extend(partners.iter().copied().filter(|p| !named.contains(p)));
        order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: &str, cause: &str) -> Row {
        let dash = "—".to_string();
        Row {
            id: format!("x/{code}"),
            code: code.to_string(),
            title: code.to_string(),
            name: code.to_string(),
            generated_by: dash.clone(),
            cause: cause.to_string(),
            first_check: dash.clone(),
            class: dash.clone(),
            cacheable: "No".to_string(),
            url: format!("x/{code}/"),
        }
    }

    /// A sketch's table has the rendered table's shape: the same columns shown and left out,
    /// with Markdown fields absent from every row ("—") left out of both.
    #[test]
    fn a_sketched_table_has_the_rendered_shape() {
        let url_of = |_: &str| None;
        let (a, b) = (row("A1", "The `pool` is *full*."), row("B2", "The pool is gone."));
        let shape = |sketch: bool| {
            let ctx = Ctx { root: "../../", url_of: &url_of, raw_html: false, sketch };
            let line = |row| Line { row, url: None, pair_url: None };
            let table = table(vec![line(&a), line(&b)], &ctx);
            let common: Vec<&str> = table.common.iter().map(|(label, _)| *label).collect();
            (table.columns.clone(), common, markdown::key(&table))
        };
        assert_eq!(shape(false), shape(true));
        assert_eq!(shape(false).0, ["Name", "Cause"]);
        assert_eq!(shape(false).1, ["Cacheable"]);
    }
}
