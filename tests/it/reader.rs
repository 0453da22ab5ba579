//! What a reader lands on (issue 12): the comparison table's rows and columns, the platform
//! errors listed on their status's page, the home page's most linked errors, class pages
//! by source, the favicon, `feed.xml`, `opensearch.xml` and the JSON-LD of entry pages.

use crate::harness::{Site, themed_fixture as fixture};
use serde_json::Value;
use std::path::PathBuf;

fn build(site: &Site, extra: &[&str]) -> PathBuf {
    let mut args = vec!["build"];
    args.extend_from_slice(extra);
    site.run(&args).assert_exit(0);
    site.path().join("public")
}

fn page(out: &std::path::Path, rel: &str) -> String {
    String::from_utf8(std::fs::read(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))).unwrap()
}

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start:?}")) + start.len();
    let to = text[from..].find(end).unwrap_or_else(|| panic!("no {end:?} after {start:?}")) + from;
    &text[from..to]
}

/// Every text between `start` and the next `end`, in order.
fn all_between<'a>(text: &'a str, start: &str, end: &str) -> Vec<&'a str> {
    text.match_indices(start)
        .map(|(i, _)| {
            let rest = &text[i + start.len()..];
            &rest[..rest.find(end).unwrap()]
        })
        .collect()
}

/// The codes of an entry page's comparison rows, in order.
fn table_codes(html: &str) -> Vec<String> {
    let table = between(html, "<table class=\"compare-table\">", "</table>");
    all_between(table, "<th scope=\"row\">", "</th>")
        .into_iter()
        .map(|cell| {
            let text = match cell.find('>') {
                Some(i) if cell.starts_with("<a") => &cell[i + 1..cell.len() - "</a>".len()],
                _ => cell,
            };
            text.replace("<wbr>", "")
        })
        .collect()
}

#[test]
fn comparison_rows_follow_the_entrys_own_list_then_those_that_named_it() {
    let site = fixture()
        .with("content/acme/e300.md", "---\ntitle: E300\ncode: E300\nsummary: s.\ncompare: [http/502]\n---\n")
        .with("content/acme/e21.md", "---\ntitle: E21\ncode: E21\nsummary: s.\ncompare: [http/502]\n---\n")
        .with("content/zeta/z1.md", "---\ntitle: Z1\ncode: Z1\nsummary: s.\ncompare: [http/502]\n---\n");
    let out = build(&site, &[]);
    let html = page(&out, "http/502/index.html");
    // 502 writes `compare: [http/504, http/503]`; 504 names 502 too, so it is not repeated.
    assert_eq!(table_codes(&html), ["502", "504", "503", "E21", "E300", "Z1"]);
    // Rows after the fifth wait behind a "show all" control that needs no script.
    assert!(html.contains("<details class=\"more-rows\"><summary><span class=\"when-closed\">Show all 6 rows</span>"));
    assert_eq!(html.matches("<tr class=\"more\">").count(), 1, "only the sixth row is folded");
    assert!(html.contains("<tr class=\"self\">"));
}

#[test]
fn comparison_cells_render_inline_markdown_and_same_valued_columns_fold_into_a_note() {
    let site = fixture().with(
        "content/http/504.md",
        "---\ntitle: 504 Gateway Timeout\ncode: \"504\"\nsummary: A proxy gave up.\ncompare: [http/502]\n\
         generated_by: \"`nginx` or a *CDN*\"\ntypical_cause: \"A slow [upstream](@/http/503)\"\n---\n",
    );
    let out = build(&site, &[]);
    let html = page(&out, "http/502/index.html");
    let table = between(&html, "<table class=\"compare-table\">", "</table>");
    assert!(table.contains("<td data-label=\"Who generates it\"><code>nginx</code> or a <em>CDN</em></td>"), "{table}");
    assert!(table.contains("<a href=\"../../http/503/\">upstream</a>"), "{table}");
    assert!(!table.contains('`'), "no literal backtick in a cell: {table}");
    // Every row is 5xx: the class column is left out and said once below the table.
    let head = between(table, "<thead>", "</thead>");
    assert!(!head.contains(">Class<") && head.contains(">Cause<"), "{head}");
    assert!(html.contains("The same in every row: Class <span class=\"value\">5xx Server Error</span>"));
    // The pair page has the same cells, from its own folder.
    let pair = page(&out, "compare/http-502-vs-http-504/index.html");
    assert!(pair.contains("<code>nginx</code> or a <em>CDN</em>") && pair.contains("The same for both: "));
}

#[test]
fn an_http_page_lists_the_platform_errors_that_return_its_status() {
    let site = fixture();
    let out = build(&site, &[]);
    let html = page(&out, "http/503/index.html");
    let section = between(&html, "<section id=\"errors-that-return\"", "</section>");
    assert!(section.contains(">Errors that return 503</h2>"), "{section}");
    // heroku/h10 has `status: 503`; heroku/h12 too, but it is a draft left out of the build.
    assert_eq!(all_between(section, "<li><a href=\"", "\""), ["../../heroku/h10/"]);
    assert!(section.contains("H10: App crashed"));
    let toc = between(&html, "<nav class=\"toc\"", "</nav>");
    assert!(toc.contains("<a href=\"#errors-that-return\">Errors that return 503</a>"), "{toc}");
    // The platform error links back to its status.
    assert!(page(&out, "heroku/h10/index.html").contains("<a href=\"../../http/503/\">HTTP 503</a>"));
    // No platform error returns 502 in this site: no section.
    assert!(!page(&out, "http/502/index.html").contains("Errors that return"));
    // A body heading that takes the anchor pushes the section to the next free one.
    let site = fixture().with(
        "content/http/503.md",
        "---\ntitle: 503 Service Unavailable\ncode: \"503\"\nsummary: s.\n---\n## Errors that return\ntext\n",
    );
    let out = build(&site, &[]);
    let html = page(&out, "http/503/index.html");
    assert!(html.contains("<section id=\"errors-that-return-1\""));
    assert_eq!(html.matches("id=\"errors-that-return\"").count(), 1, "the body heading keeps its own");
}

#[test]
fn on_this_page_lists_the_sections_the_page_has() {
    let site = fixture();
    let out = build(&site, &[]);
    let toc = between(&page(&out, "http/502/index.html"), "<nav class=\"toc\"", "</nav>").to_string();
    let targets = all_between(&toc, "<a href=\"", "\"");
    assert_eq!(targets, ["#fastest-fix", "#steps", "#upstream-closed-the-connection", "#faq", "#compare", "#related"]);
}

#[test]
fn the_home_page_leads_with_search_then_the_most_linked_errors() {
    let site = fixture();
    let out = build(&site, &[]);
    let html = page(&out, "index.html");
    assert!(html.contains("<h1>Acme error hub</h1>"), "the site title from site.yaml");
    let hero = between(&html, "<div class=\"hero\">", "</div>\n");
    assert!(hero.contains("<label for=\"site-search-q\">Paste an error message or a status code</label>"));
    let popular = between(&html, "<h2 id=\"popular-h\">Errors people hit most</h2>", "</section>");
    // Distinct linking entries: e100 and 502 three each (ties in natural order), 503 and
    // 504 two, e9 and e10 one; h10 is linked only by a draft, 404 by nothing.
    assert_eq!(
        all_between(popular, "<li><a href=\"", "\""),
        ["acme/e100/", "http/502/", "http/503/", "http/504/", "acme/e9/", "acme/e10/"]
    );
    assert!(html.find("popular-h").unwrap() < html.find("sources-h").unwrap());
}

#[test]
fn class_pages_group_entries_by_source_http_first_and_cards_show_the_code_once() {
    let site = fixture().with(
        "content/vercel/deployment-not-found.md",
        "---\ntitle: Vercel DEPLOYMENT_NOT_FOUND\ncode: DEPLOYMENT_NOT_FOUND\nsummary: s.\nstatus: 404\n---\n",
    );
    let out = build(&site, &[]);
    let html = page(&out, "http/5xx/index.html");
    assert_eq!(all_between(&html, "<h2 id=\"group-", "<span"), ["1\">HTTP status codes ", "2\">acme ", "3\">heroku "]);
    let cards = page(&out, "http/4xx/index.html");
    assert!(
        cards.contains(">Vercel DEPLOYMENT_<wbr>NOT_<wbr>FOUND</a>"),
        "the code is not repeated before a title holding it, and breaks only at `_`"
    );
    assert!(page(&out, "http/index.html").contains("<li><a href=\"../http/502/\">502 Bad Gateway</a>"));
}

#[test]
fn every_page_links_the_theme_favicon_which_static_may_replace() {
    let site = fixture();
    let out = build(&site, &[]);
    assert!(out.join("favicon.svg").is_file());
    assert!(page(&out, "index.html").contains("<link rel=\"icon\" href=\"favicon.svg\" type=\"image/svg+xml\">"));
    assert!(page(&out, "http/502/index.html").contains("<link rel=\"icon\" href=\"../../favicon.svg\""));
    let site = fixture().with("static/favicon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    let out = build(&site, &[]);
    assert_eq!(std::fs::read(out.join("favicon.svg")).unwrap(), b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
}

#[test]
fn feed_xml_is_atom_with_the_most_recently_updated_entries() {
    let site = fixture();
    let out = build(&site, &[]);
    let feed = page(&out, "feed.xml");
    assert!(
        feed.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">")
    );
    // RFC 4287: a feed has id, title, updated and an author (or every entry has one).
    for element in ["<id>https://errors.example.com/</id>", "<title>Acme error hub</title>", "<author><name>"] {
        assert!(feed.contains(element), "{element} in {feed}");
    }
    assert!(feed.contains("<updated>2026-04-20T00:00:00Z</updated>\n  <author>"), "the newest entry's date");
    assert!(
        feed.contains(
            "<link rel=\"self\" type=\"application/atom+xml\" href=\"https://errors.example.com/feed.xml\"/>"
        )
    );
    // Only dated entries, newest first, each with id, title, updated and a link.
    let ids = all_between(&feed, "<entry>\n    <title>", "</title>");
    assert_eq!(ids, ["H10: App crashed", "E10: deploy rejected"]);
    assert!(feed.contains("<id>https://errors.example.com/heroku/h10/</id>"));
    assert_eq!(feed.matches("<entry>").count(), feed.matches("<updated>").count() - 1);
    assert!(page(&out, "http/502/index.html").contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Acme error hub: recently updated\" href=\"../../feed.xml\">"
    ));

    // At most 50 entries, text escaped.
    let mut site = fixture();
    for n in 0..60 {
        site = site.with(
            &format!("content/bulk/b{n}.md"),
            format!("---\ntitle: \"B{n} <&> \"\ncode: B{n}\nsummary: s.\nupdated: 2025-01-{:02}\n---\n", n % 28 + 1),
        );
    }
    let feed = page(&build(&site, &[]), "feed.xml");
    assert_eq!(feed.matches("<entry>").count(), 50);
    assert!(feed.contains("&lt;&amp;&gt;") && !feed.contains("<&>"));
}

#[test]
fn opensearch_xml_searches_the_search_page_and_every_page_links_it() {
    let site = fixture();
    let out = build(&site, &[]);
    let xml = page(&out, "opensearch.xml");
    assert!(xml.contains("<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">"));
    assert!(xml.contains("<ShortName>Acme error hub</ShortName>"));
    assert!(xml.contains(
        "<Url type=\"text/html\" method=\"get\" template=\"https://errors.example.com/search/?q={searchTerms}\"/>"
    ));
    for (rel, href) in [("index.html", "opensearch.xml"), ("http/5xx/index.html", "../../opensearch.xml")] {
        let link = format!(
            "<link rel=\"search\" type=\"application/opensearchdescription+xml\" title=\"Acme error hub\" href=\"{href}\">"
        );
        assert!(page(&out, rel).contains(&link), "{rel}");
    }
    // A long title is cut to OpenSearch's 16 characters.
    let site = fixture().with("site.yaml", "title: The very long title of a hub\nbase_url: https://e.example.com/\n");
    assert!(page(&build(&site, &[]), "opensearch.xml").contains("<ShortName>The very long ti</ShortName>"));
}

#[test]
fn without_a_base_url_there_is_no_feed_or_opensearch() {
    let site = fixture().with("site.yaml", "title: Acme error hub\n");
    let out = build(&site, &[]);
    assert!(!out.join("feed.xml").exists() && !out.join("opensearch.xml").exists());
    let html = page(&out, "index.html");
    assert!(!html.contains("application/atom+xml") && !html.contains("opensearchdescription"));
}

fn json_ld(html: &str) -> Value {
    let text = between(html, "<script type=\"application/ld+json\">", "</script>");
    serde_json::from_str(text).unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}\n{text}"))
}

#[test]
fn entry_pages_describe_themselves_in_json_ld() {
    let site = fixture();
    let out = build(&site, &[]);
    let data = json_ld(&page(&out, "heroku/h10/index.html"));
    assert_eq!(data["@context"], "https://schema.org");
    let graph = data["@graph"].as_array().unwrap();
    assert_eq!(graph[0]["@type"], "TechArticle");
    assert_eq!(graph[0]["headline"], "H10: App crashed");
    assert_eq!(graph[0]["dateModified"], "2026-04-20");
    assert_eq!(graph[0]["description"], "The web dyno crashed, so the router served a 503.");
    assert_eq!(graph[0]["url"], "https://errors.example.com/heroku/h10/");
    assert_eq!(graph[1]["@type"], "BreadcrumbList");
    let crumbs: Vec<(&str, &str)> = graph[1]["itemListElement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["item"].as_str().unwrap()))
        .collect();
    assert_eq!(
        crumbs,
        [
            ("Home", "https://errors.example.com/"),
            ("heroku", "https://errors.example.com/heroku/"),
            ("H10: App crashed", "https://errors.example.com/heroku/h10/")
        ]
    );
    assert_eq!(graph.len(), 2, "no FAQ, no FAQPage");
    let faq = &json_ld(&page(&out, "http/502/index.html"))["@graph"][2];
    assert_eq!(faq["@type"], "FAQPage");
    assert_eq!(faq["mainEntity"][0]["name"], "502 vs 504?");
    assert_eq!(faq["mainEntity"][0]["acceptedAnswer"]["text"], "A 504 is a timeout.");
}

#[test]
fn json_ld_cannot_close_its_script_element() {
    let title = "X </script><script>alert(1)</script> & \"q\" <!--";
    let site = fixture().with(
        "content/acme/x1.yaml",
        format!(
            "title: {}\ncode: X1\nsummary: s.\nfaq:\n  - {{ q: \"</script>\", a: \"<!-- a -->\" }}\n",
            serde_json::json!(title)
        ),
    );
    let html = page(&build(&site, &[]), "acme/x1/index.html");
    let script = between(&html, "<script type=\"application/ld+json\">", "</script>");
    assert!(!script.contains('<'), "{script}");
    let data = json_ld(&html);
    assert_eq!(data["@graph"][0]["headline"], title);
    assert_eq!(data["@graph"][2]["mainEntity"][0]["name"], "</script>");
}

#[test]
fn the_search_index_carries_the_first_step_of_each_fastest_fix() {
    let site = fixture();
    let out = build(&site, &[]);
    // The fixture's few entries fit in the first block of documents.
    let block = page(&out, "search/docs-0.js");
    let docs: Value = serde_json::from_str(between(&block, "faultlineSearch.docs(0, ", ");\n")).unwrap();
    let h10 = docs.as_array().unwrap().iter().find(|d| d[0] == "heroku/h10").unwrap();
    assert_eq!(h10[4], "Run heroku logs --tail and read the boot error.");
    let e10 = docs.as_array().unwrap().iter().find(|d| d[0] == "acme/e10").unwrap();
    assert_eq!(e10[4], "");
}

#[test]
fn the_navigation_names_a_source_by_the_words_that_spell_its_folder() {
    let site = fixture()
        .with("content/letsencrypt/_index.md", "---\ntitle: Let's Encrypt errors\n---\n")
        .with("content/letsencrypt/rate.md", "---\ntitle: Rate limited\ncode: rate\nsummary: s.\n---\n");
    let out = build(&site, &[]);
    let nav = between(&page(&out, "http/502/index.html"), "<nav class=\"site-nav\"", "</nav>").to_string();
    assert!(nav.contains(">Let&#39;s Encrypt</a>"), "{nav}");
}
