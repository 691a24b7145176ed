import CLibvirt

/// The libvirt connection handle and helpers, owned by the libvirt thread
/// (`LibvirtConnection` hands it to each job on its one-thread pool, never elsewhere).
final class ConnectionState {
    let uri: String
    /// Opens with `virConnectOpenReadOnly`: enough to read, refused every change.
    let readOnly: Bool
    private(set) var connection: OpaquePointer?
    /// Where this connection's event callbacks deliver; nil: no subscriptions.
    let relay: LibvirtEventRelay?
    /// The open connection's domain event callback ids and whether its close callback is set.
    var subscriptions = EventSubscriptions()

    init(uri: String, readOnly: Bool = false, relay: LibvirtEventRelay? = nil) {
        self.uri = uri
        self.readOnly = readOnly
        self.relay = relay
    }

    deinit {
        close()
    }

    func open() throws(LibvirtError) {
        if let connection, virConnectIsAlive(connection) == 1 { return }
        close()
        ballast_silence_default_error_printer()
        guard let opened = readOnly ? virConnectOpenReadOnly(uri) : virConnectOpen(uri) else {
            let call = readOnly ? "virConnectOpenReadOnly" : "virConnectOpen"
            var error = LibvirtError.capture(operation: "\(call)(\(uri))", connection: nil)
            error.connectionLost = true
            error.hint = "cannot connect to \(uri); check that libvirtd runs and the URI is right (Ballast retries with back-off)"
            throw error
        }
        ballast_silence_connection_error_printer(opened)
        connection = opened
        if let relay { subscribe(opened, relay) }
    }

    func close() {
        if let connection {
            unsubscribe(connection)
            virConnectClose(connection)
        }
        connection = nil
    }

    /// The open connection, or a "not connected" error naming `operation`.
    func require(_ operation: String) throws(LibvirtError) -> OpaquePointer {
        guard let connection else { throw .notConnected(uri: uri, operation: operation) }
        return connection
    }

    /// The error of the call that just failed on this thread. When libvirtd is
    /// gone, the connection is closed so that the next sample reconnects.
    func failure(_ operation: String) -> LibvirtError {
        let error = LibvirtError.capture(operation: operation, connection: connection)
        if error.connectionLost { close() }
        return error
    }

    /// Bounds how long libvirt waits for the domain's guest agent, before an agent call.
    /// libvirt's default is to block until the agent answers (the initial `guest-sync`
    /// gives up after 5 s, the command itself never), and every call of this connection
    /// waits behind it on this one thread. Drivers without the call (e.g. the test driver,
    /// which has no agent either) are let through: their agent calls fail at once.
    func boundAgentWait(_ domain: OpaquePointer, seconds: Int32, uuid: String) throws(LibvirtError) {
        guard virDomainAgentSetResponseTimeout(domain, seconds, 0) < 0 else { return }
        let error = failure("virDomainAgentSetResponseTimeout(\(uuid), \(seconds) s)")
        if error.code == Int32(VIR_ERR_NO_SUPPORT.rawValue) { return }
        throw error
    }

    /// Runs `body` with the domain of `uuid` looked up on this connection and freed afterwards.
    func withDomain<T>(_ uuid: String, _ operation: String,
                       _ body: (OpaquePointer) throws(LibvirtError) -> T) throws(LibvirtError) -> T {
        let connection = try require(operation)
        guard let domain = virDomainLookupByUUIDString(connection, uuid) else {
            throw failure("\(operation): virDomainLookupByUUIDString(\(uuid))")
        }
        defer { virDomainFree(domain) }
        return try body(domain)
    }
}
