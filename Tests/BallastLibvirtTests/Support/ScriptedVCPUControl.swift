import Synchronization
@testable import BallastLibvirt

/// A `VCPUControl` that records each call and fails the ones it was told to, with the
/// errors libvirt 9.0 gives (messages as measured in docs/real-guests.md).
final class ScriptedVCPUControl: VCPUControl {
    enum Call: Hashable, CustomStringConvertible {
        case guest(Int)
        case acpi(Int)
        var description: String {
            switch self {
            case .guest(let count): "guest(\(count))"
            case .acpi(let count): "acpi(\(count))"
            }
        }
    }

    private let guestError: LibvirtError?
    private let acpiError: LibvirtError?
    private let log = Mutex<[Call]>([])

    init(guestError: LibvirtError? = nil, acpiError: LibvirtError? = nil) {
        self.guestError = guestError
        self.acpiError = acpiError
    }

    var calls: [Call] { log.withLock { $0 } }

    func setGuestVCPUs(uuid: String, count: Int, agentTimeout: Int32) async throws(LibvirtError) {
        log.withLock { $0.append(.guest(count)) }
        if let guestError { throw guestError }
    }

    func setVCPUs(uuid: String, count: Int) async throws(LibvirtError) {
        log.withLock { $0.append(.acpi(count)) }
        if let acpiError { throw acpiError }
    }

    static let agentNotConnected = LibvirtError(
        code: 86, domain: 10, message: "Guest agent is not responding: QEMU guest agent is not connected",
        operation: "virDomainSetVcpusFlags(vm, 1, guest)", hint: "install qemu-guest-agent")
    static let unplugTimeout = LibvirtError(
        code: 68, domain: 10, message: "operation timed out: vcpu unplug request timed out",
        operation: "virDomainSetVcpusFlags(vm, 1, live)", hint: "retried later")
    static let connectionGone = LibvirtError(
        code: 38, domain: 7, message: "Cannot write data: Broken pipe",
        operation: "virDomainSetVcpusFlags(vm, 1, guest)", hint: "reconnect", connectionLost: true)
}
