import BallastCore

/// What the backend knows of one domain's virtio-mem device in one run: the device as
/// the live XML last showed it, what Ballast asked it to plug and when, what the guest
/// has plugged (the XML's `<current>`, then each size-change event), and the balloon
/// target Ballast set for the boot memory beside it.
///
/// Memory above the boot memory is the device's, in whole blocks; below it, the
/// balloon's (`plan`). A request the guest leaves unmet past `unmetDeadline` is
/// reported once and not sent again: only a different size is.
struct VirtioMemTracker: Sendable {
    var device: VirtioMemDevice
    var bootMemory: UInt64
    var requested: UInt64
    var plugged: UInt64
    /// When Ballast last changed the request (backend seconds); nil when it has not.
    var requestedAt: Double?
    /// Whether the unmet request was reported already.
    var unmetReported = false
    /// The balloon target Ballast set for the boot memory; nil when it has set none.
    var balloonTarget: UInt64?
    /// The balloon's size as last sampled: the domain's memory less what is plugged.
    var balloonSeen: UInt64?
    /// Recent changes of `plugged`: when (wall clock, seconds) and the size before, so that
    /// a guest report older than a change is read with it (`pluggedSinceReport`).
    private(set) var pluggedChanges: [(at: Double, before: UInt64)] = []

    /// How long a guest may take to plug or unplug before the request counts as unmet.
    /// Measured under TCG: 384 MiB plugged in about 10 s.
    static let unmetDeadline: Double = 30

    /// The tracker for a freshly read definition, keeping what Ballast asked of the
    /// device earlier in the same run while the XML still shows that request.
    /// libvirt leaves `<current>` out of the live XML while nothing is plugged.
    static func forRun(_ definition: DomainDefinition?, previous: VirtioMemTracker?, wallClock: Double) -> VirtioMemTracker? {
        guard let definition, let device = definition.virtioMem, let bootMemory = definition.bootMemory else { return nil }
        var tracker = VirtioMemTracker(device: device, bootMemory: bootMemory, requested: device.requested,
                                       plugged: previous?.plugged ?? device.current ?? 0)
        if let previous, previous.requested == device.requested {
            tracker.requestedAt = previous.requestedAt
            tracker.unmetReported = previous.unmetReported
            tracker.balloonTarget = previous.balloonTarget
        }
        tracker.balloonSeen = previous?.balloonSeen
        tracker.pluggedChanges = previous?.pluggedChanges ?? []
        tracker.see(plugged: device.current ?? 0, at: wallClock)
        return tracker
    }

    /// The split of a memory target: the device's request (whole blocks above the boot
    /// memory, rounded up, at most its size) and the balloon's target (the boot memory,
    /// or the target itself when it is below).
    func plan(_ target: UInt64) -> (requested: UInt64, balloon: UInt64) {
        guard target > bootMemory else { return (0, target) }
        return (device.request(covering: target - bootMemory), bootMemory)
    }

    /// Seconds the current request has gone unmet, once past the deadline; nil otherwise.
    func unmetFor(at now: Double) -> Double? {
        guard let requestedAt, plugged != requested, now - requestedAt >= Self.unmetDeadline else { return nil }
        return now - requestedAt
    }

    /// Takes what Ballast asked of the device and the balloon from `other` (the copy an
    /// actuator worked on), keeping what was seen meanwhile (plugged sizes from events).
    mutating func takeRequests(from other: VirtioMemTracker) {
        requested = other.requested
        device.requested = other.device.requested
        requestedAt = other.requestedAt
        unmetReported = other.unmetReported
        balloonTarget = other.balloonTarget
    }

    /// Takes in a plugged size seen (an event, the live XML) at `wallClock` seconds.
    mutating func see(plugged bytes: UInt64, at wallClock: Double) {
        guard bytes != plugged else { return }
        pluggedChanges.removeAll { wallClock - $0.at > Self.changeMemory }
        pluggedChanges.append((wallClock, plugged))
        plugged = bytes
    }

    /// How long plug changes are remembered: longer than any guest's report interval.
    static let changeMemory: Double = 60

    /// Bytes plugged (positive) or unplugged (negative) since the guest's report of
    /// `reportedAt` (libvirt's `balloon.last-update`, wall-clock seconds). A report within
    /// the second of a change may hold it or not: it is taken to hold it, which errs
    /// towards more used memory, never less.
    func pluggedSinceReport(_ reportedAt: Double?) -> Int64 {
        guard let reportedAt, let first = pluggedChanges.first(where: { $0.at >= reportedAt + 1 }) else { return 0 }
        return Int64(clamping: plugged) - Int64(clamping: first.before)
    }

    /// Takes in the domain's memory as sampled (libvirt counts the plugged memory in it).
    mutating func see(domainMemory: UInt64) {
        balloonSeen = domainMemory > plugged ? domainMemory - plugged : 0
    }

    func state(at now: Double) -> VirtioMemState {
        VirtioMemState(bootMemory: bootMemory, size: device.size, block: device.block, requested: requested,
                       plugged: plugged, unmetForSeconds: unmetFor(at: now))
    }
}
