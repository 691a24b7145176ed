import BallastCore
import BallastPlugins
import Benchmark
import DaemonWorkloads
import Foundation
import GuardedBenchmarks

/// Plugin protocol costs: `decide` round trips with the real C priority plugin
/// (build it first: `make -C plugins/c`) at 10 and 1,000 VMs, and the
/// throughput of Ballast's own encoder and decoder of protocol JSON (bytes per
/// iteration are printed once so MB/s = bytes × throughput; the whole `decide`
/// line at 1,000 VMs is guarded by `make bench-check`). The priority
/// plugin declares the VM fields it reads and the rows layout; its
/// `priority-objects` build (same code, objects layout) runs beside it so the
/// two layouts are compared in one run. `BALLAST_BENCH_PRIORITY=/path/to/priority`
/// replaces the rows build with another one (e.g. one that declares nothing).
let benchmarks: @Sendable () -> Void = {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    let priority = ProcessInfo.processInfo.environment["BALLAST_BENCH_PRIORITY"] ?? repository + "/plugins/c/build/priority"

    let builds = [("rows", priority), ("objects", repository + "/plugins/c/build/priority-objects")]
    for count in [10, 1000] {
        for (layout, command) in builds {
            Benchmark("decide round trip, C priority plugin, \(layout) layout, \(count) VMs",
                      configuration: .init(metrics: [.wallClock, .throughput], timeUnits: .microseconds,
                                           maxDuration: .seconds(10), maxIterations: 5000)) { (benchmark: Benchmark, stage: PluginStage) async throws in
                let snapshot = SyntheticSnapshot.make(vms: count)
                let previous = Proposal.keepCurrent(snapshot)
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    blackHole(try await stage.decide(snapshot, previous: previous))
                }
            } setup: { () async throws -> PluginStage in
                let stage = try PluginStage(configuration: PluginConfiguration(
                    name: "priority", command: [command], deadline: 2, handshakeTimeout: 10,
                    options: .object(["high_priority": .array([.string("vm-1*")])])))
                try await stage.start()
                return stage
            }
        }
    }

    // A plugin that never answers: how far past its deadline does decide return?
    let hangDeadline = 0.05
    Benchmark("hanging plugin: decide overshoot past a 50 ms deadline",
              configuration: .init(metrics: [.custom("overshoot_us", polarity: .prefersSmaller)],
                                   maxDuration: .seconds(20), maxIterations: 20)) { benchmark in
        let stage = try PluginStage(configuration: PluginConfiguration(
            name: "hang", command: ["python3", repository + "/plugins/testing/misbehave.py", "hang"],
            environment: ["PATH", "HOME"], deadline: hangDeadline, handshakeTimeout: 10))
        try await stage.start()
        let snapshot = SyntheticSnapshot.make(vms: 10)
        let clock = ContinuousClock()
        let started = clock.now
        _ = try? await stage.decide(snapshot, previous: .keepCurrent(snapshot))
        let elapsed = clock.now - started
        let micros = Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
        benchmark.measurement(.custom("overshoot_us", polarity: .prefersSmaller), Int(micros - hangDeadline * 1e6))
        await stage.shutdown()
    }

    let snapshot = SyntheticSnapshot.make(vms: 1000)
    let previous = Proposal.keepCurrent(snapshot)
    let encodedRequest = (try? MessageEncoder.decideParams(snapshot, previous: previous)) ?? []
    /// What the priority plugin declares (plugins/c/priority/priority.c).
    let priorityFields: VMFields = [.specReservation, .specCeiling, .estimateDemand]
    let slimRequest = (try? MessageEncoder.decideParams(snapshot, previous: previous, vmFields: priorityFields)) ?? []
    let rowsRequest = (try? MessageEncoder.decideParams(snapshot, previous: previous, vmFields: priorityFields, layout: .rows)) ?? []
    let allRowsRequest = (try? MessageEncoder.decideParams(snapshot, previous: previous, layout: .rows)) ?? []
    print("PluginBenchmarks: decide request at 1,000 VMs, every field = \(encodedRequest.count) bytes "
          + "(rows: \(allRowsRequest.count)); the priority plugin's declared fields = \(slimRequest.count) bytes "
          + "(rows: \(rowsRequest.count))")
    // Each part's share of the full request: the bytes that leaving it out saves.
    for (name, fields) in VMFields.names where !fields.isEmpty {
        let without = (try? MessageEncoder.decideParams(snapshot, previous: previous, vmFields: VMFields.all.subtracting(fields)))?.count ?? 0
        let saved = encodedRequest.count - without
        print("PluginBenchmarks:   \(name): \(saved) bytes (\(saved * 1000 / max(1, encodedRequest.count) / 10) %)")
    }
    let withoutPrevious = (try? MessageEncoder.decideParams(snapshot, previous: Proposal(entries: [])))?.count ?? 0
    let previousOnly = encodedRequest.count - withoutPrevious
    print("PluginBenchmarks:   previous: \(previousOnly) bytes (\(previousOnly * 1000 / max(1, encodedRequest.count) / 10) %)")
    let answer: [UInt8] = {
        var writer = JSONWriter(capacity: 200_000)
        writer.raw("{\"allocations\":[")
        for (index, vm) in snapshot.vms.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw("{\"id\":"); writer.string(vm.id.uuid)
            writer.raw(",\"memory\":"); writer.unsigned(vm.current.memory)
            writer.raw(",\"cpu\":"); writer.integer(vm.current.cpu)
            writer.raw(",\"cpu_weight\":2048,\"reason\":\"benchmark: a typical reason string\"}")
        }
        writer.raw("]}")
        return writer.bytes
    }()
    print("PluginBenchmarks: decide request at 1,000 VMs = \(encodedRequest.count) bytes; answer = \(answer.count) bytes")

    GuardedBenchmark.register("encode-decide-1000-vms", setup: { EncoderRig(vms: 1_000) }) { try $0.encode() }

    Benchmark("encode decide request, 1,000 VMs (\(encodedRequest.count) bytes)",
              configuration: .init(metrics: [.wallClock, .throughput], timeUnits: .microseconds, maxDuration: .seconds(5))) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try MessageEncoder.decideParams(snapshot, previous: previous))
        }
    }

    Benchmark("encode decide request, priority plugin's fields, 1,000 VMs (\(slimRequest.count) bytes)",
              configuration: .init(metrics: [.wallClock, .throughput], timeUnits: .microseconds, maxDuration: .seconds(5))) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try MessageEncoder.decideParams(snapshot, previous: previous, vmFields: priorityFields))
        }
    }

    Benchmark("encode decide request, priority plugin's fields, rows layout, 1,000 VMs (\(rowsRequest.count) bytes)",
              configuration: .init(metrics: [.wallClock, .throughput], timeUnits: .microseconds, maxDuration: .seconds(5))) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try MessageEncoder.decideParams(snapshot, previous: previous, vmFields: priorityFields, layout: .rows))
        }
    }

    Benchmark("encode decide request, every field, rows layout, 1,000 VMs (\(allRowsRequest.count) bytes)",
              configuration: .init(metrics: [.wallClock, .throughput], timeUnits: .microseconds, maxDuration: .seconds(5))) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try MessageEncoder.decideParams(snapshot, previous: previous, layout: .rows))
        }
    }

    Benchmark("decode request as JSON, 1,000 VMs (\(encodedRequest.count) bytes)",
              configuration: .init(metrics: [.wallClock, .throughput], timeUnits: .microseconds, maxDuration: .seconds(5))) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try JSONParser.parse(encodedRequest))
        }
    }

    Benchmark("decode answer, 1,000 entries (\(answer.count) bytes)",
              configuration: .init(metrics: [.wallClock, .throughput], timeUnits: .microseconds, maxDuration: .seconds(5))) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try JSONParser.parse(answer))
        }
    }

    Benchmark("decode and validate answer, 1,000 entries (\(answer.count) bytes)",
              configuration: .init(metrics: [.wallClock, .throughput], timeUnits: .microseconds, maxDuration: .seconds(5))) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(AnswerValidator.validate(try JSONParser.parse(answer), snapshot: snapshot))
        }
    }

    Benchmark("Foundation JSONEncoder, same snapshot (for comparison)",
              configuration: .init(metrics: [.wallClock, .throughput], timeUnits: .microseconds, maxDuration: .seconds(5))) { benchmark in
        let encoder = JSONEncoder()
        for _ in benchmark.scaledIterations {
            blackHole(try encoder.encode(snapshot))
        }
    }
}
