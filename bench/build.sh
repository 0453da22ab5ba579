#!/usr/bin/env bash
# The build benchmark (issue #3, item 7): how long `faultline build` takes and how much
# memory it uses on seeded synthetic sites, next to Hugo building the same entries.
#
#   bench/build.sh                 # 1000 and 10000 entries
#   bench/build.sh 1000 10000 100000
#
# Settings (environment):
#   SEED=42        the generator's seed: same seed and size, same bytes
#   RUNS=3         timed runs per size (the median is reported); 100000 always runs once
#   LIMIT=300      seconds: a generation or build taking longer is stopped and reported
#   NO_HUGO=1      skip the Hugo comparison
#   BENCH_DIR=DIR  work here instead of a fresh temp dir (kept afterwards)
#   KEEP=1         keep the temp dir
#
# Reported per size: wall time, CPU time (user + system) and peak resident memory, medians
# over the runs. CPU time is there because wall time on a shared or busy machine swings a
# lot; CPU time swings much less and shows the work itself.
#
# Not part of CI: nothing under scripts/ or tests/ calls this.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000 10000)
SEED="${SEED:-42}"
RUNS="${RUNS:-3}"
LIMIT="${LIMIT:-300}"

say() { printf '%s\n' "$*" >&2; }

# Root can install packages directly; anyone else goes through sudo when it is there.
apt_install() {
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y "$@" >/dev/null
  elif command -v sudo >/dev/null; then sudo apt-get install -y "$@" >/dev/null
  else return 1; fi
}
apt_update() {
  if [ "$(id -u)" -eq 0 ]; then apt-get update >/dev/null
  elif command -v sudo >/dev/null; then sudo apt-get update >/dev/null
  else return 1; fi
}

# GNU time, not the shell keyword: it reports peak resident memory (%M, KiB).
if [ ! -x /usr/bin/time ]; then
  say "installing GNU time (the Debian package \`time\`)..."
  apt_update && apt_install time || { say "error: /usr/bin/time is missing and could not be installed"; exit 1; }
fi

# Hugo from Debian, when the package exists. Missing Hugo is not an error: the table is
# printed without the comparison, and says so.
hugo_note=""
if [ -n "${NO_HUGO:-}" ]; then
  hugo_note="Hugo comparison skipped (NO_HUGO is set)."
elif ! command -v hugo >/dev/null; then
  say "hugo is not installed; trying apt..."
  if apt_update && apt-cache policy hugo 2>/dev/null | grep -q 'Candidate: [0-9]' && apt_install hugo; then :
  else hugo_note="Hugo comparison skipped: hugo is not installed and not installable from apt."; fi
fi
if [ -z "$hugo_note" ] && command -v hugo >/dev/null; then
  hugo_version="$(hugo version | awk '{print $2}')"
else
  [ -z "$hugo_note" ] && hugo_note="Hugo comparison skipped: hugo is not available."
  hugo_version=""
fi

say "building faultline (cargo build --release)..."
(cd "$repo" && cargo build --release --quiet)
faultline="$repo/target/release/faultline"

if [ -n "${BENCH_DIR:-}" ]; then
  work="$BENCH_DIR"; mkdir -p "$work"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/faultline-bench.XXXXXX")"
  [ -z "${KEEP:-}" ] && trap 'rm -rf "$work"' EXIT
fi
say "working in $work"

# Runs a command under GNU time with the time limit and sets w (wall seconds), m (peak
# resident KiB) and c (CPU seconds, user + system), or w=timeout when the limit stopped
# it. Called directly, not in $(...), so that a failed build stops the whole benchmark.
# The command's output goes to $work/last.log.
measure() {
  local t="$work/time.txt" rc=0
  /usr/bin/time -f "%e %M %U %S" -o "$t" timeout "$LIMIT" "$@" >"$work/last.log" 2>&1 || rc=$?
  if [ "$rc" -eq 124 ]; then w=timeout; m=0; c=0; return 0; fi
  if [ "$rc" -ne 0 ]; then
    say "error: command failed (exit $rc): $*"; tail -n 20 "$work/last.log" >&2; exit 1
  fi
  # GNU time writes "Command exited..." lines first when the command failed; the figures
  # are always the last line.
  local u s
  read -r w m u s < <(tail -n 1 "$t")
  c=$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.2f", u+s}')
}

# The middle value of the arguments (the lower middle for an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

mib() { awk -v k="$1" 'BEGIN {printf "%.0f", k/1024}'; }
mb() { awk -v b="$1" 'BEGIN {printf "%.1f", b/1e6}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }

rows=()      # table rows, printed at the end
notes=()     # sizes skipped, time-outs
ratios=()    # faultline/hugo rows

for n in "${sizes[@]}"; do
  runs="$RUNS"; [ "$n" -ge 100000 ] && runs=1
  site="$work/site-$n"; hsite="$work/hugo-$n"
  fout="$work/out-$n"; hout="$work/hugo-out-$n"

  say "== $n entries: generating (seed $SEED)..."
  hugo_arg=(); [ -n "$hugo_version" ] && hugo_arg=(--hugo "$hsite")
  gen_start=$(date +%s.%N)
  if ! timeout "$LIMIT" python3 "$repo/bench/gen.py" site --entries "$n" --seed "$SEED" --out "$site" --theme "$repo/themes" "${hugo_arg[@]}"; then
    notes+=("$n entries: skipped, generating the site took over ${LIMIT} s or failed.")
    rm -rf "$site" "$hsite"; continue
  fi
  gen_s=$(awk -v a="$gen_start" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b-a}')
  say "   generated in ${gen_s} s; $(du -sh "$site/content" | cut -f1) of content"

  # The generated site must be valid, or the numbers mean nothing. This also warms the
  # page cache with the content, so the first timed run is not the only cold one.
  "$faultline" --root "$site" check >/dev/null 2>"$work/check.log" || { cat "$work/check.log" >&2; exit 1; }

  # One untimed build each first: every timed run is then a rebuild over the previous
  # output, which is what a site owner does. faultline clears its own output (it writes a
  # sibling folder and swaps it in, deleting the old one, inside the timed run); Hugo is
  # told to do the same with --cleanDestinationDir. faultline's runs pass --cold: without it
  # a rebuild over unchanged output is a warm build (bench/warm.sh measures those).
  rm -rf "$fout" "$hout"
  measure "$faultline" --root "$site" build --cold --out "$fout"
  if [ "$w" = timeout ]; then
    notes+=("$n entries: skipped, the faultline build took over ${LIMIT} s."); continue
  fi
  hugo_ok=""
  if [ -n "$hugo_version" ]; then
    measure hugo --quiet --source "$hsite" --cleanDestinationDir -d "$hout"
    if [ "$w" = timeout ]; then notes+=("$n entries: Hugo took over ${LIMIT} s and was stopped; no Hugo figures.")
    else hugo_ok=1; fi
  fi

  f_wall=(); f_mem=(); f_cpu=(); h_wall=(); h_mem=(); h_cpu=()
  for ((i = 1; i <= runs; i++)); do
    # Alternate the two tools, so drift in machine load hits both alike.
    measure "$faultline" --root "$site" build --cold --out "$fout"
    [ "$w" = timeout ] && { notes+=("$n entries: a faultline run took over ${LIMIT} s."); break; }
    f_wall+=("$w"); f_mem+=("$m"); f_cpu+=("$c")
    say "   run $i: faultline ${w} s wall, ${c} s CPU, $(mib "$m") MiB"
    if [ -n "$hugo_ok" ]; then
      measure hugo --quiet --source "$hsite" --cleanDestinationDir -d "$hout"
      [ "$w" = timeout ] && { hugo_ok=""; notes+=("$n entries: a Hugo run took over ${LIMIT} s."); continue; }
      h_wall+=("$w"); h_mem+=("$m"); h_cpu+=("$c")
      say "   run $i: hugo      ${w} s wall, ${c} s CPU, $(mib "$m") MiB"
    fi
  done
  [ ${#f_wall[@]} -eq 0 ] && continue

  fw=$(median "${f_wall[@]}"); fm=$(median "${f_mem[@]}"); fcpu=$(median "${f_cpu[@]}")
  read -r fe fc ff <<<"$(python3 "$repo/bench/gen.py" count --out "$fout")"
  fb=$(du -sb "$fout" | cut -f1)
  rows+=("| $n | faultline | ${#f_wall[@]} | $fw | $fcpu | $(mib "$fm") | $fe | $fc | $ff | $(mb "$fb") | ${f_wall[*]} |")
  if [ -n "$hugo_ok" ] && [ ${#h_wall[@]} -gt 0 ]; then
    hw=$(median "${h_wall[@]}"); hm=$(median "${h_mem[@]}"); hcpu=$(median "${h_cpu[@]}")
    read -r he hc hf <<<"$(python3 "$repo/bench/gen.py" count --out "$hout")"
    hb=$(du -sb "$hout" | cut -f1)
    rows+=("| $n | hugo $hugo_version | ${#h_wall[@]} | $hw | $hcpu | $(mib "$hm") | $he | $hc | $hf | $(mb "$hb") | ${h_wall[*]} |")
    ratios+=("| $n | $(ratio "$fw" "$hw") | $(ratio "$fcpu" "$hcpu") | $(ratio "$fm" "$hm") |")
  fi
  # Free the disk before the next size: 100000 entries take several GB.
  [ -z "${KEEP:-}${BENCH_DIR:-}" ] && rm -rf "$site" "$hsite" "$fout" "$hout"
done

echo
# Which code was measured: the commit, marked when the sources differ from it.
rev="$(cd "$repo" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
(cd "$repo" && git diff --quiet HEAD -- src Cargo.toml Cargo.lock themes 2>/dev/null) || rev="$rev + uncommitted changes"
echo "faultline $("$faultline" --version 2>/dev/null | awk '{print $2}') ($rev), seed $SEED, $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), work dir on $(df --output=fstype "$work" | tail -n 1)"
echo
echo "| entries | tool | runs | wall s (median) | CPU s (median) | peak MiB (median) | entry pages | comparison pages | files | output MB | wall s, each run |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
printf '%s\n' "${rows[@]}"
if [ ${#ratios[@]} -gt 0 ]; then
  echo
  echo "| entries | faultline/hugo wall time | faultline/hugo CPU time | faultline/hugo peak memory |"
  echo "| ---: | ---: | ---: | ---: |"
  printf '%s\n' "${ratios[@]}"
fi
[ -n "$hugo_note" ] && { echo; echo "$hugo_note"; }
if [ ${#notes[@]} -gt 0 ]; then echo; printf -- '- %s\n' "${notes[@]}"; fi
exit 0
