#!/usr/bin/env bash
# Warm builds (issue #13, item 3): `faultline build` into a folder holding its own earlier
# output, after nothing changed, after one prose edit and after one title edit.
#
#   bench/warm.sh SITE        # an existing site folder (bench/gen.py writes one); edited in
#                             # place and restored at the end
#
# Settings (environment): RUNS=5 timed builds of each kind (medians are reported).
# Each kind: RUNS times, an edit (or none) to one entry picked in a fixed order, then a
# timed warm build; the output is compared byte for byte with a cold build (`--cold`) of
# the same inputs after the last run, so a fast wrong build cannot pass unnoticed.
#
# Not part of CI: nothing under scripts/ or tests/ calls this.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${RUNS:-5}"
site="${1:?usage: bench/warm.sh SITE}"
bin="$repo/target/release/faultline"
say() { printf '%s\n' "$*" >&2; }

if ! "$bin" build --help | grep -q -- '--cold'; then
  echo "warm builds: not measured (this faultline has no --cold flag, so no warm builds)"
  exit 0
fi

out="$(mktemp -d)/out"; cold="$(dirname "$out")/cold"
backup="$(mktemp -d)"
cp -a "$site/content" "$backup/"
cleanup() { rm -rf "$site/content"; cp -a "$backup/content" "$site/"; rm -rf "$backup" "$(dirname "$out")"; }
trap cleanup EXIT

timed() { /usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null </dev/null | tail -1; }
median_of() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
summary() {
  local lines; lines="$(cat)"
  echo "$(awk '{ print $1 }' <<<"$lines" | median_of) s wall, $(awk '{ print $2 + $3 }' <<<"$lines" | median_of) s CPU, $(awk '{ print int($4 / 1024) }' <<<"$lines" | median_of) MiB peak"
}

mapfile -t files < <(find "$site/content" -mindepth 2 -name '*.md' ! -name '_index.md' | sort | awk 'NR % 97 == 1')
say "warm builds: first build..."
"$bin" --root "$site" build --out "$out" >/dev/null 2>&1

declare -A results
for kind in nothing prose title; do
  lines=()
  for ((i = 0; i < RUNS; i++)); do
    f="${files[$(( (i * 7 + ${#kind}) % ${#files[@]} ))]}"
    case "$kind" in
      prose) printf '\nOne more sentence about run %s of the warm benchmark.\n' "$i" >>"$f" ;;
      title) sed -i "0,/^title: /s/^title: \"\(.*\)\"$/title: \"\1 (edited $i)\"/" "$f" ;;
    esac
    lines+=("$(timed "$bin" --root "$site" build --out "$out")")
  done
  results[$kind]="$(printf '%s\n' "${lines[@]}" | summary)"
  say "   $kind: ${results[$kind]}"
done

"$bin" --root "$site" build --cold --out "$cold" >/dev/null 2>&1
if diff -r -q "$out" "$cold" >/dev/null; then same="identical to a cold build"; else same="DIFFERENT from a cold build"; fi
entries=$(find "$site/content" -mindepth 2 -name '*.md' ! -name '_index.md' | wc -l)
echo "warm builds, $entries entries, $RUNS runs each (medians); the last output is $same:"
for kind in nothing prose title; do echo "- $kind changed: ${results[$kind]}"; done
