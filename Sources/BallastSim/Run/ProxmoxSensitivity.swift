/// Proxmox's result depends on two operator settings more than on its rules
/// (the balloon minimum per VM and the host target), so the comparison reports
/// the Proxmox baseline under each of `ProxmoxSettings.sensitivityGrid` and
/// names the best row: the one a goal against "the best peer" uses.
public enum ProxmoxSensitivity {
    /// Proxmox's scores under one setting.
    public struct Row: Sendable {
        public var settings: ProxmoxSettings
        public var card: Scorecard
    }

    /// Runs only the Proxmox policy once per setting, everything else as `options`.
    public static func run(traces: [VMTrace], options: ComparisonOptions,
                           grid: [ProxmoxSettings] = ProxmoxSettings.sensitivityGrid) async -> [Row] {
        var rows: [Row] = []
        for settings in grid {
            var rowOptions = options
            rowOptions.policies = [.proxmox]
            rowOptions.proxmox = settings
            rowOptions.keepSeries = false
            let outcome = await Comparison.run(traces: traces, options: rowOptions)
            if let result = outcome.policies.first {
                rows.append(Row(settings: settings, card: result.card))
            }
        }
        return rows
    }

    /// The row with the lowest memory shortfall (Proxmox manages memory only);
    /// ties go to the lower CPU shortfall, then to the earlier row.
    public static func best(_ rows: [Row]) -> Row? {
        rows.min { left, right in
            if left.card.memoryShortfall != right.card.memoryShortfall {
                return left.card.memoryShortfall < right.card.memoryShortfall
            }
            return left.card.cpuShortfall < right.card.cpuShortfall
        }
    }
}
