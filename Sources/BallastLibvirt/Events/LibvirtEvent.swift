import CLibvirt

/// One libvirt event, copied out of libvirt's callback on the event loop's thread:
/// only plain facts (the domain's UUID and name, what happened), never a libvirt object,
/// so it crosses to Swift concurrency safely.
public struct LibvirtEvent: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// `virDomainEventType` and its detail (started, stopped, crashed, ...).
        case lifecycle(LifecycleKind, detail: Int32)
        /// The balloon's actual size changed, bytes.
        case balloonChanged(bytes: UInt64)
        /// A memory device (virtio-mem) changed size, bytes.
        case memoryDeviceResized(bytes: UInt64)
        /// A job (migration, save, dump) completed.
        case jobCompleted
        /// The connection closed (`virConnectCloseReason`: error, end of file, keep-alive, client).
        case connectionClosed(reason: Int32)
    }

    /// libvirt's lifecycle events, as Ballast reacts to them.
    public enum LifecycleKind: Sendable, Hashable {
        case defined, undefined, started, suspended, resumed, stopped, shutdown, pmSuspended, crashed
        case other(Int32)

        init(_ raw: Int32) {
            switch UInt32(bitPattern: raw) {
            case VIR_DOMAIN_EVENT_DEFINED.rawValue: self = .defined
            case VIR_DOMAIN_EVENT_UNDEFINED.rawValue: self = .undefined
            case VIR_DOMAIN_EVENT_STARTED.rawValue: self = .started
            case VIR_DOMAIN_EVENT_SUSPENDED.rawValue: self = .suspended
            case VIR_DOMAIN_EVENT_RESUMED.rawValue: self = .resumed
            case VIR_DOMAIN_EVENT_STOPPED.rawValue: self = .stopped
            case VIR_DOMAIN_EVENT_SHUTDOWN.rawValue: self = .shutdown
            case VIR_DOMAIN_EVENT_PMSUSPENDED.rawValue: self = .pmSuspended
            case VIR_DOMAIN_EVENT_CRASHED.rawValue: self = .crashed
            default: self = .other(raw)
            }
        }
    }

    /// Empty for connection events.
    public var uuid: String
    public var name: String
    public var kind: Kind

    public init(uuid: String, name: String, kind: Kind) {
        self.uuid = uuid
        self.name = name
        self.kind = kind
    }

    /// Copies the C struct the shim's callbacks fill; nil for a kind this build does not know.
    init?(_ event: ballast_event) {
        var raw = event
        uuid = withUnsafeBytes(of: &raw.uuid) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        name = event.name.map { String(cString: $0) } ?? ""
        switch event.kind {
        case Int32(BALLAST_EVENT_LIFECYCLE): kind = .lifecycle(LifecycleKind(event.event), detail: event.detail)
        case Int32(BALLAST_EVENT_BALLOON_CHANGE): kind = .balloonChanged(bytes: event.kib &* 1024)
        case Int32(BALLAST_EVENT_MEMORY_DEVICE_SIZE_CHANGE): kind = .memoryDeviceResized(bytes: event.kib &* 1024)
        case Int32(BALLAST_EVENT_JOB_COMPLETED): kind = .jobCompleted
        case Int32(BALLAST_EVENT_CONNECTION_CLOSED): kind = .connectionClosed(reason: event.event)
        default: return nil
        }
    }
}

/// Where one connection's libvirt callbacks deliver: an `AsyncStream` the backend reads.
/// Retained once per registered callback (released by libvirt's free callback), so it
/// outlives every callback that may still run.
final class LibvirtEventRelay: Sendable {
    let stream: AsyncStream<LibvirtEvent>
    private let continuation: AsyncStream<LibvirtEvent>.Continuation

    /// Events beyond this many unread are dropped, oldest first (the backend coalesces
    /// them into urgent ticks anyway, and polling stays the source of truth).
    static let buffered = 4096

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: LibvirtEvent.self,
                                                        bufferingPolicy: .bufferingNewest(Self.buffered))
    }

    deinit {
        continuation.finish()
    }

    func deliver(_ event: LibvirtEvent) {
        continuation.yield(event)
    }

    /// Ends the stream (the connection is gone for good).
    func finish() {
        continuation.finish()
    }

    /// The C sink and release function the shim calls (opaque: an unmanaged relay).
    static let sink: ballast_event_sink = { event, opaque in
        guard let event, let opaque else { return }
        guard let copied = LibvirtEvent(event.pointee) else { return }
        Unmanaged<LibvirtEventRelay>.fromOpaque(opaque).takeUnretainedValue().deliver(copied)
    }

    static let release: ballast_event_release = { opaque in
        guard let opaque else { return }
        Unmanaged<LibvirtEventRelay>.fromOpaque(opaque).release()
    }
}
