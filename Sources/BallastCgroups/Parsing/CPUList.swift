/// Parser for the kernel's CPU list format (`/sys/devices/system/cpu/online`,
/// `cpuset.cpus`): comma-separated CPU numbers and inclusive ranges, "0-3,8,10-11".
public enum CPUList {
    /// More CPUs than any kernel supports (CONFIG_NR_CPUS is at most 8192): such a list is garbage.
    public static let maximumCPUs = 1 << 20

    /// The number of CPUs the list names.
    public static func count(_ text: String, file: String) throws(ParseError) -> Int {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw ParseError(file: file, detail: "empty CPU list") }
        var total = 0
        for part in trimmed.split(separator: ",") {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            let count: Int
            if bounds.count == 1, let cpu = Int(bounds[0]), cpu >= 0 {
                count = 1
            } else if bounds.count == 2, let low = Int(bounds[0]), let high = Int(bounds[1]), 0 <= low, low <= high {
                guard high - low < maximumCPUs else {
                    throw ParseError(file: file, detail: "'\(part)' names more than \(maximumCPUs) CPUs")
                }
                count = high - low + 1
            } else {
                throw ParseError(file: file, detail: "'\(part)' is not a CPU number or range like 0-3")
            }
            guard count <= maximumCPUs - total else {
                throw ParseError(file: file, detail: "'\(trimmed)' names more than \(maximumCPUs) CPUs")
            }
            total += count
        }
        guard total > 0 else { throw ParseError(file: file, detail: "'\(trimmed)' names no CPU") }
        return total
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
