// Browser tests of the search box, the search page and accessibility, in Debian's
// Chromium driven by playwright-core. Run by scripts/test after `cargo test`:
//
//   node tests/browser/run.mjs            (FAULTLINE_BIN overrides target/debug/faultline)
//
// It builds the frozen hub (tests/fixtures/hub, a copy of the hub's content that does not
// change with it) twice into temporary folders: with a base URL, served by a small static
// server on 127.0.0.1, and with --offline, opened from file://. Both run every query of
// tests/search-vectors.json through the header's search box, as a reader types it, and must
// show the vector's top three, the same as `faultline search`.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { test, before, after, beforeEach } from "node:test";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { recordProblems, serve } from "./common.mjs";

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const bin = path.resolve(repo, process.env.FAULTLINE_BIN || "target/debug/faultline");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const axePath = path.join(repo, "node_modules/axe-core/axe.min.js");
const vectors = JSON.parse(fs.readFileSync(path.join(repo, "tests/search-vectors.json"), "utf8"));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "faultline-browser-"));
let server;
let browser;
/** The two builds of the hub: how to reach a page, and how entry links end. */
const sites = {};

function build(args) {
  execFileSync(bin, args, { cwd: repo, stdio: ["ignore", "ignore", "pipe"] });
}

/** The frozen hub with this repository's theme. */
function hubFixture() {
  const root = path.join(tmp, "hub");
  fs.cpSync(path.join(repo, "tests/fixtures/hub"), root, { recursive: true });
  fs.cpSync(path.join(repo, "themes"), path.join(root, "themes"), { recursive: true });
  return root;
}

/** A fixture site whose entry holds markup, script ends and quotes in every searched field. */
function hostileFixture() {
  const root = path.join(tmp, "hostile");
  fs.cpSync(path.join(repo, "tests/fixtures/clean"), root, { recursive: true });
  fs.cpSync(path.join(repo, "themes/default"), path.join(root, "themes/default"), { recursive: true });
  fs.writeFileSync(
    path.join(root, "content/acme/x1.yaml"),
    [
      `title: "X1 </script><img src=x onerror=alert(1)> \\"double\\" 'single' & done"`,
      `code: "X1</script>"`,
      `summary: "Shows <b>markup</b> and </script><img src=x onerror=alert(2)> as text."`,
      `name: "<img src=x onerror=alert(3)>"`,
      "messages:",
      `  - "</script><script>alert(4)</script> 'single' \\"double\\""`,
      `  - "<img src=x onerror=alert(5)>"`,
      "tags: [deploy]",
      "",
    ].join("\n"),
  );
  return root;
}

const problems = [];

/** A page whose problems go to `problems` (see `recordProblems`). */
async function newPage(options = {}) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...options });
  await context.addInitScript(() => {
    document.addEventListener("faultline:results", (e) => {
      window.__faultlineResults = e.detail;
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

/** Waits for the results of `query` (the search script's `faultline:results` event). */
async function results(page, query) {
  await page.waitForFunction((q) => window.__faultlineResults && window.__faultlineResults.query === q, query, {
    timeout: 5000,
  });
  return page.evaluate(() => window.__faultlineResults);
}

async function options(page) {
  return page.$$eval("[role=listbox] [role=option][data-id]", (els) =>
    els.map((e) => ({
      id: e.getAttribute("data-id"),
      href: e.getAttribute("href"),
      title: e.querySelector(".hit-title").textContent,
    })),
  );
}

/** Opens the home page, presses `/`, types `query` key by key and waits for its results. */
async function typeIntoHeader(page, site, query, start = site.home) {
  await page.goto(start);
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement && document.activeElement.id), "site-search-q");
  await page.keyboard.type(query);
  return results(page, query);
}

before(async () => {
  server = serve(path.join(tmp, "served"));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${server.address().port}/`;
  const hub = hubFixture();
  build(["--root", hub, "build", "--out", path.join(tmp, "served"), "--base-url", base]);
  build(["--root", hub, "build", "--offline", "--out", path.join(tmp, "offline")]);
  build(["--root", hostileFixture(), "build", "--offline", "--out", path.join(tmp, "hostile-out")]);
  // A file: URL for a path under tmp, keeping any ?query as a query.
  const file = (p) => {
    const [name, query] = p.split("?");
    return pathToFileURL(path.join(tmp, name)).href + (query === undefined ? "" : "?" + query);
  };
  sites.served = { name: "served", home: base, url: (p) => base + p, entry: (id) => `${id}/` };
  sites.offline = {
    name: "file://",
    home: file("offline/index.html"),
    url: (p) => file("offline/" + p),
    entry: (id) => `${id}/index.html`,
  };
  sites.hostile = {
    name: "hostile",
    home: file("hostile-out/index.html"),
    url: (p) => file("hostile-out/" + p),
    entry: (id) => `${id}/index.html`,
  };
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

// Each test answers for its own pages only.
beforeEach(() => {
  problems.splice(0);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await new Promise((resolve) => server.close(resolve));
  fs.rmSync(tmp, { recursive: true, force: true });
});

for (const which of ["served", "offline"]) {
  test(`search vectors through the header box (${which})`, async () => {
    const site = sites[which];
    const page = await newPage();
    const failures = [];
    for (const v of vectors) {
      await typeIntoHeader(page, site, v.query);
      const shown = await options(page);
      const ids = shown.slice(0, 3).map((o) => o.id);
      if (JSON.stringify(ids) !== JSON.stringify(v.top)) {
        failures.push(`${JSON.stringify(v.query)}: want ${JSON.stringify(v.top)}, got ${JSON.stringify(ids)}`);
        continue;
      }
      for (const o of shown) assert.equal(o.href, site.entry(o.id), `link of ${o.id}`);
      if (!v.top.length) continue;
      // Click the best result: it is the entry's page.
      await Promise.all([page.waitForURL(site.url(site.entry(v.top[0]))), page.click("[role=listbox] [role=option]")]);
      assert.equal((await page.textContent("h1")).trim(), shown[0].title, `page of ${v.top[0]}`);
    }
    assert.deepEqual(failures, [], failures.join("\n"));
    await page.context().close();
    assertNoProblems();
  });

  test(`search page reads ?q= and keeps the URL in step (${which})`, async () => {
    const site = sites[which];
    const page = await newPage();
    await page.goto(site.url(which === "served" ? "search/?q=bad+gateway" : "search/index.html?q=bad+gateway"));
    await results(page, "bad gateway");
    assert.equal(await page.inputValue("#search-page-q"), "bad gateway");
    const ids = await page.$$eval("#search-page-results a[data-id]", (els) => els.map((e) => e.getAttribute("data-id")));
    assert.equal(ids[0], "http/502");
    assert.match(await page.textContent("#search-page-status"), /^\d+ results? for “bad gateway”/);
    await page.focus("#search-page-q");
    await page.keyboard.press("End");
    await page.keyboard.type(" 504");
    await results(page, "bad gateway 504");
    assert.equal(new URL(page.url()).searchParams.get("q"), "bad gateway 504");
    // A broad query shows 50 results at most and says so.
    await page.fill("#search-page-q", "");
    await page.keyboard.type("error");
    const r = await results(page, "error");
    assert.ok(r.count > 50, `"error" matches ${r.count}`);
    assert.equal(await page.locator("#search-page-results a[data-id]").count(), 50);
    assert.match(await page.textContent("#search-page-status"), /the best 50 shown/);
    // ArrowDown from the box moves to the first result link; Enter opens it.
    await page.focus("#search-page-q");
    await page.keyboard.press("ArrowDown");
    const first = await page.evaluate(() => document.activeElement.getAttribute("data-id"));
    await Promise.all([page.waitForURL(site.url(site.entry(first))), page.keyboard.press("Enter")]);
    await page.context().close();
    assertNoProblems();
  });
}

test("keyboard: arrows, Enter, Escape, and the / shortcut (served)", async () => {
  const site = sites.served;
  const page = await newPage();
  await typeIntoHeader(page, site, "502");
  const input = page.locator("#site-search-q");
  assert.equal(await input.getAttribute("role"), "combobox");
  assert.equal(await input.getAttribute("aria-expanded"), "true");
  const listbox = await input.getAttribute("aria-controls");
  assert.equal(await page.getAttribute(`#${listbox}`, "role"), "listbox");
  const shown = await options(page);
  assert.ok(shown.length >= 3 && shown.length <= 8, `${shown.length} options`);
  assert.match(await page.textContent("#site-search-q ~ [role=status]"), /^\d+ results?/);
  const active = () =>
    page.evaluate(() => {
      const input = document.getElementById("site-search-q");
      const id = input.getAttribute("aria-activedescendant");
      const el = id && document.getElementById(id);
      return el ? { id: el.getAttribute("data-id"), selected: el.getAttribute("aria-selected") } : null;
    });
  assert.equal(await active(), null);
  await page.keyboard.press("ArrowDown");
  assert.deepEqual(await active(), { id: shown[0].id, selected: "true" });
  await page.keyboard.press("ArrowDown");
  assert.deepEqual(await active(), { id: shown[1].id, selected: "true" });
  assert.equal(await page.locator("[role=option][aria-selected=true]").count(), 1);
  await page.keyboard.press("ArrowUp");
  assert.deepEqual(await active(), { id: shown[0].id, selected: "true" });
  // The focus never leaves the box.
  assert.equal(await page.evaluate(() => document.activeElement.id), "site-search-q");
  await page.keyboard.press("Escape");
  assert.equal(await input.getAttribute("aria-expanded"), "false");
  assert.equal(await input.inputValue(), "502");
  await page.keyboard.press("Escape");
  assert.equal(await input.inputValue(), "");
  // Enter on an option opens it.
  await page.keyboard.type("h10");
  await results(page, "h10");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  const second = (await active()).id;
  await Promise.all([page.waitForURL(site.url(site.entry(second))), page.keyboard.press("Enter")]);
  // Enter without a chosen option goes to the search page with the query.
  await typeIntoHeader(page, site, "gateway timeout");
  await Promise.all([page.waitForURL(/\/search\/\?q=gateway(\+|%20)timeout$/), page.keyboard.press("Enter")]);
  await results(page, "gateway timeout");
  // `/` typed into a field is a slash, not the shortcut.
  await page.focus("#search-page-q");
  await page.fill("#search-page-q", "");
  await page.keyboard.type("HTTP/1.1");
  assert.equal(await page.inputValue("#search-page-q"), "HTTP/1.1");
  // The box works on the 404 page too, whose links are absolute.
  await page.goto(site.url("no/such/page/"), { waitUntil: "load" }).catch(() => {});
  problems.splice(0); // the 404 response itself is the point here
  await page.keyboard.press("/");
  await page.keyboard.type("504");
  await results(page, "504");
  assert.equal((await options(page))[0].id, "http/504");
  await page.context().close();
  assertNoProblems();
});

test("no results: says so and offers the hub pages", async () => {
  const site = sites.served;
  const page = await newPage();
  await typeIntoHeader(page, site, "zqxjv wkpfy");
  assert.equal(await page.getAttribute("#site-search-q", "aria-expanded"), "false");
  const empty = page.locator(".search-empty");
  assert.ok(await empty.isVisible());
  assert.match(await empty.textContent(), /No entry matches “zqxjv wkpfy”/);
  assert.ok((await empty.locator("a").count()) >= 3);
  assert.equal(await page.textContent("#site-search-q ~ [role=status]"), "No results.");
  await page.goto(site.url("search/?q=zqxjv"));
  await results(page, "zqxjv");
  assert.match(await page.textContent("#search-page-status"), /No entry matches “zqxjv”/);
  assert.equal(await page.locator("#search-page-results li").count(), 0);
  const hubs = await page.$$eval("#search-hubs a", (els) => els.map((e) => e.textContent));
  assert.ok(hubs.includes("Tags") && hubs.some((t) => /5xx/.test(t)), hubs.join(", "));
  await page.context().close();
  assertNoProblems();
});

test("without JavaScript: Enter leads to the search page, which lists the hubs", async () => {
  const site = sites.served;
  const page = await newPage({ javaScriptEnabled: false });
  await page.goto(site.home);
  await page.fill("#site-search-q", "502");
  await Promise.all([page.waitForURL(/\/search\/\?q=502$/), page.press("#site-search-q", "Enter")]);
  assert.ok(await page.locator("#search-hubs noscript").count());
  const links = await page.locator("#search-hubs a").count();
  assert.ok(links >= 8, `${links} hub links`);
  await page.context().close();
  assertNoProblems();
});

test("the search loads the index head, the shards its query needs, the blocks of the results it shows, and the ids only to propose", async () => {
  const site = sites.served;
  const page = await newPage();
  const loaded = [];
  page.on("request", (r) => {
    const p = new URL(r.url()).pathname;
    if (p.startsWith("/search/")) loaded.push(p.slice("/search/".length));
  });
  // One input event, so that no earlier keystroke's results load blocks of their own.
  await page.goto(site.home);
  await page.keyboard.press("/");
  await page.fill("#site-search-q", "gateway");
  await results(page, "gateway");
  const shown = await options(page);
  assert.ok(shown.length >= 2, `${shown.length} results`);
  const head = fs.readFileSync(path.join(tmp, "served/search/index.js"), "utf8");
  const block = JSON.parse(head.slice(head.indexOf("(") + 1, head.lastIndexOf(")"))).block;
  const docs = fs
    .readdirSync(path.join(tmp, "served/search"))
    .filter((f) => /^docs-\d+\.js$/.test(f))
    .sort((a, b) => parseInt(a.slice(5), 10) - parseInt(b.slice(5), 10))
    .flatMap((f) => {
      const text = fs.readFileSync(path.join(tmp, "served/search", f), "utf8");
      return JSON.parse(text.slice(text.indexOf(",") + 1, text.lastIndexOf(")")));
    });
  const blocks = new Set(shown.map((o) => `docs-${Math.floor(docs.findIndex((d) => d[0] === o.id) / block)}.js`));
  assert.equal(loaded[0], "index.js");
  assert.ok(!loaded.includes("ids.js"), "the box proposes nothing, so it needs no id list");
  assert.deepEqual(loaded.filter((f) => f.startsWith("docs-")).sort(), [...blocks].sort(), "the blocks of the shown results");
  assert.ok(loaded.some((f) => f.startsWith("shard-")), loaded.join(" "));
  // The search page loads the id list only to propose an entry nothing matches.
  loaded.splice(0);
  await page.goto(site.url("search/?q=bad+gateway"));
  await results(page, "bad gateway");
  assert.ok(!loaded.includes("ids.js"), loaded.join(" "));
  await page.goto(site.url("search/?q=" + encodeURIComponent("fluxgate quench overrun")));
  await results(page, "fluxgate quench overrun");
  assert.ok(loaded.includes("ids.js"), loaded.join(" "));
  await page.context().close();
  assertNoProblems();
});

test("content and queries show as text, never as markup", async () => {
  const site = sites.hostile;
  const page = await newPage();
  const title = `X1 </script><img src=x onerror=alert(1)> "double" 'single' & done`;
  // The summary as the build wrote it into the index (plain text of the Markdown), in the
  // blocks of documents search/docs-<n>.js.
  const dir = path.join(tmp, "hostile-out/search");
  const docs = fs
    .readdirSync(dir)
    .filter((f) => /^docs-\d+\.js$/.test(f))
    .flatMap((f) => {
      const text = fs.readFileSync(path.join(dir, f), "utf8");
      return JSON.parse(text.slice(text.indexOf(",") + 1, text.lastIndexOf(")")));
    });
  const summary = docs.find((d) => d[0] === "acme/x1")[2];
  // Elements a hostile string could create (the search scripts go into <head>).
  const count = () => page.evaluate(() => document.body.querySelectorAll("img, script, b, [onerror]").length);
  for (const query of ["<img src=x onerror=alert(1)>", "X1</script>", `"double" 'single'`, "x1"]) {
    await page.goto(site.home);
    const before = await count();
    await page.keyboard.press("/");
    await page.keyboard.type(query);
    const r = await results(page, query);
    assert.ok(r.ids.includes("acme/x1"), `${query}: ${r.ids}`);
    const hit = page.locator('[role=option][data-id="acme/x1"]');
    assert.equal(await hit.locator(".hit-title").textContent(), title);
    assert.equal(await hit.locator(".hit-summary").textContent(), summary);
    assert.equal(await hit.locator("*:not(span):not(mark)").count(), 0);
    assert.equal(await count(), before, `${query}: no element was injected`);
  }
  // A hostile query with no result is quoted as text in the "no results" panel.
  const none = `</zqxj><svg/onload=zqxj>"'`;
  await page.goto(site.home);
  await page.keyboard.press("/");
  await page.keyboard.type(none);
  await results(page, none);
  assert.ok((await page.textContent(".search-empty")).includes(`“${none}”`));
  assert.equal(await page.evaluate(() => document.body.querySelectorAll("svg, zqxj, [onload]").length), 0);
  // The search page shows a hostile query as text.
  const q = `<img src=x onerror=alert(9)></script>`;
  await page.goto(site.url(`search/index.html?q=${encodeURIComponent(q)}`));
  await results(page, q);
  assert.ok((await page.textContent("#search-page-status")).includes(q));
  assert.equal(await page.locator("main img, main b").count(), 0);
  await page.goto(site.url(site.entry("acme/x1")));
  assert.equal((await page.textContent("h1")).trim(), title);
  await page.context().close();
  assertNoProblems();
});

test("axe: no serious or critical violation, light and dark", async () => {
  const site = sites.served;
  const found = [];
  for (const colorScheme of ["light", "dark"]) {
    const page = await newPage({ colorScheme });
    const check = async (label) => {
      await page.addScriptTag({ path: axePath });
      const violations = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ["violations"] });
        return r.violations
          .filter((v) => v.impact === "serious" || v.impact === "critical")
          .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
      });
      for (const v of violations) found.push(`${label}, ${colorScheme}: ${v}`);
    };
    for (const p of ["", "http/502/", "compare/http-502-vs-http-504/", "search/?q=502"]) {
      await page.goto(site.url(p));
      if (p.startsWith("search/")) await results(page, "502");
      await check(p || "home");
    }
    // The open results list, with an option chosen.
    await typeIntoHeader(page, site, "gateway");
    await page.keyboard.press("ArrowDown");
    await check("home with results open");
    await typeIntoHeader(page, site, "zqxjv");
    await check("home with no results");
    await page.context().close();
  }
  assert.deepEqual(found, [], found.join("\n"));
  assertNoProblems();
});
