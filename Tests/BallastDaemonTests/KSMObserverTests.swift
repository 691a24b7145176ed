import BallastCore
@testable import BallastDaemon
import BallastMetrics
import Logging
import Synchronization
import Testing

/// `KSMObserver`: what reaches the kernel (through a recording `KSMInterface`) in each
/// mode, in a dry run, and when the kernel refuses.
@Suite("KSM observer")
struct KSMObserverTests {
    /// A KSM that remembers what was written and can be told to refuse.
    final class RecordingKSM: KSMInterface {
        let state = Mutex<(reading: KSMReading, writes: [KSMWrite], refuse: String?, unreadable: Bool)>(
            (KSMReading(run: 0, pagesToScan: 100, sleepMilliseconds: 20, pagesSharing: 10), [], nil, false))

        func read() throws(KSMAccessError) -> KSMReading {
            let (reading, unreadable) = state.withLock { ($0.reading, $0.unreadable) }
            if unreadable { throw KSMAccessError("/sys/kernel/mm/ksm/run is missing") }
            return reading
        }

        func write(_ writes: [KSMWrite]) throws(KSMAccessError) {
            let refusal = state.withLock { $0.refuse }
            if let refusal { throw KSMAccessError(refusal) }
            state.withLock { state in
                state.writes += writes
                for write in writes { state.reading.apply(write) }
            }
        }

        var writes: [KSMWrite] { state.withLock { $0.writes } }
    }

    static func observer(_ ksm: RecordingKSM, mode: KSMSettings.Mode, dryRun: Bool = false) -> KSMObserver {
        KSMObserver(ksm: ksm, settings: KSMSettings(mode: mode), dryRun: dryRun,
                    state: ObservabilityState(interval: 2), logger: Logger(label: "test"))
    }

    @Test("auto on a committed host starts ksmd; mode off and a dry run write nothing but still report")
    func modes() async {
        let live = RecordingKSM()
        let started = await Self.observer(live, mode: .auto).step(committed: 0.95, time: 1)
        #expect(live.writes.contains(.run(1)))
        #expect(started.reading?.run == 1 && started.error == nil)

        for (mode, dryRun) in [(KSMSettings.Mode.off, false), (.auto, true), (.advisor, true)] {
            let ksm = RecordingKSM()
            let observer = Self.observer(ksm, mode: mode, dryRun: dryRun)
            for tick in 0..<3 {
                let status = await observer.step(committed: 0.95, time: Double(tick))
                #expect(status.reading?.pagesSharing == 10)
                #expect(status.reading?.run == 0)
            }
            #expect(ksm.writes.isEmpty, "mode \(mode), dry run \(dryRun) wrote \(ksm.writes)")
        }
    }

    @Test("a refused write or an unreadable KSM is reported in the status; the next tick tries again")
    func refusals() async {
        let ksm = RecordingKSM()
        let observer = Self.observer(ksm, mode: .auto)
        ksm.state.withLock { $0.refuse = "cannot write 1 to /sys/kernel/mm/ksm/run: Read-only file system" }
        let refused = await observer.step(committed: 0.95, time: 1)
        #expect(refused.error?.contains("Read-only file system") == true)
        ksm.state.withLock { $0.unreadable = true }
        let unreadable = await observer.step(committed: 0.95, time: 2)
        #expect(unreadable.reading == nil && unreadable.error?.contains("missing") == true)
        ksm.state.withLock { $0.refuse = nil; $0.unreadable = false }
        let recovered = await observer.step(committed: 0.95, time: 3)
        #expect(recovered.error == nil && recovered.reading?.run == 1)
    }

    @Test("a reload to mode off stops all writing at once")
    func reloadToOff() async {
        let ksm = RecordingKSM()
        let observer = Self.observer(ksm, mode: .auto)
        _ = await observer.step(committed: 0.95, time: 1)
        let before = ksm.writes
        await observer.replaceSettings(KSMSettings(mode: .off))
        _ = await observer.step(committed: 0.1, time: 2)
        #expect(ksm.writes == before)
    }
}
