#!/usr/bin/env python3
"""Sizes of a build's search index (SEARCH.md §5), for BENCHMARKS.md. Stdlib only.

    python3 bench/search_size.py OUT_DIR

Prints the head (search/index.js), the shards, the blocks of documents and the id list,
raw and gzipped (level 9, as a server or CDN would send them): what a reader loads before
the first result is the head plus the few shards the query's terms fall in and the blocks
of the results shown.
"""
import gzip
import statistics
import sys
from pathlib import Path


def sizes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, 9))


def main() -> None:
    search = Path(sys.argv[1]) / "search"
    head = sizes(search / "index.js")
    shards = [sizes(p) for p in sorted(search.glob("shard-*.js"))]
    blocks = [sizes(p) for p in sorted(search.glob("docs-*.js"))]
    ids = sizes(search / "ids.js")
    kib = lambda n: f"{n / 1024:.0f} KiB"
    print(f"head (index.js): {kib(head[0])} raw, {kib(head[1])} gzipped")
    for name, files in (("shards", shards), ("blocks of documents", blocks)):
        print(
            f"{name}: {len(files)}, median {kib(statistics.median(s[0] for s in files))} raw / "
            f"{kib(statistics.median(s[1] for s in files))} gzipped, largest {kib(max(s[0] for s in files))} raw"
        )
    print(f"ids (ids.js): {kib(ids[0])} raw, {kib(ids[1])} gzipped")
    every = [head, ids, *shards, *blocks]
    total = (sum(s[0] for s in every), sum(s[1] for s in every))
    print(f"whole index: {kib(total[0])} raw, {kib(total[1])} gzipped")


if __name__ == "__main__":
    main()
