/// The numbers behind "fair share: 3.1 GiB for demand 3.5 GiB, host memory 132%
/// committed": what a VM short of its target got, per resource, and how
/// committed the host was. Formatted only when the reason is read.
struct FairShareShortfall: Sendable {
    /// Memory share and target, when memory is short.
    var memory: (share: UInt64, target: UInt64)?
    /// CPU share and target (millicores), when CPU is short.
    var cpu: (share: Int, target: Int)?
    var memoryCommitted: Double = 0
    var cpuCommitted: Double = 0

    var text: String {
        var text = "fair share: "
        text.reserveCapacity(96)
        if let memory {
            ReasonText.appendBytes(memory.share, to: &text)
            text += " for demand "
            ReasonText.appendBytes(memory.target, to: &text)
            text += ", host memory "
            text += ReasonText.percent(memoryCommitted)
            text += " committed"
        }
        if let cpu {
            if memory != nil { text += "; " }
            ReasonText.appendCores(cpu.share, to: &text)
            text += " for demand "
            ReasonText.appendCores(cpu.target, to: &text)
            text += ", host CPU "
            text += ReasonText.percent(cpuCommitted)
            text += " committed"
        }
        return text
    }
}
