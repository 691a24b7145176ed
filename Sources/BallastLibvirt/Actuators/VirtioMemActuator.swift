import BallastCore

/// The memory actuator for domains with a virtio-mem device: memory above the boot
/// memory is plugged and unplugged through the device's requested size
/// (`virDomainUpdateDeviceFlags`), memory below it through the balloon. A request
/// already made is not sent again while the guest works on it (or failed to meet it):
/// only a new size is.
struct VirtioMemActuator {
    let connection: LibvirtConnection

    /// Moves the domain towards `target` bytes; `hasBalloon` says whether it has a balloon
    /// to go below the boot memory with.
    func apply(uuid: String, tracker: inout VirtioMemTracker, target: UInt64,
               hasBalloon: Bool, now: Double) async throws(LibvirtError) -> ActuatorResult {
        var plan = tracker.plan(target)
        var notes: [String] = []
        if plan.balloon < tracker.bootMemory, !hasBalloon {
            plan.balloon = tracker.bootMemory
            notes.append("no balloon to go below the boot memory \(HumanFormat.bytes(tracker.bootMemory))")
        }
        var done: [String] = []
        if plan.requested != tracker.requested {
            try await connection.updateMemoryDevice(uuid: uuid, deviceXML: tracker.device.updateXML(requesting: plan.requested),
                                                    requested: plan.requested)
            done.append("virtio-mem asked for \(HumanFormat.bytes(plan.requested)) "
                        + "(from \(HumanFormat.bytes(tracker.requested)), \(HumanFormat.bytes(tracker.plugged)) plugged)")
            tracker.requested = plan.requested
            tracker.device.requested = plan.requested
            tracker.requestedAt = now
            tracker.unmetReported = false
        }
        if hasBalloon, plan.balloon != (tracker.balloonTarget ?? tracker.balloonSeen ?? tracker.bootMemory) {
            try await connection.setBalloonTarget(uuid: uuid, bytes: plan.balloon)
            done.append("balloon set to \(HumanFormat.bytes(plan.balloon)) of boot memory \(HumanFormat.bytes(tracker.bootMemory))")
            tracker.balloonTarget = plan.balloon
        }
        guard !done.isEmpty else {
            return .skipped("virtio-mem already asked for \(HumanFormat.bytes(tracker.requested)); the guest has plugged "
                            + "\(HumanFormat.bytes(tracker.plugged))" + (notes.isEmpty ? "" : "; " + notes.joined(separator: "; ")))
        }
        return .applied(how: (done + notes).joined(separator: "; "))
    }
}
