#!/usr/bin/env bash
# The warm-build benchmark (issue #13, item 3): `faultline build` into a folder holding its
# own earlier output, after nothing changed, after one prose edit and after one title edit,
# on a seeded synthetic site.
#
#   bench/warm.sh            # 10000 entries
#   bench/warm.sh 1000
#
# Settings (environment): SEED=42 (the generator's seed), RUNS=3 (timed runs per kind; the
# median is reported), BENCH_DIR=DIR (work here, kept; default a fresh temp dir, removed),
# BINARY=target/release/faultline.
#
# Each run edits one entry (a different one per run) and builds warm; the edit is undone
# and built warm again before the next run, so every run starts from an up-to-date output.
# Reported: wall and CPU (user + system) seconds, medians. Not part of CI.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-10000}"
SEED="${SEED:-42}"
RUNS="${RUNS:-3}"
BINARY="${BINARY:-$repo/target/release/faultline}"
dir="${BENCH_DIR:-$(mktemp -d)}"
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$dir"' EXIT
site="$dir/site-$n"
out="$dir/out-$n"

[ -d "$site" ] || python3 "$repo/bench/gen.py" site --entries "$n" --seed "$SEED" --out "$site" --theme "$repo/themes" >/dev/null
# A first build, as a site owner's: it writes the output and keeps each entry's parse and
# search terms under .faultline-cache/ for the warm builds.
rm -rf "$out" "$site/.faultline-cache"
"$BINARY" build --root "$site" --out "$out" 2>/dev/null

# One build, timed: prints "wall cpu".
timed() {
  /usr/bin/time -f "%e %U %S" "$BINARY" build --root "$site" --out "$out" 2>&1 >/dev/null | tail -1 |
    awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

mapfile -t entries < <(find "$site/content" -name '*.md' ! -name '_*' | sort)
report() {
  local kind="$1" file="$2"
  printf '%-8s wall %s s, CPU %s s (medians of %s; wall per run: %s)\n' "$kind" \
    "$(cut -d' ' -f1 "$file" | median)" "$(cut -d' ' -f2 "$file" | median)" "$RUNS" "$(cut -d' ' -f1 "$file" | tr '\n' ' ')"
}

for kind in nothing prose title; do
  times="$dir/times-$kind"
  : >"$times"
  for run in $(seq 1 "$RUNS"); do
    entry="${entries[$(((run * 7919) % ${#entries[@]}))]}"
    cp "$entry" "$dir/original.md"
    case "$kind" in
      prose) printf '\nEdited for the benchmark, run %s.\n' "$run" >>"$entry" ;;
      # gen.py quotes every title.
      title) sed -i "0,/^title: \"/s/^title: \"/title: \"Bench $run /" "$entry" ;;
    esac
    timed >>"$times"
    cp "$dir/original.md" "$entry"
    [ "$kind" = nothing ] || "$BINARY" build --root "$site" --out "$out" 2>/dev/null
  done
  report "$kind" "$times"
done
