#!/usr/bin/env python3
"""Seeded synthetic sites for the build benchmark (bench/build.sh). Stdlib only.

    gen.py site  --entries N --seed S --out DIR [--hugo DIR] [--theme THEMES_DIR]
    gen.py count --out OUT_DIR

`site` writes a faultline site (site.yaml, content/, themes/) and, with --hugo, the same
entries as a Hugo site. Everything comes from one random.Random(seed) and files are written
in a fixed order, so the same seed and size give the same bytes on every machine.

`count` prints, for a build output folder, the numbers the benchmark table reports:
entry pages, comparison pages, and all files.
"""

import argparse
import os
import random
import shutil
import sys

# ~20 sources, like a real hub: `http` plus the platforms whose errors people paste.
# No dashes in source names: a comparison page is named `<src>-<name>-vs-<src>-<name>`,
# and dash-free sources make those names collision-free by construction.
SOURCES = [
    "http", "nginx", "apache", "cloudflare", "heroku", "kubernetes", "docker", "aws", "gcp",
    "azure", "vercel", "netlify", "postgres", "mysql", "redis", "node", "python", "java",
    "dotnet", "git",
]

# A fixed prose vocabulary. Real words (not random letters) so Markdown, highlighting and
# escaping see text of a realistic shape; the exact choice does not matter.
WORDS = """
the a an of to in on for with by from at as is are was be been it this that these those
request response server client proxy upstream gateway timeout connection socket port host
header body cookie session token certificate handshake cipher protocol version config file
log error warning retry backoff limit quota memory disk process worker thread pool queue
cache cdn origin edge region zone cluster node pod container image registry deploy release
rollback build pipeline job schedule cron database query index lock transaction replica
primary failover network route dns record resolver address firewall rule policy role user
permission access denied allowed invalid missing expired revoked rotated renewed upgrade
downgrade restart reload crash panic exception stack trace signal kill oom limit burst rate
throttle slow fast high low first last every each some many few most often rarely usually
when while after before until unless because so then also only just still even already
check read write open close start stop send receive forward return reject accept drop keep
set get put post delete patch head options trace connect listen bind mount attach detach
run wait sleep poll watch notify emit handle parse encode decode compress decrypt encrypt
sign verify validate reject match compare measure monitor alert page escalate document fix
operator developer reader owner team service application instance machine volume bucket
object key value field line column byte packet frame stream channel buffer window size
""".split()

# ~200 tags: 20 topics x 10 aspects, all valid `[a-z0-9][a-z0-9-]*` segments.
TOPICS = ["proxy", "tls", "dns", "auth", "cache", "deploy", "database", "network", "memory",
          "disk", "queue", "container", "runtime", "config", "rate", "storage", "session",
          "build", "cdn", "api"]
ASPECTS = ["timeout", "limit", "failure", "misconfig", "upgrade", "latency", "crash",
           "permissions", "quota", "routing"]
TAGS = [f"{t}-{a}" for t in TOPICS for a in ASPECTS]

# Commands for the fenced ```bash blocks and keys for the ```yaml ones.
COMMANDS = ["curl -sv", "kubectl get pods -n", "systemctl status", "journalctl -u",
            "docker logs", "tail -n 50", "ss -ltnp", "dig +short", "openssl s_client -connect",
            "grep -r", "nginx -t", "git fetch", "aws logs tail", "psql -c"]


def words(rng, n):
    return [rng.choice(WORDS) for _ in range(n)]


def sentence(rng, lo, hi):
    w = words(rng, rng.randint(lo, hi))
    return " ".join(w).capitalize() + "."


def title_case(ws):
    return " ".join(w.capitalize() for w in ws)


def code_block(rng):
    """One fenced block of 10-20 lines, bash or yaml (both highlighted by faultline)."""
    lines = rng.randint(10, 20)
    if rng.random() < 0.5:
        out = ["```bash"]
        for _ in range(lines):
            out.append(f"{rng.choice(COMMANDS)} {rng.choice(WORDS)}-{rng.randint(1, 99)} # {' '.join(words(rng, 3))}")
    else:
        out = ["```yaml"]
        for i in range(lines):
            indent = "  " if i % 4 else ""
            out.append(f"{indent}{rng.choice(WORDS)}_{i}: \"{' '.join(words(rng, 2))}\"")
    out.append("```")
    return "\n".join(out)


def body(rng):
    """600-900 words of prose in 3-5 `##` sections, one code block in one of them."""
    total = rng.randint(600, 900)
    sections = rng.randint(3, 5)
    code_at = rng.randrange(sections)
    parts = []
    left = total
    for s in range(sections):
        # Headings are unique within an entry (the index keeps them apart).
        parts.append(f"## {title_case(words(rng, rng.randint(2, 4)))} {s + 1}")
        budget = left if s == sections - 1 else total // sections
        left -= budget
        while budget > 0:
            n = min(budget, rng.randint(40, 120))
            budget -= n
            # A paragraph of sentences of 8-16 words, from exactly n words.
            w = words(rng, n)
            sents, i = [], 0
            while i < n:
                k = rng.randint(8, 16)
                sents.append(" ".join(w[i:i + k]).capitalize() + ".")
                i += k
            parts.append(" ".join(sents))
        if s == code_at:
            parts.append(code_block(rng))
    return "\n\n".join(parts) + "\n"


def q(text):
    """A YAML double-quoted string. Generated text is [a-z0-9 .?-] only, so no escapes."""
    return f'"{text}"'


def plan(n, rng):
    """The ids: `http` gets unique 3-digit codes (at most 500 exist), the other 19 sources
    share the rest evenly. Returns [(source, name, code)] in generation order."""
    n_http = min(500, max(1, n // len(SOURCES)))
    codes = sorted(rng.sample(range(100, 600), n_http))
    ids = [("http", str(c), str(c)) for c in codes]
    others = SOURCES[1:]
    rest = n - n_http
    for k, src in enumerate(others):
        count = rest // len(others) + (1 if k < rest % len(others) else 0)
        for j in range(1, count + 1):
            name = f"{rng.choice(WORDS)}-{rng.choice(WORDS)}-{j}"
            ids.append((src, name, f"{src.upper()}-{j}"))
    return ids


def entry(rng, ids, i):
    """Front matter fields (as YAML lines) and body of entry i."""
    src, name, code = ids[i]
    me = f"{src}/{name}"

    def other_ids(k):
        out = set()
        while len(out) < k:
            s, nm, _ = ids[rng.randrange(len(ids))]
            oid = f"{s}/{nm}"
            if oid != me:
                out.add(oid)
        return sorted(out)

    fm = [
        f"title: {q(title_case(words(rng, rng.randint(2, 5))) + ' ' + code)}",
        f"code: {q(code)}",
        f"summary: {q(sentence(rng, 10, 20))}",
    ]
    if src == "http":
        fm.append("iana: assigned")
    elif rng.random() < 0.7:
        # Most platform errors map to an HTTP status: they then appear on class pages.
        fm.append(f"status: {rng.choice([400, 401, 403, 404, 408, 429, 500, 502, 503, 504])}")
    fm.append(f"cacheable: {q(rng.choice(['no', 'yes, by default', 'heuristically']))}")
    fm.append(f"generated_by: {q(title_case(words(rng, 2)))}")
    fm.append(f"typical_cause: {q(sentence(rng, 4, 8))}")
    fm.append(f"first_check: {q(sentence(rng, 4, 8))}")
    fm.append("fastest_fix:")
    fm += [f"  - {q(sentence(rng, 6, 12))}" for _ in range(rng.randint(2, 3))]
    fm.append("causes:")
    for _ in range(rng.randint(2, 3)):
        lk = rng.choice(["high", "medium", "low"])
        fm.append(f"  - {{ title: {q(sentence(rng, 3, 6))}, detail: {q(sentence(rng, 12, 24))}, likelihood: {lk} }}")
    fm.append("steps:")
    for _ in range(rng.randint(3, 4)):
        fm.append(f"  - {{ title: {q(sentence(rng, 3, 6))}, detail: {q(sentence(rng, 12, 24))} }}")
    fm.append("faq:")
    for _ in range(rng.randint(1, 2)):
        fm.append(f"  - {{ q: {q(sentence(rng, 5, 9)[:-1] + '?')}, a: {q(sentence(rng, 10, 20))} }}")
    fm.append("messages:")
    fm += [f"  - {q(code + ' ' + ' '.join(words(rng, rng.randint(4, 8))))}" for _ in range(rng.randint(1, 2))]
    fm.append(f"related: [{', '.join(other_ids(3))}]")
    # About one comparison pair per entry: each entry names one other id.
    fm.append(f"compare: [{other_ids(1)[0]}]")
    tags = rng.sample(TAGS, rng.randint(3, 6))
    fm.append(f"tags: [{', '.join(tags)}]")
    fm.append(f"updated: 2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
    return fm, tags, body(rng)


HUGO_CONFIG = """\
# Generated by bench/gen.py: the same entries as the faultline site, built by Hugo for
# comparison. RSS, sitemap and robots.txt are off: only HTML pages are compared.
baseURL = "https://bench.example.com/"
title = "Fix the error"
languageCode = "en"
disableKinds = ["RSS", "sitemap", "robotsTXT"]
# Lists are split every 200 entries, as faultline does.
paginate = 200
[taxonomies]
  tag = "tags"
[markup.highlight]
  # CSS classes, as faultline emits, rather than inline styles.
  noClasses = false
"""

# Minimal layouts: title, content and tags on entry pages; title and cards on lists.
# list.html also serves the home page, sections, the tags index and each tag (Hugo falls
# back to _default/list.html for the taxonomy and term kinds).
HUGO_SINGLE = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title>
<meta name="description" content="{{ .Params.description }}"></head>
<body><nav><a href="{{ "" | relURL }}">Home</a> / <a href="{{ .Parent.RelPermalink }}">{{ .Section }}</a></nav>
<article><h1>{{ .Title }}</h1><p>{{ .Params.description }}</p>
{{ .Content }}
<ul class="tags">{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</article></body></html>
"""

HUGO_LIST = """\
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title></head>
<body><nav><a href="{{ "" | relURL }}">Home</a></nav>
<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages }}
<ul class="cards">{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a><p>{{ .Params.description }}</p></li>{{ end }}</ul>
{{ if $pager.HasPrev }}<a rel="prev" href="{{ $pager.Prev.URL }}">Previous page</a>{{ end }}
{{ if $pager.HasNext }}<a rel="next" href="{{ $pager.Next.URL }}">Next page</a>{{ end }}
</body></html>
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # newline="" keeps LF on every platform: same bytes everywhere.
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def cmd_site(args):
    rng = random.Random(args.seed)
    ids = plan(args.entries, rng)
    site = args.out
    if os.path.exists(site):
        shutil.rmtree(site)
    write(os.path.join(site, "site.yaml"),
          "title: Fix the error\nlanguage: en\nbase_url: https://bench.example.com/\n")
    # A plain copy of the theme (no symlinks: faultline refuses to follow them in content/,
    # and a copy keeps the site self-contained).
    shutil.copytree(args.theme, os.path.join(site, "themes"))
    if args.hugo:
        if os.path.exists(args.hugo):
            shutil.rmtree(args.hugo)
        write(os.path.join(args.hugo, "hugo.toml"), HUGO_CONFIG)
        write(os.path.join(args.hugo, "layouts/_default/single.html"), HUGO_SINGLE)
        write(os.path.join(args.hugo, "layouts/_default/list.html"), HUGO_LIST)
    for i, (src, name, _) in enumerate(ids):
        fm, tags, text = entry(rng, ids, i)
        write(os.path.join(site, "content", src, name + ".md"), "---\n" + "\n".join(fm) + "\n---\n" + text)
        if args.hugo:
            # Same Markdown body; front matter with what Hugo's pages use.
            title = fm[0][len("title: "):]
            summary = fm[2][len("summary: "):]
            hfm = f"title: {title}\ndescription: {summary}\ntags: [{', '.join(tags)}]\n"
            write(os.path.join(args.hugo, "content", src, name + ".md"), "---\n" + hfm + "---\n" + text)


def cmd_count(args):
    """Entry pages: <source>/<name>/index.html (not the http/1xx..5xx class pages, not
    pagination); comparison pages: compare/<pair>/index.html; files: everything."""
    out = args.out
    entry_pages = compare_pages = files = 0
    for top in sorted(os.listdir(out)):
        top_path = os.path.join(out, top)
        if not os.path.isdir(top_path) or top in ("api", "tags", "page", "static"):
            continue
        for sub in os.listdir(top_path):
            if not os.path.isfile(os.path.join(top_path, sub, "index.html")):
                continue
            if top == "compare":
                compare_pages += 1
            elif sub != "page" and not (top == "http" and sub in ("1xx", "2xx", "3xx", "4xx", "5xx")):
                entry_pages += 1
    for _, _, names in os.walk(out):
        files += len(names)
    print(entry_pages, compare_pages, files)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("site", help="write a synthetic site")
    s.add_argument("--entries", type=int, required=True)
    s.add_argument("--seed", type=int, default=42)
    s.add_argument("--out", required=True)
    s.add_argument("--hugo", help="also write the same entries as a Hugo site here")
    s.add_argument("--theme", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "themes"))
    c = sub.add_parser("count", help="count pages in a build output")
    c.add_argument("--out", required=True)
    args = p.parse_args()
    if args.cmd == "site":
        if args.entries < len(SOURCES):
            sys.exit(f"--entries must be at least {len(SOURCES)}")
        cmd_site(args)
    else:
        cmd_count(args)


if __name__ == "__main__":
    main()
