import CCallgrind

#if canImport(Glibc)
import Glibc
#endif

/// The `main` of an instruction counter: `COUNTER list` prints the workloads'
/// names; `COUNTER NAME STEPS` builds that workload, switches callgrind's
/// instrumentation on, runs two warm-up steps, then STEPS steps, each bracketed
/// by zeroing callgrind's counters and dumping them ("step" dumps, every thread
/// included). guard.py runs it under
/// `valgrind --tool=callgrind --instr-atstart=no` and reads the dumps; outside
/// valgrind the requests do nothing and it just runs. `COUNTER time NAME STEPS`
/// runs the same steps and prints each one's wall time and the thread's CPU time in
/// nanoseconds, a line each (side-by-side.py compares two builds with it, outside
/// valgrind: on a busy machine the CPU time is the steadier of the two).
///
/// `main` is synchronous and runs the workload on the main thread
/// (`InlineExecutor`): with an `async` main, valgrind 3.19 itself crashed (SIGSEGV
/// while the main thread sat in libdispatch's `sigsuspend`), and one thread keeps
/// the counts free of how other threads happen to be scheduled.
public enum InstructionCountDriver {
    public static func main(_ workloads: sending [CountedWorkload]) -> Int32 {
        InlineExecutor().run { await run(workloads, arguments: CommandLine.arguments) }
    }

    static func run(_ workloads: [CountedWorkload], arguments: [String]) async -> Int32 {
        let usage = "usage: \(arguments.first ?? "counter") list | NAME STEPS | time NAME STEPS"
        guard arguments.count >= 2 else { return fail(usage) }
        if arguments[1] == "list" {
            for workload in workloads { print(workload.name) }
            return 0
        }
        let timed = arguments[1] == "time"
        let operands = arguments.dropFirst(timed ? 2 : 1)
        guard operands.count == 2, let name = operands.first, let steps = operands.last.flatMap({ Int($0) }),
              steps > 0 else { return fail(usage) }
        guard let workload = workloads.first(where: { $0.name == name }) else {
            return fail("no workload named \(name); `\(arguments[0]) list` names them")
        }
        do {
            let (prepare, step) = try await workload.make()
            ballast_callgrind_start_instrumentation()
            for _ in 0..<2 {
                try await prepare()
                try await step()
            }
            for _ in 0..<steps {
                try await prepare()
                // The clocks are read outside the counted part (the requests are no-ops outside valgrind).
                let wall = nanoseconds(CLOCK_MONOTONIC)
                let cpu = nanoseconds(CLOCK_THREAD_CPUTIME_ID)
                ballast_callgrind_zero()
                try await step()
                ballast_callgrind_dump("step")
                if timed {
                    print(nanoseconds(CLOCK_MONOTONIC) - wall, nanoseconds(CLOCK_THREAD_CPUTIME_ID) - cpu)
                }
            }
            return 0
        } catch {
            return fail("\(workload.name) failed: \(error)")
        }
    }

    /// `clock`'s reading (a clock always readable on Linux: 0 if it were not).
    private static func nanoseconds(_ clock: clockid_t) -> Int {
        var time = timespec()
        guard clock_gettime(clock, &time) == 0 else { return 0 }
        return time.tv_sec * 1_000_000_000 + time.tv_nsec
    }

    private static func fail(_ message: String) -> Int32 {
        var line = message + "\n"
        line.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
        return 64
    }
}
