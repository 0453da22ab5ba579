#!/usr/bin/env python3
"""Save-to-served time of `faultline serve` (issue #5): how long from writing a content file
until the server answers with the new page.

    python3 bench/serve.py SITE [--runs 7] [--port 1199] [--binary target/release/faultline]

For each kind of edit (a sentence added to an entry's body, its title, tags or related list
changed, a new entry added and then deleted), it runs the edit RUNS times on entries picked
in a fixed order, and for each run:

1. waits until the server is idle (no rebuild, search index done);
2. writes the file (t0);
3. waits for the server's `state` event with a newer version (the page is published);
4. fetches the page and checks that it shows the edit (t1).

It prints t1 - t0 for every run and their median; how long from the save until the
server printed that every other file the edit reaches was rebuilt too (the server hands
over the edited page first, then the lists, hubs and JSON index), with the rebuild times
it printed; and for the edits of an existing entry, how long from the save until the
server printed that the search index was updated.
The site is edited in place: run it on a copy (bench/gen.py writes one).
"""

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time


class Events:
    """The server's event stream, read on a thread; `wait_newer` blocks for a new version."""

    def __init__(self, port):
        self.cond = threading.Condition()
        self.version = None
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        conn.request("GET", "/__faultline/events")
        self.response = conn.getresponse()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.response:
            line = raw.decode().rstrip("\r\n")
            if line.startswith("data: "):
                state = json.loads(line[6:])
                with self.cond:
                    self.version = state["version"]
                    self.cond.notify_all()

    def current(self):
        with self.cond:
            while self.version is None:
                self.cond.wait()
            return self.version

    def wait_newer(self, than, timeout=600):
        deadline = time.monotonic() + timeout
        with self.cond:
            while self.version is None or self.version <= than:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no rebuild was published")
                self.cond.wait(left)
            return self.version


def fetch(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


def published(events, version, port, page, marker, tries=5, ready=None):
    """Waits for a version newer than `version` and fetches `page`; when the page does not
    show `marker` yet (or `ready(status, html)` does not hold), the version was an earlier
    change's late search index update, so it waits for the next one (a few times at most)."""
    ready = ready or (lambda status, html: status == 200 and marker in html)
    for _ in range(tries):
        version = events.wait_newer(version)
        status, html = fetch(port, page)
        if ready(status, html):
            break
    return status, html


def wait_idle(log):
    """Waits until the server is idle: nothing printed for a while, and no search index
    update pending after the last rebuild (the server builds it once files are quiet)."""
    while True:
        size = len(log)
        time.sleep(0.5)
        if len(log) != size:
            continue
        rebuilt = [i for i, (_, l) in enumerate(log) if " changed: rendered " in l or l.startswith("built: rendered")]
        # The edited pages come first; the rest of that rebuild (half a second after a new
        # entry at 10,000) prints its own line later, and the server is busy until then.
        first = [i for i, (_, l) in enumerate(log) if ": edited pages first: " in l]
        if first and (not rebuilt or first[-1] > rebuilt[-1]):
            continue
        searched = [i for i, (_, l) in enumerate(log) if l.startswith("search index:")]
        if not rebuilt or (searched and searched[-1] > rebuilt[-1]):
            return
        # A rebuild that changed no entry needs no search index update: give up waiting
        # for one after a few seconds.
        if time.monotonic() - log[rebuilt[-1]][0] > 5:
            return


def settled_after(lines, t0):
    """When, after t0, the server printed that the whole rebuild was done (not the line of
    the edited pages it hands over first), and the time it printed: (ms, ms)."""
    for at, line in lines:
        found = re.search(r" changed: rendered .* in (\d+) ms", line)
        if found:
            return (at - t0) * 1000, int(found.group(1))
    return -1, -1


def print_settled(settled):
    at = [a for a, _ in settled]
    printed = " ".join(str(p) for _, p in settled)
    print(f"{'':>7}  save to every file rebuilt, ms: median {statistics.median(at):.0f}, runs {' '.join(f'{t:.0f}' for t in at)}; rebuild as printed, ms: {printed}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("site")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--port", type=int, default=1199)
    p.add_argument("--binary", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "faultline"))
    args = p.parse_args()

    log = []
    started = time.monotonic()
    server = subprocess.Popen([args.binary, "--root", args.site, "serve", "--port", str(args.port)], stderr=subprocess.PIPE, text=True)

    def read_log():
        for line in server.stderr:
            log.append((time.monotonic(), line.rstrip("\n")))

    threading.Thread(target=read_log, daemon=True).start()
    try:
        while not any("press Ctrl-C" in line for _, line in log):
            if server.poll() is not None:
                sys.exit("faultline serve stopped:\n" + "\n".join(l for _, l in log))
            time.sleep(0.05)
        first = next(l for _, l in log if l.startswith("built"))
        if "not rebuilt" in first:
            sys.exit("the site does not build:\n" + "\n".join(l for _, l in log))
        print(f"first build and start: {time.monotonic() - started:.2f} s ({first})")
        events = Events(args.port)
        content = os.path.join(args.site, "content")
        entries = sorted(
            os.path.join(source, name)
            for source in sorted(os.listdir(content))
            if os.path.isdir(os.path.join(content, source)) and source != "compare"
            for name in os.listdir(os.path.join(content, source))
            if name.endswith(".md") and not name.startswith("_")
        )
        picks = [entries[(i * 7919) % len(entries)] for i in range(args.runs)]

        def body(text, n):
            return text.rstrip("\n") + f"\n\nEdited for the benchmark, run {n}.\n", f"Edited for the benchmark, run {n}."

        def title(text, n):
            new = re.sub(r"^title: (.*)$", lambda m: f'title: "Bench {n} ' + m.group(1).strip('"').replace('"', "") + '"', text, count=1, flags=re.M)
            return new, f"Bench {n} "

        def tags(text, n):
            new = re.sub(r"^tags: \[(.*)\]$", lambda m: f"tags: [{m.group(1)}, bench-{n}]", text, count=1, flags=re.M)
            return new, f"bench-{n}"

        def related(text, n):
            other = entries[(n * 31 + 5) % len(entries)]
            with open(os.path.join(content, other), encoding="utf-8") as f:
                other_title = re.search(r"^title: (.*)$", f.read(), flags=re.M).group(1).strip('"')
            new = re.sub(r"^related: \[.*\]$", f"related: [{other[: -len('.md')]}]", text, count=1, flags=re.M)
            return new, other_title

        for kind, edit in [("body", body), ("title", title), ("tags", tags), ("related", related)]:
            times, settled, indexed = [], [], []
            for n, rel in enumerate(picks):
                path = os.path.join(content, rel)
                with open(path, encoding="utf-8") as f:
                    original = f.read()
                text, marker = edit(original, n)
                wait_idle(log)
                version = events.current()
                mark = len(log)
                t0 = time.monotonic()
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                page = "/" + rel[: -len(".md")] + "/"
                status, html = published(events, version, args.port, page, marker)
                t1 = time.monotonic()
                if status != 200 or marker not in html:
                    sys.exit(f"{page}: status {status}, the edit `{marker}` is not on the page")
                times.append((t1 - t0) * 1000)
                wait_idle(log)
                settled.append(settled_after(log[mark:], t0))
                # When the server printed that the search index holds the edit.
                indexed.append(next(((at - t0) * 1000 for at, l in log[mark:] if l.startswith("search index:")), -1))
                with open(path, "w", encoding="utf-8") as f:
                    f.write(original)
            print(f"{kind:>7}: save to served, ms: median {statistics.median(times):.0f}, runs {' '.join(f'{t:.0f}' for t in times)}")
            print_settled(settled)
            print(f"{'':>7}  save to search index updated, ms: median {statistics.median(indexed):.0f}, runs {' '.join(f'{t:.0f}' for t in indexed)}")

        # A new entry in an existing source, then deleting it: its pages and every list
        # that names it.
        times, settled, deleted, deleted_settled = [], [], [], []
        source = sorted(s for s in os.listdir(content) if os.path.isdir(os.path.join(content, s)) and s not in ("compare", "http"))[0]
        for n in range(args.runs):
            rel = f"{source}/bench-new-{n}.md"
            path = os.path.join(content, rel)
            wait_idle(log)
            version = events.current()
            mark = len(log)
            t0 = time.monotonic()
            with open(path, "w", encoding="utf-8") as f:
                f.write(f"---\ntitle: Bench entry {n}\ncode: B{n}\nsummary: Added by the benchmark.\nstatus: 503\ntags: [bench]\n---\nBody.\n")
            status, _ = published(events, version, args.port, f"/{source}/bench-new-{n}/", "Bench entry")
            t1 = time.monotonic()
            if status != 200:
                sys.exit(f"the new entry is not served (status {status})")
            times.append((t1 - t0) * 1000)
            wait_idle(log)
            settled.append(settled_after(log[mark:], t0))
            version = events.current()
            mark = len(log)
            t0 = time.monotonic()
            os.remove(path)
            status, _ = published(events, version, args.port, f"/{source}/bench-new-{n}/", "", ready=lambda s, _: s == 404)
            if status != 404:
                sys.exit(f"the deleted entry is still served (status {status})")
            deleted.append((time.monotonic() - t0) * 1000)
            # The deletion's rebuild may take longer than wait_idle's quiet spell.
            while not any(" changed: rendered " in l or "not rebuilt" in l for _, l in log[mark:]):
                time.sleep(0.05)
            deleted_settled.append(settled_after(log[mark:], t0))
        wait_idle(log)
        print(f"    add: save to served, ms: median {statistics.median(times):.0f}, runs {' '.join(f'{t:.0f}' for t in times)}")
        print_settled(settled)
        print(f" delete: deletion to 404 served, ms: median {statistics.median(deleted):.0f}, runs {' '.join(f'{t:.0f}' for t in deleted)}")
        print_settled(deleted_settled)
        search = [int(m.group(1)) for _, l in log if l.startswith("search index:") for m in [re.search(r"in (\d+) ms", l)] if m]
        if search:
            print(f"search index updates after a change, ms: median {statistics.median(search):.0f} ({len(search)} updates)")
    finally:
        server.send_signal(2)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
