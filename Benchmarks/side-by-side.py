#!/usr/bin/env python3
"""Two builds of one counted workload side by side, in one run: wall time and the
thread's CPU time per step (medians of every step of ROUNDS rounds, the two builds
taking turns so that both see the same load), and instructions and allocations per
step (callgrind, as guard.py counts them).

usage: side-by-side.py WORKLOAD BASE_COUNTER CURRENT_COUNTER [--rounds N] [--steps N]

A COUNTER is an instruction counter built in release (InstructionCounts or
DaemonInstructionCounts, docs/benchmarks.md), e.g. for the 10,000-VM engine tick at
7a1e0ee against this tree:

    side-by-side.py engine-tick-10000-vms \\
        /work/wt-base/Benchmarks/.build/release/InstructionCounts \\
        Benchmarks/.build/release/DaemonInstructionCounts

Wall times on a shared machine are noisy (a busy machine stretches them by the
share of a core the process gets; CPU time much less): compare the medians and their
ratio from the same run, never numbers from two runs.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guard  # noqa: E402  (the counting and the environment are guard.py's)


def wall_steps(binary, workload, steps):
    result = guard.run([binary, 'time', workload, str(steps)], capture_output=True)
    if result.returncode != 0:
        raise guard.GuardError(f'{binary} time {workload} exited with {result.returncode}:\n{result.stderr}')
    return [tuple(int(field) for field in line.split()) for line in result.stdout.splitlines()]


def counts(binary, workload, work, label):
    stripped = os.path.join(work, label)
    if guard.run(['strip', '--strip-debug', '-o', stripped, binary]).returncode != 0:
        raise guard.GuardError(f'strip --strip-debug of {binary} failed')
    return guard.count(stripped, workload, work)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('workload')
    parser.add_argument('base')
    parser.add_argument('current')
    parser.add_argument('--rounds', type=int, default=10)
    parser.add_argument('--steps', type=int, default=20)
    arguments = parser.parse_args()
    builds = {'base': os.path.abspath(arguments.base), 'current': os.path.abspath(arguments.current)}
    walls = {label: [] for label in builds}
    try:
        for _ in range(arguments.rounds):
            for label, binary in builds.items():
                walls[label] += wall_steps(binary, arguments.workload, arguments.steps)
        with tempfile.TemporaryDirectory(prefix='ballast-side-by-side-') as work:
            counted = {label: counts(binary, arguments.workload, work, label) for label, binary in builds.items()}
    except guard.GuardError as error:
        print(f'side-by-side: ERROR: {error}', file=sys.stderr)
        return 2
    wall = {label: statistics.median(step[0] for step in steps) / 1e6 for label, steps in walls.items()}
    cpu = {label: statistics.median(step[1] for step in steps) / 1e6 for label, steps in walls.items()}
    print(f'{arguments.workload}: {arguments.rounds} rounds of {arguments.steps} steps each, builds taking turns; '
          f'load average {os.getloadavg()[0]:.1f} at the end')
    print('| build | median wall time per step | median CPU time per step | instructions per step '
          '| allocations per step |')
    print('| --- | --- | --- | --- | --- |')
    for label in builds:
        instructions, mallocs = counted[label]
        print(f'| {label} ({builds[label]}) | {wall[label]:.2f} ms | {cpu[label]:.2f} ms | {instructions / 1e6:.1f} M '
              f'| {mallocs:,} |')
    print(f'| current / base | {wall["current"] / wall["base"]:.2f} | {cpu["current"] / cpu["base"]:.2f} | '
          f'{counted["current"][0] / counted["base"][0]:.2f} | {counted["current"][1] / counted["base"][1]:.2f} |')
    return 0


if __name__ == '__main__':
    sys.exit(main())
