#!/usr/bin/env bash
# Builds the seed corpus of each fuzz target (fuzz/corpus/<target>/) from the repository's
# content/ and test fixtures, so nothing large is committed.
set -euo pipefail
# No `head` in pipelines: with pipefail, the writer it closes on dies of SIGPIPE and fails the script.
cd "$(dirname "$0")"
corpus=corpus
mkdir -p "$corpus"/{parse_entry,render_markdown,search,natural_order}
n=0
while IFS= read -r -d '' file; do
  n=$((n + 1))
  case "$file" in
    *.yaml) { printf '\001'; cat "$file"; } >"$corpus/parse_entry/seed-$n" ;;
    *) { printf '\000'; cat "$file"; } >"$corpus/parse_entry/seed-$n"
       # The Markdown body, after the front matter.
       awk 'f>=2 {print} /^---$/ {f++}' "$file" >"$corpus/render_markdown/seed-$n" ;;
  esac
done < <(find ../content ../tests/fixtures -type f \( -name '*.md' -o -name '*.yaml' \) -print0 | sort -z | awk -v RS='\0' -v ORS='\0' 'NR<=400')
# Queries: the messages people paste, and the search test vectors.
grep -rhoE '^  - "[^"]+"' ../content ../tests/fixtures 2>/dev/null | sed -E 's/^  - "(.*)"$/\1/' | awk 'NR<=300' |
  while IFS= read -r line; do n=$((n + 1)); printf '%s' "$line" >"$corpus/search/seed-$(printf '%s' "$line" | cksum | cut -d' ' -f1)"; done
# Id triples for natural order.
ids=$(find ../content -name '*.md' -path '*/*/*' | sed -E 's#^\.\./content/##; s#\.md$##' | sort | awk 'NR<=60')
i=0
for a in $ids; do
  i=$((i + 1))
  printf '%s\n%s\n%s' "$a" "acme/e$i" "$(echo "$a" | tr 0123456789 9876543210)" >"$corpus/natural_order/seed-$i"
done
printf '%s\n' 'acme/e9' 'acme/e10' 'acme/e09' >"$corpus/natural_order/seed-digits"
echo "seed corpus: $(find "$corpus" -type f | wc -l) files in fuzz/$corpus/"
