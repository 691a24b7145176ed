import Foundation

/// Finds other `ballast run` daemons on this machine that balance real guests (any
/// backend but the simulator). Two balancers on one libvirtd fight over the same
/// balloons, so a measurement taken while another one runs says nothing about either:
/// every real-guest suite refuses to start beside one.
public enum OtherBalancers {
    /// "pid: command line" of every such process except `excluding`.
    public static func running(excluding: Int32) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> String? in
            guard let pid = Int32(entry), pid != excluding,
                  let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard let program = arguments.first, program.hasSuffix("ballast"), arguments.dropFirst().first == "run",
                  !arguments.contains("sim") else { return nil }
            return "\(pid): \(arguments.joined(separator: " "))"
        }
    }
}
