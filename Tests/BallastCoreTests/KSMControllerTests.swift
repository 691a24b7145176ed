import PropertyBased
import Testing
@testable import BallastCore

@Suite("KSM controller")
struct KSMControllerTests {
    static let auto = KSMSettings(mode: .auto, startCommittedFraction: 0.8, stopCommittedFraction: 0.7,
                                  pagesToScanMin: 100, pagesToScanMax: 1100, sleepMilliseconds: 20, maxCPUFraction: 0.2)

    static func reading(run: Int = 0, pages: Int = 100, sleep: Int = 20, cpu: Double? = nil,
                        advisor: String? = nil, advisorCPU: Int? = nil) -> KSMReading {
        KSMReading(run: run, pagesToScan: pages, sleepMilliseconds: sleep, advisorMode: advisor,
                   advisorMaxCPUPercent: advisorCPU, ksmdCPUSeconds: cpu)
    }

    @Test("mode off writes nothing, whatever the host")
    func offNeverWrites() {
        var controller = KSMController(settings: KSMSettings(mode: .off))
        for committed in [0.0, 0.5, 0.95, 3.0] {
            let decision = controller.decide(Self.reading(run: 1), committed: committed, time: committed)
            #expect(decision.writes.isEmpty)
            #expect(decision.reason.contains("mode off"))
        }
    }

    @Test("starts at the start line with the pace the commitment gives (hand-computed)")
    func startsAtTheLine() {
        var controller = KSMController(settings: Self.auto)
        // 0.9 committed: halfway from 0.8 to 1.0, so 100 + 1000 × 0.5 = 600 pages.
        let decision = controller.decide(Self.reading(run: 0, pages: 100, sleep: 50), committed: 0.9, time: 0)
        #expect(decision.writes == [.sleepMilliseconds(20), .pagesToScan(600), .run(1)])
        #expect(decision.reason.contains("committed 90.0 % of host memory"))
        #expect(decision.reason.contains("600 pages per 20 ms"))
        // Past full commitment the pace stays at the maximum.
        #expect(controller.pagesToScan(committed: 1.7) == 1100)
        #expect(controller.pagesToScan(committed: 0.8) == 100)
    }

    @Test("between the lines it keeps doing what it did; below the stop line it stops and leaves pages merged")
    func hysteresis() {
        var controller = KSMController(settings: Self.auto)
        #expect(controller.decide(Self.reading(run: 0), committed: 0.75, time: 0).writes.isEmpty)
        let keepRunning = controller.decide(Self.reading(run: 1, pages: 100), committed: 0.75, time: 1)
        #expect(!keepRunning.writes.contains(.run(0)))
        #expect(keepRunning.reason.contains("still running"))
        let stop = controller.decide(Self.reading(run: 1), committed: 0.69, time: 2)
        #expect(stop.writes == [.run(0)])
        #expect(stop.reason.contains("merged pages left merged"))
        // Already stopped (or unmerged by the operator, run = 2): nothing to write.
        #expect(controller.decide(Self.reading(run: 2), committed: 0.1, time: 3).writes.isEmpty)
    }

    @Test("ksmd over its CPU cap: the pace is cut in proportion, and given back once well under")
    func cpuCap() {
        var controller = KSMController(settings: Self.auto)
        _ = controller.decide(Self.reading(run: 1, pages: 1100, cpu: 10), committed: 1, time: 100)
        // 0.4 s of CPU in 1 s: 0.4 of a core against a cap of 0.2 → scale 0.2 / 0.4 × 0.9 = 0.45.
        let cut = controller.decide(Self.reading(run: 1, pages: 1100, cpu: 10.4), committed: 1, time: 101)
        #expect(cut.ksmdCPUFraction.map { abs($0 - 0.4) < 1e-9 } == true)
        #expect(cut.writes == [.pagesToScan(495)])
        #expect(cut.reason.contains("cut to 45.0 % by the CPU cap 20.0 %"))
        // 0.05 of a core: under half the cap, a quarter back per tick.
        let back = controller.decide(Self.reading(run: 1, pages: 495, cpu: 10.45), committed: 1, time: 102)
        #expect(back.writes == [.pagesToScan(619)])
    }

    @Test("advisor: the kernel's scan-time advisor paces ksmd under the cap; without it Ballast paces and says so")
    func advisor() {
        var controller = KSMController(settings: KSMSettings(mode: .advisor, maxCPUFraction: 0.15))
        let withAdvisor = controller.decide(Self.reading(run: 0, advisor: "none", advisorCPU: 70), committed: 0.9, time: 0)
        #expect(withAdvisor.writes == [.advisorMode("scan-time"), .advisorMaxCPUPercent(15), .run(1)])
        #expect(!withAdvisor.writes.contains { if case .pagesToScan = $0 { true } else { false } })
        var old = KSMController(settings: KSMSettings(mode: .advisor))
        let withoutAdvisor = old.decide(Self.reading(run: 0), committed: 0.9, time: 0)
        #expect(withoutAdvisor.writes.contains(.run(1)))
        #expect(withoutAdvisor.writes.contains(.pagesToScan(old.pagesToScan(committed: 0.9))))
        #expect(withoutAdvisor.reason.contains("no scan-time advisor on this kernel"))
    }

    @Test("a CPU counter that went backwards (ksmd found again) or a clock that did not move measures nothing")
    func cpuMeasurementAbstains() {
        var controller = KSMController(settings: Self.auto)
        _ = controller.decide(Self.reading(run: 1, cpu: 50), committed: 1, time: 10)
        #expect(controller.decide(Self.reading(run: 1, cpu: 40), committed: 1, time: 11).ksmdCPUFraction == nil)
        #expect(controller.decide(Self.reading(run: 1, cpu: 41), committed: 1, time: 11).ksmdCPUFraction == nil)
        #expect(controller.cpuScale == 1)
    }

    @Test("the committed fraction counts balanced and running unbalanced guests, not stopped ones")
    func committedFraction() {
        let estimate = Fixture.estimate(cpu: 0, memory: 0, used: nil)
        let balanced = [Fixture.view(1, current: Fixture.allocation(memory: 2 << 30), estimate: estimate),
                        Fixture.view(2, current: Fixture.allocation(memory: 3 << 30), estimate: estimate)]
        let optedOut = Fixture.sample(3, current: Fixture.allocation(memory: 1 << 30), cpu: nil, balloon: nil)
        var stopped = Fixture.sample(4, current: Fixture.allocation(memory: 4 << 30), cpu: nil, balloon: nil)
        stopped.state = .shutoff
        let report = TickReport(snapshot: Fixture.snapshot(balanced, capacity: ResourceVector(cpu: 4000, memory: 8 << 30)),
                                unbalanced: [optedOut, stopped], proposal: Proposal(), stages: [],
                                decision: GovernorDecision(changes: [], vms: [], emergency: false), applied: [])
        // (2 + 3 + 1) GiB of 8 GiB.
        #expect(KSMController.committedFraction(of: report) == 0.75)
    }

    /// Off never writes; the pace stays within 1...max and never above the commitment's
    /// figure; ksmd never starts below the stop line nor stays stopped at the start line.
    @Test("properties of every decision, over random settings and hosts")
    func properties() async {
        let settings = zip(Gen.double(in: 0.3...1.2), Gen.double(in: 0...0.3), Gen.int(in: 1...500), Gen.int(in: 0...5000),
                           Gen.double(in: 0.01...1))
        let step = zip(Gen.double(in: 0...2), Gen.int(in: 0...2), Gen.double(in: 0...3))
        await propertyCheck(count: 300, input: settings, step.array(of: 1...30), Gen.bool) { knobs, steps, off in
            let (start, gap, minimum, extra, cap) = knobs
            let config = KSMSettings(mode: off ? .off : .auto, startCommittedFraction: start,
                                     stopCommittedFraction: max(0, start - gap), pagesToScanMin: minimum,
                                     pagesToScanMax: minimum + extra, maxCPUFraction: cap)
            var controller = KSMController(settings: config)
            var cpu = 0.0
            for (index, (committed, run, burn)) in steps.enumerated() {
                cpu += burn
                let decision = controller.decide(Self.reading(run: run, pages: 64, cpu: cpu), committed: committed,
                                                 time: Double(index))
                if off {
                    #expect(decision.writes.isEmpty)
                    continue
                }
                for case .pagesToScan(let pages) in decision.writes {
                    #expect(pages >= 1 && pages <= config.pagesToScanMax)
                    #expect(Double(pages) <= Double(minimum) + Double(extra) * min(max((committed - start) / max(1 - start, 1e-9), 0), 1) + 0.5)
                }
                if committed < config.stopCommittedFraction { #expect(!decision.writes.contains(.run(1))) }
                if committed >= start, run != 1 { #expect(decision.writes.contains(.run(1))) }
            }
        }
    }
}
