#!/usr/bin/env bash
# Builds the test bundle with a sanitizer and runs the unit suites under it (every suite
# but BallastE2ETests): ThreadSanitizer in .build-tsan, AddressSanitizer with
# LeakSanitizer in .build-asan, one after the other (never two sanitized builds at once).
# Prints, per sanitizer, build time, run time, tests passed and reports found.
# Exits non-zero on any sanitizer report, any test failure, or a run that did not print
# its summary (a sanitizer that stopped the process). docs/sanitizers.md explains it.
# Usage: SANITIZERS="thread address" scripts/sanitize.sh   (default: both)
# Suites that need libvirtd expect it started (scripts/libvirt/up.sh; `make sanitize`
# does that); without it they skip themselves, as in `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
read -r -a sanitizers <<<"${SANITIZERS:-thread address}"

# Swift's crash handler reads the stack in a way ASan reports as an error of its own
# (as in scripts/fuzz.sh), and its backtraces would interleave with the sanitizer's.
export SWIFT_BACKTRACE=enable=no

failed=()
summary=()
for sanitizer in "${sanitizers[@]}"; do
  case "$sanitizer" in
    thread) scratch=.build-tsan ;;
    address) scratch=.build-asan ;;
    *) echo "sanitize: unknown sanitizer '$sanitizer' (thread or address)" >&2; exit 64 ;;
  esac
  mkdir -p "$root/$scratch"
  build_log=$root/$scratch/sanitize-build.log
  test_log=$root/$scratch/sanitize-test.log
  # Reports go to files, one per process (log_path appends .<pid>): the test process's
  # and those of every child it starts (the ballast binary, built with the same
  # sanitizer, inherits the options), whose standard error a test may capture and drop.
  reports_dir=$root/$scratch/sanitizer-reports
  rm -rf "$reports_dir"; mkdir -p "$reports_dir"

  start=$(date +%s)
  swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch" >"$build_log" 2>&1 || {
    grep -E "error" "$build_log" >&2 || true
    echo "sanitize: the $sanitizer build failed (log: $scratch/sanitize-build.log)" >&2; exit 1; }
  built=$(( $(date +%s) - start ))

  # TSan: halt_on_error=0 writes every race of the run (not only the first), exitcode
  # makes a process that reported any exit non-zero at its end anyway. ASan stops at its
  # first error (they are not recoverable). detect_leaks=1: LeakSanitizer runs at exit
  # inside ASan (on by default on x86_64 Linux, stated so that no inherited ASAN_OPTIONS
  # turns it off) and exits 23 on a leak. The suppressions files under scripts/sanitize/
  # hold only reports from outside Ballast's code, each entry with its reason.
  case "$sanitizer" in
    thread)
      # TSan cannot see Swift's Mutex hand the lock over when it is contended (the slow
      # path is in the toolchain's uninstrumented libswiftSynchronization.so): the
      # preloaded scripts/sanitize/tsan-mutex.c tells it, instead of suppressing reports.
      clang=$(dirname "$(readlink -f "$(command -v swift)")")/clang
      "$clang" -shared -fPIC -O2 -Wall -Wextra -Werror -o "$root/$scratch/libtsan-mutex.so" \
        "$root/scripts/sanitize/tsan-mutex.c" -ldl
      export LD_PRELOAD="$root/$scratch/libtsan-mutex.so"
      export TSAN_OPTIONS="halt_on_error=0:exitcode=66:second_deadlock_stack=1:log_path=$reports_dir/tsan:suppressions=$root/scripts/sanitize/tsan.supp"
      pattern='WARNING: ThreadSanitizer|ERROR: ThreadSanitizer' ;;
    address)
      export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:exitcode=1:log_path=$reports_dir/asan:suppressions=$root/scripts/sanitize/asan.supp"
      export LSAN_OPTIONS="exitcode=23:suppressions=$root/scripts/sanitize/lsan.supp:print_suppressions=1"
      pattern='ERROR: AddressSanitizer|ERROR: LeakSanitizer' ;;
  esac
  # --no-parallel: one test at a time. The product's own threads still run concurrently
  # inside each test (NIO, the libvirt thread, actors), which is what TSan is for; run side
  # by side, the instrumented tests (2-15x slower) starve Swift's cooperative pool (one
  # thread per core) and tests with sub-second deadlines fail for that reason alone.
  start=$(date +%s)
  status=0
  swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" --skip BallastE2ETests --no-parallel \
    >"$test_log" 2>&1 || status=$?
  ran=$(( $(date +%s) - start ))
  unset TSAN_OPTIONS ASAN_OPTIONS LSAN_OPTIONS LD_PRELOAD

  # Reports: in the report files, and in the test log should a process have written one
  # to standard error after all (a sanitizer that could not open its log file does).
  reports=$(cat "$reports_dir"/* "$test_log" 2>/dev/null | grep -cE "$pattern" || true)
  # Swift Testing's last line: "Test run with N tests in M suites passed after ..." (or
  # "... failed after ..."); missing when the process died before it could print it.
  tests=$(grep -oE 'Test run with [0-9]+ tests?' "$test_log" | tail -1 | grep -oE '[0-9]+' || true)
  passed=$(grep -cE 'Test run with [0-9]+ tests? .* passed after' "$test_log" || true)
  result=ok
  if [ "$status" -ne 0 ] || [ "$reports" -ne 0 ] || [ -z "$tests" ] || [ "$passed" -eq 0 ]; then
    result="FAILED (exit $status; log $scratch/sanitize-test.log; reports $scratch/sanitizer-reports/)"
    failed+=("$sanitizer")
    grep -hE -A12 "$pattern" "$reports_dir"/* 2>/dev/null | head -80 >&2 || true
    grep -E '✘|error:' "$test_log" | head -20 >&2 || true
  fi
  if [ "$result" = ok ]; then passing=$tests; else passing="-/${tests:-?}"; fi
  summary+=("$(printf '%-9s %7ss %7ss %7s %8s  %s' "$sanitizer" "$built" "$ran" "$passing" "$reports" "$result")")
done

printf '%-9s %8s %8s %7s %8s  %s\n' sanitizer build run passed reports result
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "sanitize: ${failed[*]}: a report, a failed test or an unfinished run (see above)" >&2
  exit 1
fi
