// Differential check of the page's ranking against `faultline search`: builds the hub,
// loads search.js with the built index in a Node VM, and compares the top ten of both for
// many queries (codes, titles, messages, typing prefixes, typos, log lines, odd text).
//
//   node tests/browser/diff.mjs [--bin target/release/faultline] [--root .] [--limit N]
//
// Not part of scripts/test (each query is a process); run it after changing the ranking.
import { execFileSync, execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadEngine } from "./engine.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const bin = path.resolve(opt("--bin", "target/release/faultline"));
const root = path.resolve(opt("--root", "."));
const limit = Number(opt("--limit", "0"));

const out = fs.mkdtempSync(path.join(os.tmpdir(), "faultline-diff-"));
execFileSync(bin, ["--root", root, "build", "--offline", "--out", path.join(out, "site")], { stdio: "ignore" });
const site = path.join(out, "site");
const engine = loadEngine(site);

// A seeded generator, so a failure can be replayed.
let seed = 12345;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (list) => list[Math.floor(random() * list.length)];

const queries = new Set();
const api = JSON.parse(fs.readFileSync(path.join(site, "api/index.json"), "utf8"));
for (const e of api.entries) {
  const full = JSON.parse(fs.readFileSync(path.join(site, `api/${e.id}.json`), "utf8"));
  const texts = [e.code, e.title, e.id, full.name, ...(full.also_known_as || []), ...(full.messages || [])].filter(Boolean);
  for (const t of texts) {
    queries.add(t);
    // Typing: a prefix cut anywhere, and one ending in a space.
    const cut = 1 + Math.floor(random() * t.length);
    queries.add(t.slice(0, cut));
    queries.add(t.slice(0, cut) + " ");
    // One typo in a long word.
    const words = t.split(" ");
    const i = Math.floor(random() * words.length);
    const w = words[i];
    if (w.length >= 4) {
      const at = Math.floor(random() * w.length);
      const kind = Math.floor(random() * 3);
      const typo = kind === 0 ? w.slice(0, at) + w.slice(at + 1) : kind === 1 ? w.slice(0, at) + "x" + w.slice(at) : w.slice(0, at) + "q" + w.slice(at + 1);
      queries.add([...words.slice(0, i), typo, ...words.slice(i + 1)].join(" "));
    }
  }
  // A few words of the summary.
  const sw = e.summary.split(" ");
  const s = Math.floor(random() * sw.length);
  queries.add(sw.slice(s, s + 3).join(" "));
}
for (const q of [
  "2026/04/20 10:01:02 [error] 31#31: *1 upstream prematurely closed connection while reading response header from upstream, client: 10.0.0.7, server: example.com, request: \"GET /api HTTP/1.1\", upstream: \"http://127.0.0.1:8080/api\", host: \"example.com\"",
  "2026-04-20T10:01:02.123456+00:00 heroku[router]: at=error code=H10 desc=\"App crashed\" method=GET path=\"/\" host=myapp.herokuapp.com request_id=8601b555-6a83-4c12-8e5b-f2d1a1a9c1e0 fwd=\"203.0.113.9\" dyno= connect= service= status=503 bytes= protocol=https",
  "HTTP/1.1 502 Bad Gateway",
  "HTTP/2 504",
  "10.0.0.1 - - [20/Apr/2026:10:01:02 +0000] \"GET / HTTP/1.1\" 502 157 \"-\" \"curl/8.0\"",
  "net::ERR_TOO_MANY_REDIRECTS",
  "Back-off restarting failed container",
  "ssl handshake failed",
  "SSL_do_handshake() failed",
  "İstanbul ǅemal ﬁx ΣΑΣ straße",
  "😀 emoji 502",
  "</script><img src=x onerror=alert(1)>",
  "\"quoted\" 'single' `tick`",
  "a=b=c desc='x y' key=\"unterminated",
  "   ",
  "-",
  "the of and",
  "e", "er", "err", "erro", "error",
  "time-ou", "time-out", "Gateway Time-out",
  "crashloop", "CrashLoop", "imagepull",
  "5", "50", "502 ", "5xx", "4xx",
  "H1", "h1", "h12 h13 h14 h15 h16 h17 h18 h19 h20 h21 h22 h23 h24 h25 h26 h27 h28 h29 h30 h31 h32 h33 h34 h35 h36 h37 h38 h39",
]) {
  queries.add(q);
}
// Random word soups from the titles.
const vocab = api.entries.flatMap((e) => e.title.split(/\s+/));
for (let i = 0; i < 200; i++) {
  const n = 1 + Math.floor(random() * 4);
  queries.add(Array.from({ length: n }, () => pick(vocab)).join(" ") + (random() < 0.5 ? " " : ""));
}

let list = [...queries].filter((q) => !q.startsWith("-") || q === "-");
if (limit) list = list.slice(0, limit);

function cli(q) {
  return new Promise((resolve) => {
    execFile(bin, ["--root", root, "search", "--limit", "10", "--", q], (err, stdout) => {
      resolve(err ? `error: ${err.message}` : stdout.split("\n").filter(Boolean).map((l) => l.split("\t")[0]));
    });
  });
}

let failures = 0;
let top3 = 0;
const jobs = [...list];
async function worker() {
  while (jobs.length) {
    const q = jobs.shift();
    const want = await cli(q);
    const got = engine.query(q, 10);
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      failures++;
      const same3 = JSON.stringify(want.slice?.(0, 3)) === JSON.stringify(got.slice(0, 3));
      if (!same3) top3++;
      console.log(`${same3 ? "order" : "TOP3 "} ${JSON.stringify(q)}\n  rust: ${JSON.stringify(want)}\n  js:   ${JSON.stringify(got)}`);
    }
  }
}
await Promise.all([worker(), worker(), worker()]);
console.log(`${list.length} queries, ${failures} differ in the top ten, ${top3} in the top three`);
fs.rmSync(out, { recursive: true, force: true });
process.exit(failures ? 1 : 0);
