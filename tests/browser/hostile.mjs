// A hostile site in Chromium (issue 10): content full of tricky-but-allowed URLs and markup
// that `faultline check` passes with raw_html off. Every link on its entry, list and home
// pages is clicked, in a page built for file://, and no click may open a dialog (an
// `alert(1)` that reached the page as script); every link's URL, as the browser resolved
// it, must be http(s), mailto or file.
//
//   node tests/browser/hostile.mjs        (FAULTLINE_BIN overrides target/debug/faultline)
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { test, before, after } from "node:test";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const bin = path.resolve(repo, process.env.FAULTLINE_BIN || "target/debug/faultline");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "faultline-hostile-"));
const out = path.join(tmp, "out");
let browser;

const ENTRY = [
  "---",
  `title: "<script>alert(1)</script> Hostile"`,
  "code: E70",
  `summary: "See [s](javascript%3Aalert(2)), <img src=x onerror=alert(3)> and [t](#javascript:alert(4))."`,
  `spec: { label: "<b onmouseover=alert(5)>spec</b>", url: "https://example.com/?u=javascript:alert(6)" }`,
  `client_action: "[c](./javascript:alert(7)) or <a href=\\"javascript:alert(8)\\">raw</a>"`,
  "fastest_fix:",
  `  - "[f](HTTPS://example.com/\\"onmouseover=alert(9)//) and [g](//example.com/javascript:alert(10))"`,
  "causes:",
  `  - { title: "<svg onload=alert(11)>", detail: "[d](mailto:a@b.c?body=javascript:alert(12))" }`,
  "steps:",
  `  - { title: "s", detail: "![i](data%3Atext/html,x) [j](javascript&#x25;3Aalert(13))" }`,
  "faq:",
  `  - { q: "q<script>alert(14)</script>", a: "<iframe src=javascript:alert(15)></iframe> [k](?javascript:alert(16))" }`,
  `messages: ["<script>alert(17)</script>"]`,
  "related: [http/502]",
  "---",
  "[ref]: javascript%3Aalert(18)",
  "",
  "[r][ref], <https://example.com/?x=javascript:alert(19)>, <a@b.c>,",
  `<a href="javascript:alert(20)">html</a> <details open><summary>x</summary><a href=javascript:alert(21)>y</a></details>`,
  "",
  "## <img src=x onerror=alert(22)>",
  "",
  "`<script>alert(23)</script>` and [l](<./a%20b>) and [m](@/http/502#causes)",
  "",
].join("\n");

function hostileSite() {
  const root = path.join(tmp, "site");
  fs.cpSync(path.join(repo, "tests/fixtures/clean"), root, { recursive: true });
  fs.cpSync(path.join(repo, "themes/default"), path.join(root, "themes/default"), { recursive: true });
  fs.writeFileSync(path.join(root, "content/acme/e70.md"), ENTRY);
  fs.writeFileSync(
    path.join(root, "site.yaml"),
    [
      "title: Hostile <script>alert(24)</script>",
      "base_url: https://example.com/",
      `edit_url: "https://example.com/edit/{path}?javascript:alert(25)"`,
      `propose_url: "https://example.com/new?v={content}&x=javascript:alert(26)"`,
      "",
    ].join("\n"),
  );
  return root;
}

before(async () => {
  const root = hostileSite();
  // The fixture must be one `check` accepts: the point is what allowed content can do.
  execFileSync(bin, ["--root", root, "check"], { stdio: ["ignore", "ignore", "pipe"] });
  execFileSync(bin, ["--root", root, "build", "--offline", "--out", out], { stdio: ["ignore", "ignore", "pipe"] });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A page that records dialogs; requests leaving the site are answered empty, offline. */
async function newPage(dialogs) {
  const context = await browser.newContext();
  await context.route(/^(https?|mailto):/, (route) => route.fulfill({ status: 204, body: "" }));
  const page = await context.newPage();
  page.setDefaultTimeout(5000);
  page.on("dialog", (d) => {
    dialogs.push(`${d.type()} "${d.message()}" on ${page.url()}`);
    d.dismiss().catch(() => {});
  });
  return page;
}

const PAGES = ["acme/e70/index.html", "acme/index.html", "index.html", "http/502/index.html"];

test("check accepts the hostile site and every link resolves to http(s), mailto or file", async () => {
  const dialogs = [];
  const page = await newPage(dialogs);
  for (const rel of PAGES) {
    await page.goto(pathToFileURL(path.join(out, rel)).href);
    const protocols = await page.$$eval("a[href], area[href], [src]", (els) =>
      els.map((e) => [e.href || e.src, new URL(e.href || e.src, document.baseURI).protocol]),
    );
    for (const [url, protocol] of protocols) {
      assert.ok(["http:", "https:", "mailto:", "file:"].includes(protocol), `${rel}: ${url}`);
    }
  }
  assert.deepEqual(dialogs, []);
  await page.context().close();
});

// Goes to `url`, again when a navigation a click started is still under way (on a busy
// machine it can commit after the check of page.url() and interrupt this one).
async function reopen(page, url) {
  for (let tries = 0; ; tries++) {
    try {
      return await page.goto(url);
    } catch (e) {
      if (tries >= 3 || !/interrupted by another navigation/.test(e.message)) throw e;
      await page.waitForLoadState("load");
    }
  }
}

test("clicking every link on the hostile pages opens no dialog", async () => {
  const dialogs = [];
  let clicked = 0;
  for (const rel of PAGES) {
    const page = await newPage(dialogs);
    const url = pathToFileURL(path.join(out, rel)).href;
    await page.goto(url);
    const count = await page.$$eval("a[href]", (links) => links.length);
    assert.ok(count > 0, rel);
    for (let i = 0; i < count; i++) {
      if (page.url() !== url) await reopen(page, url);
      // A DOM click follows the link, javascript: URLs included, whether or not it is visible.
      // The navigation the click starts may end the evaluation's context.
      await page.evaluate((n) => document.querySelectorAll("a[href]")[n]?.click(), i).catch(() => {});
      await page.waitForTimeout(50);
      clicked++;
    }
    await page.context().close();
  }
  assert.ok(clicked > 40, `only ${clicked} links clicked`);
  assert.deepEqual(dialogs, [], "a link ran script");
  console.log(`# clicked ${clicked} links on ${PAGES.length} hostile pages, 0 dialogs`);
});

test("the clicker sees the attacks check refuses: hidden schemes run script in Chromium", async () => {
  // The harness itself: a page with the attacks written by hand does open dialogs.
  const attacks = [" javascript:alert(1)", "\tjavascript:alert(2)", "java\tscript:alert(3)", "java\nscript:alert(4)", "\x01javascript:alert(5)"];
  const control = path.join(tmp, "control.html");
  const escape = (s) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;").replace(/\x01/g, "&#1;");
  fs.writeFileSync(control, attacks.map((a) => `<a href="${escape(a)}">x</a>`).join("\n"));
  const dialogs = [];
  const page = await newPage(dialogs);
  for (let i = 0; i < attacks.length; i++) {
    await page.goto(pathToFileURL(control).href);
    await page.evaluate((n) => document.querySelectorAll("a[href]")[n].click(), i).catch(() => {});
    await page.waitForTimeout(100);
  }
  await page.context().close();
  assert.equal(dialogs.length, attacks.length, `dialogs: ${JSON.stringify(dialogs)}`);
  // And `check` refuses each of them as spec.url, so none reaches a page.
  const root = path.join(tmp, "site");
  const yaml = (s) => JSON.stringify(s).replace(/\\u0001/g, "\\x01");
  for (const attack of attacks) {
    fs.writeFileSync(
      path.join(root, "content/acme/e71.md"),
      `---\ntitle: T\ncode: E71\nsummary: s\nspec: { label: L, url: ${yaml(attack)} }\n---\n`,
    );
    assert.throws(
      () => execFileSync(bin, ["--root", root, "check"], { stdio: ["ignore", "ignore", "pipe"] }),
      (e) => e.status === 1 && /holds .* at character/.test(String(e.stderr)),
      `check accepted spec.url ${JSON.stringify(attack)}`,
    );
  }
  fs.rmSync(path.join(root, "content/acme/e71.md"));
});
