// Search in the browser on a large synthetic hub: what a reader downloads before the first
// result, how long the index takes to be ready, and how long each keystroke takes.
//
//   node bench/search.mjs [--entries 10000] [--seed 1] [--runs 5] [--dir /tmp/faultline-bench-search]
//
// 1. Generates the site with bench/gen.py (seeded: the same bytes every time) and builds it
//    with target/release/faultline (run `cargo build --release` first).
// 2. Serves the output from a static server on 127.0.0.1 that records every file sent.
// 3. For each run, in a fresh Chromium context (empty cache): opens the home page, focuses
//    the search box, and times focus -> index ready (the `faultline:index` event). Then types
//    the queries below one key at a time, waiting for each key's results (the
//    `faultline:results` event) before the next key.
// 4. Bytes: every file the browser requested up to the first results (those of the first
//    key), and up to the results of the whole first query, as sent, and gzipped with
//    node:zlib (level 6, what servers commonly use).
//
// Per keystroke it reports `work` (planning, ranking and rendering, measured in the page
// with performance.now()) and `total` (from the input event to the results on screen,
// including any shard the key made the page load).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { chromium } from "playwright-core";

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const entries = Number(opt("--entries", "10000"));
const seed = Number(opt("--seed", "1"));
const runs = Number(opt("--runs", "5"));
const dir = path.resolve(opt("--dir", path.join(os.tmpdir(), "faultline-bench-search")));
const bin = path.join(repo, "target/release/faultline");
if (!fs.existsSync(bin)) execFileSync("cargo", ["build", "--release", "--quiet"], { cwd: repo, stdio: "inherit" });

// What a reader types: codes, words, a typo, a message, a pasted log line.
const QUERIES = [
  "NGINX-12",
  "upstream timeout",
  "certficate expired",
  "connection refused while reading response header",
  "503",
  "2026/04/20 10:01:02 [error] 31#31: *1 upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.7",
  "KUBERNETES-7 crash loop",
  "dns resolver",
];

const site = path.join(dir, `site-${entries}-${seed}`);
const out = path.join(dir, `out-${entries}-${seed}`);
if (!fs.existsSync(path.join(site, "content"))) {
  console.error(`generating ${entries} entries (seed ${seed}) into ${site}`);
  execFileSync("python3", [path.join(repo, "bench/gen.py"), "site", "--entries", String(entries), "--seed", String(seed), "--out", site, "--theme", path.join(repo, "themes")], { stdio: "inherit" });
}
// The theme under test is this repository's, whatever the generated copy holds.
fs.rmSync(path.join(site, "themes"), { recursive: true, force: true });
fs.cpSync(path.join(repo, "themes"), path.join(site, "themes"), { recursive: true });
console.error(`building with ${path.relative(repo, bin)}`);
execFileSync(bin, ["--root", site, "build", "--out", out], { stdio: ["ignore", "ignore", "inherit"] });

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css" };
let sent = [];
const server = http.createServer((req, res) => {
  let p = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (p.endsWith("/")) p += "index.html";
  const file = path.join(out, p);
  if (!file.startsWith(out) || !fs.existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  const body = fs.readFileSync(file);
  sent.push(file);
  res.writeHead(200, { "content-type": TYPES[path.extname(file)] || "application/octet-stream", "cache-control": "no-store" });
  res.end(body);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const home = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

function sizes(files) {
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const b = fs.readFileSync(f);
    raw += b.length;
    gz += zlib.gzipSync(b, { level: 6 }).length;
  }
  return { raw, gz };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const p95 = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)];
};

const results = [];
for (let run = 0; run < runs; run++) {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  await context.addInitScript(() => {
    window.__keys = [];
    document.addEventListener("faultline:results", (e) => window.__keys.push(e.detail));
    document.addEventListener("faultline:index", (e) => {
      window.__index = { at: performance.now(), ...e.detail };
    });
  });
  const page = await context.newPage();
  sent = [];
  await page.goto(home, { waitUntil: "load" });
  const pageFiles = [...sent];
  // Focus -> index ready.
  const ready = await page.evaluate(async () => {
    const t0 = performance.now();
    document.getElementById("site-search-q").focus();
    await new Promise((resolve) => {
      const check = () => (window.__index ? resolve() : setTimeout(check, 1));
      check();
    });
    return { ms: window.__index.at - t0, build: window.__index.ms, docs: window.__index.docs, terms: window.__index.terms };
  });
  const keys = [];
  let firstResult = null;
  let firstQuery = null;
  for (const [qi, query] of QUERIES.entries()) {
    await page.fill("#site-search-q", "");
    for (let i = 1; i <= query.length; i++) {
      const typed = query.slice(0, i);
      await page.keyboard.type(query[i - 1]);
      if (typed.trim() === "") continue;
      const detail = await page.waitForFunction(
        (q) => {
          const k = window.__keys;
          return k.length && k[k.length - 1].query === q ? k[k.length - 1] : null;
        },
        typed,
        { timeout: 10000 },
      );
      keys.push({ query: typed, ...(await detail.jsonValue()) });
      if (qi === 0 && firstResult === null) firstResult = [...sent];
    }
    if (qi === 0) firstQuery = [...new Set(sent)];
  }
  const indexFiles = firstResult.filter((f) => !pageFiles.includes(f));
  const all = [...new Set(sent)];
  results.push({
    page: sizes(pageFiles),
    first: sizes(firstResult),
    firstQuery: sizes(firstQuery),
    firstSearch: sizes(indexFiles),
    all: sizes(all),
    shardsAll: all.filter((f) => /shard-\d+\.js$/.test(f)).length,
    blocksAll: all.filter((f) => /docs-\d+\.js$/.test(f)).length,
    ready,
    work: keys.map((k) => k.ms),
    slowest: [...keys].sort((a, b) => b.ms - a.ms).slice(0, 5).map((k) => `${JSON.stringify(k.query)} ${k.ms.toFixed(1)} ms`),
    total: keys.map((k) => k.total),
    keys: keys.length,
  });
  await context.close();
}
await browser.close();
server.close();

const shards = fs.readdirSync(path.join(out, "search")).filter((f) => f.startsWith("shard-"));
const indexSize = sizes([path.join(out, "search/index.js")]);
const shardSizes = shards.map((f) => fs.statSync(path.join(out, "search", f)).size);
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const ms = (n) => `${n.toFixed(1)} ms`;
const row = (label, f) => `| ${label} | ${results.map(f).join(" | ")} | ${f(null)} |`;
const pick = (get, fmt) => (r) => fmt(r ? get(r) : median(results.map(get)));
console.log(`\n${entries} entries (seed ${seed}): ${ready0().docs} documents, ${ready0().terms} terms; search/index.js ${kb(indexSize.raw)} (${kb(indexSize.gz)} gzipped); ${shards.length} shards, ${kb(Math.min(...shardSizes))} to ${kb(Math.max(...shardSizes))} each`);
console.log(`${runs} runs, ${results[0].keys} keystrokes each over ${QUERIES.length} queries\n`);
console.log(`| measure | ${results.map((_, i) => `run ${i + 1}`).join(" | ")} | median |`);
console.log(`|---|${results.map(() => "---").join("|")}|---|`);
console.log(row("page (HTML, CSS, search.js), sent / gzipped", (r) => (r ? `${kb(r.page.raw)} / ${kb(r.page.gz)}` : `${kb(median(results.map((x) => x.page.raw)))} / ${kb(median(results.map((x) => x.page.gz)))}`)));
console.log(row("search files before the first result, sent / gzipped", (r) => (r ? `${kb(r.firstSearch.raw)} / ${kb(r.firstSearch.gz)}` : `${kb(median(results.map((x) => x.firstSearch.raw)))} / ${kb(median(results.map((x) => x.firstSearch.gz)))}`)));
console.log(row("everything before the first result, sent / gzipped", (r) => (r ? `${kb(r.first.raw)} / ${kb(r.first.gz)}` : `${kb(median(results.map((x) => x.first.raw)))} / ${kb(median(results.map((x) => x.first.gz)))}`)));
console.log(row(`everything before the results of ${JSON.stringify(QUERIES[0])}, sent / gzipped`, (r) => (r ? `${kb(r.firstQuery.raw)} / ${kb(r.firstQuery.gz)}` : `${kb(median(results.map((x) => x.firstQuery.raw)))} / ${kb(median(results.map((x) => x.firstQuery.gz)))}`)));
console.log(row("everything after all queries, gzipped (shards, blocks of documents)", (r) => (r ? `${kb(r.all.gz)} (${r.shardsAll}, ${r.blocksAll})` : `${kb(median(results.map((x) => x.all.gz)))} (${median(results.map((x) => x.shardsAll))}, ${median(results.map((x) => x.blocksAll))})`)));
console.log(row("focus -> index ready", pick((r) => r.ready.ms, ms)));
console.log(row("  of which building the index in the page", pick((r) => r.ready.build, ms)));
console.log(row("keystroke work, median", pick((r) => median(r.work), ms)));
console.log(row("keystroke work, p95", pick((r) => p95(r.work), ms)));
console.log(row("keystroke work, max", pick((r) => Math.max(...r.work), ms)));
console.log(row("keystroke to results incl. shard loads, median", pick((r) => median(r.total), ms)));
console.log(row("keystroke to results incl. shard loads, p95", pick((r) => p95(r.total), ms)));
if (process.env.SLOWEST) for (const r of results) console.log(r.slowest.join("\n"));

function ready0() {
  return results[0].ready;
}
