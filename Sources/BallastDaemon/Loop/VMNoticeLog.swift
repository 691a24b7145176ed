import BallastCore
import Logging
import Synchronization

/// Logs, once per VM and condition, why a VM is not fully balanced: a guest
/// that reports no balloon statistics (its memory is left alone), a guest that
/// deflated its balloon by itself (it ran out of memory before Ballast grew it), and
/// the notes the backend made while sampling it (an unreadable cgroup file, say). A
/// condition is logged again only after it cleared or the VM went away, so the
/// log says each thing once instead of every tick.
public final class VMNoticeLog: TickObserver {
    private let logger: Logger
    private let logged = Mutex<[VMID: Set<String>]>([:])

    public init(logger: Logger) {
        self.logger = logger
    }

    static let noBalloon = "memory left alone: the guest reports no balloon statistics (virtio balloon driver not loaded, or stats period not set)"

    static let selfDeflated = "deflated its balloon by itself (deflate-on-OOM): the guest ran out of memory before Ballast "
        + "grew it; its memory estimate is raised at once (signal memory.self_deflate) and its balloon is not shrunk back"

    public func tickCompleted(_ report: TickReport, seconds: Double, late: Bool) async {
        var current: [VMID: (name: String, notices: Set<String>)] = [:]
        for vm in report.snapshot.vms {
            var notices = Set<String>()
            if !vm.hasBalloonStats { notices.insert(Self.noBalloon) }
            if vm.estimate.signals.contains(where: { $0.name == SignalName.memorySelfDeflate }) {
                notices.insert(Self.selfDeflated)
            }
            current[vm.id] = (vm.name, notices)
        }
        for vm in report.unbalanced {
            current[vm.id, default: (vm.name, [])].notices.formUnion(vm.sampleNotes)
        }
        let fresh = logged.withLock { logged -> [(VMID, String, String)] in
            var fresh: [(VMID, String, String)] = []
            var next: [VMID: Set<String>] = [:]
            for (id, entry) in current {
                let before = logged[id] ?? []
                for notice in entry.notices.subtracting(before).sorted() { fresh.append((id, entry.name, notice)) }
                next[id] = entry.notices
            }
            logged = next
            return fresh
        }
        for (id, name, notice) in fresh {
            logger.notice("\(name): \(notice)", metadata: ["domain": "\(name)", "uuid": "\(id.uuid)"])
        }
    }

    public func tickFailed(_ error: any Error) async {}
}
