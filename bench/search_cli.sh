#!/usr/bin/env bash
# The `faultline search` benchmark (issue #13, item 5): wall time of one query from the
# terminal, without the search cache (cold) and with it (warm), and of a --batch run.
#
#   bench/search_cli.sh              # generates a 10,000-entry site (bench/gen.py, seed 42)
#   bench/search_cli.sh SITE         # an existing site folder
#
# Settings (environment):
#   RUNS=5          timed runs of each kind (the median is reported)
#   ENTRIES=10000   the size of the generated site
#   QUERY="upstream timed out"   the query timed
#   BENCH_DIR=DIR   generate the site here instead of a fresh temp dir (kept afterwards)
#
# A cold run deletes the site's .faultline-cache/ first (nothing else in the site is
# touched); a warm run finds the cache the run before it left. Figures are medians of
# wall time, CPU time (user + system) and peak resident memory, from GNU time.
#
# Not part of CI: nothing under scripts/ or tests/ calls this.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-5}"
ENTRIES="${ENTRIES:-10000}"
QUERY="${QUERY:-upstream timed out}"

say() { printf '%s\n' "$*" >&2; }

[ -x /usr/bin/time ] || { say "error: GNU time (/usr/bin/time, Debian package \`time\`) is missing"; exit 1; }

work=""
queries="$(mktemp)"
cleanup() { rm -f "$queries"; if [ -n "$work" ] && [ -z "${BENCH_DIR:-}" ]; then rm -rf "$work"; fi; }
trap cleanup EXIT

site="${1:-}"
if [ -z "$site" ]; then
  work="${BENCH_DIR:-$(mktemp -d)}"
  site="$work/site-$ENTRIES"
  if [ ! -d "$site/content" ]; then
    say "generating $ENTRIES entries into $site..."
    python3 "$repo/bench/gen.py" site --entries "$ENTRIES" --seed 42 --out "$site" >/dev/null
  fi
fi
[ -d "$site/content" ] || { say "error: $site has no content/ folder"; exit 1; }

say "building the release binary..."
(cd "$repo" && cargo build --release --quiet)
bin="$repo/target/release/faultline"

# Prints "wall user sys peak-KiB" for one run of the command given, its output discarded.
timed() {
  /usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null </dev/null | tail -1
}

# The median of the numbers on stdin, one a line.
median_of() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# "wall, CPU, peak" medians of the `timed` lines on stdin.
summary() {
  local lines wall cpu peak
  lines="$(cat)"
  wall="$(awk '{ print $1 }' <<<"$lines" | median_of)"
  cpu="$(awk '{ print $2 + $3 }' <<<"$lines" | median_of)"
  peak="$(awk '{ print int($4 / 1024) }' <<<"$lines" | median_of)"
  echo "$wall s wall, $cpu s CPU, $peak MiB peak"
}

for word in upstream timeout gateway "connection refused" 502 504 "bad gatway" crash ssl handshake; do
  for i in $(seq 10); do echo "$word $i"; done
done >"$queries"

cold=() warm=() batch=()
for _ in $(seq "$RUNS"); do
  rm -rf "$site/.faultline-cache"
  cold+=("$(timed "$bin" --root "$site" search -- "$QUERY")")
  warm+=("$(timed "$bin" --root "$site" search -- "$QUERY")")
  batch+=("$(timed sh -c 'exec "$0" --root "$1" search --batch < "$2"' "$bin" "$site" "$queries")")
done

entries=$(find "$site/content" -mindepth 2 -name '*.md' ! -name '_index.md' -o -mindepth 2 -name '*.yaml' | wc -l)
echo "faultline search, $entries entries, medians of $RUNS runs, $(nproc) cores; query: \"$QUERY\""
printf '  one query, cold (no cache):    %s\n' "$(printf '%s\n' "${cold[@]}" | summary)"
printf '  one query, warm (cache):      %s\n' "$(printf '%s\n' "${warm[@]}" | summary)"
printf '  --batch of 100 queries, warm: %s\n' "$(printf '%s\n' "${batch[@]}" | summary)"
