import BallastCore

/// The devices of a domain that decide what Ballast can do to it, beyond the balloon's
/// model: the balloon's statistics period, deflate-on-OOM and free page reporting, the
/// QEMU guest agent channel, and passthrough devices. `ballast doctor` reports on them.
public struct DomainDevices: Sendable, Hashable {
    /// `<memballoon><stats period='N'/>`: seconds between the guest's reports; nil when absent.
    public var balloonStatsPeriod: Int?
    /// `<memballoon autodeflate='on'>`: the guest deflates the balloon before its OOM killer runs.
    public var balloonAutodeflate: Bool
    /// `<memballoon freePageReporting='on'>`: pages the guest frees go back to the host.
    public var balloonFreePageReporting: Bool
    /// A `<channel>` whose target is the virtio port `org.qemu.guest_agent.0`.
    public var guestAgentChannel: Bool
    /// The channel target's `state` in the live XML: "connected" while an agent listens
    /// in the guest, "disconnected" otherwise; nil where libvirt does not say (inactive XML).
    public var guestAgentState: String?
    /// Each `<hostdev>` as "type address", e.g. "pci 0000:01:00.0": memory pinned for DMA.
    public var hostDevices: [String]

    public static let guestAgentPort = "org.qemu.guest_agent.0"

    public init(balloonStatsPeriod: Int? = nil, balloonAutodeflate: Bool = false, balloonFreePageReporting: Bool = false,
                guestAgentChannel: Bool = false, guestAgentState: String? = nil, hostDevices: [String] = []) {
        self.balloonStatsPeriod = balloonStatsPeriod
        self.balloonAutodeflate = balloonAutodeflate
        self.balloonFreePageReporting = balloonFreePageReporting
        self.guestAgentChannel = guestAgentChannel
        self.guestAgentState = guestAgentState
        self.hostDevices = hostDevices
    }
}

extension DomainDevices {
    /// Reads the `<devices>` element; problems become warnings (the field keeps its default).
    static func parse(_ devices: XMLTree, warn: (String) -> Void) -> DomainDevices {
        var result = DomainDevices()
        if let balloon = devices.child("memballoon") {
            result.balloonAutodeflate = balloon.attribute("autodeflate") == "on"
            result.balloonFreePageReporting = balloon.attribute("freePageReporting") == "on"
            if let period = balloon.child("stats")?.attribute("period") {
                if let seconds = Int(period.trimmedWhitespace), seconds >= 0 {
                    result.balloonStatsPeriod = seconds
                } else {
                    warn("<memballoon><stats period='\(period)'> is not a whole number of seconds; ignored")
                }
            }
        }
        let agentTarget = devices.children.lazy.filter { $0.localName == "channel" }.compactMap { $0.child("target") }
            .first { $0.attribute("type") == "virtio" && $0.attribute("name") == guestAgentPort }
        result.guestAgentChannel = agentTarget != nil
        result.guestAgentState = agentTarget?.attribute("state")
        result.hostDevices = devices.children.filter { $0.localName == "hostdev" }.map(describeHostDevice)
        return result
    }

    /// "pci 0000:01:00.0", "usb 046d:c52b" or the type alone when the source has no address.
    private static func describeHostDevice(_ hostdev: XMLTree) -> String {
        let type = hostdev.attribute("type") ?? "unknown"
        guard let source = hostdev.child("source") else { return type }
        if let address = source.child("address"), let bus = address.attribute("bus"), let slot = address.attribute("slot") {
            let parts = [address.attribute("domain") ?? "0x0000", bus, slot, address.attribute("function") ?? "0x0"]
                .map(\.withoutHexPrefix)
            return "\(type) \(parts[0]):\(parts[1]):\(parts[2]).\(parts[3])"
        }
        if let vendor = source.child("vendor")?.attribute("id"), let product = source.child("product")?.attribute("id") {
            return "\(type) \(vendor.withoutHexPrefix):\(product.withoutHexPrefix)"
        }
        return type
    }
}

private extension String {
    /// "0x01" -> "01", as lspci and lsusb print addresses and ids.
    var withoutHexPrefix: String { hasPrefix("0x") ? String(dropFirst(2)) : self }
}
