// The parity gate: the page's ranking (themes/default/static/search.js, run in Node on the
// built index scripts, see engine.mjs) against `faultline search --batch` on thousands of
// queries, full top ten, query by query. Run by scripts/test:
//
//   node --test tests/browser/parity.mjs       (FAULTLINE_BIN overrides target/debug/faultline)
//
// The site is the frozen hub, tests/fixtures/hub (not the live content, which changes), and
// the queries are generated from it with a fixed seed: codes, ids, titles, names, messages,
// prefixes as a reader types them, typos, log lines pasted with their timestamps, ids and
// addresses, HTTP status lines, word soups and odd text. The same seed and fixture give the
// same queries on every run, so a failure names a query that fails again.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { loadEngine } from "./engine.mjs";

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const bin = path.resolve(repo, process.env.FAULTLINE_BIN || "target/debug/faultline");
const SEED = 20261205;
const TOP = 10;

// mulberry32: a small seeded generator, the same numbers on every Node version.
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = generator(SEED);
const int = (n) => Math.floor(random() * n);
const pick = (list) => list[int(list.length)];
const hex = (n) => Array.from({ length: n }, () => "0123456789abcdef"[int(16)]).join("");
const pad = (n, w = 2) => String(n).padStart(w, "0");
const ip = () => `${10 + int(200)}.${int(256)}.${int(256)}.${1 + int(254)}`;
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick("89ab")}${hex(3)}-${hex(12)}`;
const time = () => `${pad(int(24))}:${pad(int(60))}:${pad(int(60))}`;
const date = (sep) => `2026${sep}${pad(1 + int(12))}${sep}${pad(1 + int(28))}`;
const iso = () => `${date("-")}T${time()}.${hex(3).replace(/\D/g, "7")}Z`;
const host = () => `${pick(["app", "api", "www", "edge"])}.${pick(["example", "acme-corp", "shop"])}.${pick(["com", "io", "dev"])}`;
const urlPath = () => `/${pick(["api", "v1", "static", "checkout", "login"])}/${pick(["users", "orders", "img.png", hex(6)])}`;
const method = () => pick(["GET", "POST", "PUT", "DELETE", "HEAD"]);
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A message pasted as it appears in a log, with what identifies one occurrence around it. */
const LOG_LINES = [
  (m) =>
    `${date("/")} ${time()} [error] ${int(9999)}#${int(99)}: *${int(99999)} ${m}, client: ${ip()}, server: ${host()}, request: "${method()} ${urlPath()} HTTP/1.1", upstream: "http://${ip()}:${1024 + int(60000)}${urlPath()}", host: "${host()}"`,
  (m, e) =>
    `${iso()} heroku[router]: at=error code=${e.code} desc="${m}" method=${method()} path="${urlPath()}" host=${host()} request_id=${uuid()} fwd="${ip()}" dyno=web.${1 + int(9)} connect=${int(9)}ms service=${int(30000)}ms status=${pick([503, 502, 504])} bytes=${int(9000)} protocol=https`,
  (m, e) =>
    `${ip()} - - [${pad(1 + int(28))}/${pick(MONTHS)}/2026:${time()} +0000] "${method()} ${urlPath()} HTTP/1.1" ${e.code} ${int(99999)} "-" "curl/8.${int(9)}.0" ${m}`,
  (m) => `${pick(["2m", "45s", "10m"])}  Warning  ${pick(["BackOff", "Failed", "Unhealthy"])}  pod/web-${hex(10)}-${hex(5)}  ${m}`,
  (m) => `level=error ts=${iso()} caller=server.go:${int(999)} msg="${m}" trace_id=${hex(32)} span_id=${hex(16)}`,
  (m) => `${pick(MONTHS)} ${1 + int(28)} ${time()} ${host()} app[${int(99999)}]: ${m}`,
  (m, e) => `[${iso()}] ${e.code} ${m} (id: ${pick(["iad1", "sfo1", "cdg1"])}::${hex(5)}-${int(1e12)}-${hex(12)})`,
  (m, e) => `${method()} https://${host()}${urlPath()} ${e.code} (${m})`,
  (m) => `${m} at ${iso()} from ${ip()}:${int(65535)} [::1] ${uuid()}`,
];

const TYPOS = [
  (w, i) => w.slice(0, i) + w.slice(i + 1), // a letter left out
  (w, i) => w.slice(0, i) + pick("aeiourstnx") + w.slice(i), // one too many
  (w, i) => w.slice(0, i) + pick("aeiourstnq") + w.slice(i + 1), // one wrong
  (w, i) => (i + 1 < w.length ? w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2) : w + w[i]), // two swapped
];

/** `text` with one word (of four or more characters) misspelt, or null. */
function typo(text) {
  const words = text.split(" ");
  const long = words.map((w, i) => [w, i]).filter(([w]) => w.length >= 4);
  if (!long.length) return null;
  const [w, i] = pick(long);
  words[i] = pick(TYPOS)(w, int(w.length));
  return words.join(" ");
}

/** The queries, in a fixed order, for the entries of `api` (the built site's api/). */
function queries(site) {
  const out = new Set();
  const add = (q) => {
    if (q !== null && q !== undefined) out.add(String(q).replace(/[\r\n]+/g, " "));
  };
  const index = JSON.parse(fs.readFileSync(path.join(site, "api/index.json"), "utf8"));
  const vocabulary = [];
  for (const e of index.entries) {
    const full = JSON.parse(fs.readFileSync(path.join(site, `api/${e.id}.json`), "utf8"));
    const texts = [e.title, full.name, ...(full.also_known_as || []), ...(full.messages || [])].filter(Boolean);
    vocabulary.push(...e.title.split(/\s+/), ...e.summary.split(/\s+/), ...(e.tags || []));
    for (const q of [e.code, e.code.toLowerCase(), e.id, `${e.source} ${e.code}`, `error ${e.code}`, `HTTP ${e.code}`]) add(q);
    for (const t of texts) {
      add(t);
      const cut = 1 + int(t.length);
      add(t.slice(0, cut)); // typing, mid-word
      add(t.slice(0, cut) + " "); // typing, between words
      add(typo(random() < 0.5 ? t : t.toLowerCase()));
      add(pick(LOG_LINES)(t, e));
    }
    // Typing the title key by key, every prefix.
    if (int(8) === 0) for (let i = 1; i <= e.title.length; i++) add(e.title.slice(0, i));
    const words = e.summary.split(" ");
    const at = int(words.length);
    add(words.slice(at, at + 1 + int(4)).join(" "));
    add(`HTTP/1.${int(2)} ${e.code} ${e.title.replace(/^.*?\d+:? /, "")}`);
  }
  for (let i = 0; i < 500; i++) {
    const soup = Array.from({ length: 1 + int(5) }, () => pick(vocabulary)).join(pick([" ", " ", "-", "_", ", "]));
    add(soup + (random() < 0.3 ? " " : ""));
    add(typo(soup));
  }
  // The index's own terms: every one with a digit (numbers, hashes and versions are where
  // the noise rules decide), and a sample of the rest, alone or pasted after a timestamp.
  const terms = loadEngine(site).index.terms;
  for (const t of terms) {
    if (/[0-9]/.test(t)) add(random() < 0.5 ? t : `${iso()} ${t}`);
    else if (int(10) === 0) add(t.slice(0, 2 + int(t.length)));
  }
  for (const q of ODD) add(q);
  return [...out];
}

// Queries that once broke one side or the other, and text no generator makes.
const ODD = [
  "",
  "   ",
  "-",
  "--",
  "the of and",
  "e",
  "er",
  "5",
  "50",
  "502 ",
  "5xx",
  "4xx",
  "H1",
  "h12 h13 h14 h15 h16 h17 h18 h19 h20 h21 h22 h23 h24 h25 h26 h27 h28 h29 h30 h31 h32 h33 h34 h35 h36 h37 h38 h39",
  "time-ou",
  "Gateway Time-out",
  "crashloop",
  "CrashLoop",
  "imagepull",
  "net::ERR_TOO_MANY_REDIRECTS",
  "SSL_do_handshake() failed",
  "İstanbul ǅemal ﬁx ΣΑΣ straße",
  "😀 emoji 502",
  "𝒢ateway 𝟓𝟎𝟐",
  "\u2028502\u2029 bad\u00a0gateway",
  "</script><img src=x onerror=alert(1)>",
  "\"quoted\" 'single' `tick`",
  "a=b=c desc='x y' key=\"unterminated",
  "at=error code=H10 desc=\"App crashed\" method=GET path=\"/\"",
  "client: 10.0.0.7, server: x, request: \"GET / HTTP/1.1\"",
  "2026/04/20 10:01:02 10.0.0.1 /var/www",
  "deadbeef1 deadbeef 8601b555-6a83-4c12-8e5b-f2d1a1a9c1e0 sfo1::x5p7n-1700000000000-fe5a1b6d2f1c",
  "x".repeat(300),
  Array.from({ length: 60 }, (_, i) => `word${i}`).join(" "),
];

// Both tests read the frozen hub, built once (offline) into a temporary folder.
let tmp, root, site;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "faultline-parity-"));
  root = path.join(tmp, "hub");
  fs.cpSync(path.join(repo, "tests/fixtures/hub"), root, { recursive: true });
  fs.cpSync(path.join(repo, "themes"), path.join(root, "themes"), { recursive: true });
  site = path.join(tmp, "site");
  execFileSync(bin, ["--root", root, "build", "--offline", "--out", site], { stdio: ["ignore", "ignore", "pipe"] });
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("the page ranks every query as `faultline search --batch` does (frozen hub, full top ten)", () => {
  const list = queries(site);
  assert.ok(list.length >= 3000, `${list.length} queries`);
  let t0 = performance.now();
  const stdout = execFileSync(bin, ["--root", root, "search", "--batch", "--limit", String(TOP)], {
    input: list.join("\n") + "\n",
    maxBuffer: 1 << 28,
    stdio: ["pipe", "pipe", "pipe"],
  }).toString("utf8");
  const rustMs = performance.now() - t0;
  const lines = stdout.split("\n").filter((l) => l !== "");
  assert.equal(lines.length, list.length, "one JSON line per query");

  t0 = performance.now();
  const engine = loadEngine(site);
  const failures = [];
  list.forEach((q, i) => {
    const line = JSON.parse(lines[i]);
    assert.equal(line.query, q, `line ${i + 1} answers its own query`);
    const want = line.results.map((r) => r.id);
    const got = engine.query(q, TOP);
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      failures.push(`${JSON.stringify(q)}\n  faultline: ${JSON.stringify(want)}\n  search.js: ${JSON.stringify(got)}`);
    }
  });
  const jsMs = performance.now() - t0;
  console.log(
    `parity: ${list.length} queries, ${failures.length} differ; faultline search --batch ${Math.round(rustMs)} ms, search.js ${Math.round(jsMs)} ms`,
  );
  assert.equal(failures.length, 0, `${failures.length} of ${list.length} queries differ:\n${failures.slice(0, 20).join("\n")}`);
});

// The page's typo scan (SEARCH.md §7) skips most terms before computing a distance; the
// test that lets it skip must never drop a term within reach. Every term of the frozen hub
// and of a few non-BMP words, with one or two random edits, against a scan of every term.
test("the page's typo scan finds exactly the terms a full scan finds", () => {
  const { engine, index } = loadEngine(site);
  const letters = "abcdefghijklmnopqrstuvwxyz0123456789éß𝒢";
  const edit = (w) => {
    const chars = Array.from(w);
    const at = int(chars.length + 1);
    const c = pick(Array.from(letters));
    const kind = int(3);
    if (kind === 0 && at < chars.length) chars[at] = c;
    else if (kind === 1 && at < chars.length && chars.length > 1) chars.splice(at, 1);
    else chars.splice(at, 0, c);
    return chars.join("");
  };
  // A third of the terms keeps the full scans under half a minute.
  const words = [...index.terms.filter((_, i) => i % 3 === 0), "gateway𝒢", "𝒢ateway", "straße", "überlastung"];
  const lengths = index.terms.map((t) => Array.from(t).length);
  let checked = 0;
  for (const term of words) {
    for (const q of [edit(term), edit(edit(term))]) {
      const length = Array.from(q).length;
      for (const max of [1, 2]) {
        if (length <= max) continue;
        const scan = index.nearTerms(q, length, max).map((e) => index.terms[e[0]]);
        const every = index.terms.filter((t, i) => Math.abs(lengths[i] - length) <= max && engine.distance(q, t, max) >= 0);
        assert.deepEqual(scan, every, `${JSON.stringify(q)} within ${max}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 5000, `${checked} words checked`);
});
