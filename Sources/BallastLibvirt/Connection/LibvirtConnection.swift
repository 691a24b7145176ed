import BallastCore
import CLibvirt
import NIOPosix

/// One connection to one libvirt URI (default `qemu:///system`). Every libvirt
/// call runs on the connection's own thread (a one-thread `NIOThreadPool`), never on
/// Swift's cooperative pool: the calls block, and libvirt keeps its last error per
/// thread. Callers simply `await` the async methods. Errors are `LibvirtError`s
/// captured on that thread in the job that failed.
///
/// Creating the object does not connect: call `connect()` (again after a
/// `connectionLost` error; it is idempotent while the connection is alive).
public final class LibvirtConnection: Sendable {
    public let uri: String
    /// One thread, so every job runs on it in the order submitted.
    private let thread: NIOThreadPool
    /// Touched only by jobs on `thread`.
    private let state: ThreadConfined<ConnectionState>
    /// The connection's libvirt events (lifecycle, balloon, memory device, job completed,
    /// connection closed) when opened with `events`; nil otherwise.
    public let events: AsyncStream<LibvirtEvent>?

    /// `readOnly` opens with `virConnectOpenReadOnly` (`ballast doctor`'s permission probe).
    /// `events` subscribes each opened connection to libvirt events; the caller must have
    /// started `LibvirtEventLoop.shared` first (libvirt delivers events only through it).
    public init(uri: String = "qemu:///system", readOnly: Bool = false, events: Bool = false) {
        self.uri = uri
        let relay = events ? LibvirtEventRelay() : nil
        self.events = relay?.stream
        self.state = ThreadConfined(ConnectionState(uri: uri, readOnly: readOnly, relay: relay))
        self.thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
    }

    deinit {
        // Without a `shutdown()` first, the last job closes the connection on its thread,
        // then ends the pool (the job holds the pool until then; the pool joins its thread
        // off that thread). After one, the job runs here, on a closed connection: no call.
        let thread = self.thread
        let state = self.state
        thread.submit { _ in
            state.value.close()
            thread.shutdownGracefully { _ in }
        }
    }

    /// Runs `body` on the libvirt thread and returns its result to the caller.
    ///
    /// Submitted with `NIOThreadPool.submit` rather than its async `runIfActive`, which
    /// would erase `LibvirtError` to `any Error` and skip a job whose task was cancelled
    /// before it ran: a call once made always runs, as an apply must be reported either way.
    func perform<T: Sendable>(_ operation: String,
                              _ body: @escaping @Sendable (ConnectionState) throws(LibvirtError) -> T)
        async throws(LibvirtError) -> T {
        let state = self.state
        let result: Result<T, LibvirtError> = await withCheckedContinuation { continuation in
            thread.submit { work in
                guard case .active = work else {
                    continuation.resume(returning: .failure(.workerStopped(operation: operation)))
                    return
                }
                continuation.resume(returning: Result { () throws(LibvirtError) in try body(state.value) })
            }
        }
        return try result.get()
    }

    // MARK: connection

    /// Opens the connection (read-write unless `readOnly`) if it is not open and alive.
    public func connect() async throws(LibvirtError) {
        try await perform("connect") { state throws(LibvirtError) in try state.open() }
    }

    /// Why an event subscription or keep-alive of the last opened connection failed, once.
    public func takeSubscriptionNotes() async -> [String] {
        (try? await perform("subscription notes") { state in state.takeSubscriptionNotes() }) ?? []
    }

    /// Closes the connection; a later `connect()` opens a new one.
    public func disconnect() async {
        _ = try? await perform("disconnect") { state in state.close() }
    }

    /// Closes the connection and ends its thread; returns once the thread has exited.
    /// Every call after it fails with `workerStopped`; a second shutdown does nothing.
    ///
    /// Call it before the process exits. Left to `deinit`, the close and the thread's end
    /// run while `exit()` runs the libraries' destructors, and the two corrupt the heap:
    /// `ballast doctor` aborted about once in 1,500 runs under load, glib's thread-exit
    /// destructor and OpenSSL's `OPENSSL_cleanup` freeing in the same malloc arena at once.
    /// Not for a connection whose call is stuck (a connect past its deadline): it waits for
    /// that call.
    public func shutdown() async {
        await disconnect()
        try? await thread.shutdownGracefully()
    }

    /// Whether the connection is open and libvirtd answers keep-alive.
    public func isAlive() async -> Bool {
        (try? await perform("virConnectIsAlive") { state in
            state.connection.map { virConnectIsAlive($0) == 1 } ?? false
        }) ?? false
    }

    // MARK: domains and statistics

    /// All domains, active and inactive, with their state.
    public func listDomains() async throws(LibvirtError) -> [DomainSummary] {
        try await perform("virConnectListAllDomains") { state throws(LibvirtError) in try state.listDomains() }
    }

    /// Statistics of every active (running or paused) domain: one bulk
    /// `virConnectGetAllDomainStats` call, with per-domain calls for what the driver left out.
    public func allDomainStats() async throws(LibvirtError) -> [DomainStats] {
        try await perform("virConnectGetAllDomainStats") { state throws(LibvirtError) in try state.allDomainStats() }
    }

    /// Balloon statistics only, of every active domain (the watch between ticks): one bulk call.
    public func balloonStats() async throws(LibvirtError) -> [DomainStats] {
        try await perform("virConnectGetAllDomainStats(balloon; active)") { state throws(LibvirtError) in
            try state.balloonStats()
        }
    }

    /// The domain XML (`virDomainGetXMLDesc`): live, or with `inactive` the
    /// persistent configuration (what the operator defined, untouched by live changes).
    public func domainXML(uuid: String, inactive: Bool = false) async throws(LibvirtError) -> String {
        try await perform("virDomainGetXMLDesc") { state throws(LibvirtError) in
            try state.domainXML(uuid: uuid, inactive: inactive)
        }
    }

    /// Live scheduler parameters (`cpu_shares`, `vcpu_quota`, `vcpu_period`).
    public func schedulerParameters(uuid: String) async throws(LibvirtError) -> SchedulerParameters {
        try await perform("virDomainGetSchedulerParametersFlags") { state throws(LibvirtError) in
            try state.withDomain(uuid, "virDomainGetSchedulerParametersFlags") { domain throws(LibvirtError) in
                try state.schedulerParameters(domain, uuid: uuid)
            }
        }
    }

    // MARK: actuators

    /// Asks the guest's balloon driver to report statistics every `seconds`.
    public func setMemoryStatsPeriod(uuid: String, seconds: Int32) async throws(LibvirtError) {
        let operation = "virDomainSetMemoryStatsPeriod(\(uuid), \(seconds) s, live)"
        try await perform(operation) { state throws(LibvirtError) in
            try state.withDomain(uuid, operation) { domain throws(LibvirtError) in
                if virDomainSetMemoryStatsPeriod(domain, seconds, UInt32(VIR_DOMAIN_AFFECT_LIVE.rawValue)) < 0 {
                    throw state.failure(operation)
                }
            }
        }
    }

    /// Sets the balloon target (live): the memory the guest may use, bytes (rounded down to KiB).
    public func setBalloonTarget(uuid: String, bytes: UInt64) async throws(LibvirtError) {
        let kib = bytes / 1024
        let operation = "virDomainSetMemoryFlags(\(uuid), \(kib) KiB, live)"
        try await perform(operation) { state throws(LibvirtError) in
            try state.withDomain(uuid, operation) { domain throws(LibvirtError) in
                if virDomainSetMemoryFlags(domain, UInt(kib), UInt32(VIR_DOMAIN_AFFECT_LIVE.rawValue)) < 0 {
                    throw state.failure(operation)
                }
            }
        }
    }

    /// Asks a virtio-mem device for a new plugged size (`virDomainUpdateDeviceFlags`, live):
    /// `deviceXML` is the device as libvirt matches it with the new `<requested>`. libvirt
    /// returns once QEMU took the request; the guest plugs or unplugs afterwards.
    public func updateMemoryDevice(uuid: String, deviceXML: String, requested: UInt64) async throws(LibvirtError) {
        let operation = "virDomainUpdateDeviceFlags(\(uuid), virtio-mem requested \(requested / 1024) KiB, live)"
        try await perform(operation) { state throws(LibvirtError) in
            try state.withDomain(uuid, operation) { domain throws(LibvirtError) in
                if virDomainUpdateDeviceFlags(domain, deviceXML, UInt32(VIR_DOMAIN_AFFECT_LIVE.rawValue)) < 0 {
                    throw state.failure(operation)
                }
            }
        }
    }

    /// Sets the number of online vCPUs (live hot-plug/unplug).
    public func setVCPUs(uuid: String, count: Int) async throws(LibvirtError) {
        let operation = "virDomainSetVcpusFlags(\(uuid), \(count), live)"
        try await perform(operation) { state throws(LibvirtError) in
            try state.withDomain(uuid, operation) { domain throws(LibvirtError) in
                if virDomainSetVcpusFlags(domain, UInt32(clamping: count), UInt32(VIR_DOMAIN_AFFECT_LIVE.rawValue)) < 0 {
                    throw state.failure(operation)
                }
            }
        }
    }

    /// The number of vCPUs online inside the guest, read through the QEMU guest agent
    /// (`virDomainGetVcpusFlags(VIR_DOMAIN_VCPU_GUEST)`). The agent's answer is awaited at
    /// most `agentTimeout` seconds per agent command (see `ConnectionState.boundAgentWait`).
    public func guestVCPUCount(uuid: String, agentTimeout: Int32) async throws(LibvirtError) -> Int {
        let operation = "virDomainGetVcpusFlags(\(uuid), guest)"
        return try await perform(operation) { state throws(LibvirtError) in
            try state.withDomain(uuid, operation) { domain throws(LibvirtError) in
                try state.boundAgentWait(domain, seconds: agentTimeout, uuid: uuid)
                let count = virDomainGetVcpusFlags(domain, UInt32(VIR_DOMAIN_VCPU_GUEST.rawValue))
                if count < 0 { throw state.failure(operation) }
                return Int(count)
            }
        }
    }

    /// Onlines or offlines vCPUs inside the guest through the QEMU guest agent
    /// (`virDomainSetVcpusFlags(VIR_DOMAIN_VCPU_GUEST)`): the hypervisor's count stays,
    /// an offline vCPU's thread uses no host CPU. `count` may not exceed the plugged vCPUs.
    public func setGuestVCPUs(uuid: String, count: Int, agentTimeout: Int32) async throws(LibvirtError) {
        let operation = "virDomainSetVcpusFlags(\(uuid), \(count), guest)"
        try await perform(operation) { state throws(LibvirtError) in
            try state.withDomain(uuid, operation) { domain throws(LibvirtError) in
                try state.boundAgentWait(domain, seconds: agentTimeout, uuid: uuid)
                if virDomainSetVcpusFlags(domain, UInt32(clamping: count), UInt32(VIR_DOMAIN_VCPU_GUEST.rawValue)) < 0 {
                    throw state.failure(operation)
                }
            }
        }
    }

    /// Sets any of `cpu_shares`, `vcpu_quota`, `vcpu_period` (live) in one call.
    public func setScheduler(uuid: String, _ parameters: SchedulerParameters) async throws(LibvirtError) {
        let operation = "virDomainSetSchedulerParametersFlags(\(uuid), \(parameters.logText), live)"
        try await perform(operation) { state throws(LibvirtError) in
            var entries: [(String, TypedValue)] = []
            if let shares = parameters.cpuShares { entries.append(("cpu_shares", .ullong(shares))) }
            if let period = parameters.vcpuPeriod { entries.append(("vcpu_period", .ullong(period))) }
            if let quota = parameters.vcpuQuota { entries.append(("vcpu_quota", .llong(quota))) }
            let list = try TypedParameterList(entries)
            try state.withDomain(uuid, operation) { domain throws(LibvirtError) in
                if virDomainSetSchedulerParametersFlags(domain, list.parameters, list.count,
                                                        UInt32(VIR_DOMAIN_AFFECT_LIVE.rawValue)) < 0 {
                    throw state.failure(operation)
                }
            }
        }
    }
}

/// A domain as listed: identity and state.
public struct DomainSummary: Sendable, Hashable {
    public var uuid: String
    public var name: String
    /// -1 when not running.
    public var id: Int
    public var state: VMRunState
}

extension SchedulerParameters {
    var logText: String {
        [cpuShares.map { "cpu_shares=\($0)" }, vcpuPeriod.map { "vcpu_period=\($0)" },
         vcpuQuota.map { "vcpu_quota=\($0)" }].compactMap { $0 }.joined(separator: " ")
    }
}
