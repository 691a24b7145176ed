/// The two operator settings that decide Proxmox's result, not its rules: the
/// per-VM balloon minimum (`balloon:` in the VM config, here a fraction of the
/// configured memory for every VM) and the node's `ballooning-target` (% of
/// host memory auto-ballooning steers towards; 80 by default).
public struct ProxmoxSettings: Sendable, Hashable {
    /// Balloon minimum / configured memory, per VM. 0 disables ballooning
    /// (Proxmox skips a VM whose `balloon` is not set).
    public var minimumFraction: Double
    /// Host memory use auto-ballooning aims at, a fraction (0.80 = 80 %).
    public var targetUsage: Double

    public init(minimumFraction: Double = 0.10, targetUsage: Double = 0.80) {
        self.minimumFraction = minimumFraction
        self.targetUsage = targetUsage
    }

    /// The sensitivity grid `simulate --proxmox-sensitivity` reports:
    /// minimum 10/25/50 % × target 80/90 %.
    public static let sensitivityGrid: [ProxmoxSettings] = [0.10, 0.25, 0.50].flatMap { minimum in
        [0.80, 0.90].map { ProxmoxSettings(minimumFraction: minimum, targetUsage: $0) }
    }

    /// `min 10 % / target 80 %`.
    public var label: String {
        "min \(Int((minimumFraction * 100).rounded())) % / target \(Int((targetUsage * 100).rounded())) %"
    }
}
