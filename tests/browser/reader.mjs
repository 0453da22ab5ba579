// Browser tests of what a reader lands on (issue 12), in Debian's Chromium driven by
// playwright-core. Run by scripts/test after run.mjs:
//
//   node tests/browser/reader.mjs          (FAULTLINE_BIN overrides target/debug/faultline)
//
// It builds the repository's hub with a base URL (served by a small static server on
// 127.0.0.1) and with --offline (opened from file://), and once more with `propose_url`
// set, then checks entry pages on a phone, the comparison tables, the "Edit your error"
// form and its drafts (which `faultline check` must accept), the search page's answer,
// feed.xml and opensearch.xml, console errors, and axe on the new states.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { test, before, after, beforeEach } from "node:test";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { recordProblems, serve } from "./common.mjs";
import { loadEngine } from "./engine.mjs";

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const bin = path.resolve(repo, process.env.FAULTLINE_BIN || "target/debug/faultline");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const axePath = path.join(repo, "node_modules/axe-core/axe.min.js");

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "faultline-reader-"));
const PROPOSE = "https://github.com/you/site/new/main/content?filename={path}&value={content}";
const NGINX_LINE =
  "2026/04/20 10:01:02 [error] 31#31: *1 upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.1, server: example.com, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:8080/\"";
// A line nothing in the hub matches: a made-up code of a known shape, made-up words.
const UNKNOWN = "zorblax: FLUXGATE_QUENCH_OVERRUN while defrobulating the zeppelin manifold";
let server;
let browser;
const sites = {};
let entries = [];
let comparisons = [];

function faultline(args) {
  execFileSync(bin, args, { cwd: repo, stdio: ["ignore", "ignore", "pipe"] });
}

/** The repository's hub as a site of its own, with `propose_url` set. */
function proposeSite() {
  const root = path.join(tmp, "propose-site");
  fs.cpSync(path.join(repo, "content"), path.join(root, "content"), { recursive: true });
  fs.cpSync(path.join(repo, "themes"), path.join(root, "themes"), { recursive: true });
  fs.writeFileSync(path.join(root, "site.yaml"), `title: Fix the error\npropose_url: "${PROPOSE}"\n`);
  return root;
}

const problems = [];

/** A page whose problems go to `problems` (see `recordProblems`). */
async function newPage(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  await context.addInitScript(() => {
    document.addEventListener("faultline:results", (e) => {
      window.__faultlineResults = e.detail;
    });
    document.addEventListener("faultline:edit", (e) => {
      window.__faultlineEdit = e.detail;
    });
  });
  const page = await context.newPage();
  page.setDefaultTimeout(5000);
  recordProblems(page, problems);
  return page;
}

function assertNoProblems() {
  const found = problems.splice(0);
  assert.deepEqual(found, [], found.join("\n"));
}

async function searchResults(page, query) {
  await page.waitForFunction((q) => window.__faultlineResults && window.__faultlineResults.query === q, query);
  return page.evaluate(() => window.__faultlineResults);
}

/** Replaces the text of the "Edit your error" box and waits for the form's answer. */
async function edit(page, text) {
  await page.evaluate(() => {
    window.__faultlineEdit = null;
  });
  await page.fill("#edit-your-error-q", "");
  await page.fill("#edit-your-error-q", text);
  await page.waitForFunction((q) => window.__faultlineEdit && window.__faultlineEdit.query === q, text);
  return page.evaluate(() => window.__faultlineEdit);
}

/** `faultline check` of a copy of the clean fixture with `content` saved at `rel`. */
function checkDraft(rel, content) {
  const root = fs.mkdtempSync(path.join(tmp, "draft-"));
  fs.cpSync(path.join(repo, "tests/fixtures/clean"), root, { recursive: true });
  const file = path.join(root, "content", rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return spawnSync(bin, ["--root", root, "check"], { encoding: "utf8" });
}

before(async () => {
  server = serve(path.join(tmp, "served"));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}/`;
  faultline(["build", "--out", path.join(tmp, "served"), "--base-url", base]);
  faultline(["build", "--offline", "--out", path.join(tmp, "offline")]);
  faultline(["--root", proposeSite(), "build", "--offline", "--out", path.join(tmp, "propose")]);
  // A file: URL for a path under the build, keeping any ?query as a query.
  const file = (dir) => (p) => {
    const [name, query] = p.split("?");
    return pathToFileURL(path.join(tmp, dir, name)).href + (query === undefined ? "" : "?" + query);
  };
  sites.served = { base, url: (p) => base + p, entry: (id) => `${id}/` };
  sites.offline = { url: file("offline"), entry: (id) => `${id}/index.html` };
  sites.propose = { url: file("propose"), entry: (id) => `${id}/index.html` };
  const index = JSON.parse(fs.readFileSync(path.join(tmp, "served/api/index.json"), "utf8"));
  entries = index.entries.map((e) => e.id);
  comparisons = index.comparisons.map((c) => c.url);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
  });
});

beforeEach(() => {
  problems.splice(0);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await new Promise((resolve) => server.close(resolve));
  fs.rmSync(tmp, { recursive: true, force: true });
});

test("on a phone a code block's Copy button sits above its first line, not on it", async () => {
  const page = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await page.goto(sites.served.url("http/502/"));
  const blocks = await page.evaluate(() =>
    Array.from(document.querySelectorAll(".copy-wrap")).map((wrap) => {
      const pre = wrap.querySelector("pre");
      const button = wrap.querySelector(".copy").getBoundingClientRect();
      const text = pre.getBoundingClientRect().top + parseFloat(getComputedStyle(pre).paddingTop);
      return { first: pre.textContent.split("\n")[0].slice(0, 40), text, button: button.bottom };
    }),
  );
  assert.ok(blocks.length >= 2, `code blocks with a Copy button: ${blocks.length}`);
  const covered = blocks.filter((b) => b.text < b.button - 0.5);
  assert.deepEqual(covered.map((b) => b.first), [], "the Copy button covers the first line of these blocks");
  await page.context().close();
  assertNoProblems();
});

test("on a phone every entry page shows the first step of its fastest fix without scrolling", async () => {
  const page = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const late = [];
  const wide = [];
  for (const id of entries) {
    await page.goto(sites.served.url(`${id}/`));
    const box = await page.locator("#fastest-fix li, #fastest-fix p").first().boundingBox();
    // The first line of the step, not only its top edge, must be on the first screen.
    if (!box || box.y + 20 > 844) late.push(`${id}: ${box ? Math.round(box.y) : "none"}`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    if (width > 390) wide.push(`${id}: ${width}px`);
  }
  assert.deepEqual(late, [], `first step below the fold:\n${late.join("\n")}`);
  assert.deepEqual(wide, [], `pages wider than the phone:\n${wide.join("\n")}`);
  // The header is compact: brand, search box and navigation fit in two rows.
  const header = await page.locator(".site-header").boundingBox();
  assert.ok(header.height <= 110, `header is ${header.height}px tall`);
  await page.context().close();
  assertNoProblems();
});

test("on a desktop screen every section of the navigation is in sight, none cut off", async () => {
  const page = await newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(sites.served.url("http/502/"));
  const hidden = await page.evaluate(() => {
    const row = document.querySelector(".site-nav ul").getBoundingClientRect();
    return [...document.querySelectorAll(".site-nav a")]
      .filter((a) => {
        const box = a.getBoundingClientRect();
        return box.width === 0 || box.left < row.left || box.right > row.right + 0.5;
      })
      .map((a) => a.textContent);
  });
  assert.deepEqual(hidden, [], `navigation links out of sight at 1280 px: ${hidden.join(", ")}`);
  assert.ok(await page.locator(".site-nav a", { hasText: "Let's Encrypt" }).count(), "Let's Encrypt is named whole");
  await page.context().close();
  assertNoProblems();
});

test("no literal backtick in any table cell of the hub", async () => {
  const page = await newPage();
  const found = [];
  for (const p of [...entries.map((id) => `${id}/`), ...comparisons]) {
    await page.goto(sites.served.url(p));
    const cells = await page.$$eval("td, th", (els) => els.map((e) => e.textContent).filter((t) => t.includes("`")));
    for (const c of cells) found.push(`${p}: ${c}`);
  }
  assert.deepEqual(found, [], found.join("\n"));
  await page.context().close();
  assertNoProblems();
});

test("502's comparison table: 500, 503 and 504 in the first five rows, the rest on demand without JS", async () => {
  const page = await newPage({ javaScriptEnabled: false });
  await page.goto(sites.served.url("http/502/"));
  const rows = page.locator(".compare-table tbody tr");
  const codes = await rows.locator("th").allTextContents();
  for (const code of ["500", "503", "504"]) assert.ok(codes.slice(0, 5).includes(code), `${code} in ${codes}`);
  assert.equal(codes[0], "502");
  assert.ok(codes.length > 5, `${codes.length} rows`);
  const visible = async () => (await rows.evaluateAll((trs) => trs.map((tr) => tr.offsetParent !== null))).filter(Boolean).length;
  assert.equal(await visible(), 5);
  await page.click(".more-rows summary");
  assert.equal(await visible(), codes.length);
  // A column whose value is the same in every row is left out: every row is 5xx.
  const head = await page.locator(".compare-table thead th").allTextContents();
  assert.ok(!head.includes("Class") && head.includes("Cause"), head.join(", "));
  // On a phone the rows become cards that fit the screen.
  const phone = await newPage({ viewport: { width: 390, height: 844 } });
  await phone.goto(sites.served.url("http/502/"));
  const table = await phone.locator(".compare-table").boundingBox();
  assert.ok(table.width <= 390, `table is ${table.width}px wide`);
  await page.context().close();
  await phone.context().close();
  assertNoProblems();
});

for (const which of ["served", "offline"]) {
  test(`edit your error: ranked as the search box ranks, current entry marked (${which})`, async () => {
    const site = sites[which];
    const engine = loadEngine(path.join(tmp, "served"));
    const page = await newPage();
    await page.goto(site.url(site.entry("heroku/h10")));
    const first = await page.inputValue("#edit-your-error-q");
    assert.match(first, /code=H10/);
    // An edited line still finds its entry, which is marked as this page.
    const edited = first.replace(/path="[^"]*"/, 'path="/checkout"').replace(/method=\w+/, "method=POST");
    let answer = await edit(page, edited);
    assert.deepEqual(answer.ids, Array.from(engine.query(edited, 5)), "the search box's ranking");
    assert.equal(answer.ids[0], "heroku/h10");
    assert.equal(answer.good, true);
    assert.match(await page.textContent("#edit-your-error-results .edit-status"), /still the best match/);
    assert.equal(await page.textContent('#edit-your-error-results li:first-child .here'), "this page");
    // A message of another entry leads there.
    answer = await edit(page, "upstream prematurely closed connection while reading the response header");
    const line = "upstream prematurely closed connection while reading the response header";
    assert.deepEqual(answer.ids, Array.from(engine.query(line, 5)));
    assert.equal(answer.ids[0], "nginx/premature-close");
    const href = await page.getAttribute('#edit-your-error-results a[data-id="nginx/premature-close"]', "href");
    assert.equal(href, "../../" + site.entry("nginx/premature-close"));
    assert.equal(await page.locator("#edit-your-error-results .propose").count(), 0);
    await page.context().close();
    assertNoProblems();
  });
}

test("edit your error: nothing matches, so it offers a draft and the faultline new command", async () => {
  const page = await newPage();
  await page.goto(sites.offline.url(sites.offline.entry("http/502")));
  const answer = await edit(page, UNKNOWN);
  assert.equal(answer.good, false);
  const draft = answer.draft;
  assert.match(draft.id, /^[a-z0-9][a-z0-9-]*\/fluxgate-quench-overrun$/);
  const box = page.locator("#edit-your-error-results .propose");
  assert.equal(await box.locator(".propose-command code").textContent(), `faultline new ${draft.id}`);
  const shown = await box.locator(".propose-draft code").textContent();
  assert.equal(shown, draft.content);
  assert.match(shown, /^draft: true$/m);
  assert.match(shown, /^code: "FLUXGATE_QUENCH_OVERRUN"$/m);
  assert.ok(shown.includes(`messages:\n  - ${JSON.stringify(UNKNOWN)}\n`), shown);
  assert.equal(await box.locator("a.propose-link").count(), 0, "no propose_url: no link");
  const checked = checkDraft(draft.path, shown);
  assert.equal(checked.status, 0, `faultline check of the draft:\n${checked.stdout}${checked.stderr}`);
  await page.context().close();
  assertNoProblems();
});

test("edit your error and the search page: with propose_url the draft goes there, percent-encoded", async () => {
  const page = await newPage();
  await page.goto(sites.propose.url(sites.propose.entry("http/502")));
  // A status line: the code and title come from it.
  const line = "HTTP/1.1 599 Zorblax Timeout from the zeppelin gateway";
  const answer = await edit(page, line);
  assert.equal(answer.good, false);
  const link = page.locator("#edit-your-error-results a.propose-link");
  const url = new URL(await link.getAttribute("href"));
  assert.equal(url.origin + url.pathname, "https://github.com/you/site/new/main/content");
  const filename = url.searchParams.get("filename");
  const value = url.searchParams.get("value");
  assert.equal(filename, "http/599.md");
  assert.match(value, /^title: "599 Zorblax Timeout from the zeppelin gateway"$/m);
  assert.match(value, /^code: "599"$/m);
  assert.match(value, /^draft: true$/m);
  let checked = checkDraft(filename, value);
  assert.equal(checked.status, 0, `faultline check of the draft:\n${checked.stdout}${checked.stderr}`);
  // The search page offers the same when nothing matches well.
  await page.goto(sites.propose.url("search/index.html?q=" + encodeURIComponent(UNKNOWN)));
  await searchResults(page, UNKNOWN);
  const offer = page.locator("#search-page-propose a.propose-link");
  assert.ok(await offer.isVisible());
  const proposed = new URL(await offer.getAttribute("href"));
  checked = checkDraft(proposed.searchParams.get("filename"), proposed.searchParams.get("value"));
  assert.equal(checked.status, 0, `faultline check of the draft:\n${checked.stdout}${checked.stderr}`);
  assert.match(await page.textContent("#search-page-status"), /^No entry matches “zorblax: FLUXGATE/);
  await page.context().close();
  assertNoProblems();
});

test("edit your error: what is typed stays text", async () => {
  const page = await newPage();
  await page.goto(sites.served.url("http/502/"));
  const count = () => page.evaluate(() => document.body.querySelectorAll("img, svg, script, [onerror], [onload]").length);
  const before = await count();
  const hostile = `<img src=x onerror=alert(1)></textarea><svg onload=alert(2)> "quote" 'single'`;
  const answer = await edit(page, hostile);
  assert.equal(await count(), before);
  if (answer.draft) {
    const shown = await page.locator("#edit-your-error-results .propose-draft code").textContent();
    assert.ok(shown.includes(JSON.stringify(hostile)), shown);
  }
  await page.context().close();
  assertNoProblems();
});

test("search page: a pasted nginx line gets its answer, a sensible count and few marks", async () => {
  const page = await newPage();
  await page.goto(sites.served.url("search/?q=" + encodeURIComponent(NGINX_LINE)));
  await searchResults(page, NGINX_LINE);
  assert.equal(await page.evaluate(() => document.getElementById("search-page-q").tagName), "TEXTAREA");
  assert.equal(await page.inputValue("#search-page-q"), NGINX_LINE);
  const best = page.locator("#search-page-results > li.search-best");
  assert.equal(await best.count(), 1);
  assert.equal(await best.locator("a[data-id]").getAttribute("data-id"), "nginx/premature-close");
  assert.match(await best.locator(".best-fix").textContent(), /^Fastest fix, step 1:\s*\S/);
  const status = await page.textContent("#search-page-status");
  const m = /^(\d+) results? for “2026\/04\/20 10:01:02 \[error\].*”; (\d+) more share only some of its words/.exec(status);
  assert.ok(m, status);
  assert.ok(Number(m[1]) < 20, status);
  const marked = await best.locator(".hit-title mark").allTextContents();
  const words = (await best.locator(".hit-title").textContent()).split(/\s+/).length;
  assert.ok(marked.length >= 1 && marked.length * 3 <= words, `marked ${marked} of ${words} words`);
  // Enter searches; the box keeps several lines.
  await page.fill("#search-page-q", "");
  await page.focus("#search-page-q");
  await page.keyboard.type("gateway timeout");
  await page.keyboard.press("Enter");
  await searchResults(page, "gateway timeout");
  assert.equal(await page.inputValue("#search-page-q"), "gateway timeout");
  await page.context().close();
  assertNoProblems();
});

test("feed.xml is valid Atom and opensearch.xml searches the hub", async () => {
  const page = await newPage();
  await page.goto(sites.served.url(""));
  const feedHref = await page.getAttribute('link[rel=alternate][type="application/atom+xml"]', "href");
  const searchHref = await page.getAttribute('link[rel=search][type="application/opensearchdescription+xml"]', "href");
  const parsed = await page.evaluate(
    async ([feedUrl, searchUrl]) => {
      const parse = async (url) => {
        const text = await (await fetch(url)).text();
        const doc = new DOMParser().parseFromString(text, "application/xml");
        return { doc, error: doc.getElementsByTagName("parsererror").length > 0 };
      };
      const feed = await parse(feedUrl);
      const search = await parse(searchUrl);
      const atom = "http://www.w3.org/2005/Atom";
      const root = feed.doc.documentElement;
      const child = (el, name) => Array.from(el.children).filter((c) => c.namespaceURI === atom && c.localName === name);
      const entries = child(root, "entry");
      const url = search.doc.getElementsByTagName("Url")[0];
      return {
        feedError: feed.error,
        searchError: search.error,
        root: [root.namespaceURI, root.localName],
        required: ["id", "title", "updated", "author"].map((n) => child(root, n).length),
        entries: entries.length,
        entryRequired: entries.every((e) => ["id", "title", "updated"].every((n) => child(e, n).length === 1)),
        dates: entries.map((e) => child(e, "updated")[0].textContent),
        dateForm: entries.every((e) => /^\d{4}-\d\d-\d\dT00:00:00Z$/.test(child(e, "updated")[0].textContent)),
        template: url && url.getAttribute("template"),
        shortName: search.doc.getElementsByTagName("ShortName")[0].textContent,
      };
    },
    [new URL(feedHref, page.url()).href, new URL(searchHref, page.url()).href],
  );
  assert.equal(parsed.feedError, false);
  assert.equal(parsed.searchError, false);
  assert.deepEqual(parsed.root, ["http://www.w3.org/2005/Atom", "feed"]);
  assert.deepEqual(parsed.required, [1, 1, 1, 1]);
  assert.ok(parsed.entries > 0 && parsed.entries <= 50, `${parsed.entries} entries`);
  assert.ok(parsed.entryRequired && parsed.dateForm);
  assert.deepEqual(parsed.dates, [...parsed.dates].sort().reverse(), "newest first");
  assert.ok(parsed.shortName.length <= 16);
  assert.equal(parsed.template, `${sites.served.base}search/?q={searchTerms}`);
  // The address bar's search lands on the search page with the answer.
  await page.goto(parsed.template.replace("{searchTerms}", encodeURIComponent("bad gateway")));
  const r = await searchResults(page, "bad gateway");
  assert.equal(r.ids[0], "http/502");
  await page.context().close();
  assertNoProblems();
});

test("no console error on the hub's pages, favicon included", async () => {
  const page = await newPage();
  const sample = ["", "search/?q=502", "http/", "http/5xx/", "tags/", "compare/", comparisons[0], "http/502/", "heroku/h10/"];
  for (const p of sample) {
    // Until the network is idle: the browser's own request for the icon must end well too.
    await page.goto(sites.served.url(p), { waitUntil: "networkidle" });
    const icon = await page.getAttribute('link[rel="icon"]', "href");
    assert.ok(icon, `${p}: an icon link`);
    const ok = await page.evaluate(async (href) => {
      const response = await fetch(href);
      // Read to the end, or leaving the page aborts the request.
      return response.ok && (await response.text()).startsWith("<svg");
    }, icon);
    assert.ok(ok, `${p}: ${icon}`);
  }
  for (const p of ["index.html", "http/502/index.html", "search/index.html?q=h10"]) {
    await page.goto(sites.offline.url(p), { waitUntil: "networkidle" });
  }
  await page.context().close();
  assertNoProblems();
});

test("axe: the new pieces have no serious or critical violation, phone and desktop, light and dark", async () => {
  const found = [];
  for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
    for (const colorScheme of ["light", "dark"]) {
      const page = await newPage({ viewport, colorScheme });
      const check = async (label) => {
        await page.addScriptTag({ path: axePath });
        const violations = await page.evaluate(async () => {
          const r = await window.axe.run(document, { resultTypes: ["violations"] });
          return r.violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
        });
        for (const v of violations) found.push(`${label}, ${viewport.width}px ${colorScheme}: ${v}`);
      };
      await page.goto(sites.served.url("http/5xx/"));
      await check("5xx");
      await page.goto(sites.served.url("http/502/"));
      await edit(page, UNKNOWN);
      await check("502 with a proposal");
      await page.goto(sites.served.url("search/?q=" + encodeURIComponent(NGINX_LINE)));
      await searchResults(page, NGINX_LINE);
      await check("search with an answer");
      await page.context().close();
    }
  }
  assert.deepEqual(found, [], found.join("\n"));
  assertNoProblems();
});
