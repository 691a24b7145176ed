#!/usr/bin/env python3
"""The performance guard: checks the guarded benchmarks against the committed
thresholds in Thresholds/, or records new thresholds (docs/benchmarks.md).

usage: guard.py check|update [--cheap]

Two measures, both the same on a busy machine as on an idle one:
- malloc counts per step of the `guard-` benchmarks (package-benchmark's
  `thresholds check`, p90 against Thresholds/TARGET.guard-NAME.p90.json, within
  GuardedBenchmark.mallocTolerance);
- instructions per step of the same paths, counted by callgrind (this machine's
  kind has no hardware counters, so package-benchmark's `.instructions` reports
  nothing) in the InstructionCounts and DaemonInstructionCounts executables, against Thresholds/instructions.json
  within INSTRUCTION_TOLERANCE.

--cheap checks only what needs BallastCore alone (the tick and the allocator:
CoreBenchmarks and InstructionCounts), so it builds neither SwiftNIO nor the
daemon's libraries: `make test` runs the cheap check. Exit status: 0 when every
guard holds (improvements beyond the tolerance are reported, and pass), 1 when
one does not, 2 on errors.
"""
import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
THRESHOLDS = os.path.join(HERE, 'Thresholds')
INSTRUCTIONS_FILE = os.path.join(THRESHOLDS, 'instructions.json')
# The daemon's glibc allocator settings (Sources/BallastDaemon/MallocTuning.swift), and
# Swift's hashing seeded the same in every run (set iteration order, table growth).
ENVIRONMENT = {
    'GLIBC_TUNABLES': 'glibc.malloc.mmap_threshold=16777216:glibc.malloc.trim_threshold=33554432'
                      ':glibc.malloc.arena_max=1',
    'SWIFT_DETERMINISTIC_HASHING': '1',
}
# Counted steps vary by well under 0.1 % from one tick's load to the next, and not at
# all from run to run; glibc's string and memory routines differ between CPU models.
INSTRUCTION_TOLERANCE = 0.02
COUNTED_STEPS = 3
CHEAP = {'targets': ['CoreBenchmarks'], 'counters': ['InstructionCounts']}
FULL = {'targets': CHEAP['targets'] + ['EngineBenchmarks', 'PluginBenchmarks', 'MetricsBenchmarks'],
        'counters': CHEAP['counters'] + ['DaemonInstructionCounts']}
GUARD_FILTER = 'guard-.*'
ATTEMPTS = 5


class GuardError(Exception):
    """A step of the guard could not run (build, tool, unreadable output)."""


def run(command, **options):
    return subprocess.run(command, cwd=HERE, env=dict(os.environ, **ENVIRONMENT), text=True, **options)


def swift(arguments, quiet=False):
    """Runs `swift ARGUMENTS` here, its output passed through unless `quiet`; returns its exit
    status and output. A run killed by a signal is repeated: swift-build and swift-package 6.3.1
    crash now and then (SIGSEGV in libdispatch's event loop: in 3 runs of 6 of package-benchmark
    with two `--target`s, about 1 in 12 with one, once in a plain `swift build`; load average 5 to 12).
    """
    for attempt in range(1, ATTEMPTS + 1):
        process = subprocess.Popen(['swift'] + arguments, cwd=HERE, env=dict(os.environ, **ENVIRONMENT),
                                   text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=1)
        output = []
        for line in process.stdout:
            if not quiet:
                print(line, end='', flush=True)
            output.append(line)
        status = process.wait()
        if 0 <= status < 128 or attempt == ATTEMPTS:
            return status, ''.join(output)
        print(f'guard: swift {arguments[0]} was killed by a signal (status {status}): running it again', flush=True)


def package_benchmark(operation, target):
    """package-benchmark's `thresholds OPERATION` on one target's guarded benchmarks, malloc counts
    only (one target per run: swift-package crashes more often with several)."""
    arguments = ['package', '--disable-sandbox']
    if operation == 'update':
        arguments.append('--allow-writing-to-package-directory')
    arguments += ['benchmark', 'thresholds', operation, '--target', target, '--filter', GUARD_FILTER,
                  '--metric', 'mallocCountTotal', '--no-progress']
    return swift(arguments)


def check_mallocs(targets):
    """True when every target's guarded malloc counts are at most their thresholds."""
    held = True
    for target in targets:
        print(f'guard: malloc counts of {target}\'s {GUARD_FILTER} (package-benchmark thresholds check, '
              f'p90 against {os.path.relpath(THRESHOLDS)}/{target}.*)', flush=True)
        status, output = package_benchmark('check', target)
        # `swift package` turns every non-zero status of the tool into 1: the verdict is read from the text.
        if 'is WORSE than the defined thresholds' in output:
            print(f'guard: FAILED: malloc counts of {target}: a guarded step allocates more than its threshold '
                  '("Deviations worse than threshold" above names the benchmark; "Malloc (total)" is per step). '
                  'Find the allocation with `swift package benchmark --target TARGET --filter NAME '
                  '--allocation-stacks` (in Benchmarks/); if it is intended, `make bench-update-thresholds` '
                  'and commit Benchmarks/Thresholds/.', file=sys.stderr)
            held = False
        elif 'is BETTER than the defined thresholds' in output:
            print(f'guard: malloc counts of {target} are lower than the thresholds (above): pass; '
                  '`make bench-update-thresholds` records the gain.')
        elif status == 0:
            print(f'guard: malloc counts of {target} hold.')
        else:
            raise GuardError(f'package-benchmark on {target} exited with status {status} '
                             '(build or run failure, output above)')
    return held


def update_mallocs(targets):
    for target in targets:
        for stale in glob.glob(os.path.join(THRESHOLDS, f'{target}.guard-*.p90.json')):
            os.remove(stale)
        status, _ = package_benchmark('update', target)
        if status != 0:
            raise GuardError(f'package-benchmark thresholds update on {target} exited with status {status}')


# As package-benchmark's plugin builds (it passes --disable-sandbox on to the compiler): the same
# build, not a second one of every module.
BUILD = ['build', '-c', 'release', '--disable-sandbox']


def build_counters(counters):
    for counter in counters:
        if swift(BUILD + ['--product', counter])[0] != 0:
            raise GuardError(f'building {counter} failed (output above)')


def counter_binary(counter, work):
    """A copy without debug information: valgrind 3.19 cannot read this toolchain's DWARF 5."""
    status, built = swift(BUILD + ['--show-bin-path'], quiet=True)
    if status != 0:
        raise GuardError(f'swift build --show-bin-path failed:\n{built}')
    built = built.strip().splitlines()[-1]
    stripped = os.path.join(work, counter)
    if run(['strip', '--strip-debug', '-o', stripped, os.path.join(built, counter)]).returncode != 0:
        raise GuardError(f'strip --strip-debug of {counter} failed')
    return stripped


def count(binary, workload, work):
    """Median instructions of COUNTED_STEPS steps of `workload`, every thread included."""
    out = os.path.join(work, workload + '.callgrind')
    result = run(['valgrind', '--tool=callgrind', '--instr-atstart=no', f'--callgrind-out-file={out}',
                  binary, workload, str(COUNTED_STEPS)], capture_output=True)
    if result.returncode != 0:
        raise GuardError(f'{workload} under callgrind exited with {result.returncode}:\n{result.stderr[-3000:]}')
    steps = []
    for dump in sorted(glob.glob(out + '.*')):
        with open(dump) as handle:
            lines = handle.read().splitlines()
        if 'desc: Trigger: Client Request: step' in lines:
            steps += [int(line.split()[1]) for line in lines if line.startswith('summary:')]
    if len(steps) != COUNTED_STEPS:
        raise GuardError(f'{workload}: expected {COUNTED_STEPS} step dumps from callgrind, found {len(steps)}')
    return int(statistics.median(steps))


def count_all(counters):
    build_counters(counters)
    counts = {}
    with tempfile.TemporaryDirectory(prefix='ballast-guard-') as work:
        for counter in counters:
            binary = counter_binary(counter, work)
            names = run([binary, 'list'], capture_output=True, check=True).stdout.split()
            for name in names:
                counts[name] = count(binary, name, work)
                print(f'guard: {name}: {counts[name]:,} instructions per step', flush=True)
    return counts


def read_instruction_thresholds():
    try:
        with open(INSTRUCTIONS_FILE) as handle:
            return json.load(handle)
    except FileNotFoundError:
        return {}


def check_instructions(counters):
    print(f'guard: instructions per step (callgrind) against {os.path.relpath(INSTRUCTIONS_FILE)}, '
          f'tolerance {INSTRUCTION_TOLERANCE:.0%}', flush=True)
    thresholds = read_instruction_thresholds()
    held = True
    for name, measured in count_all(counters).items():
        threshold = thresholds.get(name)
        if threshold is None:
            print(f'guard: FAILED: instructions {name}: no threshold in {INSTRUCTIONS_FILE}; '
                  '`make bench-update-thresholds` records one', file=sys.stderr)
            held = False
            continue
        change = measured / threshold - 1
        if change > INSTRUCTION_TOLERANCE:
            print(f'guard: FAILED: instructions {name}: {measured:,} per step against a threshold of '
                  f'{threshold:,} ({change:+.1%}, {INSTRUCTION_TOLERANCE:.0%} allowed)', file=sys.stderr)
            held = False
        elif change < -INSTRUCTION_TOLERANCE:
            print(f'guard: instructions {name}: {measured:,} per step, {change:+.1%} below the threshold '
                  f'{threshold:,}: pass; `make bench-update-thresholds` records the gain.')
    if held:
        print('guard: instruction counts hold.')
    return held


def update_instructions(counters):
    thresholds = read_instruction_thresholds()
    thresholds.update(count_all(counters))
    os.makedirs(THRESHOLDS, exist_ok=True)
    with open(INSTRUCTIONS_FILE, 'w') as handle:
        json.dump(thresholds, handle, indent=2, sort_keys=True)
        handle.write('\n')
    print(f'guard: wrote {os.path.relpath(INSTRUCTIONS_FILE)}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('operation', choices=['check', 'update'])
    parser.add_argument('--cheap', action='store_true', help='only what needs BallastCore alone')
    arguments = parser.parse_args()
    subset = CHEAP if arguments.cheap else FULL
    try:
        if arguments.operation == 'update':
            update_mallocs(subset['targets'])
            update_instructions(subset['counters'])
            return 0
        mallocs_hold = check_mallocs(subset['targets'])
        instructions_hold = check_instructions(subset['counters'])
        return 0 if mallocs_hold and instructions_hold else 1
    except (GuardError, subprocess.CalledProcessError) as error:
        print(f'guard: ERROR: {error}', file=sys.stderr)
        return 2


if __name__ == '__main__':
    sys.exit(main())
