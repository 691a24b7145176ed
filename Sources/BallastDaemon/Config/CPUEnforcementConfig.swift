import BallastCore

extension ConfigLoader {
    /// `[allocator] cpu_enforcement` (docs/configuration.md): `"weight"` unless `[host]
    /// guest_cpu_millicores` caps the guests' total CPU, which only quotas enforce: then
    /// `"quota"`, and an explicit `"weight"` beside it is refused rather than left to
    /// break the cap.
    static func readCPUEnforcement(_ allocator: TableReader?, into settings: inout BalancerSettings) {
        let guestsCapped = settings.guestCapacityLimit.map { $0.cpu != Int.max } ?? false
        settings.allocator.cpuEnforcement = guestsCapped ? .quota : .weight
        guard let allocator, let text = allocator.string("cpu_enforcement") else { return }
        guard let mode = CPUEnforcement(rawValue: text) else {
            allocator.report("cpu_enforcement", "must be \"weight\" or \"quota\", found \"\(text)\"")
            return
        }
        if mode == .weight && guestsCapped {
            allocator.report("cpu_enforcement", "\"weight\" cannot keep the guests under [host] guest_cpu_millicores "
                + "(only quotas cap their total CPU): use \"quota\", or remove guest_cpu_millicores")
            return
        }
        settings.allocator.cpuEnforcement = mode
    }
}
