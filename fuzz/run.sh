#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 20), from a fresh seed corpus.
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-20}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse_entry render_markdown search natural_order)
./seed.sh
cargo +nightly fuzz build -O
for target in "${targets[@]}"; do
  echo "== fuzz $target for ${seconds}s"
  # A slow input is a finding too: -timeout fails any run over 10 s; memory is capped.
  cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 2>&1 |
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done|==|SUMMARY|artifact_prefix|Test unit written)|panicked' || true
  if compgen -G "artifacts/$target/crash-*" >/dev/null || compgen -G "artifacts/$target/timeout-*" >/dev/null ||
     compgen -G "artifacts/$target/oom-*" >/dev/null; then
    echo "fuzz $target found a failing input: fuzz/artifacts/$target/" >&2
    exit 1
  fi
done
