#!/usr/bin/env bash
# Builds the fuzz package (Fuzz/) with libFuzzer and AddressSanitizer and runs each target
# for FUZZ_SECONDS (default 60), seeded from Tests/Fuzz/Corpus/<target>/. Prints, per
# target, executions per second, corpus size and edges covered (libFuzzer's final `cov:`).
# The growing corpus and any crashing input go under .build/fuzz/ (gitignored).
# Exits non-zero when a target crashed or a property failed. docs/fuzzing.md explains it.
# Usage: scripts/fuzz.sh [TARGET...]   (default: every target)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${FUZZ_SECONDS:-60}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(FuzzJSON FuzzConfig FuzzDomainXML FuzzTraces FuzzCgroups)
fi

flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)
start=$(date +%s)
mkdir -p "$root/.build"
# Product by product: a plain `swift build` would also build every product of the root
# package (the daemon, doctor, ...), which no target needs.
for target in "${targets[@]}"; do
  swift build --package-path Fuzz "${flags[@]}" --product "$target" >"$root/.build/fuzz-build.log" 2>&1 || {
    grep -E "error" "$root/.build/fuzz-build.log" >&2
    echo "fuzz: $target does not build (log: .build/fuzz-build.log)" >&2; exit 1; }
done
bin=$(swift build --package-path Fuzz "${flags[@]}" --show-bin-path)
echo "fuzz: package built in $(( $(date +%s) - start )) s"

# Swift's own crash handler reads the stack in a way ASan reports as an error of its own.
export SWIFT_BACKTRACE=enable=no
failed=()
printf '%-14s %10s %10s %8s %8s  %s\n' target "execs/s" execs corpus "edges" result
for target in "${targets[@]}"; do
  work=$root/.build/fuzz/corpus/$target
  artifacts=$root/.build/fuzz/artifacts/$target
  log=$root/.build/fuzz/$target.log
  mkdir -p "$work" "$artifacts"
  seeds=$root/Tests/Fuzz/Corpus/$target
  status=0
  ASAN_OPTIONS=detect_leaks=1 "$bin/$target" -detect_leaks=1 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$work" "$seeds" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1 || true)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1 || true)
  edges=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d" " -f2 || true)
  corpus=$(find "$work" -type f | wc -l)
  result=ok
  if [ "$status" -ne 0 ]; then
    result="FAILED (exit $status): $(ls -t "$artifacts" | head -1), log $log"
    failed+=("$target")
  fi
  printf '%-14s %10s %10s %8s %8s  %s\n' "$target" "${rate:-?}" "${execs:-?}" "$corpus" "${edges:-?}" "$result"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${failed[*]} found a crash or a property failure; reproduce with $bin/<target> <artifact>" >&2
  exit 1
fi
