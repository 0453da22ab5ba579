#!/usr/bin/env python3
"""Sizes of a build's search index (SEARCH.md §5), for BENCHMARKS.md. Stdlib only.

    python3 bench/search_size.py OUT_DIR

Prints the head (search/index.js) and the shards, raw and gzipped (level 9, as a server
or CDN would send them): what a reader loads before the first result is the head plus
the few shards the query's terms fall in.
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
    kib = lambda n: f"{n / 1024:.0f} KiB"
    print(f"head (index.js): {kib(head[0])} raw, {kib(head[1])} gzipped")
    print(
        f"shards: {len(shards)}, median {kib(statistics.median(s[0] for s in shards))} raw / "
        f"{kib(statistics.median(s[1] for s in shards))} gzipped, largest {kib(max(s[0] for s in shards))} raw"
    )
    total = (head[0] + sum(s[0] for s in shards), head[1] + sum(s[1] for s in shards))
    print(f"whole index: {kib(total[0])} raw, {kib(total[1])} gzipped")


if __name__ == "__main__":
    main()
