#!/usr/bin/env bash
# Every speed figure of issue #13 this binary can give, in one run, on one seeded
# 10,000-entry site (and, with BIG=1, the 100,000-entry cold build):
#
#   BENCH_DIR=/dev/shm/fb bench/all.sh      # tmpfs: what BENCHMARKS.md quotes
#
# 1. cold build, 10,000 entries, with Hugo in the same run (bench/build.sh);
# 2. warm builds: nothing changed, one prose edit, one title edit (bench/warm.sh);
# 3. `faultline serve`: save to served for each kind of edit, and the search index after it
#    (bench/serve.py);
# 4. `faultline search` from the terminal, without and with its cache (bench/search_cli.sh);
# 5. search in the page: bytes before the first result, keystroke times (bench/search.mjs,
#    Chromium through playwright-core: run `npm ci` first).
#
# Settings: RUNS (default 3), BIG=1 to add 100,000 entries, NO_HUGO=1, BENCH_DIR.
# Run it on a quiet machine: every figure is a median, but a busy machine moves them all.
# Not part of CI.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RUNS="${RUNS:-3}"
export BENCH_DIR="${BENCH_DIR:-$(mktemp -d)}"
export KEEP=1
say() { printf '%s\n' "$*" >&2; }

(cd "$repo" && cargo build --release --quiet)
sizes=(10000); [ -n "${BIG:-}" ] && sizes+=(100000)

echo "## 1. Cold build"
"$repo/bench/build.sh" "${sizes[@]}"
site="$BENCH_DIR/site-10000"

echo; echo "## 2. Warm build"
BENCH_DIR="$BENCH_DIR" "$repo/bench/warm.sh" 10000

echo; echo "## 3. serve"
work="$(mktemp -d -p "$BENCH_DIR")"; trap 'rm -rf "$work"' EXIT
cp -a "$site" "$work/site"
python3 "$repo/bench/serve.py" "$work/site" --runs "$((RUNS < 5 ? 5 : RUNS))"

echo; echo "## 4. faultline search"
"$repo/bench/search_cli.sh" "$site"

echo; echo "## 5. Search in the page"
if [ -f "$repo/node_modules/playwright-core/package.json" ]; then
  node "$repo/bench/search.mjs" --entries 10000 --runs "$((RUNS < 5 ? 5 : RUNS))"
else
  echo "not measured: node_modules/ has no playwright-core (run npm ci --ignore-scripts)"
fi
