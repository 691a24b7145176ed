#!/usr/bin/env python3
"""The performance guard: checks the guarded benchmarks against the committed
thresholds in Thresholds/, or records new thresholds (docs/benchmarks.md).

usage: guard.py check|update [--cheap]

Counts that are the same on a busy machine as on an idle one, per step of each
guarded path:
- instructions and allocations (calls to malloc and its kin), counted by callgrind
  (this machine's kind has no hardware counters, so package-benchmark's
  `.instructions` reports nothing) in the InstructionCounts and
  DaemonInstructionCounts executables, against Thresholds/instructions.json within
  INSTRUCTION_TOLERANCE and Thresholds/mallocs.json with none more allowed;
- malloc counts of the `guard-` benchmarks (package-benchmark's `thresholds
  check`, p90 against Thresholds/TARGET.guard-NAME.p90.json, within
  GuardedBenchmark.mallocTolerance), the full check only.

--cheap counts only the paths that need BallastCore alone (the tick and the
allocator, InstructionCounts) and leaves out package-benchmark, so that it builds
neither package-benchmark's tools, nor SwiftNIO, nor the daemon's libraries:
`make test` runs the cheap check. Exit status: 0 when every guard holds
(improvements beyond the tolerance are reported, and pass), 1 when one does not,
2 on errors.
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
MALLOCS_FILE = os.path.join(THRESHOLDS, 'mallocs.json')
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
CHEAP = {'targets': [], 'counters': ['InstructionCounts']}
FULL = {'targets': ['CoreBenchmarks', 'EngineBenchmarks', 'PluginBenchmarks', 'MetricsBenchmarks'],
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


# The C library's allocation entry points: calls to them are what a malloc count counts.
ALLOCATION_FUNCTIONS = {'malloc', 'calloc', 'realloc', 'posix_memalign', 'aligned_alloc', 'memalign'}


def allocation_calls(lines):
    """Calls to ALLOCATION_FUNCTIONS in one callgrind dump (its call lines: `cfn=(ID) NAME` names
    the callee, the name given once and the ID alone after that; `calls=N ...` follows)."""
    names = {}
    callee = None
    total = 0
    for line in lines:
        if line.startswith(('fn=(', 'cfn=(')):
            identifier, _, name = line.split('=', 1)[1].partition(' ')
            if name:
                names[identifier] = name
            if line.startswith('cfn='):
                callee = names.get(identifier)
        elif line.startswith('calls=') and callee in ALLOCATION_FUNCTIONS:
            total += int(line.split()[0][len('calls='):])
    return total


def count(binary, workload, work):
    """Median instructions and median allocations of COUNTED_STEPS steps of `workload`, every
    thread included, from one run under callgrind."""
    out = os.path.join(work, workload + '.callgrind')
    result = run(['valgrind', '--tool=callgrind', '--instr-atstart=no', f'--callgrind-out-file={out}',
                  binary, workload, str(COUNTED_STEPS)], capture_output=True)
    if result.returncode != 0:
        raise GuardError(f'{workload} under callgrind exited with {result.returncode}:\n{result.stderr[-3000:]}')
    instructions = []
    mallocs = []
    for dump in sorted(glob.glob(out + '.*')):
        with open(dump) as handle:
            lines = handle.read().splitlines()
        if 'desc: Trigger: Client Request: step' in lines:
            instructions += [int(line.split()[1]) for line in lines if line.startswith('summary:')]
            mallocs.append(allocation_calls(lines))
    if len(instructions) != COUNTED_STEPS:
        raise GuardError(f'{workload}: expected {COUNTED_STEPS} step dumps from callgrind, found {len(instructions)}')
    return int(statistics.median(instructions)), int(statistics.median(mallocs))


def count_all(counters):
    """{workload: {'instructions': N, 'mallocs': N}} per step, for every workload of `counters`."""
    build_counters(counters)
    counts = {}
    with tempfile.TemporaryDirectory(prefix='ballast-guard-') as work:
        for counter in counters:
            binary = counter_binary(counter, work)
            names = run([binary, 'list'], capture_output=True, check=True).stdout.split()
            for name in names:
                instructions, mallocs = count(binary, name, work)
                counts[name] = {'instructions': instructions, 'mallocs': mallocs}
                print(f'guard: {name}: {instructions:,} instructions and {mallocs:,} allocations per step', flush=True)
    return counts


def read_thresholds(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except FileNotFoundError:
        return {}


def check_counts(counters):
    """True when every counted workload's instructions and allocations per step hold."""
    print(f'guard: instructions (tolerance {INSTRUCTION_TOLERANCE:.0%}) and allocations (none more) per step, '
          f'counted by callgrind, against {os.path.relpath(INSTRUCTIONS_FILE)} and {os.path.relpath(MALLOCS_FILE)}',
          flush=True)
    limits = {'instructions': (read_thresholds(INSTRUCTIONS_FILE), INSTRUCTIONS_FILE, INSTRUCTION_TOLERANCE),
              'mallocs': (read_thresholds(MALLOCS_FILE), MALLOCS_FILE, 0)}
    held = True
    for name, measured in count_all(counters).items():
        for metric, (thresholds, path, tolerance) in limits.items():
            threshold = thresholds.get(name)
            value = measured[metric]
            if threshold is None:
                print(f'guard: FAILED: {metric} {name}: no threshold in {os.path.relpath(path)}; '
                      '`make bench-update-thresholds` records one', file=sys.stderr)
                held = False
            elif value > threshold * (1 + tolerance):
                change = f'{value / threshold - 1:+.1%}' if threshold else f'+{value}'
                print(f'guard: FAILED: {metric} {name}: {value:,} per step against a threshold of {threshold:,} '
                      f'({change}, {tolerance:.0%} allowed)', file=sys.stderr)
                held = False
            elif value < threshold * (1 - tolerance):
                print(f'guard: {metric} {name}: {value:,} per step, below the threshold {threshold:,}: pass; '
                      '`make bench-update-thresholds` records the gain.')
    if held:
        print('guard: instruction and allocation counts hold.')
    return held


def update_counts(counters):
    counts = count_all(counters)
    os.makedirs(THRESHOLDS, exist_ok=True)
    for metric, path in (('instructions', INSTRUCTIONS_FILE), ('mallocs', MALLOCS_FILE)):
        thresholds = read_thresholds(path)
        thresholds.update({name: measured[metric] for name, measured in counts.items()})
        with open(path, 'w') as handle:
            json.dump(thresholds, handle, indent=2, sort_keys=True)
            handle.write('\n')
        print(f'guard: wrote {os.path.relpath(path)}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('operation', choices=['check', 'update'])
    parser.add_argument('--cheap', action='store_true',
                        help='only the callgrind counts of what needs BallastCore alone')
    arguments = parser.parse_args()
    subset = CHEAP if arguments.cheap else FULL
    try:
        if arguments.operation == 'update':
            update_mallocs(subset['targets'])
            update_counts(subset['counters'])
            return 0
        mallocs_hold = check_mallocs(subset['targets'])
        counts_hold = check_counts(subset['counters'])
        return 0 if mallocs_hold and counts_hold else 1
    except (GuardError, subprocess.CalledProcessError) as error:
        print(f'guard: ERROR: {error}', file=sys.stderr)
        return 2


if __name__ == '__main__':
    sys.exit(main())
