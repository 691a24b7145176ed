import CLibvirt

/// A libvirt call that failed: libvirt's error code and domain (subsystem), its
/// message, the operation Ballast was doing, and what to do next. Captured on
/// the libvirt thread right after the failing call (libvirt keeps the last
/// error per thread), so the message always belongs to this failure.
public struct LibvirtError: Error, Sendable, Hashable, CustomStringConvertible {
    /// libvirt `virErrorNumber` (e.g. 42 = VIR_ERR_NO_DOMAIN); 0 when libvirt gave none.
    public var code: Int32
    /// libvirt `virErrorDomain`, the subsystem that raised it.
    public var domain: Int32
    public var message: String
    /// What Ballast was doing, e.g. "virDomainSetMemoryFlags(vm1, 256 MiB, live)".
    public var operation: String
    /// What the operator can do about it.
    public var hint: String
    /// Whether the connection to libvirtd is gone (reconnect needed).
    public var connectionLost: Bool

    public init(code: Int32, domain: Int32, message: String, operation: String, hint: String,
                connectionLost: Bool = false) {
        self.code = code
        self.domain = domain
        self.message = message
        self.operation = operation
        self.hint = hint
        self.connectionLost = connectionLost
    }

    public var description: String {
        "\(operation) failed: \(message) (libvirt error \(code), domain \(domain)); \(hint)"
    }

    /// Whether libvirt said the domain does not exist (stopped, undefined or migrated away).
    public var isNoDomain: Bool { code == Int32(VIR_ERR_NO_DOMAIN.rawValue) }

    /// Not connected (never connected, or the connection was dropped).
    static func notConnected(uri: String, operation: String) -> LibvirtError {
        LibvirtError(code: Int32(VIR_ERR_NO_CONNECT.rawValue), domain: 0,
                     message: "no open connection to \(uri)", operation: operation,
                     hint: "connect first; Ballast reconnects by itself at the next sample", connectionLost: true)
    }

    /// The libvirt thread has been shut down (only when the connection is released).
    static func workerStopped(operation: String) -> LibvirtError {
        LibvirtError(code: 0, domain: 0, message: "the libvirt connection was closed", operation: operation,
                     hint: "create a new LibvirtConnection")
    }

    /// Reads and clears this thread's last libvirt error. Call only on the
    /// libvirt thread, immediately after the call that failed.
    static func capture(operation: String, connection: OpaquePointer?) -> LibvirtError {
        var code: Int32 = 0
        var domain: Int32 = 0
        var message = "libvirt reported failure but left no error detail"
        if let error = virGetLastError() {
            code = error.pointee.code
            domain = error.pointee.domain
            if let text = error.pointee.message { message = String(cString: text) }
        }
        virResetLastError()
        let lost = connection.map { virConnectIsAlive($0) != 1 } ?? false
        return LibvirtError(code: code, domain: domain, message: message, operation: operation,
                            hint: hint(code: code, connectionLost: lost), connectionLost: lost)
    }

    static func hint(code: Int32, connectionLost: Bool) -> String {
        if connectionLost {
            return "the connection to libvirtd is gone; check that libvirtd runs (Ballast retries with back-off)"
        }
        switch UInt32(bitPattern: code) {
        case VIR_ERR_NO_DOMAIN.rawValue:
            return "the domain no longer exists here (stopped, undefined or migrated); it is dropped at the next sample"
        case VIR_ERR_OPERATION_INVALID.rawValue:
            return "the domain is not in a state that allows this (not running?); it is retried at a later tick"
        case VIR_ERR_NO_SUPPORT.rawValue, VIR_ERR_ARGUMENT_UNSUPPORTED.rawValue:
            return "this hypervisor driver does not support the call; Ballast cannot turn this knob on this host"
        case VIR_ERR_INVALID_ARG.rawValue:
            return "the value is outside what the domain allows; check its XML (<memory>, <vcpu>, cputune)"
        case VIR_ERR_OPERATION_DENIED.rawValue, VIR_ERR_AUTH_FAILED.rawValue, VIR_ERR_AUTH_UNAVAILABLE.rawValue:
            return "permission denied; run Ballast as root or as a user allowed to manage the domains"
        case VIR_ERR_NO_CONNECT.rawValue, VIR_ERR_SYSTEM_ERROR.rawValue, VIR_ERR_RPC.rawValue:
            return "cannot reach libvirtd; check that it runs and that the URI is right (e.g. qemu:///system)"
        case VIR_ERR_AGENT_UNRESPONSIVE.rawValue:
            return "the QEMU guest agent in this guest is not running or did not answer in time; "
                + "install and enable qemu-guest-agent in the guest (the domain needs an org.qemu.guest_agent.0 channel)"
        case VIR_ERR_OPERATION_TIMEOUT.rawValue:
            return "the hypervisor did not answer in time; it is retried at a later tick"
        default:
            return "see libvirtd's log for details"
        }
    }
}
