//! The built-in theme's entry and comparison pages, written directly: byte for byte what
//! Tera makes of `themes/default/templates/` (`base.html`, `entry.html`, `compare.html`,
//! `compare_table.html`, `card.html`), in a fifth of the time. They are 20,000 of the
//! 20,500 pages of a 10,000-entry hub, and Tera was a fifth of its build (BENCHMARKS.md,
//! "Writing the built-in pages directly").
//!
//! The templates stay the theme's source: `init --theme` copies them, and a site that
//! changes any of them, or adds `head_extra.html`, is rendered by Tera. So is every site
//! once the built-in templates change, until this file is brought in step with them and
//! [`VERIFIED`] with their hash: `the_direct_pages_are_tera_s_pages` renders every entry
//! and comparison page of the fixture hub both ways and compares the bytes.

use super::{EntryPage, Meta, PairPage};
use crate::render::escape_into;
use crate::render::view::{Card, CompareTable};

/// The templates these pages are written from, by name.
const TEMPLATES: [&str; 5] = ["base.html", "entry.html", "compare.html", "compare_table.html", "card.html"];

/// The hash ([`hash`]) of the built-in [`TEMPLATES`] this file writes.
pub(crate) const VERIFIED: u64 = 0xe5bb_1ac8_3d89_b507;

/// The hash of the sources of [`TEMPLATES`], as `source` gives them.
pub(crate) fn hash<'a>(source: impl Fn(&str) -> Option<&'a str>) -> u64 {
    crate::render::markdown::key(TEMPLATES.map(source))
}

/// A page being written.
struct Out(String);

impl Out {
    fn raw(&mut self, text: &str) -> &mut Out {
        self.0.push_str(text);
        self
    }

    /// `{{ text }}`: escaped.
    fn text(&mut self, text: &str) -> &mut Out {
        escape_into(&mut self.0, text);
        self
    }

    /// `{{ text | escape | replace(from="_", to="_<wbr>") | safe }}`. Tera's `escape`
    /// filter is its own escaper, not the page's: it also writes `'` and `/` as entities.
    fn breakable(&mut self, text: &str) -> &mut Out {
        for c in text.chars() {
            match c {
                '&' => self.0.push_str("&amp;"),
                '<' => self.0.push_str("&lt;"),
                '>' => self.0.push_str("&gt;"),
                '"' => self.0.push_str("&quot;"),
                '\'' => self.0.push_str("&#x27;"),
                '/' => self.0.push_str("&#x2F;"),
                '_' => self.0.push_str("_<wbr>"),
                c => self.0.push(c),
            }
        }
        self
    }

    fn number(&mut self, n: impl std::fmt::Display) -> &mut Out {
        use std::fmt::Write;
        let _ = write!(self.0, "{n}");
        self
    }
}

/// A value a template tests with `{% if %}`: present and not empty.
fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

/// `base.html` around `content`, with `head` in its `head_extra` block.
fn layout(meta: &Meta<'_>, capacity: usize, head: impl FnOnce(&mut Out), content: impl FnOnce(&mut Out)) -> String {
    let mut o = Out(String::with_capacity(capacity));
    o.raw("<!DOCTYPE html>\n<html lang=\"").text(meta.lang).raw("\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>").text(&meta.title);
    o.raw("</title>\n<meta name=\"description\" content=\"").text(&meta.description);
    o.raw("\">\n<meta name=\"color-scheme\" content=\"light dark\">\n");
    if let Some(canonical) = filled(&meta.canonical) {
        o.raw("<link rel=\"canonical\" href=\"").text(canonical).raw("\">\n<meta property=\"og:url\" content=\"");
        o.text(canonical).raw("\">\n");
    }
    o.raw("<meta property=\"og:title\" content=\"").text(&meta.title);
    o.raw("\">\n<meta property=\"og:description\" content=\"").text(&meta.description);
    o.raw("\">\n<meta property=\"og:type\" content=\"").text(meta.og_type);
    o.raw("\">\n<meta property=\"og:site_name\" content=\"").text(meta.site_title);
    o.raw("\">\n<link rel=\"stylesheet\" href=\"").text(&meta.css).raw("\">\n");
    if let Some(favicon) = filled(&meta.favicon) {
        o.raw("<link rel=\"icon\" href=\"").text(favicon).raw("\" type=\"image/svg+xml\">\n");
    }
    if let Some(feed) = filled(&meta.feed_url) {
        o.raw("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"").text(meta.site_title);
        o.raw(": recently updated\" href=\"").text(feed).raw("\">\n");
    }
    if let Some(opensearch) = filled(&meta.opensearch_url) {
        o.raw("<link rel=\"search\" type=\"application/opensearchdescription+xml\" title=\"").text(meta.site_title);
        o.raw("\" href=\"").text(opensearch).raw("\">\n");
    }
    if !meta.search_js.is_empty() {
        o.raw("<script src=\"").text(&meta.search_js).raw("\" data-root=\"").text(&meta.root);
        o.raw("\" data-style=\"").text(meta.style).raw("\" defer></script>\n");
    }
    if !meta.reader_js.is_empty() {
        o.raw("<script src=\"").text(&meta.reader_js).raw("\"");
        if let Some(propose) = meta.propose_url.filter(|p| !p.is_empty()) {
            o.raw(" data-propose=\"").text(propose).raw("\"");
        }
        o.raw(" defer></script>\n");
    }
    head(&mut o);
    o.raw("\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header class=\"site-header\">\n");
    o.raw("  <div class=\"wrap\">\n    <a class=\"brand\" href=\"").text(&meta.home).raw("\">").text(meta.site_title);
    o.raw("</a>\n    <form class=\"site-search\" role=\"search\" method=\"get\" action=\"").text(&meta.search_url);
    o.raw(concat!(
        "\">\n      <label class=\"visually-hidden\" for=\"site-search-q\">Search errors</label>\n",
        "      <input id=\"site-search-q\" class=\"search-input\" type=\"search\" name=\"q\" ",
        "placeholder=\"Search errors or paste a log line\" autocomplete=\"off\" spellcheck=\"false\" ",
        "autocapitalize=\"off\" enterkeyhint=\"search\" aria-keyshortcuts=\"/\">\n",
        "      <kbd class=\"search-key\" aria-hidden=\"true\">/</kbd>\n    </form>\n",
        "    <nav class=\"site-nav\" aria-label=\"Sections\">\n      <ul>\n        ",
    ));
    for link in meta.nav {
        o.raw("<li><a href=\"").text(&meta.root).text(&link.url).raw("\">").text(&link.text);
        o.raw("</a></li>\n        ");
    }
    o.raw("\n      </ul>\n    </nav>\n  </div>\n</header>\n<main id=\"main\" class=\"wrap\" tabindex=\"-1\">\n");
    content(&mut o);
    o.raw("\n</main>\n<footer class=\"site-footer\">\n  <div class=\"wrap\">\n    <p>").text(meta.site_title);
    o.raw(" · built with faultline · works offline</p>\n  </div>\n</footer>\n</body>\n</html>\n");
    o.0
}

/// `card.html`, for a card on a page at `root`.
fn card(o: &mut Out, root: &str, card: &Card) {
    o.raw("<li><a href=\"").text(root).text(&card.url).raw("\">");
    if !card.title.contains(card.code.as_str()) {
        o.raw("<span class=\"code\">").breakable(&card.code).raw("</span> ");
    }
    o.breakable(&card.title).raw("</a><p>").text(&card.summary).raw("</p></li>\n");
}

/// `compare_table.html`.
fn table(o: &mut Out, table: &CompareTable) {
    let total = table.rows.len();
    if total > table.first {
        o.raw("<details class=\"more-rows\"><summary><span class=\"when-closed\">Show all ").number(total);
        o.raw(" rows</span><span class=\"when-open\">Show the first ").number(table.first);
        o.raw(" rows</span></summary></details>\n");
    }
    o.raw("<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Comparison table\">\n");
    o.raw("<table class=\"compare-table\">\n  <thead><tr><th scope=\"col\">Code</th>");
    for label in &table.columns {
        o.raw("<th scope=\"col\">").text(label).raw("</th>");
    }
    if table.pairs {
        o.raw("<th scope=\"col\">Side by side</th>");
    }
    o.raw("</tr></thead>\n  <tbody>\n  ");
    let first_code = table.rows.first().map_or("", |r| r.code.as_str());
    for (n, row) in table.rows.iter().enumerate() {
        let url = filled(&row.url);
        o.raw("<tr");
        if url.is_none() {
            o.raw(" class=\"self\"");
        } else if n + 1 > table.first {
            o.raw(" class=\"more\"");
        }
        o.raw("><th scope=\"row\">");
        match url {
            Some(url) => o.raw("<a href=\"").text(url).raw("\">").breakable(&row.code).raw("</a>"),
            None => o.breakable(&row.code),
        };
        o.raw("</th>");
        for cell in &row.cells {
            o.raw("<td data-label=\"").text(cell.label).raw("\">").raw(&cell.html.value).raw("</td>");
        }
        if table.pairs {
            o.raw("<td data-label=\"Side by side\">");
            match filled(&row.pair_url) {
                Some(pair) => {
                    o.raw("<a href=\"").text(pair).raw("\">").text(first_code).raw(" vs ").text(&row.code).raw("</a>")
                }
                None => o.raw("this page"),
            };
            o.raw("</td>");
        }
        o.raw("</tr>\n  ");
    }
    o.raw("\n  </tbody>\n</table>\n</div>\n");
    if !table.common.is_empty() {
        o.raw("<p class=\"note table-common\">");
        o.raw(if total == 2 { "The same for both" } else { "The same in every row" }).raw(": ");
        for (n, (label, value)) in table.common.iter().enumerate() {
            o.text(label).raw(" <span class=\"value\">").raw(&value.value).raw("</span>");
            if n + 1 < table.common.len() {
                o.raw(" · ");
            }
        }
        o.raw(".</p>");
    }
    o.raw("\n");
}

/// `entry.html`.
pub(crate) fn entry(page: &EntryPage<'_>) -> String {
    let head = |o: &mut Out| {
        o.raw("<script type=\"application/ld+json\">").raw(&page.json_ld).raw("</script>\n");
    };
    layout(&page.meta, 24 * 1024, head, |o| entry_content(o, page))
}

/// The `content` block of `entry.html`.
fn entry_content(o: &mut Out, page: &EntryPage<'_>) {
    let e = &page.entry;
    o.raw("\n<nav class=\"crumbs\" aria-label=\"Breadcrumb\">\n  <ol><li><a href=\"").text(&page.meta.home);
    o.raw("\">Home</a></li><li><a href=\"").text(&e.source.url).raw("\">").text(&e.source.text);
    o.raw("</a></li><li aria-current=\"page\">").breakable(&e.code).raw("</li></ol>\n</nav>\n");
    o.raw(
        "<article class=\"entry\">\n  <header class=\"entry-head\">\n    <p class=\"code-badge\"><span class=\"code\">",
    );
    o.breakable(&e.code).raw("</span>");
    if let Some(class) = &e.class {
        o.raw(" <a class=\"class class-").text(&class.text).raw("\" href=\"").text(&class.url).raw("\">");
        o.text(&class.text).raw(" ").text(&class.detail).raw("</a>");
    }
    // The template compares the source link, not its name, with "http": always unequal.
    if let Some(status) = e.status.filter(|&s| s != 0) {
        o.raw(" <span class=\"status\">returns ");
        match filled(&e.status_url) {
            Some(url) => o.raw("<a href=\"").text(url).raw("\">HTTP ").number(status).raw("</a>"),
            None => o.raw("HTTP ").number(status),
        };
        o.raw("</span>");
    }
    if e.draft {
        o.raw(" <span class=\"draft\">Draft</span>");
    }
    o.raw("</p>\n    <h1>").breakable(&e.title).raw("</h1>\n    <p class=\"lead\">").raw(&e.summary.value);
    o.raw("</p>\n    ");
    if let Some(updated) = filled(&e.updated) {
        o.raw("<p class=\"updated\">Updated <time datetime=\"").text(updated).raw("\">").text(updated).raw("</time>");
        if let Some(time) = filled(&e.estimated_time) {
            o.raw(" · fix time ").text(time);
        }
        o.raw("</p>");
    }
    o.raw("\n  </header>\n\n  <section id=\"fastest-fix\" class=\"fastest\" aria-labelledby=\"fastest-fix-h\">\n");
    o.raw("    <h2 id=\"fastest-fix-h\">Fastest fix</h2>\n    ");
    if e.fastest_fix.is_empty() {
        o.raw("<p>No quick fix is known; follow the steps below.</p>");
    } else {
        o.raw("<ol>");
        for item in &e.fastest_fix {
            o.raw("<li>").raw(&item.value).raw("</li>");
        }
        o.raw("</ol>\n    <p class=\"note\">Step 1 fixes most cases; then work down the list.</p>\n    ");
    }
    o.raw("\n  </section>\n\n  ");
    if page.toc.value.len() > 1 {
        o.raw("<nav class=\"toc\" aria-labelledby=\"toc-h\">\n    <h2 id=\"toc-h\">On this page</h2>\n    <ol>");
        for link in &page.toc.value {
            o.raw("<li><a href=\"").text(&link.url).raw("\">").text(&link.text).raw("</a></li>");
        }
        o.raw("</ol>\n  </nav>");
    }
    o.raw("\n\n");
    quick_reference(o, page);
    causes_and_steps(o, page);
    entry_rest(o, page);
}

/// The quick reference of `entry.html`.
fn quick_reference(o: &mut Out, page: &EntryPage<'_>) {
    let e = &page.entry;
    o.raw("  <section class=\"quickref\" aria-labelledby=\"quickref-h\">\n    <h2 id=\"quickref-h\">Quick reference</h2>\n");
    o.raw("    <dl>\n      <div><dt>Code</dt><dd><code>").text(&e.code).raw("</code></dd></div>\n      ");
    if let Some(name) = filled(&e.name) {
        o.raw("<div><dt>Name</dt><dd>").text(name).raw("</dd></div>");
    }
    o.raw("\n      ");
    if !e.also_known_as.is_empty() {
        o.raw("<div><dt>Also known as</dt><dd>").text(&e.also_known_as.join(", ")).raw("</dd></div>");
    }
    o.raw("\n      ");
    if let Some(class) = &e.class {
        o.raw("<div><dt>Class</dt><dd><a href=\"").text(&class.url).raw("\">").text(&class.text).raw(" ");
        o.text(&class.detail).raw("</a></dd></div>");
    }
    o.raw("\n      ");
    if let Some(status) = e.status.filter(|&s| s != 0) {
        o.raw("<div><dt>HTTP status</dt><dd>");
        match filled(&e.status_url) {
            Some(url) => o.raw("<a href=\"").text(url).raw("\">").number(status).raw("</a>"),
            None => o.number(status),
        };
        o.raw("</dd></div>");
    }
    o.raw("\n      ");
    if let Some((label, url)) = &e.spec {
        o.raw("<div><dt>Specification</dt><dd><a href=\"").text(url).raw("\">").text(label).raw("</a></dd></div>");
    }
    o.raw("\n      ");
    if let Some(iana) = e.iana.filter(|i| !i.is_empty()) {
        o.raw("<div><dt>IANA registry</dt><dd>").text(iana).raw("</dd></div>");
    }
    o.raw("\n      ");
    if let Some(cacheable) = filled(&e.cacheable) {
        o.raw("<div><dt>Cacheable</dt><dd>").text(cacheable).raw("</dd></div>");
    }
    o.raw("\n      ");
    if !e.client_action.value.is_empty() {
        o.raw("<div><dt>What a client should do</dt><dd>").raw(&e.client_action.value).raw("</dd></div>");
    }
    o.raw("\n    </dl>\n  </section>\n\n");
}

/// The causes and the steps of `entry.html`.
fn causes_and_steps(o: &mut Out, page: &EntryPage<'_>) {
    let e = &page.entry;
    o.raw("  <section id=\"causes\" aria-labelledby=\"causes-h\">\n    <h2 id=\"causes-h\">Common causes</h2>\n    ");
    if e.causes.is_empty() {
        o.raw("<p>No causes are listed yet.</p>");
    } else {
        o.raw("<ul class=\"causes\">\n    ");
        for cause in &e.causes {
            o.raw("<li>\n      <h3>").raw(&cause.title.value);
            if let Some(likelihood) = cause.likelihood.filter(|l| !l.is_empty()) {
                o.raw(" <span class=\"likelihood likelihood-").text(likelihood).raw("\">").text(likelihood);
                o.raw(" likelihood</span>");
            }
            o.raw("</h3>\n      ").raw(&cause.detail.value).raw("\n    </li>");
        }
        o.raw("\n    </ul>");
    }
    o.raw("\n  </section>\n\n  <section id=\"steps\" aria-labelledby=\"steps-h\">\n");
    o.raw("    <h2 id=\"steps-h\">Step-by-step fix</h2>\n    ");
    if let Some(time) = filled(&e.estimated_time) {
        o.raw("<p class=\"note\">Estimated time: ").text(time).raw("</p>");
    }
    o.raw("\n    ");
    if e.steps.is_empty() {
        o.raw("<p>No steps are listed yet.</p>");
    } else {
        o.raw("<ol class=\"steps\">\n    ");
        for step in &e.steps {
            o.raw("<li>\n      <h3>").raw(&step.title.value).raw("</h3>\n      ").raw(&step.detail.value);
            o.raw("\n      ");
            if !step.tip.value.is_empty() {
                o.raw("<div class=\"tip\"><strong>Tip:</strong> ").raw(&step.tip.value).raw("</div>");
            }
            o.raw("\n    </li>");
        }
        o.raw("\n    </ol>");
    }
    o.raw("\n  </section>\n\n  ");
}

/// `entry.html` from the body to the end.
fn entry_rest(o: &mut Out, page: &EntryPage<'_>) {
    let e = &page.entry;
    if !e.body.value.is_empty() {
        o.raw("<section class=\"prose\" aria-label=\"Details\">\n    ").raw(&e.body.value).raw("\n  </section>");
    }
    o.raw("\n\n  ");
    if !e.messages.is_empty() {
        o.raw("<section class=\"messages\" aria-labelledby=\"messages-h\">\n    <h2 id=\"messages-h\">As seen in logs</h2>\n");
        o.raw("    <ul class=\"log-lines\">");
        for m in &e.messages {
            o.raw("<li><code>").text(m).raw("</code></li>");
        }
        o.raw("</ul>\n  </section>");
    }
    o.raw(concat!(
        "\n\n  <section class=\"edit-error\" aria-labelledby=\"edit-your-error-h\">\n",
        "    <h2 id=\"edit-your-error-h\">Edit your error</h2>\n",
        "    <p>Change the message, or paste the line from your own log: the best matching fixes show as you type. ",
        "If none fits, propose it as a new page.</p>\n",
        "    <form id=\"edit-your-error\" method=\"get\" action=\"",
    ));
    o.text(&page.meta.search_url).raw("\" data-id=\"").text(&e.id).raw(concat!(
        "\">\n      <label for=\"edit-your-error-q\">Your error message</label>\n",
        "      <textarea id=\"edit-your-error-q\" class=\"search-input\" name=\"q\" rows=\"3\" spellcheck=\"false\" ",
        "autocapitalize=\"off\" autocomplete=\"off\">",
    ));
    o.text(e.messages.first().unwrap_or(&e.title)).raw(concat!(
        "</textarea>\n      <p class=\"edit-actions\"><button type=\"submit\">Find the fix</button> ",
        "<span class=\"note no-script\">Without JavaScript the button opens the search page.</span></p>\n",
        "      <div id=\"edit-your-error-results\" class=\"edit-results\" aria-live=\"polite\"></div>\n",
        "    </form>\n  </section>\n\n  <section id=\"faq\" aria-labelledby=\"faq-h\">\n    <h2 id=\"faq-h\">FAQ</h2>\n    ",
    ));
    if e.faq.is_empty() {
        o.raw("<p>No questions yet.</p>");
    }
    for item in &e.faq {
        o.raw("<h3>").text(&item.q).raw("</h3>\n    ").raw(&item.a.value).raw("\n    ");
    }
    o.raw("\n  </section>\n\n  <section id=\"compare\" aria-labelledby=\"compare-h\">\n");
    o.raw("    <h2 id=\"compare-h\">Compare</h2>\n    ");
    match &page.table {
        Some(t) => table(o, t),
        None => {
            o.raw("<p>No comparisons for this error yet.</p>");
        }
    }
    o.raw("\n  </section>\n\n  ");
    entry_cards(o, page);
}

/// The platform errors that return the entry's status, its related fixes and its footer.
fn entry_cards(o: &mut Out, page: &EntryPage<'_>) {
    let (e, root) = (&page.entry, &page.meta.root);
    if !page.returned_by.is_empty() {
        let anchor = &page.returned_anchor;
        o.raw("<section id=\"").text(anchor).raw("\" aria-labelledby=\"").text(anchor).raw("-h\">\n    <h2 id=\"");
        o.text(anchor).raw("-h\">Errors that return ").text(&e.code).raw("</h2>\n");
        o.raw("    <p>Platform errors that reach the client as HTTP ").text(&e.code);
        o.raw(": the status says little, the platform's code says why.</p>\n    <ul class=\"cards\">");
        page.returned_by.iter().for_each(|c| card(o, root, c));
        o.raw("</ul>\n  </section>");
    }
    o.raw("\n\n  <section id=\"related\" aria-labelledby=\"related-h\">\n    <h2 id=\"related-h\">Related fixes</h2>\n    ");
    if page.related.is_empty() {
        o.raw("<p>No related fixes yet.</p>");
    } else {
        o.raw("<ul class=\"cards\">");
        page.related.iter().for_each(|c| card(o, root, c));
        o.raw("</ul>\n    ");
    }
    o.raw("\n  </section>\n\n  <footer class=\"entry-foot\">\n    ");
    if !e.tags.is_empty() {
        o.raw("<p class=\"tags\">Tags: ");
        for (n, tag) in e.tags.iter().enumerate() {
            o.raw("<a href=\"").text(&tag.url).raw("\">").text(&tag.text).raw("</a>");
            if n + 1 < e.tags.len() {
                o.raw(", ");
            }
        }
        o.raw("</p>");
    }
    o.raw("\n    ");
    if let Some(url) = filled(&e.edit_url) {
        o.raw("<p><a href=\"").text(url).raw("\">Edit this page</a></p>");
    }
    o.raw("\n  </footer>\n</article>\n");
}

/// `compare.html`.
pub(crate) fn pair(page: &PairPage<'_>) -> String {
    layout(&page.meta, 8 * 1024, |_| {}, |o| pair_content(o, page))
}

/// The `content` block of `compare.html`.
fn pair_content(o: &mut Out, page: &PairPage<'_>) {
    let [a, b] = &page.sides;
    o.raw("\n<nav class=\"crumbs\" aria-label=\"Breadcrumb\">\n  <ol><li><a href=\"").text(&page.meta.home);
    o.raw("\">Home</a></li><li><a href=\"").text(&page.meta.compare_url).raw("\">Comparisons</a></li>");
    o.raw("<li aria-current=\"page\">").text(&a.entry.code).raw(" vs ").text(&b.entry.code).raw("</li></ol>\n</nav>\n");
    o.raw("<h1>").text(&a.entry.title).raw(" vs ").text(&b.entry.title).raw("</h1>\n");
    table(o, &page.table);
    o.raw("\n");
    if !page.prose.value.is_empty() {
        o.raw("<section class=\"prose\" aria-label=\"How to tell them apart\">")
            .raw(&page.prose.value)
            .raw("</section>");
    }
    o.raw("\n<div class=\"side-by-side\">\n");
    for (n, side) in page.sides.iter().enumerate() {
        let e = &side.entry;
        o.raw("<section aria-labelledby=\"side-").number(n + 1).raw("\">\n  <h2 id=\"side-").number(n + 1);
        o.raw("\"><a href=\"").text(&page.meta.root).text(&side.row.url).raw("\">").text(&e.title).raw("</a></h2>\n");
        o.raw("  <p>").raw(&e.summary.value).raw("</p>\n  ");
        if !e.fastest_fix.is_empty() {
            o.raw("<h3>Fastest fix</h3><ol>");
            for item in &e.fastest_fix {
                o.raw("<li>").raw(&item.value).raw("</li>");
            }
            o.raw("</ol>");
        }
        o.raw("\n  ");
        if !e.causes.is_empty() {
            o.raw("<h3>Common causes</h3><ul>");
            for c in &e.causes {
                o.raw("<li>").raw(&c.title.value);
                if let Some(likelihood) = c.likelihood.filter(|l| !l.is_empty()) {
                    o.raw(" <span class=\"likelihood likelihood-").text(likelihood).raw("\">").text(likelihood);
                    o.raw("</span>");
                }
                o.raw("</li>");
            }
            o.raw("</ul>");
        }
        o.raw("\n  ");
        if !e.messages.is_empty() {
            o.raw("<h3>As seen in logs</h3><ul class=\"log-lines\">");
            for m in &e.messages {
                o.raw("<li><code>").text(m).raw("</code></li>");
            }
            o.raw("</ul>");
        }
        o.raw("\n</section>\n");
    }
    o.raw("\n</div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::templates::Templates;
    use crate::render::urls::LinkStyle;
    use crate::render::{Job, Options, PageView, Renderer, View};
    use std::path::Path;

    /// Every entry and comparison page of `root`, in both link styles, written directly and
    /// by Tera from the theme's templates.
    fn compare_every_page(root: &Path) -> usize {
        let checked = crate::cmd::check::run(root, false).unwrap();
        assert!(!checked.has_errors(), "{root:?} does not check: {:?}", checked.diagnostics);
        let theme = crate::load::theme::load(root, &checked.site.config.theme).unwrap();
        let templates = Templates::compile(&theme).unwrap();
        let mut pages = 0;
        for (style, base_url) in
            [(LinkStyle::Folder, Some("https://example.com/".to_string())), (LinkStyle::File, None)]
        {
            let options = Options { style, base_url, assets: Default::default(), page_size: 3 };
            let index = crate::search::Index::build(&checked.site, &checked.graph.included).unwrap();
            let renderer = Renderer::new((&checked.site, &checked.graph), &templates, &options, index);
            for job in renderer.jobs().into_iter().filter(|j| matches!(j, Job::Entry(_) | Job::Pair(_))) {
                let (direct, name, page) = match renderer.view(&job).unwrap() {
                    View::Entry(PageView::Entry(page), _) => (entry(&page), "entry.html", PageView::Entry(page)),
                    View::Page(name, PageView::Pair(page)) => (pair(&page), name, PageView::Pair(page)),
                    _ => unreachable!("entry and pair jobs make entry and pair pages"),
                };
                let tera = templates.render(name, &page).unwrap();
                if direct != tera {
                    let at = direct.bytes().zip(tera.bytes()).take_while(|(a, b)| a == b).count();
                    let from = at.saturating_sub(200);
                    panic!(
                        "{job:?} in {style:?} differs at byte {at}\n--- direct:\n{}\n--- Tera:\n{}",
                        &direct[from..(at + 200).min(direct.len())],
                        &tera[from..(at + 200).min(tera.len())]
                    );
                }
                pages += 1;
            }
        }
        pages
    }

    /// The hostile entry of tests/browser/hostile.mjs (markup and script in every field) in
    /// a copy of the clean fixture, with a hostile title, edit URL and proposal URL.
    fn hostile_site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean");
        for file in walkdir::WalkDir::new(&from).into_iter().flatten().filter(|f| f.file_type().is_file()) {
            let to = dir.path().join(file.path().strip_prefix(&from).unwrap());
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(file.path(), to).unwrap();
        }
        let entry = [
            "---",
            "title: \"<script>alert(1)</script> Hostile's/'E_70'\"",
            "code: E_70",
            "summary: \"See [s](javascript%3Aalert(2)), <img src=x onerror=alert(3)> & [t](#javascript:alert(4)).\"",
            "spec: { label: \"<b onmouseover=alert(5)>spec</b>\", url: \"https://example.com/?u=javascript:alert(6)&a='b'\" }",
            "client_action: \"[c](./javascript:alert(7)) or <a href=\\\"javascript:alert(8)\\\">raw</a>\"",
            "estimated_time: \"<i>5</i> min\"",
            "also_known_as: [\"a<b\", \"c\\\"d\"]",
            "fastest_fix:",
            "  - \"[f](HTTPS://example.com/\\\"onmouseover=alert(9)//) and [g](//example.com/javascript:alert(10))\"",
            "causes:",
            "  - { title: \"<svg onload=alert(11)>\", detail: \"[d](mailto:a@b.c?body=javascript:alert(12))\", likelihood: high }",
            "steps:",
            "  - { title: \"s\", detail: \"![i](data%3Atext/html,x)\", tip: \"<b>t</b>\" }",
            "faq:",
            "  - { q: \"q<script>alert(14)</script>\", a: \"<iframe src=javascript:alert(15)></iframe>\" }",
            "messages: [\"<script>alert(17)</script> 'x' & \\\"y\\\"\"]",
            "tags: [\"a-b\", \"c\"]",
            "related: [http/502]",
            "---",
            "## <img src=x onerror=alert(22)>",
            "",
            "`<script>alert(23)</script>` and [m](@/http/502#causes)",
            "",
        ];
        std::fs::write(dir.path().join("content/acme/e70.md"), entry.join("\n")).unwrap();
        let site = [
            "title: Hostile <script>alert(24)</script> 'x' & \"y\"",
            "base_url: https://example.com/",
            "edit_url: \"https://example.com/edit/{path}?javascript:alert(25)&a='b'\"",
            "propose_url: \"https://example.com/new?v={content}&x=javascript:alert(26)\"",
            "",
        ];
        std::fs::write(dir.path().join("site.yaml"), site.join("\n")).unwrap();
        dir
    }

    #[test]
    fn the_direct_pages_are_tera_s_pages() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        // The fixture hub has every kind of field, drafts, tables of many rows; the hub's
        // own content is what readers see; the hostile site has markup in every field.
        assert!(compare_every_page(&repo.join("tests/fixtures/hub")) > 200);
        assert!(compare_every_page(repo) > 800);
        assert!(compare_every_page(hostile_site().path()) > 10);
    }

    /// The built-in templates are those this file was last brought in step with: a change
    /// to one turns the direct pages off (every site is then rendered by Tera) until this
    /// file writes what the changed templates do and [`VERIFIED`] is their hash again.
    #[test]
    fn the_direct_pages_are_written_from_the_built_in_templates() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let theme = crate::load::theme::load(repo, "default").unwrap();
        let now = hash(|name| theme.templates.get(name).map(String::as_str));
        assert_eq!(
            now, VERIFIED,
            "themes/default/templates changed: make src/render/pages/builtin.rs write what they do (the test \
             the_direct_pages_are_tera_s_pages compares every page), then set VERIFIED to {now:#x}"
        );
    }
}
