import Foundation

/// How fast Ballast covered a guest's memory step, worked out from a `StepRecording`.
///
/// Covered: the balloon target is at least `coverLevel` = balloon before the step +
/// max(0, headroom + fill − MemAvailable before the step), the size at which the guest's
/// MemAvailable (libvirt `usable`) is back at `headroom` (64 MiB, what the estimator aims
/// for): tmpfs pages are not available, and each MiB the balloon gives back is a MiB more
/// MemAvailable. Ticks are counted from the first tick whose sample shows the step
/// (Ballast's sampled guest-used memory up by at least half the fill), which counts as
/// tick 1; a step covered by the balloon it already had is 0 ticks. The guest reports
/// statistics every 2 s (`<stats period='2'/>`), so a step becomes visible in libvirt up
/// to 2 s after it happens; `visibleAt` is when the test's own `virsh` polling first saw
/// it, and `firstTickAfterVisible` the first tick completed after that.
struct StepReaction: Sendable {
    let fill: UInt64
    let headroom: UInt64
    let balloonBefore: UInt64
    let usableBefore: UInt64
    /// The lowest MemAvailable libvirt reported after the step, before the balloon changed.
    let usableLowObserved: UInt64?
    let coverLevel: UInt64
    let ticksBeforeStep: Int
    let visibleAt: Date
    let firstTickAfterVisible: StepRecording.Tick?
    let firstTickSeeing: StepRecording.Tick
    /// nil when the balloon already covered the step before it happened.
    let coveringTick: StepRecording.Tick?
    let coveredInLibvirt: StepRecording.Balloon?
    let fillDoneSeen: Date

    /// Ticks from the first tick that saw the step to the one whose target covers it
    /// (that first tick counts as 1); 0 when covered before the step.
    var reactionTicks: Int {
        guard let coveringTick else { return 0 }
        return Int(coveringTick.tick) - Int(firstTickSeeing.tick) + 1
    }

    init(_ recording: StepRecording, fill: UInt64, headroom: UInt64 = 64 << 20) throws {
        func missing(_ what: String) -> HarnessError {
            .unexpectedOutput(command: "reaction analysis of \(recording.guest)", detail: what)
        }
        guard let fillStart = recording.fillStartSeen, let fillDone = recording.fillDoneSeen else {
            throw missing("the serial log never showed mem-fill-start and mem-filled")
        }
        let before = recording.balloon.filter { $0.at < fillStart }
        guard let last = before.last else { throw missing("no balloon statistics before the step") }
        // Idle before the step: the highest MemAvailable of the last 10 s (a stats push
        // during the first moments of the fill can only lower it).
        let usableBefore = before.filter { $0.at >= last.at.addingTimeInterval(-10) }.map(\.usable).max() ?? last.usable
        self.fill = fill
        self.headroom = headroom
        balloonBefore = last.actual
        self.usableBefore = usableBefore
        coverLevel = last.actual + (headroom + fill > usableBefore ? headroom + fill - usableBefore : 0)
        fillDoneSeen = fillDone

        let afterStart = recording.balloon.filter { $0.at >= fillStart }
        guard let visible = afterStart.first(where: { $0.usable + fill / 2 <= usableBefore }) else {
            throw missing("libvirt's statistics never showed MemAvailable fall by half the fill (\(fill / 2) bytes)")
        }
        let visibleAt = visible.at
        self.visibleAt = visibleAt
        usableLowObserved = afterStart.filter { $0.actual == last.actual }.map(\.usable).min()

        let ticksBefore = recording.ticks.filter { $0.seenAt < fillStart }
        guard let usedBefore = ticksBefore.last?.guestUsed else {
            throw missing("no Ballast tick with guest-used memory before the step")
        }
        ticksBeforeStep = ticksBefore.count
        let ticksAfter = recording.ticks.filter { $0.seenAt >= fillStart }
        firstTickAfterVisible = ticksAfter.first { $0.seenAt > visibleAt }
        guard let seeing = ticksAfter.first(where: { ($0.guestUsed ?? 0) >= usedBefore + fill / 2 }) else {
            throw missing("no Ballast tick sampled the step (guest-used never rose by \(fill / 2) bytes)")
        }
        firstTickSeeing = seeing
        let level = coverLevel
        if last.actual >= level {
            coveringTick = nil
            coveredInLibvirt = visible
        } else {
            coveringTick = ticksAfter.first { ($0.governed ?? 0) >= level }
            coveredInLibvirt = recording.firstBalloon(atLeast: level, after: fillStart)
        }
    }

    /// Seconds from the test seeing `mem-filled` on the serial console to libvirt's balloon
    /// reaching the cover level (negative or zero when it was there before).
    var secondsFromFillDone: Double? {
        coveredInLibvirt.map { max(0, $0.at.timeIntervalSince(fillDoneSeen)) }
    }

    /// Seconds from libvirt's statistics first showing the step to the balloon covering it.
    var secondsFromVisible: Double? {
        coveredInLibvirt.map { max(0, $0.at.timeIntervalSince(visibleAt)) }
    }

    var summary: String {
        func mib(_ bytes: UInt64?) -> String { bytes.map { String(format: "%.1f MiB", Double($0) / 1_048_576) } ?? "-" }
        func seconds(_ value: Double?) -> String { value.map { String(format: "%.1f s", $0) } ?? "not covered" }
        let covering = coveringTick.map { "tick \($0.tick) (target \(mib($0.governed)))" } ?? "before the step"
        return """
            fill \(mib(fill)); balloon before \(mib(balloonBefore)), MemAvailable before \(mib(usableBefore)), \
            lowest after \(mib(usableLowObserved)); cover level \(mib(coverLevel)); \(ticksBeforeStep) ticks before the step; \
            first tick after libvirt showed the step: \(firstTickAfterVisible.map { "\($0.tick)" } ?? "-"); \
            first tick sampling it: \(firstTickSeeing.tick) (used \(mib(firstTickSeeing.guestUsed)), \
            demand \(mib(firstTickSeeing.demand)), target \(mib(firstTickSeeing.governed))); covered by \(covering); \
            reaction \(reactionTicks) tick(s); balloon at the level \(seconds(secondsFromVisible)) after libvirt showed \
            the step, \(seconds(secondsFromFillDone)) after the guest printed mem-filled
            """
    }
}
