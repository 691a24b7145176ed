import CLibvirt

/// What one open connection registered for events, to undo before it closes.
struct EventSubscriptions {
    var domainCallbacks: [Int32] = []
    /// The close callback's target (Ballast frees it when unregistering), nil when not set.
    var closeTarget: UnsafeMutablePointer<ballast_event_target>?
    /// Why a subscription or keep-alive could not be set, for the backend's log (drained).
    var notes: [String] = []
}

/// Event subscriptions of the connection, made and undone on the libvirt thread.
extension ConnectionState {
    static let subscribedKinds: [(kind: Int32, name: String)] = [
        (Int32(BALLAST_EVENT_LIFECYCLE), "lifecycle"),
        (Int32(BALLAST_EVENT_BALLOON_CHANGE), "balloon change"),
        (Int32(BALLAST_EVENT_MEMORY_DEVICE_SIZE_CHANGE), "memory device size change"),
        (Int32(BALLAST_EVENT_JOB_COMPLETED), "job completed"),
    ]

    /// Keep-alive: a probe every 5 s, the connection closed after 3 unanswered
    /// (about 20 s); the close callback then starts the reconnect.
    static let keepAliveInterval: Int32 = 5
    static let keepAliveCount: UInt32 = 3

    /// Registers the domain events, the close callback and keep-alive on a newly opened
    /// connection. A failure is noted (events are a shortcut; polling carries on).
    func subscribe(_ connection: OpaquePointer, _ relay: LibvirtEventRelay) {
        var subscriptions = EventSubscriptions()
        let opaque = Unmanaged.passUnretained(relay).toOpaque()
        for (kind, name) in Self.subscribedKinds {
            _ = Unmanaged.passRetained(relay)
            let id = ballast_register_domain_event(connection, kind, LibvirtEventRelay.sink,
                                                   LibvirtEventRelay.release, opaque)
            if id < 0 {
                Unmanaged.passUnretained(relay).release()
                subscriptions.notes.append("no \(name) events: \(LibvirtError.capture(operation: "virConnectDomainEventRegisterAny", connection: connection))")
            } else {
                subscriptions.domainCallbacks.append(id)
            }
        }
        _ = Unmanaged.passRetained(relay)
        if let target = ballast_register_close(connection, LibvirtEventRelay.sink, LibvirtEventRelay.release, opaque) {
            subscriptions.closeTarget = target
        } else {
            Unmanaged.passUnretained(relay).release()
            subscriptions.notes.append("no close callback: \(LibvirtError.capture(operation: "virConnectRegisterCloseCallback", connection: connection))")
        }
        // Drivers that run in the process (test://, and qemu:// opened without libvirtd)
        // have no keep-alive: they answer 0 or an unsupported error, both fine.
        if virConnectSetKeepAlive(connection, Self.keepAliveInterval, Self.keepAliveCount) < 0 {
            let error = LibvirtError.capture(operation: "virConnectSetKeepAlive", connection: connection)
            if error.code != Int32(VIR_ERR_NO_SUPPORT.rawValue) {
                subscriptions.notes.append("no keep-alive: \(error)")
            }
        }
        self.subscriptions = subscriptions
    }

    /// Undoes `subscribe` before the connection closes (errors ignored: a dead connection
    /// drops its callbacks anyway; libvirt's free callbacks release the relay for the
    /// domain events, `ballast_unregister_close` for the close callback).
    func unsubscribe(_ connection: OpaquePointer) {
        for id in subscriptions.domainCallbacks {
            _ = virConnectDomainEventDeregisterAny(connection, id)
        }
        if let target = subscriptions.closeTarget { _ = ballast_unregister_close(connection, target) }
        subscriptions = EventSubscriptions(notes: subscriptions.notes)
    }

    /// The notes of the last subscriptions, once.
    func takeSubscriptionNotes() -> [String] {
        defer { subscriptions.notes = [] }
        return subscriptions.notes
    }
}
